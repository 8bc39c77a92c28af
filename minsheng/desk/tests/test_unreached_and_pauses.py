"""The desk's side of 联系不上 (the agent's form, the count on the ticket, 回访重拨) and of pauses
that need approval (待审暂停, the pending request on the ticket, why 暂停计时 is missing)."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from conftest import at
from minsheng.desk import worklists
from minsheng.tickets import workflow
from minsheng.tickets.models import Ticket

MONDAY = at(2026, 3, 2, 9, 0)


@pytest.fixture
def replied(make_ticket: Any, dispatcher: Any, street_handler: Any, city: Any) -> Ticket:
    with time_machine.travel(MONDAY, tick=False):
        ticket = make_ticket()
        workflow.dispatch(ticket, to=city["gudong"], by=dispatcher)
        workflow.accept(ticket, by=street_handler)
        workflow.reply(ticket, by=street_handler, text="已协调。")
    return ticket


def test_the_agent_records_an_unreached_call_and_the_ticket_moves_to_the_retry_list(
    client: Any, replied: Ticket, agent: Any
) -> None:
    client.force_login(agent)
    with time_machine.travel(MONDAY + timedelta(days=2), tick=False):
        assert [t.number for t in worklists.tickets("visits", agent)] == [replied.number]
        page = client.get(replied.get_absolute_url()).content.decode()
        assert 'id="action-visit_unreached"' in page
        url = reverse("desk:act", args=[replied.number, "visit_unreached"])
        response = client.post(url, {"note": "无人接听"})
        assert response.status_code == 302
        assert [t.number for t in worklists.tickets("visits", agent)] == []
        assert [t.number for t in worklists.tickets("retries", agent)] == [replied.number]
        page = client.get(replied.get_absolute_url()).content.decode()
        assert "回访联系不上 1 次" in page
        assert "第 1 次联系不上" in page  # on the timeline
        listed = client.get(reverse("desk:worklist", args=["retries"])).content.decode()
        assert replied.number in listed
        assert "已联系不上 1 次" in listed
        visits = client.get(reverse("feedback:visits")).content.decode()
        assert "1 次" in visits
        counts = worklists.counts(agent, worklists.available(agent))
        assert (counts["visits"], counts["retries"]) == (0, 1)
    with time_machine.travel(MONDAY + timedelta(days=2, hours=3), tick=False):
        listed = client.get(reverse("desk:worklist", args=["retries"])).content.decode()
        assert "可以再拨" in listed


def test_the_handler_asks_the_centre_approves_from_its_list(
    client: Any,
    make_ticket: Any,
    catalogue: Any,
    dispatcher: Any,
    street_handler: Any,
    city: Any,
) -> None:
    ticket = make_ticket(category=catalogue["policy"], request_type="consult")
    workflow.dispatch(ticket, to=city["gudong"], by=dispatcher)
    workflow.accept(ticket, by=street_handler)
    client.force_login(street_handler)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert 'id="action-request_pause"' in page
    assert 'id="action-pause"' not in page
    assert "暂停计时暂不可用" not in page  # the request is offered in its place
    url = reverse("desk:act", args=[ticket.number, "request_pause"])
    client.post(url, {"reason": "等待群众补充产权证明。"})
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "暂停计时待审批：等待群众补充产权证明。" in page
    assert "暂停计时暂不可用：已于" in page
    assert "等待热线中心审批" in page

    client.force_login(dispatcher)
    listed = client.get(reverse("desk:worklist", args=["pauses"])).content.decode()
    assert ticket.number in listed
    assert "批准暂停计时" in listed
    response = client.post(
        reverse("desk:bulk", args=["pauses"]),
        {"action": "approve_pause", "tickets": [ticket.number], "note": ""},
    )
    assert response.status_code == 200
    assert "批准暂停计时完成" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.paused_since is not None
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "暂停计时中：等待群众补充产权证明。" in page
    assert [t.number for t in worklists.tickets("pauses", dispatcher)] == []
