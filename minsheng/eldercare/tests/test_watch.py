"""Readings in, alarms out, through the loop: ingest, judge, the ladder, silent meters,
absences, outcomes, retention."""

from datetime import timedelta
from typing import Any

import pytest

from minsheng.eldercare import alarms, readings, rules
from minsheng.eldercare.models import (
    Absence,
    Alarm,
    AlarmEvent,
    DailyUse,
    Meter,
    Policy,
    Problem,
    Reading,
)
from minsheng.eldercare.tests.conftest import T0
from minsheng.notifications.models import Notification
from minsheng.tickets import workflow

pytestmark = pytest.mark.django_db
DAY = [0.0] * 14 + [20.0, 15.0] + [0.0] * 8 + [10.0, 5.0] + [0.0] * 12 + [25.0] + [0.0] * 11


def sms_to(phone: str) -> list[str]:
    return list(Notification.objects.filter(phone=phone).values_list("body", flat=True))


def test_readings_are_stored_once_and_problems_are_counted(elder: Any, feed: Any) -> None:
    first = feed("W-001", [5.0] * 4)
    assert (first.stored, first.duplicates) == (5, 0)
    again = feed("W-001", [5.0] * 4)
    assert (again.stored, again.duplicates) == (0, 5)
    report = readings.ingest(
        [
            ("NOPE", b'{"at": "2026-03-02T08:00+08:00", "value": 1}'),
            ("W-001", b"{not json"),
            ("W-001", {"at": "2026-03-02T09:00", "value": 1}),
            ("E-001", {"at": "2026-03-02T09:00+08:00", "value": 7}),
        ],
        source="mqtt",
        now=T0 + timedelta(hours=9),
    )  # fmt: skip
    assert (report.unknown, report.malformed, report.stored) == (1, 2, 1)
    assert Reading.objects.count() == 6
    reasons = set(Problem.objects.values_list("reason", flat=True))
    assert "未登记的表号" in reasons
    assert "不是合法的JSON" in reasons
    assert any("时区" in r for r in reasons)


def test_a_quiet_day_raises_a_welfare_alarm_and_the_family_first_ladder(
    elder: Any, feed: Any, city: Any
) -> None:
    feed("W-001", [0.0] * 48)
    raised = alarms.judge_due(now=T0 + timedelta(hours=24, minutes=6))
    assert raised == 1
    alarm = Alarm.objects.get()
    assert (alarm.kind, alarm.rule, alarm.state) == ("welfare", "low_use", "open")
    assert alarm.plan == ["elder", "contact:1", "ticket", "escalate"]
    assert alarm.ticket is None
    assert sms_to("13800000001")
    # nothing new to judge: nothing happens; a replay of the same batch raises nothing
    assert alarms.judge_due(now=T0 + timedelta(hours=25)) == 0
    feed("W-001", [0.0] * 48)
    assert alarms.judge_due(now=T0 + timedelta(hours=25)) == 0
    # the wait runs out: the family contact (contacts[0] is the son: order 1)
    later = alarm.next_step_at
    assert alarms.climb_due(now=later) == 1
    assert sms_to("13900000001")
    assert alarms.climb_due(now=later + timedelta(minutes=15)) == 1
    alarm.refresh_from_db()
    ticket = alarm.ticket
    assert ticket is not None
    assert (ticket.channel, ticket.urgency, ticket.unit, ticket.status) == (
        "sensor",
        "urgent",
        city["dongjie"],
        "dispatched",
    )
    assert "鼓楼区东街1号101" in ticket.description
    assert "139****0001" in ticket.description
    assert ticket.category.policy.code == "emergency"
    # not accepted in an hour: the street and the supervisor are told
    assert alarms.climb_due(now=later + timedelta(minutes=76)) == 1
    alarm.refresh_from_db()
    assert alarm.next_step_at is None
    assert "已通知街道和督办" in alarm.events.last().note
    # a retried step never sends twice
    assert alarms.climb_due(now=later + timedelta(days=1)) == 0
    assert len(sms_to("13900000001")) == 1


def test_staff_first_files_the_ticket_at_once_and_copies_the_family(elder: Any, feed: Any) -> None:
    Policy.objects.filter(unit=None).update(mode=Policy.Mode.STAFF_FIRST)
    feed("W-001", [0.0] * 48)
    alarms.judge_due(now=T0 + timedelta(hours=24, minutes=6))
    alarm = Alarm.objects.get()
    assert alarm.ticket is not None
    assert alarm.plan == ["ticket_copy", "escalate"]
    assert sms_to("13900000001")
    assert not sms_to("13800000001")


def test_a_late_batch_judges_the_same_as_live_readings(elder: Any, feed: Any) -> None:
    # live: half-hour by half-hour
    for n in range(48):
        feed("W-001", [0.0], start=T0 + timedelta(minutes=30 * n), value=100.0)
        alarms.judge_due(now=T0 + timedelta(minutes=30 * n + 31))
    live = list(Alarm.objects.values_list("rule", "window_start", "window_end"))
    Alarm.objects.all().delete()
    Reading.objects.all().delete()
    # the same day arriving out of order, a day late
    feed("W-001", [0.0] * 24, start=T0 + timedelta(hours=12), now=T0 + timedelta(days=2))
    feed("W-001", [0.0] * 24, start=T0, now=T0 + timedelta(days=2))
    alarms.judge_due(now=T0 + timedelta(days=2))
    assert list(Alarm.objects.values_list("rule", "window_start", "window_end")) == live
    assert len(live) == 1


def test_a_registered_absence_suppresses_and_is_kept(elder: Any, feed: Any) -> None:
    alarms.register_absence(
        elder, starts=T0 - timedelta(hours=2), ends=T0 + timedelta(days=3), reason="family",
        source="staff", by="社区", now=T0,
    )  # fmt: skip
    feed("W-001", [0.0] * 48)
    alarms.judge_due(now=T0 + timedelta(hours=25))
    alarm = Alarm.objects.get()
    assert alarm.state == "suppressed"
    assert alarm.ticket is None
    assert Notification.objects.count() == 0


def test_an_absence_registered_after_the_alarm_stands_it_down(elder: Any, feed: Any) -> None:
    feed("W-001", [0.0] * 48)
    alarms.judge_due(now=T0 + timedelta(hours=24, minutes=6))
    alarms.register_absence(
        elder, starts=T0, ends=T0 + timedelta(days=2), reason="hospital", source="api",
        by="key", now=T0 + timedelta(hours=24, minutes=10),
    )  # fmt: skip
    alarm = Alarm.objects.get()
    assert alarm.state == "suppressed"
    assert alarm.next_step_at is None
    with pytest.raises(workflow.WorkflowError):
        alarms.register_absence(
            elder, starts=T0, ends=T0, reason="family", source="staff", by="x", now=T0
        )
    assert Absence.objects.count() == 1


def test_use_that_resumes_downgrades_the_alarm_but_keeps_it(elder: Any, feed: Any) -> None:
    feed("W-001", [0.0] * 48)
    alarms.judge_due(now=T0 + timedelta(hours=24, minutes=6))
    feed("W-001", [30.0], start=T0 + timedelta(hours=24), value=100.0)
    alarms.judge_due(now=T0 + timedelta(hours=24, minutes=40))
    alarm = Alarm.objects.get()
    assert alarm.state == "downgraded"
    assert list(alarm.events.values_list("action", flat=True))[-1] == "downgraded"


def test_both_meters_quiet_is_severe_and_goes_straight_to_the_ticket(elder: Any, feed: Any) -> None:
    feed("E-001", [0.04] * 48, scale=1.0)
    feed("W-001", [0.0] * 48)
    alarms.judge_due(now=T0 + timedelta(hours=24, minutes=6))
    low = Alarm.objects.get(rule="low_use")
    assert low.severity == 3
    assert low.ticket is not None
    assert Alarm.objects.filter(rule="no_switching").exists()


def test_a_fall_in_the_shower_is_severe(elder: Any, feed: Any) -> None:
    feed("W-001", [*DAY[:20], *[200.0] * 5])
    alarms.judge_due(now=T0 + timedelta(hours=13))
    fall = Alarm.objects.get(rule="continuous_flow")
    assert fall.severity == 2
    assert fall.ticket is not None
    assert fall.ticket.urgency == "urgent"


def test_a_silent_meter_is_a_fault_ticket_to_the_utility_never_a_welfare_alarm(
    elder: Any, feed: Any, city: Any
) -> None:
    feed("W-001", DAY[:10], now=T0 + timedelta(hours=5))
    feed("E-001", [0.1] * 10, now=T0 + timedelta(hours=5), scale=1.0)
    assert alarms.find_silent(now=T0 + timedelta(hours=5, minutes=59)) == 0
    assert alarms.find_silent(now=T0 + timedelta(hours=6, minutes=1)) == 2
    faults = Alarm.objects.filter(kind="meter_silent")
    assert faults.count() == 2
    assert not Alarm.objects.filter(kind="welfare").exists()
    ticket = faults.first().ticket
    assert ticket.unit == city["water"]
    assert ticket.urgency == "normal"
    assert alarms.find_silent(now=T0 + timedelta(hours=9)) == 0  # once per silence
    # the meter comes back with a day of zeros since 05:00 that includes the silent span:
    # the gap is never judged as a quiet person
    feed(
        "W-001",
        [0.0] * 40,
        start=T0 + timedelta(hours=25),
        value=100.2,
        now=T0 + timedelta(hours=46),
    )
    alarms.judge_due(now=T0 + timedelta(hours=46))
    assert not Alarm.objects.filter(kind="welfare").exists()
    assert Meter.objects.get(code="W-001").silent_since is None
    assert "resumed" in AlarmEvent.objects.values_list("action", flat=True)


def test_the_outcome_is_the_tickets_reply_and_closing_closes_the_alarm(
    elder: Any, feed: Any, street_handler: Any, dispatcher: Any
) -> None:
    Policy.objects.filter(unit=None).update(mode=Policy.Mode.STAFF_FIRST)
    feed("W-001", [0.0] * 48)
    alarms.judge_due(now=T0 + timedelta(hours=24, minutes=6))
    alarm = Alarm.objects.get()
    workflow.accept(alarm.ticket, by=street_handler)
    alarms.record_outcome(
        alarm, outcome="fall", note="老人在卫生间跌倒，已送医。", by=street_handler
    )
    alarm.refresh_from_db()
    assert (alarm.outcome, alarm.state) == ("fall", "acknowledged")
    assert alarm.ticket.reply.startswith("上门结果：跌倒")
    assert alarm.visited_at is not None
    assert rules.outcome_of("上门查看，老人外出不在家，已联系女儿") == "away"
    assert rules.outcome_of("无异常") == "other"


def test_acknowledgement_stops_the_ladder(elder: Any, feed: Any) -> None:
    feed("W-001", [0.0] * 48)
    alarms.judge_due(now=T0 + timedelta(hours=24, minutes=6))
    alarm = Alarm.objects.get()
    alarms.acknowledge(alarm, by="林晓明", note="电话联系上了，在睡觉")
    alarm.refresh_from_db()
    assert alarm.state == "acknowledged"
    assert alarm.next_step_at is None
    assert alarms.climb_due(now=T0 + timedelta(days=2)) == 0
    with pytest.raises(workflow.WorkflowError):
        alarms.acknowledge(alarm, by="x")


def test_old_readings_leave_daily_totals(elder: Any, feed: Any) -> None:
    feed("W-001", DAY * 2)
    assert readings.prune(now=T0 + timedelta(days=402), days=400) == 1
    totals = dict(DailyUse.objects.values_list("day", "use"))
    assert totals[T0.date()] == pytest.approx(sum(DAY[:-1]))  # the last half-hour ends next day
    assert Reading.objects.filter(meter__code="W-001").count() < 10
