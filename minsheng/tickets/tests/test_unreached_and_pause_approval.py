"""Phone return visits that reach no one (联系不上, retries counted) and pauses that need the
centre's approval where the policy says so (暂停计时须审批)."""

from datetime import timedelta

import pytest

from conftest import at
from minsheng.notifications.models import Notification
from minsheng.sla.models import DeadlinePolicy
from minsheng.tickets import transitions, workflow
from minsheng.tickets.names import Action
from minsheng.tickets.transitions import WorkflowError

MONDAY = at(2026, 3, 2, 9, 0)


@pytest.fixture
def replied(make_ticket, dispatcher, street_handler, city):
    ticket = make_ticket(at=MONDAY)
    workflow.dispatch(ticket, to=city["gudong"], by=dispatcher, at=MONDAY)
    workflow.accept(ticket, by=street_handler, at=MONDAY + timedelta(hours=1))
    workflow.reply(ticket, by=street_handler, text="已协调停工。", at=MONDAY + timedelta(hours=2))
    return ticket


@pytest.fixture
def complex_accepted(make_ticket, catalogue, dispatcher, street_handler, city):
    """A ticket on the 15-working-day policy, whose pauses need the centre's approval."""
    ticket = make_ticket(category=catalogue["policy"], request_type="consult", at=MONDAY)
    workflow.dispatch(ticket, to=city["gudong"], by=dispatcher, at=MONDAY)
    workflow.accept(ticket, by=street_handler, at=MONDAY + timedelta(hours=1))
    return ticket


# --- 联系不上 ---------------------------------------------------------------------------------


def test_each_unreached_call_is_counted_and_sets_the_next_try(replied, agent):
    first = MONDAY + timedelta(days=1)
    workflow.visit_unreached(replied, by=agent, note="无人接听", at=first)
    assert (replied.visit_attempts, replied.visit_retry_at) == (1, first + timedelta(hours=2))
    assert replied.status == "replied"  # still waiting for its return visit
    workflow.visit_unreached(replied, by=agent, at=first + timedelta(hours=3))
    event = replied.events.order_by("-seq").first()
    assert (event.action, event.data["attempt"], replied.visit_attempts) == (
        Action.VISIT_UNREACHED,
        2,
        2,
    )
    # reached at last: the rating is recorded as always
    workflow.record_visit(replied, by=agent, satisfaction="unsatisfied", resolved=False)
    assert replied.status == "visited"


def test_only_an_agent_records_an_unreached_call_and_only_on_a_replied_ticket(
    replied, street_handler, dispatcher, agent, make_ticket
):
    with pytest.raises(WorkflowError):
        workflow.visit_unreached(replied, by=street_handler)
    assert Action.VISIT_UNREACHED not in transitions.allowed_actions(dispatcher, replied)
    assert Action.VISIT_UNREACHED in transitions.allowed_actions(agent, replied)
    with pytest.raises(WorkflowError, match="不能联系不上"):
        workflow.visit_unreached(make_ticket(), by=agent)


def test_a_reopen_starts_the_count_afresh(replied, agent, supervisor):
    workflow.visit_unreached(replied, by=agent, at=MONDAY + timedelta(days=1))
    workflow.record_visit(
        replied, by=agent, satisfaction="unsatisfied", resolved=False, at=MONDAY + timedelta(days=2)
    )
    workflow.reopen(replied, by=supervisor, note="请再次核实。", at=MONDAY + timedelta(days=2))
    assert (replied.visit_attempts, replied.visit_retry_at) == (0, None)


# --- 暂停计时须审批 -----------------------------------------------------------------------------


def test_the_seeded_policies_say_which_pauses_need_approval(db):
    needs = DeadlinePolicy.objects.filter(pause_needs_approval=True).values_list("code", flat=True)
    assert set(needs) == {"complex"}


def test_where_the_policy_asks_the_unit_requests_and_the_clock_stops_on_approval(
    complex_accepted, street_handler, dispatcher
):
    ticket = complex_accepted
    offered = transitions.allowed_actions(street_handler, ticket)
    assert Action.REQUEST_PAUSE in offered
    assert Action.PAUSE not in offered
    with pytest.raises(WorkflowError, match="须经热线中心批准"):
        workflow.pause(ticket, by=street_handler, reason="等待群众补充材料")

    asked = MONDAY + timedelta(hours=3)
    workflow.request_pause(ticket, by=street_handler, reason="等待群众补充房产证明。", at=asked)
    assert ticket.pause_requested_at == asked
    assert ticket.paused_since is None
    notice = Notification.objects.get(kind="pause_request", user=dispatcher)
    assert ticket.number in notice.body
    assert "等待热线中心审批" in (
        transitions.precondition(Action.REQUEST_PAUSE, ticket, asked) or ""
    )
    assert Action.APPROVE_PAUSE not in transitions.allowed_actions(street_handler, ticket)

    approved = asked + timedelta(hours=1)
    workflow.decide_pause(ticket, by=dispatcher, approve=True, at=approved)
    assert (ticket.paused_since, ticket.pause_requested_at) == (approved, None)
    event = ticket.events.order_by("-seq").first()
    assert event.action == Action.APPROVE_PAUSE
    assert event.data["reason"] == "等待群众补充房产证明。"
    before = ticket.resolve_by
    workflow.resume(ticket, by=street_handler, at=approved + timedelta(days=2))  # Mon → Wed
    assert ticket.resolve_by == before + timedelta(days=2)


def test_a_refusal_needs_a_reason_and_leaves_the_clock_running(
    complex_accepted, street_handler, supervisor
):
    workflow.request_pause(complex_accepted, by=street_handler, reason="等待材料")
    with pytest.raises(WorkflowError, match="驳回理由"):
        workflow.decide_pause(complex_accepted, by=supervisor, approve=False, note="")
    workflow.decide_pause(complex_accepted, by=supervisor, approve=False, note="材料可上门收取。")
    assert complex_accepted.paused_since is None
    assert complex_accepted.pause_requested_at is None
    with pytest.raises(WorkflowError, match="没有待审批的暂停计时申请"):
        workflow.decide_pause(complex_accepted, by=supervisor, approve=True)


def test_a_reply_lets_a_pending_pause_request_lapse(complex_accepted, street_handler):
    workflow.request_pause(complex_accepted, by=street_handler, reason="等待材料")
    workflow.reply(complex_accepted, by=street_handler, text="已答复。")
    assert complex_accepted.pause_requested_at is None


def test_where_the_policy_does_not_ask_the_unit_pauses_directly(
    make_ticket, dispatcher, street_handler, city
):
    ticket = make_ticket()
    workflow.dispatch(ticket, to=city["gudong"], by=dispatcher)
    workflow.accept(ticket, by=street_handler)
    offered = transitions.allowed_actions(street_handler, ticket)
    assert Action.PAUSE in offered
    assert Action.REQUEST_PAUSE not in offered
    with pytest.raises(WorkflowError, match="可直接暂停计时"):
        workflow.request_pause(ticket, by=street_handler, reason="等待")
