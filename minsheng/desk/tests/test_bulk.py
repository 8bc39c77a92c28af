"""Bulk actions on a work list: each ticket through the workflow on its own, each reported."""

from datetime import timedelta
from typing import Any

import time_machine
from django.urls import reverse

from conftest import at
from minsheng.notifications.models import Notification
from minsheng.tickets import workflow
from minsheng.tickets.models import ExtensionRequest, Status, Ticket, TicketEvent
from minsheng.tickets.names import Action


def _login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def _bulk(client: Any, key: str, action: str, numbers: list[str], **values: str) -> Any:
    data = {"action": action, "tickets": numbers, **values}
    return client.post(reverse("desk:bulk", args=[key]), data)


def test_several_tickets_are_dispatched_to_one_unit_and_each_outcome_is_shown(
    client: Any, make_ticket: Any, dispatcher: Any, street_handler: Any, city: Any
) -> None:
    first, second, taken = make_ticket(), make_ticket(), make_ticket()
    workflow.dispatch(taken, to=city["guxi"], by=dispatcher)  # moved on meanwhile
    numbers = [first.number, second.number, taken.number, "FZ000"]
    response = _bulk(
        _login(client, dispatcher), "dispatch", "dispatch", numbers, unit=str(city["gudong"].pk)
    )
    assert response.status_code == 200
    html = response.content.decode()
    for ticket in (first, second):
        ticket.refresh_from_db()
        assert ticket.status == Status.DISPATCHED
        assert ticket.unit == city["gudong"]
    taken.refresh_from_db()
    assert taken.unit == city["guxi"]  # untouched: its own refusal, the others done
    assert "完成 2 张，未完成 2 张" in html
    assert "不能派单" in html
    assert "找不到这张工单" in html
    # each went through the workflow: one dispatch event and one notice per ticket
    assert TicketEvent.objects.filter(action=Action.DISPATCH, unit=city["gudong"]).count() == 2
    assert Notification.objects.filter(kind="dispatched", user=street_handler).count() == 2


def test_a_bulk_dispatch_without_a_unit_writes_nothing(
    client: Any, make_ticket: Any, dispatcher: Any
) -> None:
    ticket = make_ticket()
    response = _bulk(_login(client, dispatcher), "dispatch", "dispatch", [ticket.number])
    assert "请选择" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.RECEIVED


def test_extensions_are_approved_in_bulk(
    client: Any, make_ticket: Any, dispatcher: Any, street_handler: Any, city: Any
) -> None:
    tickets = []
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        for _ in range(2):
            ticket = make_ticket()
            workflow.dispatch(ticket, to=city["gudong"], by=dispatcher)
            workflow.accept(ticket, by=street_handler)
            until = ticket.resolve_by + timedelta(days=5)
            workflow.request_extension(ticket, by=street_handler, until=until, reason="需协调。")
            tickets.append(ticket)
        _bulk(
            _login(client, dispatcher), "extensions", "approve_extension",
            [t.number for t in tickets], note="同意。",
        )  # fmt: skip
    assert ExtensionRequest.objects.filter(decision="approved").count() == 2


def test_returns_are_rejected_in_bulk_only_with_a_reason(
    client: Any, dispatched: Ticket, dispatcher: Any, street_handler: Any
) -> None:
    workflow.send_back(dispatched, by=street_handler, reason="不是本街道的。")
    _login(client, dispatcher)
    refused = _bulk(client, "returns", "reject_return", [dispatched.number])
    assert "请填写驳回理由" in refused.content.decode()
    dispatched.refresh_from_db()
    assert dispatched.status == Status.RETURNED
    _bulk(client, "returns", "reject_return", [dispatched.number], note="属本街道辖区。")
    dispatched.refresh_from_db()
    assert dispatched.status == Status.DISPATCHED


def test_overdue_tickets_are_urged_in_bulk_with_the_note_in_the_units_notices(
    client: Any, make_ticket: Any, supervisor: Any, dispatcher: Any, street_handler: Any, city: Any
) -> None:
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        ticket = make_ticket()
        workflow.dispatch(ticket, to=city["gudong"], by=dispatcher)
    with time_machine.travel(at(2026, 3, 20, 9, 0), tick=False):
        response = _bulk(
            _login(client, supervisor), "overdue", "urge", [ticket.number], note="请今天内签收。"
        )
    assert "完成 1 张" in response.content.decode()
    event = ticket.events.get(action=Action.URGE)
    assert event.note == "请今天内签收。"
    assert event.data["by_hand"] is True
    notice = Notification.objects.get(kind="urge", user=street_handler)
    assert "请今天内签收。" in notice.body


def test_an_action_the_list_does_not_offer_is_refused(
    client: Any, make_ticket: Any, dispatcher: Any
) -> None:
    ticket = make_ticket()
    response = _bulk(_login(client, dispatcher), "dispatch", "decline", [ticket.number])
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == Status.RECEIVED


def test_a_unit_cannot_bulk_act_on_a_centre_list(
    client: Any, dispatched: Ticket, street_leader: Any, city: Any
) -> None:
    response = _bulk(
        _login(client, street_leader), "dispatch", "dispatch", [dispatched.number],
        unit=str(city["guxi"].pk),
    )  # fmt: skip
    assert response.status_code == 403
