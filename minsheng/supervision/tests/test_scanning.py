"""The deadline scan on the database: chasing across National Day 2026, return visits, no rating."""

from datetime import timedelta

import pytest
import time_machine

from conftest import at
from minsheng.feedback.links import read_token
from minsheng.notifications.models import Notification
from minsheng.supervision import scanning
from minsheng.tickets import workflow
from minsheng.tickets.models import Status, TicketEvent
from minsheng.tickets.names import Action

pytestmark = pytest.mark.django_db

DISPATCHED = at(2026, 9, 30, 9, 0)  # the eve of National Day; resolve by Thu 1 Oct 09:00


@pytest.fixture
def late_water(make_ticket, catalogue, dispatcher, water_handler, supervisor, city):
    """A water cut on the 24-hour policy, dispatched and accepted just before the holiday."""
    ticket = make_ticket(category=catalogue["water_cut"], request_type="help", at=DISPATCHED)
    workflow.dispatch(ticket, to=city["water"], by=dispatcher, at=DISPATCHED)
    workflow.accept(ticket, by=water_handler, at=DISPATCHED + timedelta(minutes=30))
    return ticket


def scan_at(*args):
    with time_machine.travel(at(*args), tick=False):
        return scanning.scan()


def actions(ticket, action):
    return list(TicketEvent.objects.filter(ticket=ticket, action=action).order_by("seq"))


def test_the_unit_is_chased_on_the_first_working_day_after_national_day(late_water, water_handler):
    scan_at(2026, 10, 1, 12, 0)
    assert actions(late_water, Action.URGE) == []
    assert Notification.objects.filter(kind="overdue", user=water_handler).count() == 1
    scan_at(2026, 10, 7, 18, 0)  # the last holiday: still no chasing
    assert actions(late_water, Action.URGE) == []
    scan_at(2026, 10, 8, 9, 0)
    [urge] = actions(late_water, Action.URGE)
    assert (urge.actor_id, urge.actor_label, urge.from_status, urge.to_status) == (
        None,
        "系统",
        Status.ACCEPTED,
        Status.ACCEPTED,
    )
    assert urge.at == at(2026, 10, 8, 9, 0)
    assert Notification.objects.filter(kind="urge", user=water_handler).count() == 1


def test_the_supervisor_is_alerted_on_the_make_up_saturday_and_only_once(late_water, supervisor):
    supervisor.email = "zhao@example.org"
    supervisor.save()
    scan_at(2026, 10, 8, 9, 0)
    scan_at(2026, 10, 9, 17, 0)
    assert actions(late_water, Action.ESCALATE) == []
    scan_at(2026, 10, 10, 9, 0)  # 调休 Saturday: the second working day after the chase
    scan_at(2026, 10, 10, 9, 30)
    scan_at(2026, 10, 12, 9, 0)
    [escalation] = actions(late_water, Action.ESCALATE)
    assert escalation.at == at(2026, 10, 10, 9, 0)
    notices = Notification.objects.filter(kind="escalate", user=supervisor)
    assert sorted(notices.values_list("channel", flat=True)) == ["email", "inapp"]
    late_water.refresh_from_db()
    assert late_water.next_check_at is None


def test_scanning_twice_at_the_same_moment_writes_nothing_more(late_water):
    scan_at(2026, 10, 8, 9, 0)
    before = (Notification.objects.count(), TicketEvent.objects.count())
    report = scan_at(2026, 10, 8, 9, 0)
    assert report.checked == 0
    assert (Notification.objects.count(), TicketEvent.objects.count()) == before


def test_an_approved_extension_restarts_the_chase_for_the_new_deadline(
    make_ticket, dispatcher, street_handler, city
):
    ticket = make_ticket(at=at(2026, 9, 14, 9, 0))
    workflow.dispatch(ticket, to=city["gudong"], by=dispatcher, at=at(2026, 9, 14, 9, 0))
    workflow.accept(ticket, by=street_handler, at=at(2026, 9, 14, 10, 0))
    assert ticket.resolve_by == at(2026, 9, 22, 18, 0)  # 7 working days with 调休 Sunday 20 Sep
    until = at(2026, 10, 9, 18, 0)
    workflow.request_extension(
        ticket, by=street_handler, until=until, reason="需协调", at=at(2026, 9, 21, 9, 0)
    )
    workflow.decide_extension(ticket, by=dispatcher, approve=True, at=at(2026, 9, 21, 10, 0))
    scan_at(2026, 9, 24, 9, 0)
    assert actions(ticket, Action.URGE) == []
    scan_at(2026, 10, 10, 9, 0)  # Fri 9 Oct missed; the make-up Saturday is the next working day
    [urge] = actions(ticket, Action.URGE)
    assert urge.data["deadline"] == "resolve@202610091800"
    assert Notification.objects.filter(kind="extension", phone="13812345678").count() == 1


def test_a_replied_ticket_gets_the_rating_link_by_sms_after_a_day(late_water, water_handler):
    workflow.reply(late_water, by=water_handler, text="已恢复供水。", at=at(2026, 10, 8, 10, 0))
    assert Notification.objects.filter(kind="reply", channel="sms").count() == 1
    scan_at(2026, 10, 9, 9, 59)
    assert not Notification.objects.filter(kind="visit").exists()
    scan_at(2026, 10, 9, 10, 0)
    [sms] = Notification.objects.filter(kind="visit")
    assert (sms.channel, sms.phone, sms.state) == ("sms", "13812345678", "queued")
    token = sms.body.rsplit("/m/r/", 1)[1].rstrip("/")
    with time_machine.travel(at(2026, 10, 9, 12, 0), tick=False):
        claim = read_token(token)
    assert (claim.number, claim.round) == (late_water.number, 1)


def test_no_rating_after_seven_days_closes_as_unrated(late_water, water_handler):
    workflow.reply(late_water, by=water_handler, text="已恢复供水。", at=at(2026, 10, 8, 10, 0))
    scan_at(2026, 10, 15, 9, 59)
    late_water.refresh_from_db()
    assert late_water.status == Status.REPLIED
    scan_at(2026, 10, 15, 10, 0)
    late_water.refresh_from_db()
    assert late_water.status == Status.CLOSED
    [closing] = actions(late_water, Action.CLOSE_UNRATED)
    assert closing.data == {"no_rating": True}
    assert (closing.from_status, closing.actor_label) == (Status.REPLIED, "系统")


def test_a_policy_without_automatic_close_leaves_the_ticket_for_a_phone_visit(
    late_water, water_handler, agent
):
    policy = late_water.category.policy
    policy.unrated_close_days = None
    policy.save()
    workflow.reply(late_water, by=water_handler, text="已恢复供水。", at=at(2026, 10, 8, 10, 0))
    scan_at(2026, 11, 20, 10, 0)
    late_water.refresh_from_db()
    assert late_water.status == Status.REPLIED
    from minsheng.tickets import queries

    with time_machine.travel(at(2026, 11, 20, 10, 0), tick=False):
        assert list(queries.visits_due(agent)) == [late_water]
