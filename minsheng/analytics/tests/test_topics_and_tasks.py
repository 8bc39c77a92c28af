"""每月一题 adoption and progress; 未诉先办 tasks filed once from a hotspot."""

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from minsheng.analytics.models import Hotspot, HotspotTicket, MonthlyTopic, ProactiveTask
from minsheng.tickets.models import Channel, Ticket

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def candidate(streets_with_tickets: Any, city: dict[str, Any]) -> Hotspot:
    """The cluster of the fixture, recorded as a recurring problem of 鼓楼区."""
    cluster = Hotspot.objects.get(kind="cluster")
    spot = Hotspot.objects.create(
        key="recurring:CG-NOISE:350102",
        kind=Hotspot.Kind.RECURRING,
        title="鼓楼区噪音扰民问题反复出现",
        category=cluster.category,
        area=city["gulou"],
        first_at=cluster.first_at,
        last_at=cluster.last_at,
        size=cluster.size,
        months=2,
        score=3.0,
        detected_at=cluster.detected_at,
    )
    for member in cluster.members.all():
        HotspotTicket.objects.create(hotspot=spot, ticket=member.ticket)
    return spot


def test_the_topics_page_ranks_recurring_problems(candidate: Hotspot, street_handler: Any):
    page = _client(street_handler).get(reverse("analytics:topics")).content.decode()
    assert "鼓楼区噪音扰民问题反复出现" in page
    assert "定为本月题目" not in page  # a street reads, it does not adopt


def test_a_supervisor_adopts_a_candidate_as_the_months_topic_with_its_tickets(
    candidate: Hotspot, supervisor: Any, city: dict[str, Any], streets_with_tickets: Any
):
    client = _client(supervisor)
    form = client.get(reverse("analytics:adopt"), {"source": candidate.key})
    assert form.context["form"].initial["title"] == candidate.title
    response = client.post(
        reverse("analytics:adopt"),
        {
            "month": "2026-05",
            "title": "整治夜间施工噪音",
            "description": "鼓楼区夜间施工噪音投诉反复出现。",
            "owners": [city["gudong"].pk, city["gulou"].pk],
            "source": candidate.key,
        },
    )
    assert response.status_code == 302
    topic = MonthlyTopic.objects.get()
    assert topic.month == date(2026, 5, 1)
    assert topic.source_key == candidate.key
    assert topic.ticket_numbers == sorted(t.number for t in streets_with_tickets["gudong"])
    assert set(topic.owners.all()) == {city["gudong"], city["gulou"]}
    assert topic.adopted_by == supervisor


def test_actions_record_progress_and_bad_progress_is_refused_in_chinese(
    candidate: Hotspot, supervisor: Any, street_handler: Any, city: dict[str, Any]
):
    client = _client(supervisor)
    client.post(
        reverse("analytics:adopt"),
        {"month": "2026-05", "title": "整治夜间施工噪音", "owners": [city["gudong"].pk]},
    )
    add = reverse("analytics:add_action", args=["2026-05"])
    client.post(add, {"title": "夜间巡查工地", "owner": city["gudong"].pk, "progress": 40})
    topic = MonthlyTopic.objects.get()
    action = topic.actions.get()
    assert (action.title, action.owner, action.progress) == ("夜间巡查工地", city["gudong"], 40)
    update = reverse("analytics:save_action", args=["2026-05", action.pk])
    client.post(update, {"title": action.title, "progress": 100, "note": "已完成三次巡查"})
    action.refresh_from_db()
    assert (action.progress, action.note) == (100, "已完成三次巡查")
    assert topic.progress == 100
    bad = client.post(update, {"title": action.title, "progress": 150}, follow=True)
    assert "进度应在 0 到 100 之间。" in bad.content.decode()
    page = _client(street_handler).get(reverse("analytics:topic", args=["2026-05"]))
    assert "夜间巡查工地" in page.content.decode()
    assert page.context["form"] is None
    assert _client(street_handler).post(add, {"title": "x", "progress": 1}).status_code == 403
    assert client.get(reverse("analytics:topic", args=["2026-99"])).status_code == 404


def test_adopting_without_a_title_or_owner_shows_chinese_errors(supervisor: Any, city: Any):
    response = _client(supervisor).post(reverse("analytics:adopt"), {"month": "五月"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "月份格式应为 2026-05。" in html
    assert "请填写题目。" in html
    assert "请至少选择一个责任单位。" in html
    assert MonthlyTopic.objects.count() == 0


def test_a_hotspot_becomes_one_proactive_ticket_however_often_it_is_clicked(
    streets_with_tickets: Any, supervisor: Any, city: dict[str, Any]
):
    spot = Hotspot.objects.get(kind="cluster")
    client = _client(supervisor)
    url = reverse("analytics:proactive", args=[spot.key])
    assert "确定发起" in client.get(url).content.decode()
    before = Ticket.objects.count()
    first = client.post(url)
    second = client.post(url, follow=True)
    assert Ticket.objects.count() == before + 1
    task = ProactiveTask.objects.get()
    ticket = task.ticket
    assert first["Location"] == reverse("ticket", args=[ticket.number])
    assert "该热点已发起过未诉先办工单" in second.content.decode()
    assert ticket.channel == getattr(Channel, "PROACTIVE", Channel.GRID)
    assert (ticket.category, ticket.place) == (spot.category, city["dongjie"])
    assert "未诉先办" in ticket.description
    assert all(t.number in ticket.description for t in streets_with_tickets["gudong"])
    receive = ticket.events.get(action="receive")
    assert (receive.actor, receive.actor_label) == (supervisor, "赵督办")
    assert ticket.channel == "proactive"
    assert task.created_by == supervisor


def test_a_street_handler_may_not_file_proactive_tasks(
    streets_with_tickets: Any, street_handler: Any
):
    spot = Hotspot.objects.get(kind="cluster")
    response = _client(street_handler).post(reverse("analytics:proactive", args=[spot.key]))
    assert response.status_code == 403
    assert ProactiveTask.objects.count() == 0


def test_proactive_tickets_do_not_feed_the_hotspots_again(
    streets_with_tickets: Any, supervisor: Any
):
    from minsheng.analytics.refresh import create_proactive_task, refresh_all

    spot = Hotspot.objects.get(kind="cluster")
    ticket, created = create_proactive_task(spot, by=supervisor)
    assert created
    refresh_all()
    again = Hotspot.objects.get(kind="cluster")
    assert ticket.pk not in set(again.members.values_list("ticket_id", flat=True))
    assert create_proactive_task(again, by=supervisor) == (ticket, False)
