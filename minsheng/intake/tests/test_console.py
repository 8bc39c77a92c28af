"""The agent's console: knowledge search, answering with an article, emergencies."""

from typing import Any

import pytest
from django.urls import reverse

from minsheng.knowledge import authoring
from minsheng.tickets.models import Status, Ticket, Urgency

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(agent: Any, catalogue: dict[str, Any]) -> Any:
    """The centre's answer on where to ask about policies."""
    return authoring.write(
        None,
        title="政策咨询办理地点",
        body="可到区政务服务中心综合窗口咨询办理，工作日 9:00–17:00。",
        keywords="政务服务|办事大厅",
        category=catalogue["policy"],
        by=agent,
    )


@pytest.fixture
def call(catalogue: dict[str, Any], city: dict[str, Any]) -> dict[str, Any]:
    return {
        "phone": "13905912345",
        "name": "林女士",
        "request_type": "complaint",
        "category": catalogue["noise"].pk,
        "urgency": "normal",
        "description": "楼下商铺音响很吵。",
        "place": city["gudong"].pk,
    }


def test_the_console_has_history_knowledge_search_and_the_emergency_box(
    client: Any, agent: Any, catalogue: dict[str, Any]
) -> None:
    client.force_login(agent)
    html = client.get(reverse("intake:new")).content.decode()
    assert f'hx-get="{reverse("intake:history")}"' in html
    assert f'hx-get="{reverse("intake:answers")}"' in html
    assert 'name="kb-q"' in html
    assert 'id="id_emergency"' in html
    assert 'id="id_article"' in html
    for number in ("110", "119", "120"):
        assert f'id="id_referral_{number}"' in html
    assert "请马上拨打 119" in html


def test_knowledge_search_shows_articles_with_the_answer_button(
    client: Any, agent: Any, article: Any, catalogue: dict[str, Any]
) -> None:
    client.force_login(agent)
    html = client.get(reverse("intake:answers"), {"kb-q": "政务服务"}).content.decode()
    assert "政策咨询办理地点" in html
    assert f'data-use-article="{article.pk}"' in html
    assert f'data-category="{catalogue["policy"].pk}"' in html
    assert "以此答复并办结" in html


def test_knowledge_search_by_category_and_with_no_hit(
    client: Any, agent: Any, article: Any, catalogue: dict[str, Any]
) -> None:
    client.force_login(agent)
    by_group = client.get(reverse("intake:answers"), {"kb-category": catalogue["policy"].parent_id})
    assert "政策咨询办理地点" in by_group.content.decode()
    nothing = client.get(reverse("intake:answers"), {"kb-q": "火星移民"}).content.decode()
    assert "知识库中没有找到相关条目" in nothing
    empty = client.get(reverse("intake:answers"), {"kb-q": ""}).content.decode()
    assert "输入关键词" in empty


def test_answering_with_an_article_closes_the_call_and_names_the_article(
    client: Any, agent: Any, article: Any, call: dict[str, Any], catalogue: dict[str, Any]
) -> None:
    client.force_login(agent)
    data = {
        **call,
        "request_type": "consult",
        "category": catalogue["policy"].pk,
        "article": article.pk,
        "answer": article.body,
    }
    response = client.post(reverse("intake:new"), data)
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert ticket.status == Status.CLOSED
    assert ticket.reply.startswith(article.body)
    assert f"（依据知识库第 {article.pk} 条《政策咨询办理地点》答复）" in ticket.reply
    assert list(ticket.events.values_list("action", flat=True)) == ["receive", "answer"]


def test_an_article_with_the_answer_left_blank_answers_with_its_body(
    client: Any, agent: Any, article: Any, call: dict[str, Any], catalogue: dict[str, Any]
) -> None:
    client.force_login(agent)
    data = {**call, "request_type": "consult", "category": catalogue["policy"].pk}
    client.post(reverse("intake:new"), {**data, "article": article.pk})
    assert Ticket.objects.get().reply.startswith("可到区政务服务中心")


def test_an_article_on_a_complaint_or_an_unknown_article_writes_nothing(
    client: Any, agent: Any, article: Any, call: dict[str, Any]
) -> None:
    client.force_login(agent)
    complaint = client.post(reverse("intake:new"), {**call, "article": article.pk})
    assert "只有咨询类诉求可以直接答复" in complaint.content.decode()
    unknown = client.post(reverse("intake:new"), {**call, "article": "999999"})
    assert "知识库条目不存在或已停用" in unknown.content.decode()
    assert Ticket.objects.count() == 0


def test_an_emergency_is_urgent_goes_to_dispatch_and_records_the_referral(
    client: Any, agent: Any, call: dict[str, Any]
) -> None:
    client.force_login(agent)
    data = {**call, "description": "楼道里冒烟，闻到焦味。", "emergency": "on", "referral": "119"}
    response = client.post(reverse("intake:new"), data)
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert ticket.urgency == Urgency.URGENT
    assert ticket.status != Status.CLOSED
    assert "【紧急转警】已告知来电人拨打 119（消防救援）。" in ticket.description


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"referral": ""}, "请选择转警类别"),
        ({"referral": "999"}, "转警类别不正确"),
        (
            {"request_type": "consult", "category": "policy", "answer": "已答复"},
            "紧急转警的诉求须交派单处置",
        ),
    ],
)
def test_an_emergency_without_a_referral_or_closed_on_the_call_is_refused(
    client: Any,
    agent: Any,
    call: dict[str, Any],
    catalogue: dict[str, Any],
    change: dict[str, str],
    message: str,
) -> None:
    client.force_login(agent)
    if change.get("category") == "policy":
        change = {**change, "category": catalogue["policy"].pk}
    data = {**call, "emergency": "on", "referral": "110", **change}
    response = client.post(reverse("intake:new"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize("who", ["street_handler", "street_leader", "water_handler"])
def test_unit_staff_cannot_use_the_console_or_its_knowledge_search(
    client: Any, request: Any, who: str, article: Any
) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("intake:new")).status_code == 403
    assert client.get(reverse("intake:answers"), {"kb-q": "政务"}).status_code == 403
