"""The engine's rules on the workflow: the return window, co-handlers' own clocks, the leader's
review of an extension, the shorter reopen deadline, and the system's own moves."""

from datetime import timedelta

import pytest

from conftest import at
from minsheng.feedback import visits
from minsheng.sla.models import DeadlinePolicy
from minsheng.tickets import transitions, workflow
from minsheng.tickets.models import Satisfaction, Status
from minsheng.tickets.names import Action
from minsheng.tickets.transitions import SYSTEM, WorkflowError

pytestmark = pytest.mark.django_db

EVE = at(2026, 9, 30, 10, 0)  # the day before National Day 2026


@pytest.fixture
def on_street(make_ticket, dispatcher, city):
    ticket = make_ticket(at=EVE)
    workflow.dispatch(ticket, to=city["gudong"], by=dispatcher, cohandlers=[city["water"]], at=EVE)
    return ticket


def test_a_return_is_allowed_until_the_same_hour_of_the_next_working_day(on_street, street_handler):
    assert on_street.return_by == at(2026, 10, 8, 10, 0)  # the holiday does not count
    workflow.send_back(on_street, by=street_handler, reason="不属本街道", at=at(2026, 10, 8, 10, 0))
    assert on_street.status == Status.RETURNED


def test_a_late_return_is_refused_with_the_rule_and_nothing_changes(on_street, street_handler):
    late = at(2026, 10, 8, 10, 1)
    assert Action.RETURN not in transitions.allowed_actions(street_handler, on_street, at=late)
    with pytest.raises(WorkflowError, match="1 个工作日内"):
        workflow.send_back(on_street, by=street_handler, reason="不属本街道", at=late)
    on_street.refresh_from_db()
    assert on_street.status == Status.DISPATCHED


def test_a_cohandler_accepts_and_reports_back_on_its_own_clock(on_street, water_handler):
    co = on_street.cohandlers.get()
    # 7 working days: 8, 9, 10 (调休 Saturday), 12, 13, 14, 15 October
    assert (co.accept_by, co.resolve_by) == (EVE + timedelta(hours=24), at(2026, 10, 15, 18, 0))
    assert Action.COHANDLER_REPLY not in transitions.allowed_actions(
        water_handler, on_street, at=EVE
    )
    workflow.cohandler_accept(on_street, by=water_handler, at=EVE + timedelta(hours=1))
    assert Action.COHANDLER_ACCEPT not in transitions.allowed_actions(water_handler, on_street)
    workflow.cohandler_reply(
        on_street, by=water_handler, text="管网已排查，无漏水。", at=at(2026, 10, 16, 9, 0)
    )
    co.refresh_from_db()
    assert co.accepted_at == EVE + timedelta(hours=1)
    assert co.reply == "管网已排查，无漏水。"
    event = on_street.events.order_by("-seq").first()
    assert (event.action, event.data) == (
        Action.COHANDLER_REPLY,
        {"cohandler": "FZ-WATER", "late": True},
    )
    with pytest.raises(WorkflowError):
        workflow.cohandler_reply(on_street, by=water_handler, text="再次反馈")


def test_the_main_unit_cannot_act_as_a_cohandler(on_street, street_handler):
    with pytest.raises(WorkflowError, match="权限"):
        workflow.cohandler_accept(on_street, by=street_handler, at=EVE)


def test_where_the_policy_says_so_the_leader_reviews_an_extension_before_the_centre(
    on_street, street_handler, street_leader, dispatcher
):
    DeadlinePolicy.objects.filter(code="general").update(extension_needs_leader=True)
    workflow.accept(on_street, by=street_handler, at=EVE)
    until = on_street.resolve_by + timedelta(days=5)
    workflow.request_extension(on_street, by=street_handler, until=until, reason="需协调", at=EVE)
    with pytest.raises(WorkflowError, match="单位负责人"):
        workflow.decide_extension(on_street, by=dispatcher, approve=True, at=EVE)
    assert Action.LEADER_APPROVE_EXTENSION in transitions.allowed_actions(street_leader, on_street)
    workflow.review_extension(on_street, by=street_leader, approve=True, at=EVE)
    workflow.decide_extension(on_street, by=dispatcher, approve=True, at=EVE)
    assert on_street.resolve_by == until
    steps = list(on_street.events.order_by("seq").values_list("action", flat=True))[-3:]
    assert steps == [
        Action.REQUEST_EXTENSION,
        Action.LEADER_APPROVE_EXTENSION,
        Action.APPROVE_EXTENSION,
    ]


def test_a_leader_refusal_ends_the_request(on_street, street_handler, street_leader):
    DeadlinePolicy.objects.filter(code="general").update(extension_needs_leader=True)
    workflow.accept(on_street, by=street_handler, at=EVE)
    old = on_street.resolve_by
    workflow.request_extension(
        on_street, by=street_handler, until=old + timedelta(days=5), reason="需协调", at=EVE
    )
    with pytest.raises(WorkflowError, match="驳回理由"):
        workflow.review_extension(on_street, by=street_leader, approve=False, note="", at=EVE)
    workflow.review_extension(on_street, by=street_leader, approve=False, note="不同意", at=EVE)
    assert on_street.extensions.get().decision == "refused"
    assert on_street.resolve_by == old


def test_a_reopened_ticket_goes_back_to_the_same_unit_with_the_shorter_deadline(
    on_street, street_handler, dispatcher, city
):
    workflow.accept(on_street, by=street_handler, at=EVE)
    workflow.reply(on_street, by=street_handler, text="已处理", at=at(2026, 10, 9, 9, 0))
    visits.rate(
        on_street, satisfaction=Satisfaction.UNSATISFIED, resolved=False, at=at(2026, 10, 9, 10, 0)
    )
    workflow.reopen(on_street, by=dispatcher, note="仍未解决", at=at(2026, 10, 9, 11, 0))
    assert on_street.unit == city["gudong"]
    assert on_street.resolve_by == at(
        2026, 10, 13, 18, 0
    )  # 3 working days: Sat 10 (调休), Mon 12, Tue 13


def test_the_scan_urges_only_when_late_and_the_centre_by_hand_at_any_time(
    on_street, supervisor, dispatcher
):
    late = at(2026, 11, 1, 9, 0)
    assert Action.URGE in transitions.allowed_actions(SYSTEM, on_street, at=late)
    assert Action.URGE not in transitions.allowed_actions(SYSTEM, on_street, at=EVE)
    with pytest.raises(WorkflowError, match="尚未超期"):
        workflow.urge(on_street, deadline="resolve@x", at=EVE)
    # By hand: the supervisor urges and escalates, the dispatcher urges, before any deadline.
    assert {Action.URGE, Action.ESCALATE} <= set(
        transitions.allowed_actions(supervisor, on_street, at=EVE)
    )
    offered = set(transitions.allowed_actions(dispatcher, on_street, at=EVE))
    assert Action.URGE in offered
    assert not offered & {Action.ESCALATE, Action.CLOSE_UNRATED}


def test_urging_twice_for_the_same_deadline_writes_one_event(on_street):
    late = at(2026, 10, 20, 9, 0)
    assert workflow.urge(on_street, deadline="resolve@1", at=late) is True
    assert workflow.urge(on_street, deadline="resolve@1", at=late) is False
    assert workflow.escalate(on_street, deadline="resolve@1", at=late) is True
    assert workflow.escalate(on_street, deadline="resolve@1", at=late) is False
    assert on_street.events.filter(action=Action.URGE, actor__isnull=True).count() == 1
    assert SYSTEM.label == on_street.events.get(action=Action.ESCALATE).actor_label
