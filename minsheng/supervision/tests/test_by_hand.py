"""催办 and 督办 by hand, beside the scan: the scan does not chase again what a person chased."""

from datetime import timedelta

import pytest
import time_machine

from conftest import at
from minsheng.supervision import clocks, scanning
from minsheng.tickets import steps, workflow
from minsheng.tickets.models import TicketEvent
from minsheng.tickets.names import Action
from minsheng.tickets.transitions import WorkflowError

pytestmark = pytest.mark.django_db

DISPATCHED = at(2026, 9, 30, 9, 0)


@pytest.fixture
def late_water(make_ticket, catalogue, dispatcher, water_handler, city):
    ticket = make_ticket(category=catalogue["water_cut"], request_type="help", at=DISPATCHED)
    workflow.dispatch(ticket, to=city["water"], by=dispatcher, at=DISPATCHED)
    workflow.accept(ticket, by=water_handler, at=DISPATCHED + timedelta(minutes=30))
    return ticket


def test_the_tickets_deadline_names_are_the_scans(late_water):
    assert steps.deadline_key("resolve", late_water.resolve_by) == clocks.key_of(
        "resolve", late_water.resolve_by
    )


def test_a_late_ticket_urged_by_hand_is_not_urged_again_by_the_scan(late_water, supervisor):
    workflow.urge_by_hand(late_water, by=supervisor, note="请立即抢修。", at=at(2026, 10, 1, 12, 0))
    late_water.refresh_from_db()
    assert late_water.urged_for == clocks.key_of("resolve", late_water.resolve_by)
    with time_machine.travel(at(2026, 10, 8, 10, 0), tick=False):
        scanning.scan()
    urges = TicketEvent.objects.filter(ticket=late_water, action=Action.URGE)
    assert [e.data.get("by_hand", False) for e in urges] == [True]


def test_an_urge_by_hand_before_the_deadline_leaves_the_scan_to_chase_it_later(
    late_water, dispatcher
):
    workflow.urge_by_hand(late_water, by=dispatcher, note="群众来电催问进度。", at=DISPATCHED)
    late_water.refresh_from_db()
    assert late_water.urged_for == ""
    with time_machine.travel(at(2026, 10, 8, 10, 0), tick=False):
        scanning.scan()
    assert TicketEvent.objects.filter(ticket=late_water, action=Action.URGE).count() == 2


def test_an_escalation_by_hand_needs_a_note_and_a_supervisor(late_water, supervisor, dispatcher):
    with pytest.raises(WorkflowError, match="督办意见"):
        workflow.escalate_by_hand(late_water, by=supervisor, note=" ")
    with pytest.raises(WorkflowError, match="权限"):
        workflow.escalate_by_hand(late_water, by=dispatcher, note="请落实。")
    workflow.escalate_by_hand(late_water, by=supervisor, note="请分管领导落实。")
    event = TicketEvent.objects.get(ticket=late_water, action=Action.ESCALATE)
    assert event.note == "请分管领导落实。"
    assert event.actor == supervisor
