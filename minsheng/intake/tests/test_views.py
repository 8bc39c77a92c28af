"""The agent's intake form: one call becomes one ticket, bad input writes nothing."""

from typing import Any

import pytest
from django.urls import reverse

from minsheng.citizens.models import Resident
from minsheng.tickets.models import Status, Ticket, TicketEvent


@pytest.fixture
def form_data(catalogue: dict[str, Any], city: dict[str, Any]) -> dict[str, Any]:
    return {
        "phone": "139-0591-2345",
        "name": "林女士",
        "request_type": "complaint",
        "category": catalogue["noise"].pk,
        "urgency": "normal",
        "title": "广场舞音响太吵",
        "description": "每晚八点到十点小区广场舞音响声音很大。",
        "address": "鼓楼区东街12号",
        "place": city["gudong"].pk,
        "lat": "26.0875",
        "lon": "119.3030",
    }


def _post(client: Any, user: Any, data: dict[str, Any]) -> Any:
    client.force_login(user)
    return client.post(reverse("intake:new"), data)


def test_agent_opens_the_intake_form_with_the_catalogue_grouped(
    client: Any, agent: Any, catalogue: dict[str, Any], city: dict[str, Any]
) -> None:
    client.force_login(agent)
    html = client.get(reverse("intake:new")).content.decode()
    assert '<optgroup label="城市管理">' in html
    assert "噪音扰民" in html
    assert '<optgroup label="鼓楼区">' in html
    assert f'hx-get="{reverse("intake:history")}"' in html
    assert 'hx-trigger="keyup changed delay:400ms' in html


def test_handler_cannot_open_the_intake_form(client: Any, street_handler: Any) -> None:
    client.force_login(street_handler)
    assert client.get(reverse("intake:new")).status_code == 403


def test_supervisor_cannot_submit_a_request(
    client: Any, supervisor: Any, form_data: dict[str, Any]
) -> None:
    assert _post(client, supervisor, form_data).status_code == 403
    assert Ticket.objects.count() == 0


def test_agents_intake_creates_exactly_one_ticket_and_one_event(
    client: Any, agent: Any, form_data: dict[str, Any], city: dict[str, Any]
) -> None:
    response = _post(client, agent, form_data)
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response.url == ticket.get_absolute_url()
    # Received once; no dispatch rule here, so it waits for a dispatcher and says why.
    assert list(TicketEvent.objects.values_list("action", flat=True)) == ["receive", "hold"]
    assert ticket.status == Status.RECEIVED
    assert ticket.resident.phone == "13905912345"
    assert ticket.resident.name == "林女士"
    assert ticket.place == city["gudong"]
    assert ticket.lat == pytest.approx(26.0875)
    assert ticket.created_by == agent
    page = client.get(response.url).content.decode()
    assert f"已受理，工单编号 {ticket.number}" in page


def test_a_known_caller_is_not_stored_twice(
    client: Any, agent: Any, form_data: dict[str, Any], resident: Resident
) -> None:
    _post(client, agent, {**form_data, "phone": "+86 138 1234 5678", "name": ""})
    assert Resident.objects.count() == 1
    assert Ticket.objects.get().resident == resident


def test_dispatcher_may_also_record_a_request(
    client: Any, dispatcher: Any, form_data: dict[str, Any]
) -> None:
    assert _post(client, dispatcher, form_data).status_code == 302
    assert Ticket.objects.count() == 1


def test_a_consultation_answered_on_the_call_is_closed_at_once(
    client: Any, agent: Any, form_data: dict[str, Any], catalogue: dict[str, Any]
) -> None:
    data = {
        **form_data,
        "request_type": "consult",
        "category": catalogue["policy"].pk,
        "answer": "可到区政务服务中心办理。",
    }
    _post(client, agent, data)
    ticket = Ticket.objects.get()
    assert ticket.status == Status.CLOSED
    assert ticket.reply == "可到区政务服务中心办理。"
    assert list(ticket.events.values_list("action", flat=True)) == ["receive", "answer"]


def test_a_consultation_without_an_answer_goes_to_dispatch(
    client: Any, agent: Any, form_data: dict[str, Any], catalogue: dict[str, Any]
) -> None:
    _post(client, agent, {**form_data, "request_type": "consult", "answer": " "})
    assert Ticket.objects.get().status == Status.RECEIVED


def test_an_answer_on_a_complaint_is_refused_and_nothing_is_written(
    client: Any, agent: Any, form_data: dict[str, Any]
) -> None:
    response = _post(client, agent, {**form_data, "answer": "已答复"})
    assert response.status_code == 200
    assert "只有咨询类诉求可以直接答复" in response.content.decode()
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"phone": "", "description": ""}, "请填写来电号码"),
        ({"description": ""}, "请填写诉求内容"),
        ({"description": "噪" * 4001}, "诉求内容不能超过 4000 字"),
        ({"request_type": "xyz"}, "诉求类型不正确"),
        ({"category": "999999"}, "请选择派单目录中的具体小类"),
        ({"category": "abc"}, "请选择派单目录中的具体小类"),
        ({"phone": "abc123"}, "请输入正确的电话号码"),
        ({"phone": "12"}, "请输入正确的电话号码"),
        ({"request_type": "praise"}, "“噪音扰民”不受理表扬类诉求"),
        ({"urgency": "panic"}, "紧急程度不正确"),
        ({"place": "999999"}, "所在区域不正确"),
        ({"lat": "north"}, "纬度须是数字"),
        ({"lon": ""}, "经纬度须同时填写"),
        ({"title": "长" * 101}, "标题不能超过 100 字"),
    ],
)
def test_bad_input_gives_a_chinese_message_and_writes_nothing(
    client: Any, agent: Any, form_data: dict[str, Any], change: dict[str, str], message: str
) -> None:
    response = _post(client, agent, {**form_data, **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Ticket.objects.count() == 0
    assert TicketEvent.objects.count() == 0


def test_an_empty_form_is_answered_with_errors_not_a_crash(client: Any, agent: Any) -> None:
    response = _post(client, agent, {})
    assert response.status_code == 200
    assert "请填写来电号码" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_a_category_group_cannot_be_chosen(
    client: Any, agent: Any, form_data: dict[str, Any], catalogue: dict[str, Any]
) -> None:
    group = catalogue["noise"].parent
    response = _post(client, agent, {**form_data, "category": group.pk})
    assert "请选择派单目录中的具体小类" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_script_in_the_text_is_shown_escaped(
    client: Any, agent: Any, form_data: dict[str, Any]
) -> None:
    script = "<script>alert(1)</script>"
    bad = _post(client, agent, {**form_data, "title": script, "description": ""})
    assert script not in bad.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in bad.content.decode()
    response = _post(client, agent, {**form_data, "title": script})
    page = client.get(response.url).content.decode()
    assert script not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_sql_like_text_is_stored_literally(
    client: Any, agent: Any, form_data: dict[str, Any]
) -> None:
    _post(client, agent, {**form_data, "description": "' OR 1=1 --", "name": "'; DROP TABLE x"})
    ticket = Ticket.objects.get()
    assert ticket.description == "' OR 1=1 --"
    assert ticket.resident.name == "'; DROP TABLE x"


def test_history_lists_the_callers_earlier_tickets(
    client: Any, agent: Any, make_ticket: Any
) -> None:
    ticket = make_ticket()
    client.force_login(agent)
    response = client.get(reverse("intake:history"), {"phone": "138 1234 5678"})
    html = response.content.decode()
    assert response.status_code == 200
    assert ticket.number in html
    assert ticket.get_absolute_url() in html
    assert "status-received" in html
    assert "噪音扰民" in html


def test_history_of_a_new_or_bad_number_is_empty(client: Any, agent: Any, db: Any) -> None:
    client.force_login(agent)
    assert (
        "没有以往的诉求"
        in client.get(reverse("intake:history"), {"phone": "13900000000"}).content.decode()
    )
    assert (
        "输入来电号码后"
        in client.get(reverse("intake:history"), {"phone": "<b>x</b>"}).content.decode()
    )


def test_handler_cannot_read_a_callers_history(client: Any, street_handler: Any) -> None:
    client.force_login(street_handler)
    response = client.get(reverse("intake:history"), {"phone": "13812345678"})
    assert response.status_code == 403


def test_the_form_shows_the_history_again_after_an_error(
    client: Any, agent: Any, make_ticket: Any, form_data: dict[str, Any]
) -> None:
    ticket = make_ticket()
    response = _post(client, agent, {**form_data, "phone": "13812345678", "description": ""})
    assert ticket.number in response.content.decode()


def test_history_reads_a_bounded_number_of_queries(
    client: Any, agent: Any, make_ticket: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(8):
        make_ticket(title=f"第{i}次来电")
    client.force_login(agent)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("intake:history"), {"phone": "13812345678"})
    assert response.content.decode().count("status-received") == 8
