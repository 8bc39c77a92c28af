"""Every move of the loop: the happy path of each, and every way a move is refused.

A refused move raises WorkflowError and writes nothing: `refused()` snapshots the ticket, its
timeline, co-handlers, extension requests and ratings before, and compares them after.
"""

import contextlib
import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from conftest import _member, at
from minsheng.feedback import visits
from minsheng.feedback.models import Rating
from minsheng.notifications.models import Notification
from minsheng.sla import deadlines
from minsheng.sla.models import DeadlinePolicy
from minsheng.tickets import chain, receiving, steps, transitions, workflow
from minsheng.tickets.models import (
    CoHandler,
    ExtensionRequest,
    Satisfaction,
    Status,
    Ticket,
    TicketEvent,
    TicketSequence,
)
from minsheng.tickets.names import Action
from minsheng.tickets.transitions import SYSTEM, WorkflowError

pytestmark = pytest.mark.django_db

MONDAY = at(2026, 3, 2, 9, 0)  # an ordinary working week, far from any holiday
LONG = "办" * 4001
REMARKS = {"note", "attach"}  # timeline remarks anyone on the ticket may add; no status change


def moves(by, ticket, **kwargs) -> set[str]:
    """What the ticket page offers `by`, remarks aside."""
    return set(transitions.allowed_actions(by, ticket, **kwargs)) - REMARKS


# --- helpers -------------------------------------------------------------------------------


def _snapshot(ticket: Ticket) -> dict:
    return {
        "row": Ticket.objects.filter(pk=ticket.pk).values().get(),
        "object": {f.attname: getattr(ticket, f.attname) for f in Ticket._meta.concrete_fields},
        "events": list(TicketEvent.objects.filter(ticket=ticket).values_list("seq", "hash")),
        "cohandlers": list(CoHandler.objects.filter(ticket=ticket).values_list("unit_id")),
        "extensions": list(ExtensionRequest.objects.filter(ticket=ticket).values()),
        "ratings": list(Rating.objects.filter(ticket=ticket).values()),
        "tickets": Ticket.objects.count(),
    }


@contextmanager
def refused(ticket: Ticket, match: str | None = None) -> Iterator[None]:
    """The block must raise WorkflowError and leave every row of the ticket as it was."""
    before = _snapshot(ticket)
    with pytest.raises(WorkflowError, match=match):
        yield
    assert _snapshot(ticket) == before


def last_event(ticket: Ticket) -> TicketEvent:
    return ticket.events.order_by("-seq").first()


def assert_moved(ticket: Ticket, action: str, from_status: str, to_status: str) -> TicketEvent:
    """The ticket's state in the database, and the one event the move appended."""
    ticket.refresh_from_db()
    assert ticket.status == to_status
    event = last_event(ticket)
    assert (event.action, event.from_status, event.to_status) == (action, from_status, to_status)
    assert chain.first_break(ticket.events.order_by("seq")) is None
    return event


# --- the cast on a fixed week --------------------------------------------------------------


@pytest.fixture
def received(make_ticket):
    return make_ticket(at=MONDAY)


@pytest.fixture
def on_street(received, dispatcher, city):
    """Dispatched to 鼓东街道 at 10:00 on Monday 2 March: accept by Tue 10:00, resolve by 11 Mar."""
    workflow.dispatch(received, to=city["gudong"], by=dispatcher, at=MONDAY + timedelta(hours=1))
    return received


@pytest.fixture
def accepted(on_street, street_handler):
    workflow.accept(on_street, by=street_handler, at=MONDAY + timedelta(hours=2))
    return on_street


@pytest.fixture
def replied(accepted, street_handler):
    workflow.reply(
        accepted,
        by=street_handler,
        text="已责令工地夜间停工，并安排巡查。",
        at=MONDAY + timedelta(days=1),
    )
    return accepted


@pytest.fixture
def visited_unsatisfied(replied):
    visits.rate(
        replied,
        satisfaction=Satisfaction.UNSATISFIED,
        resolved=False,
        comment="晚上还在施工",
        at=MONDAY + timedelta(days=2),
    )
    return replied


@pytest.fixture
def district_leader(city):
    """Wu, who leads 鼓楼区: the district's roles reach every street below it."""
    return _member("wu", "吴区长", city["gulou"], "leader")


# --- receive -------------------------------------------------------------------------------


def test_receive_opens_the_timeline(received, agent):
    assert received.status == Status.RECEIVED
    event = received.events.get()
    assert (event.seq, event.action, event.from_status, event.to_status) == (
        1,
        Action.RECEIVE,
        "",
        Status.RECEIVED,
    )
    assert event.actor == agent
    assert event.prev_hash == ""
    assert received.number.startswith("FZ260302")


def test_receive_refuses_a_unit_handler_and_a_blank_description(make_ticket, street_handler):
    before = Ticket.objects.count()
    with pytest.raises(WorkflowError, match="热线中心"):
        make_ticket(by=street_handler)
    with pytest.raises(WorkflowError, match="诉求内容"):
        make_ticket(description="   ")
    with pytest.raises(WorkflowError, match="不受理"):
        make_ticket(request_type="suggestion")  # the noise leaf takes no suggestions
    assert Ticket.objects.count() == before
    assert TicketEvent.objects.count() == 0


def test_receive_many_numbers_in_order_and_opens_every_timeline(catalogue, resident, agent, city):
    requests = [
        receiving.NewRequest(
            channel="api",
            request_type="complaint",
            category=catalogue["noise"],
            resident=resident,
            title="",
            description=f"夜间施工噪音 第{i}件",
            by=agent,
        )
        for i in range(3)
    ]
    tickets = receiving.receive_many(requests, at=MONDAY, route_later=True)

    assert [t.number for t in tickets] == [f"FZ260302{i:04d}" for i in (1, 2, 3)]
    for i, ticket in enumerate(tickets):
        stored = Ticket.objects.get(pk=ticket.pk)
        assert stored.description == f"夜间施工噪音 第{i}件"
        assert stored.title == stored.description  # no title: the text's start
        assert stored.awaiting_route
        event = stored.events.get()
        assert event.hash == chain.digest(chain.event_content(event), "")
    assert Notification.objects.count() == 0  # the worker sends routed-later tickets' receipts


def test_receive_many_writes_nothing_when_any_request_is_refused(catalogue, resident, agent):
    good = receiving.NewRequest(
        "api", "complaint", catalogue["noise"], resident, "", "噪音", by=agent
    )
    blank = dataclasses.replace(good, description=" ")
    with pytest.raises(WorkflowError, match="诉求内容"):
        receiving.receive_many([good, blank])
    assert Ticket.objects.count() == 0
    assert TicketSequence.objects.count() == 0


# --- dispatch ------------------------------------------------------------------------------


def test_dispatch_starts_the_clocks_of_the_chosen_unit(on_street, city, dispatcher):
    event = assert_moved(on_street, Action.DISPATCH, Status.RECEIVED, Status.DISPATCHED)
    assert on_street.unit == city["gudong"]
    assert on_street.dispatched_at == MONDAY + timedelta(hours=1)
    assert on_street.accept_by == at(2026, 3, 3, 10, 0)
    assert on_street.resolve_by == at(2026, 3, 11, 18, 0)
    assert event.unit == city["gudong"]
    assert event.actor == dispatcher
    assert event.data["unit"] == city["gudong"].code


def test_dispatch_with_cohandlers_records_them(received, dispatcher, city):
    workflow.dispatch(
        received,
        to=city["gudong"],
        by=dispatcher,
        cohandlers=[city["water"], city["gudong"]],
        at=MONDAY,
    )
    event = assert_moved(received, Action.DISPATCH, Status.RECEIVED, Status.DISPATCHED)
    # the main unit is not its own co-handler
    assert list(received.cohandlers.values_list("unit__code", flat=True)) == ["FZ-WATER"]
    assert event.data["cohandlers"] == ["FZ-WATER"]


def test_dispatch_corrects_the_category(received, dispatcher, city, catalogue):
    workflow.dispatch(
        received, to=city["gudong"], by=dispatcher, category=catalogue["water_cut"], at=MONDAY
    )
    event = assert_moved(received, Action.DISPATCH, Status.RECEIVED, Status.DISPATCHED)
    assert received.category == catalogue["water_cut"]
    assert event.data["category"] == ["CG-NOISE", "GY-WATER"]
    assert event.data["policy"] == "utility"
    assert received.resolve_by == MONDAY + timedelta(hours=24)


def test_dispatch_refuses_a_category_that_does_not_take_the_request_type(
    received, dispatcher, city, catalogue
):
    with refused(received, "小类"):
        workflow.dispatch(
            received, to=city["gudong"], by=dispatcher, category=catalogue["policy"], at=MONDAY
        )


def test_dispatch_refuses_the_centre_and_inactive_units(received, dispatcher, city):
    with refused(received, "承办单位"):
        workflow.dispatch(received, to=city["centre"], by=dispatcher, at=MONDAY)
    city["guxi"].is_active = False
    city["guxi"].save()
    with refused(received, "承办单位"):
        workflow.dispatch(received, to=city["guxi"], by=dispatcher, at=MONDAY)


def test_street_handler_may_not_dispatch(received, street_handler, city):
    with refused(received, "权限"):
        workflow.dispatch(received, to=city["gudong"], by=street_handler, at=MONDAY)


def test_agent_and_supervisor_may_not_dispatch(received, agent, supervisor, city):
    for person in (agent, supervisor):
        with refused(received, "权限"):
            workflow.dispatch(received, to=city["gudong"], by=person, at=MONDAY)


def test_system_may_dispatch(received, city):
    workflow.dispatch(received, to=city["gudong"], by=SYSTEM, at=MONDAY)
    event = assert_moved(received, Action.DISPATCH, Status.RECEIVED, Status.DISPATCHED)
    assert event.actor is None
    assert event.actor_label == "系统"


def test_an_accepted_ticket_cannot_be_dispatched_again(accepted, dispatcher, city):
    with refused(accepted, "办理中"):
        workflow.dispatch(accepted, to=city["guxi"], by=dispatcher, at=MONDAY + timedelta(hours=3))


# --- co-handlers ---------------------------------------------------------------------------


def test_dispatcher_adds_a_cohandler(on_street, dispatcher, city):
    workflow.add_cohandler(
        on_street,
        unit=city["water"],
        by=dispatcher,
        note="涉及供水管道",
        at=MONDAY + timedelta(hours=2),
    )
    event = assert_moved(on_street, Action.ADD_COHANDLER, Status.DISPATCHED, Status.DISPATCHED)
    assert event.unit == city["water"]
    assert event.data == {"cohandlers": ["FZ-WATER"]}
    assert CoHandler.objects.get(ticket=on_street).unit == city["water"]


def test_street_leader_summons_a_cohandler_after_accepting(accepted, street_leader, city):
    workflow.add_cohandler(
        accepted, unit=city["water"], by=street_leader, at=MONDAY + timedelta(hours=3)
    )
    assert_moved(accepted, Action.ADD_COHANDLER, Status.ACCEPTED, Status.ACCEPTED)


def test_street_handler_may_not_summon_a_cohandler(on_street, street_handler, city):
    with refused(on_street, "权限"):
        workflow.add_cohandler(on_street, unit=city["water"], by=street_handler)


def test_the_main_unit_or_an_existing_cohandler_cannot_be_added_again(on_street, dispatcher, city):
    with refused(on_street, "已是主办或协办"):
        workflow.add_cohandler(on_street, unit=city["gudong"], by=dispatcher)
    workflow.add_cohandler(on_street, unit=city["water"], by=dispatcher)
    with refused(on_street, "已是主办或协办"):
        workflow.add_cohandler(on_street, unit=city["water"], by=dispatcher)
    with refused(on_street, "已是主办或协办"):
        workflow.add_cohandler(on_street, unit=city["centre"], by=dispatcher)


def test_a_cohandler_unit_may_note_but_not_accept_or_reply(
    received, dispatcher, water_handler, city
):
    workflow.dispatch(
        received, to=city["gudong"], by=dispatcher, cohandlers=[city["water"]], at=MONDAY
    )
    assert transitions.roles_of(water_handler, received) == {"cohandler"}
    assert Action.NOTE in transitions.allowed_actions(water_handler, received, at=MONDAY)
    offered = transitions.allowed_actions(water_handler, received, at=MONDAY)
    assert not {Action.ACCEPT, Action.RETURN, Action.REPLY, Action.ADD_COHANDLER} & set(offered)
    with refused(received, "权限"):
        workflow.accept(received, by=water_handler, at=MONDAY)
    with refused(received, "权限"):
        workflow.send_back(received, by=water_handler, reason="不归我们管", at=MONDAY)
    workflow.add_note(received, by=water_handler, text="水务已到现场查看，非管道施工。", at=MONDAY)
    event = assert_moved(received, Action.NOTE, Status.DISPATCHED, Status.DISPATCHED)
    assert event.actor == water_handler


def test_a_cohandler_unit_may_not_reply_after_the_main_unit_accepts(
    received, dispatcher, street_handler, water_handler, city
):
    workflow.dispatch(
        received, to=city["gudong"], by=dispatcher, cohandlers=[city["water"]], at=MONDAY
    )
    workflow.accept(received, by=street_handler, at=MONDAY + timedelta(hours=1))
    with refused(received, "权限"):
        workflow.reply(received, by=water_handler, text="已处理", at=MONDAY + timedelta(hours=2))
    assert Action.REPLY not in transitions.allowed_actions(water_handler, received)


# --- accept / return -----------------------------------------------------------------------


def test_street_handler_accepts(on_street, street_handler, city):
    workflow.accept(on_street, by=street_handler, note="马上处理", at=MONDAY + timedelta(hours=2))
    event = assert_moved(on_street, Action.ACCEPT, Status.DISPATCHED, Status.ACCEPTED)
    assert on_street.accepted_at == MONDAY + timedelta(hours=2)
    assert event.unit == city["gudong"]
    assert event.note == "马上处理"


def test_water_handler_may_not_accept_a_street_ticket(on_street, water_handler):
    with refused(on_street, "权限"):
        workflow.accept(on_street, by=water_handler)


def test_sibling_street_may_not_accept(on_street, guxi_handler):
    assert transitions.roles_of(guxi_handler, on_street) == frozenset()
    with refused(on_street, "权限"):
        workflow.accept(on_street, by=guxi_handler)


def test_a_district_leader_reaches_down_to_the_street(on_street, district_leader):
    assert transitions.roles_of(district_leader, on_street) == {"leader"}
    workflow.accept(on_street, by=district_leader, at=MONDAY + timedelta(hours=2))
    assert_moved(on_street, Action.ACCEPT, Status.DISPATCHED, Status.ACCEPTED)


def test_a_street_handler_does_not_reach_up_to_the_district(
    received, dispatcher, street_handler, city
):
    workflow.dispatch(received, to=city["gulou"], by=dispatcher, at=MONDAY)
    with refused(received, "权限"):
        workflow.accept(received, by=street_handler, at=MONDAY)


def test_a_ticket_for_a_community_can_be_accepted_by_its_street(
    received, dispatcher, street_handler, city
):
    workflow.dispatch(received, to=city["dongjie"], by=dispatcher, at=MONDAY)
    workflow.accept(received, by=street_handler, at=MONDAY + timedelta(hours=1))
    assert_moved(received, Action.ACCEPT, Status.DISPATCHED, Status.ACCEPTED)


def test_resident_and_system_may_not_accept(on_street):
    for actor in (transitions.resident_actor(on_street.resident), SYSTEM):
        with refused(on_street, "权限"):
            workflow.accept(on_street, by=actor)


def test_an_accepted_ticket_cannot_be_accepted_again(accepted, street_handler):
    with refused(accepted, "办理中"):
        workflow.accept(accepted, by=street_handler)


def test_a_received_ticket_cannot_be_accepted(received, street_handler):
    with refused(received, "已受理"):
        workflow.accept(received, by=street_handler)


def test_send_back_then_reject_return_goes_back_to_the_same_unit(
    on_street, street_handler, dispatcher, city
):
    workflow.send_back(
        on_street, by=street_handler, reason="该工地在鼓西街道辖区", at=MONDAY + timedelta(hours=2)
    )
    event = assert_moved(on_street, Action.RETURN, Status.DISPATCHED, Status.RETURNED)
    assert event.note == "该工地在鼓西街道辖区"
    resolve_by = on_street.resolve_by
    workflow.reject_return(
        on_street, by=dispatcher, note="东街88号属鼓东街道", at=MONDAY + timedelta(hours=3)
    )
    assert_moved(on_street, Action.REJECT_RETURN, Status.RETURNED, Status.DISPATCHED)
    assert on_street.unit == city["gudong"]
    assert on_street.resolve_by == resolve_by


def test_send_back_requires_a_reason(on_street, street_handler):
    for reason in ("", "   ", LONG):
        with refused(on_street):
            workflow.send_back(
                on_street, by=street_handler, reason=reason, at=MONDAY + timedelta(hours=2)
            )


def test_reject_return_requires_a_note_and_a_dispatcher(
    on_street, street_handler, dispatcher, supervisor
):
    workflow.send_back(
        on_street, by=street_handler, reason="不归我们管", at=MONDAY + timedelta(hours=2)
    )
    with refused(on_street, "驳回理由"):
        workflow.reject_return(on_street, by=dispatcher, note=" ")
    with refused(on_street, "权限"):
        workflow.reject_return(on_street, by=supervisor, note="退单理由不成立")


def test_a_returned_ticket_is_redispatched_to_another_unit(
    on_street, street_handler, dispatcher, guxi_handler, city
):
    workflow.send_back(
        on_street, by=street_handler, reason="该工地在鼓西街道辖区", at=MONDAY + timedelta(hours=2)
    )
    with refused(on_street, "其他单位"):
        workflow.dispatch(
            on_street, to=city["gudong"], by=dispatcher, at=MONDAY + timedelta(hours=3)
        )
    workflow.dispatch(on_street, to=city["guxi"], by=dispatcher, at=MONDAY + timedelta(days=1))
    assert_moved(on_street, Action.DISPATCH, Status.RETURNED, Status.DISPATCHED)
    assert on_street.unit == city["guxi"]
    assert on_street.dispatched_at == MONDAY + timedelta(days=1)
    assert on_street.resolve_by == at(2026, 3, 12, 18, 0)  # new clocks from Tuesday
    # the street that returned it has no say any more; the new one has
    with refused(on_street, "权限"):
        workflow.accept(on_street, by=street_handler)
    workflow.accept(on_street, by=guxi_handler, at=MONDAY + timedelta(days=1, hours=1))
    assert_moved(on_street, Action.ACCEPT, Status.DISPATCHED, Status.ACCEPTED)


# --- extensions ----------------------------------------------------------------------------


def test_approved_extension_moves_the_deadline(accepted, street_handler, dispatcher):
    old = accepted.resolve_by
    until = at(2026, 3, 20, 18, 0)
    extension = workflow.request_extension(
        accepted,
        by=street_handler,
        until=until,
        reason="需协调施工方整改",
        at=MONDAY + timedelta(days=1),
    )
    assert_moved(accepted, Action.REQUEST_EXTENSION, Status.ACCEPTED, Status.ACCEPTED)
    assert accepted.resolve_by == old  # not yet
    assert extension.decision == ExtensionRequest.Decision.PENDING
    workflow.decide_extension(accepted, by=dispatcher, approve=True, at=MONDAY + timedelta(days=2))
    event = assert_moved(accepted, Action.APPROVE_EXTENSION, Status.ACCEPTED, Status.ACCEPTED)
    assert accepted.resolve_by == until
    assert [datetime.fromisoformat(v) for v in event.data["resolve_by"]] == [old, until]
    extension.refresh_from_db()
    assert extension.decision == ExtensionRequest.Decision.APPROVED
    assert extension.decided_by == dispatcher


def test_supervisor_may_refuse_an_extension_and_the_deadline_stays(
    accepted, street_handler, supervisor
):
    old = accepted.resolve_by
    workflow.request_extension(
        accepted,
        by=street_handler,
        until=old + timedelta(days=5),
        reason="需协调施工方整改",
        at=MONDAY + timedelta(days=1),
    )
    with refused(accepted, "驳回理由"):
        workflow.decide_extension(accepted, by=supervisor, approve=False, note="")
    workflow.decide_extension(
        accepted, by=supervisor, approve=False, note="理由不充分", at=MONDAY + timedelta(days=2)
    )
    assert_moved(accepted, Action.REFUSE_EXTENSION, Status.ACCEPTED, Status.ACCEPTED)
    assert accepted.resolve_by == old
    assert accepted.extensions.get().decision == ExtensionRequest.Decision.REFUSED
    # and the unit may ask again
    workflow.request_extension(
        accepted,
        by=street_handler,
        until=old + timedelta(days=2),
        reason="施工方已承诺整改",
        at=MONDAY + timedelta(days=3),
    )
    assert accepted.extensions.filter(decision=ExtensionRequest.Decision.PENDING).count() == 1


def test_agent_and_handler_may_not_decide_an_extension(accepted, street_handler, agent):
    workflow.request_extension(
        accepted,
        by=street_handler,
        until=accepted.resolve_by + timedelta(days=3),
        reason="需协调",
        at=MONDAY + timedelta(days=1),
    )
    for person in (agent, street_handler):
        with refused(accepted, "权限"):
            workflow.decide_extension(
                accepted, by=person, approve=True, at=MONDAY + timedelta(days=2)
            )


def test_there_is_nothing_to_decide_without_a_pending_request(accepted, dispatcher):
    with refused(accepted):
        workflow.decide_extension(accepted, by=dispatcher, approve=True)


def test_only_one_extension_request_may_be_pending(accepted, street_handler):
    workflow.request_extension(
        accepted,
        by=street_handler,
        until=accepted.resolve_by + timedelta(days=3),
        reason="需协调",
        at=MONDAY + timedelta(days=1),
    )
    with refused(accepted, "审批中"):
        workflow.request_extension(
            accepted,
            by=street_handler,
            until=accepted.resolve_by + timedelta(days=4),
            reason="再延",
            at=MONDAY + timedelta(days=1),
        )


def test_extension_must_be_asked_before_the_deadline(accepted, street_handler):
    late = accepted.resolve_by + timedelta(minutes=1)
    with refused(accepted, "已超过办结时限"):
        workflow.request_extension(
            accepted,
            by=street_handler,
            until=accepted.resolve_by + timedelta(days=3),
            reason="需协调",
            at=late,
        )


def test_extension_must_move_the_deadline_later(accepted, street_handler):
    for until in (accepted.resolve_by, accepted.resolve_by - timedelta(days=1)):
        with refused(accepted, "须晚于"):
            workflow.request_extension(
                accepted,
                by=street_handler,
                until=until,
                reason="需协调",
                at=MONDAY + timedelta(days=1),
            )


def test_extension_needs_a_reason_of_at_most_1000_characters(accepted, street_handler):
    until = accepted.resolve_by + timedelta(days=3)
    for reason in ("", "  \n ", "延" * 1001):
        with refused(accepted, "延期理由"):
            workflow.request_extension(
                accepted,
                by=street_handler,
                until=until,
                reason=reason,
                at=MONDAY + timedelta(days=1),
            )


def test_extension_is_requested_by_a_person_not_the_system(accepted):
    with refused(accepted):
        workflow.request_extension(
            accepted, by=SYSTEM, until=accepted.resolve_by + timedelta(days=3), reason="需协调"
        )


def test_a_reply_leaves_no_extension_request_pending_into_the_next_round(
    accepted, street_handler, dispatcher
):
    """An extension asked in round one must not be approvable after a reopen: it would move the
    round-two deadline back to a date chosen in round one, possibly before it."""
    workflow.request_extension(
        accepted,
        by=street_handler,
        until=at(2026, 3, 12, 9, 0),
        reason="需协调施工方",
        at=MONDAY + timedelta(days=1),
    )
    workflow.reply(accepted, by=street_handler, text="已协调停工。", at=MONDAY + timedelta(days=2))
    visits.rate(
        accepted,
        satisfaction=Satisfaction.UNSATISFIED,
        resolved=False,
        at=MONDAY + timedelta(days=3),
    )
    workflow.reopen(accepted, by=dispatcher, note="群众反映仍在施工", at=at(2026, 3, 9, 9, 0))
    workflow.accept(accepted, by=street_handler, at=at(2026, 3, 9, 10, 0))
    round_two = accepted.resolve_by
    assert round_two >= at(2026, 3, 12, 18, 0)  # 3 (reopen) or 7 working days after 9 Mar
    # the round-one request is no longer waiting for a decision …
    pending = accepted.extensions.filter(decision=ExtensionRequest.Decision.PENDING)
    assert not pending.exists()
    assert Action.APPROVE_EXTENSION not in transitions.allowed_actions(
        dispatcher, accepted, at=at(2026, 3, 9, 11, 0)
    )
    # … and the unit may ask for more time in round two
    assert Action.REQUEST_EXTENSION in transitions.allowed_actions(
        street_handler, accepted, at=at(2026, 3, 9, 11, 0)
    )


def test_an_approved_extension_never_moves_a_reopened_deadline_earlier(
    accepted, street_handler, dispatcher
):
    workflow.request_extension(
        accepted,
        by=street_handler,
        until=at(2026, 3, 12, 9, 0),
        reason="需协调施工方",
        at=MONDAY + timedelta(days=1),
    )
    workflow.reply(accepted, by=street_handler, text="已协调停工。", at=MONDAY + timedelta(days=2))
    visits.rate(
        accepted,
        satisfaction=Satisfaction.UNSATISFIED,
        resolved=False,
        at=MONDAY + timedelta(days=3),
    )
    workflow.reopen(accepted, by=dispatcher, note="群众反映仍在施工", at=at(2026, 3, 9, 9, 0))
    workflow.accept(accepted, by=street_handler, at=at(2026, 3, 9, 10, 0))
    round_two = accepted.resolve_by
    # refusing the stale approval is fine; moving the deadline back to 13 March is not
    with contextlib.suppress(WorkflowError):
        workflow.decide_extension(accepted, by=dispatcher, approve=True, at=at(2026, 3, 9, 11, 0))
    accepted.refresh_from_db()
    assert accepted.resolve_by >= round_two


# --- pause / resume ------------------------------------------------------------------------


def test_pause_and_resume_move_the_deadline_by_the_paused_working_days(accepted, street_handler):
    old = accepted.resolve_by
    assert old == at(2026, 3, 11, 18, 0)
    workflow.pause(
        accepted, by=street_handler, reason="等待群众提供施工时段录音", at=at(2026, 3, 3, 9, 0)
    )
    assert_moved(accepted, Action.PAUSE, Status.ACCEPTED, Status.ACCEPTED)
    assert accepted.paused_since == at(2026, 3, 3, 9, 0)
    assert accepted.resolve_by == old
    workflow.resume(accepted, by=street_handler, at=at(2026, 3, 6, 15, 30))
    event = assert_moved(accepted, Action.RESUME, Status.ACCEPTED, Status.ACCEPTED)
    assert accepted.paused_since is None
    # paused Tuesday morning, resumed Friday afternoon: Wednesday, Thursday and Friday were lost,
    # so the deadline moves three working days, to close of business on a working day
    assert accepted.resolve_by == at(2026, 3, 16, 18, 0)
    assert [datetime.fromisoformat(v) for v in event.data["resolve_by"]] == [
        old,
        accepted.resolve_by,
    ]


def test_a_pause_over_a_weekend_and_a_holiday_counts_only_working_days(
    make_ticket, dispatcher, street_handler, city
):
    # dispatched Monday 28 September 2026; National Day runs 1–7 October, 10 October is worked
    ticket = make_ticket(at=at(2026, 9, 28, 9, 0))
    workflow.dispatch(ticket, to=city["gudong"], by=dispatcher, at=at(2026, 9, 28, 9, 0))
    workflow.accept(ticket, by=street_handler, at=at(2026, 9, 28, 10, 0))
    before = ticket.resolve_by
    workflow.pause(ticket, by=street_handler, reason="等待群众补充材料", at=at(2026, 9, 29, 9, 0))
    workflow.resume(ticket, by=street_handler, at=at(2026, 10, 9, 9, 0))
    # lost: 30 September, 8 and 9 October (the holiday week and its weekend do not count)
    calendar = deadlines.official_calendar()
    day, _ = calendar.add_workdays(timezone.localtime(before).date(), 3)
    assert ticket.resolve_by == datetime.combine(day, time(18, 0), tzinfo=at(2026, 1, 1).tzinfo)
    assert calendar.is_workday(timezone.localtime(ticket.resolve_by).date())


def test_an_hour_deadline_moves_by_the_time_the_clock_stood_still(
    make_ticket, dispatcher, street_handler, city, catalogue
):
    DeadlinePolicy.objects.filter(code="utility").update(allow_pause=True)
    ticket = make_ticket(category=catalogue["water_cut"], request_type="help", at=MONDAY)
    workflow.dispatch(ticket, to=city["gudong"], by=dispatcher, at=MONDAY)
    workflow.accept(ticket, by=street_handler, at=MONDAY + timedelta(hours=1))
    before = ticket.resolve_by
    workflow.pause(ticket, by=street_handler, reason="等待物业开门", at=MONDAY + timedelta(hours=2))
    workflow.resume(ticket, by=street_handler, at=MONDAY + timedelta(hours=5, minutes=30))
    assert ticket.resolve_by == before + timedelta(hours=3, minutes=30)


def test_pause_twice_or_resume_without_pause_is_refused(accepted, street_handler):
    with refused(accepted, "没有暂停"):
        workflow.resume(accepted, by=street_handler)
    workflow.pause(accepted, by=street_handler, reason="等待群众补充材料")
    with refused(accepted, "已在暂停"):
        workflow.pause(accepted, by=street_handler, reason="再次暂停")


def test_pause_needs_a_reason(accepted, street_handler):
    with refused(accepted, "暂停理由"):
        workflow.pause(accepted, by=street_handler, reason="")


def test_hour_based_policies_may_not_pause(make_ticket, dispatcher, water_handler, city, catalogue):
    ticket = make_ticket(category=catalogue["water_cut"], request_type="help", at=MONDAY)
    workflow.dispatch(ticket, to=city["water"], by=dispatcher, at=MONDAY)
    workflow.accept(ticket, by=water_handler, at=MONDAY + timedelta(minutes=30))
    with refused(ticket, "不允许暂停"):
        workflow.pause(ticket, by=water_handler, reason="等待群众在家")
    assert Action.PAUSE not in transitions.allowed_actions(water_handler, ticket, at=MONDAY)


def test_urgent_tickets_may_not_pause(make_ticket, dispatcher, street_handler, city):
    ticket = make_ticket(urgency="urgent", at=MONDAY)
    workflow.dispatch(ticket, to=city["gudong"], by=dispatcher, at=MONDAY)
    workflow.accept(ticket, by=street_handler, at=MONDAY + timedelta(minutes=10))
    with refused(ticket, "不允许暂停"):
        workflow.pause(ticket, by=street_handler, reason="等待群众")


def test_an_emergency_referral_is_titled_by_the_request_and_returned_before_it_is_due(
    make_ticket, dispatcher, city
):
    """#13 defect 6: the title was cut mid-way through the appended referral note
    ("…可能泄漏 【紧急转警】已") and the return deadline (one working day) fell after the
    emergency's 2-hour resolve deadline."""
    words = "鼓东路小区3号楼一楼厨房闻到很浓的煤气味，可能泄漏"
    ticket = make_ticket(
        title="",
        urgency="urgent",
        description=f"{words}\n\n【紧急转警】已告知来电人拨打 119。",
        at=MONDAY,
    )
    assert ticket.title == words
    assert "紧急转警" not in ticket.title
    workflow.dispatch(ticket, to=city["gudong"], by=dispatcher, at=MONDAY)
    ticket.refresh_from_db()
    assert ticket.resolve_by == MONDAY + timedelta(hours=2)
    assert ticket.return_by <= ticket.resolve_by
    assert ticket.accept_by <= ticket.resolve_by


def test_a_short_request_is_its_own_title_and_an_ordinary_ticket_keeps_a_days_return(
    make_ticket, dispatcher, city
):
    ticket = make_ticket(title="", description="路灯不亮。\n\n来电人补充：已三天。", at=MONDAY)
    assert ticket.title == "路灯不亮。"
    workflow.dispatch(ticket, to=city["gudong"], by=dispatcher, at=MONDAY)
    ticket.refresh_from_db()
    assert ticket.return_by == at(2026, 3, 3, 9, 0)


@pytest.mark.parametrize(
    ("description", "title"),
    [
        ("办" * 30, "办" * 30),
        ("办" * 31, "办" * 29 + "…"),
        ("  第一行\n第二行\n\n附注", "第一行 第二行"),
    ],
)
def test_a_title_from_the_description_is_its_first_paragraph_cut_with_an_ellipsis(
    description, title
):
    assert steps.title_from(description) == title


def test_reply_while_paused_stops_the_pause(accepted, street_handler):
    workflow.pause(accepted, by=street_handler, reason="等待群众", at=at(2026, 3, 3, 9, 0))
    workflow.reply(accepted, by=street_handler, text="已处理。", at=at(2026, 3, 4, 9, 0))
    assert_moved(accepted, Action.REPLY, Status.ACCEPTED, Status.REPLIED)
    assert accepted.paused_since is None


# --- reply, visit, close, reopen -----------------------------------------------------------


def test_reply_records_the_answer(accepted, street_handler):
    workflow.reply(
        accepted, by=street_handler, text="  已责令工地夜间停工。 ", at=MONDAY + timedelta(days=1)
    )
    event = assert_moved(accepted, Action.REPLY, Status.ACCEPTED, Status.REPLIED)
    assert accepted.reply == "已责令工地夜间停工。"
    assert accepted.replied_at == MONDAY + timedelta(days=1)
    assert event.note == accepted.reply


def test_reply_text_must_be_present_and_at_most_4000_characters(accepted, street_handler):
    for text in ("", "   ", LONG):
        with refused(accepted, "答复内容"):
            workflow.reply(accepted, by=street_handler, text=text)
    workflow.reply(accepted, by=street_handler, text="办" * 4000)
    assert_moved(accepted, Action.REPLY, Status.ACCEPTED, Status.REPLIED)


def test_reply_is_refused_before_acceptance_and_to_the_centre(
    on_street, street_handler, dispatcher
):
    with refused(on_street, "已派单"):
        workflow.reply(on_street, by=street_handler, text="已处理")
    workflow.accept(on_street, by=street_handler)
    with refused(on_street, "权限"):
        workflow.reply(on_street, by=dispatcher, text="已处理")


def test_satisfied_rating_closes_the_ticket(replied):
    rating = visits.rate(
        replied, satisfaction=Satisfaction.SATISFIED, resolved=True, at=MONDAY + timedelta(days=2)
    )
    replied.refresh_from_db()
    assert replied.status == Status.CLOSED
    assert replied.closed_at == MONDAY + timedelta(days=2)
    visit, close = replied.events.order_by("-seq")[1], last_event(replied)
    assert (visit.action, visit.from_status, visit.to_status) == (
        Action.VISIT,
        Status.REPLIED,
        Status.VISITED,
    )
    assert visit.data == {"satisfaction": "satisfied", "resolved": True}
    assert visit.actor is None
    assert visit.actor_label.startswith("诉求人（尾号5678")
    assert (close.action, close.from_status, close.to_status) == (
        Action.CLOSE,
        Status.VISITED,
        Status.CLOSED,
    )
    assert close.actor_label == "系统"
    assert (rating.round, rating.via) == (1, Rating.Via.WEB)


def test_basically_satisfied_by_phone_closes_too(replied, agent):
    rating = visits.rate(replied, satisfaction=Satisfaction.BASICALLY, resolved=True, agent=agent)
    replied.refresh_from_db()
    assert replied.status == Status.CLOSED
    assert rating.via == Rating.Via.PHONE
    assert replied.events.get(action=Action.VISIT).actor == agent


def test_unsatisfied_rating_waits_for_the_centre(visited_unsatisfied):
    visited_unsatisfied.refresh_from_db()
    assert visited_unsatisfied.status == Status.VISITED
    assert visited_unsatisfied.closed_at is None


def test_a_rating_must_be_one_of_the_three(replied):
    with refused(replied, "满意"):
        workflow.record_visit(
            replied,
            by=transitions.resident_actor(replied.resident),
            satisfaction="great",
            resolved=True,
        )


def test_a_handler_may_not_record_the_visit_of_his_own_work(replied, street_handler):
    with refused(replied, "权限"):
        workflow.record_visit(replied, by=street_handler, satisfaction="satisfied", resolved=True)


def test_a_ticket_cannot_be_rated_before_the_reply(accepted):
    with refused(accepted, "办理中"):
        visits.rate(accepted, satisfaction=Satisfaction.SATISFIED, resolved=True)
    assert not Rating.objects.exists()


def test_the_centre_may_close_an_unsatisfied_ticket(visited_unsatisfied, supervisor):
    workflow.close(
        visited_unsatisfied, by=supervisor, note="诉求不合理，已解释", at=MONDAY + timedelta(days=3)
    )
    assert_moved(visited_unsatisfied, Action.CLOSE, Status.VISITED, Status.CLOSED)


def test_a_replied_ticket_cannot_be_closed_before_its_visit(replied, supervisor, street_leader):
    with refused(replied, "已答复"):
        workflow.close(replied, by=supervisor)
    visits.rate(replied, satisfaction=Satisfaction.UNSATISFIED, resolved=False)
    with refused(replied, "权限"):
        workflow.close(replied, by=street_leader)


def test_reopen_after_an_unsatisfied_rating_restarts_the_same_unit(
    visited_unsatisfied, dispatcher, street_handler, city
):
    reopened_at = at(2026, 3, 5, 14, 0)
    workflow.reopen(visited_unsatisfied, by=dispatcher, note="群众反映仍在夜间施工", at=reopened_at)
    t = visited_unsatisfied
    event = assert_moved(t, Action.REOPEN, Status.VISITED, Status.DISPATCHED)
    assert t.unit == city["gudong"]
    assert t.reopen_count == 1
    assert (t.reply, t.replied_at, t.accepted_at) == ("", None, None)
    assert t.dispatched_at == reopened_at
    assert t.accept_by == reopened_at + timedelta(hours=24)
    # working days after Thu 5 Mar: the policy's shorter reopen count where it has one, else 7
    policy = DeadlinePolicy.objects.get(code="general")
    workdays = getattr(policy, "reopen_workdays", None) or policy.resolve_workdays
    assert t.resolve_by == {3: at(2026, 3, 10, 18, 0), 7: at(2026, 3, 16, 18, 0)}[workdays]
    assert event.data["round"] == 2
    # round two: same handler, a second rating for the second round
    workflow.accept(t, by=street_handler, at=reopened_at + timedelta(hours=1))
    workflow.reply(
        t,
        by=street_handler,
        text="已拆除夜间施工照明，施工方承诺停工。",
        at=reopened_at + timedelta(days=1),
    )
    rating = visits.rate(
        t, satisfaction=Satisfaction.SATISFIED, resolved=True, at=reopened_at + timedelta(days=2)
    )
    assert rating.round == 2
    t.refresh_from_db()
    assert t.status == Status.CLOSED


def test_reopen_needs_a_note_and_the_centre(visited_unsatisfied, dispatcher, street_leader):
    with refused(visited_unsatisfied, "重办意见"):
        workflow.reopen(visited_unsatisfied, by=dispatcher, note="")
    with refused(visited_unsatisfied, "权限"):
        workflow.reopen(visited_unsatisfied, by=street_leader, note="我们再办一次")


def test_reopen_is_refused_after_a_satisfied_rating(replied, supervisor):
    # recorded without the automatic close, the ticket waits in VISITED with a satisfied rating
    workflow.record_visit(
        replied,
        by=transitions.resident_actor(replied.resident),
        satisfaction=Satisfaction.SATISFIED,
        resolved=True,
    )
    with refused(replied, "不满意"):
        workflow.reopen(replied, by=supervisor, note="复核")
    workflow.close(replied, by=supervisor)
    with refused(replied, "已办结"):
        workflow.reopen(replied, by=supervisor, note="复核")


def test_close_needs_a_reply(replied, supervisor):
    # a ticket in VISITED without a reply can only be made by hand: the guard still holds
    visits.rate(replied, satisfaction=Satisfaction.UNSATISFIED, resolved=False)
    Ticket.objects.filter(pk=replied.pk).update(reply="")
    replied.refresh_from_db()
    with refused(replied, "还没有答复"):
        workflow.close(replied, by=supervisor)


# --- answer, merge, decline ----------------------------------------------------------------


def test_a_consultation_is_answered_at_first_contact(make_ticket, agent):
    ticket = make_ticket(request_type="consult", title="夜间施工许可咨询", at=MONDAY)
    workflow.answer(
        ticket,
        by=agent,
        text="夜间施工须取得住建部门许可，可拨打…",
        at=MONDAY + timedelta(minutes=5),
    )
    assert_moved(ticket, Action.ANSWER, Status.RECEIVED, Status.CLOSED)
    assert ticket.closed_at == ticket.replied_at == MONDAY + timedelta(minutes=5)
    assert ticket.reply.startswith("夜间施工须取得")
    assert ticket.unit is None


def test_only_consultations_are_answered_at_first_contact(received, agent):
    with refused(received, "咨询"):
        workflow.answer(received, by=agent, text="已解答")
    assert Action.ANSWER not in transitions.allowed_actions(agent, received)


def test_an_answer_needs_text_and_the_centre(make_ticket, agent, supervisor):
    ticket = make_ticket(request_type="consult")
    with refused(ticket, "答复内容"):
        workflow.answer(ticket, by=agent, text=" ")
    with refused(ticket, "权限"):
        workflow.answer(ticket, by=supervisor, text="已解答")


def test_a_duplicate_is_merged_into_an_open_ticket(on_street, make_ticket, dispatcher):
    duplicate = make_ticket(at=MONDAY + timedelta(hours=4))
    workflow.merge(duplicate, into=on_street, by=dispatcher, at=MONDAY + timedelta(hours=5))
    event = assert_moved(duplicate, Action.MERGE, Status.RECEIVED, Status.MERGED)
    assert duplicate.merged_into == on_street
    assert duplicate.closed_at == MONDAY + timedelta(hours=5)
    assert event.data == {"into": on_street.number}


def test_a_ticket_cannot_be_merged_into_itself_or_a_finished_one(
    received, make_ticket, dispatcher, agent
):
    with refused(received, "另一张"):
        workflow.merge(received, into=received, by=dispatcher)
    finished = make_ticket(request_type="consult")
    workflow.answer(finished, by=agent, text="已解答")
    with refused(received, "另一张"):
        workflow.merge(received, into=finished, by=dispatcher)
    other = make_ticket()
    with refused(received, "权限"):
        workflow.merge(received, into=other, by=agent)


def test_decline_tells_the_resident_where_to_turn(received, agent):
    workflow.decline(
        received,
        by=agent,
        referral="属民事纠纷，请向人民法院起诉。",
        at=MONDAY + timedelta(minutes=3),
    )
    assert_moved(received, Action.DECLINE, Status.RECEIVED, Status.DECLINED)
    assert received.reply == "属民事纠纷，请向人民法院起诉。"
    assert received.closed_at == MONDAY + timedelta(minutes=3)


def test_decline_needs_a_referral(received, agent):
    for referral in ("", "  ", LONG):
        with refused(received, "告知内容"):
            workflow.decline(received, by=agent, referral=referral)


def test_a_returned_ticket_may_be_declined(on_street, street_handler, dispatcher):
    workflow.send_back(
        on_street, by=street_handler, reason="属司法管辖", at=MONDAY + timedelta(hours=2)
    )
    workflow.decline(
        on_street, by=dispatcher, referral="请向人民法院起诉。", at=MONDAY + timedelta(hours=3)
    )
    assert_moved(on_street, Action.DECLINE, Status.RETURNED, Status.DECLINED)


def test_a_dispatched_ticket_cannot_be_declined_or_merged(on_street, make_ticket, dispatcher):
    with refused(on_street, "已派单"):
        workflow.decline(on_street, by=dispatcher, referral="请向法院起诉")
    other = make_ticket()
    with refused(on_street, "已派单"):
        workflow.merge(on_street, into=other, by=dispatcher)


# --- assigning a handler inside the unit --------------------------------------------------


def test_street_leader_assigns_the_ticket_to_a_handler_of_the_street(
    on_street, street_leader, street_handler
):
    workflow.assign(on_street, to=street_handler, by=street_leader, at=MONDAY + timedelta(hours=2))
    event = assert_moved(on_street, Action.ASSIGN, Status.DISPATCHED, Status.DISPATCHED)
    assert on_street.handler == street_handler
    assert event.data == {"handler": street_handler.pk}


def test_a_handler_may_not_assign_and_nobody_outside_the_unit_is_assigned(
    on_street, street_leader, street_handler, water_handler
):
    with refused(on_street, "权限"):
        workflow.assign(on_street, to=street_handler, by=street_handler)
    with refused(on_street, "承办人"):
        workflow.assign(on_street, to=water_handler, by=street_leader)


# --- notes ---------------------------------------------------------------------------------


def test_notes_are_for_open_tickets_and_need_text(replied, supervisor):
    workflow.add_note(replied, by=supervisor, text="已电话联系群众", at=MONDAY + timedelta(days=1))
    assert_moved(replied, Action.NOTE, Status.REPLIED, Status.REPLIED)
    with refused(replied, "备注内容"):
        workflow.add_note(replied, by=supervisor, text="")
    with refused(replied, "备注内容"):
        workflow.add_note(replied, by=supervisor, text=LONG)
    visits.rate(replied, satisfaction=Satisfaction.SATISFIED, resolved=True)
    with refused(replied, "已办结"):
        workflow.add_note(replied, by=supervisor, text="补充")


def test_resident_may_not_note(on_street):
    with refused(on_street, "权限"):
        workflow.add_note(on_street, by=transitions.resident_actor(on_street.resident), text="催办")


# --- the table itself ---------------------------------------------------------------------

S = Status
# The loop as the project states it: action -> (from, to or None for "stays", who may).
LOOP = {
    "answer": ({S.RECEIVED}, S.CLOSED, {"agent", "dispatcher"}),
    "dispatch": ({S.RECEIVED, S.RETURNED}, S.DISPATCHED, {"dispatcher", "system"}),
    "add_cohandler": ({S.DISPATCHED, S.ACCEPTED}, None, {"dispatcher", "leader"}),
    "accept": ({S.DISPATCHED}, S.ACCEPTED, {"handler", "leader"}),
    "return": ({S.DISPATCHED}, S.RETURNED, {"handler", "leader"}),
    "reject_return": ({S.RETURNED}, S.DISPATCHED, {"dispatcher"}),
    "request_extension": ({S.ACCEPTED}, None, {"handler", "leader"}),
    "approve_extension": ({S.ACCEPTED}, None, {"dispatcher", "supervisor"}),
    "refuse_extension": ({S.ACCEPTED}, None, {"dispatcher", "supervisor"}),
    "pause": ({S.ACCEPTED}, None, {"handler", "leader"}),
    "resume": ({S.ACCEPTED}, None, {"handler", "leader"}),
    "reply": ({S.ACCEPTED}, S.REPLIED, {"handler", "leader"}),
    "visit": ({S.REPLIED}, S.VISITED, {"agent", "resident"}),
    "close": ({S.VISITED}, S.CLOSED, {"dispatcher", "supervisor", "system"}),
    "reopen": ({S.VISITED}, S.DISPATCHED, {"dispatcher", "supervisor"}),
    "merge": ({S.RECEIVED, S.RETURNED}, S.MERGED, {"dispatcher"}),
    "decline": ({S.RECEIVED, S.RETURNED}, S.DECLINED, {"agent", "dispatcher"}),
}


def test_the_transition_table_is_the_loop():
    for action, (sources, target, roles) in LOOP.items():
        move = transitions.TRANSITIONS[action]
        assert (set(move.sources), move.target, set(move.roles)) == (sources, target, roles), action
    # finished tickets take no move at all, not even a note
    finished = {S.CLOSED, S.MERGED, S.DECLINED}
    for action, move in transitions.TRANSITIONS.items():
        assert not finished & move.sources, action
    # every status but the finished ones can be left
    leavable = set().union(*(m.sources for m in transitions.TRANSITIONS.values() if m.target))
    assert leavable == set(S) - finished


# --- what the page offers ------------------------------------------------------------------


def test_allowed_actions_follow_roles_and_status(
    on_street, dispatcher, street_handler, street_leader, agent, guxi_handler
):
    assert moves(street_handler, on_street, at=MONDAY + timedelta(hours=2)) == {
        Action.ACCEPT,
        Action.RETURN,
    }
    assert moves(street_leader, on_street, at=MONDAY + timedelta(hours=2)) == {
        Action.ACCEPT,
        Action.RETURN,
        Action.ADD_COHANDLER,
        Action.ASSIGN,
    }
    assert moves(dispatcher, on_street) == {Action.ADD_COHANDLER, Action.ASSIGN, Action.URGE}
    assert moves(agent, on_street) == set()
    for person in (street_handler, street_leader, dispatcher, agent):
        assert Action.NOTE in transitions.allowed_actions(person, on_street)
    assert transitions.allowed_actions(guxi_handler, on_street) == []


def test_the_caller_object_is_untouched_by_a_refused_move(on_street, water_handler):
    status, events = on_street.status, on_street.events.count()
    with pytest.raises(WorkflowError):
        workflow.accept(on_street, by=water_handler)
    assert on_street.status == status == Status.DISPATCHED
    assert on_street.events.count() == events


def test_workflow_uses_the_current_time_when_none_is_given(on_street, street_handler):
    with time_machine.travel(at(2026, 3, 2, 15, 45), tick=False):
        workflow.accept(on_street, by=street_handler)
    on_street.refresh_from_db()
    assert on_street.accepted_at == at(2026, 3, 2, 15, 45)
    assert last_event(on_street).at == at(2026, 3, 2, 15, 45)
