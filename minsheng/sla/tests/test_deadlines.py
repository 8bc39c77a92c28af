"""Deadlines on the calendar the migrations seed from chinese-calendar (2020–2026)."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from conftest import at
from minsheng.sla import deadlines
from minsheng.sla.models import CalendarDay, CalendarYear, DeadlinePolicy
from minsheng.tickets import workflow
from minsheng.tickets.models import Urgency

pytestmark = pytest.mark.django_db


@pytest.fixture
def policies():
    return {p.code: p for p in DeadlinePolicy.objects.all()}


def test_seeded_policies_are_the_four_of_the_standard(policies):
    assert set(policies) == {"general", "utility", "complex", "emergency"}
    assert (policies["general"].resolve_workdays, policies["general"].resolve_hours) == (7, None)
    assert (policies["complex"].resolve_workdays, policies["complex"].resolve_hours) == (15, None)
    assert (policies["utility"].resolve_hours, policies["utility"].resolve_workdays) == (24, None)
    assert policies["emergency"].resolve_hours == 2
    # only working-day policies may pause the clock
    assert {code for code, p in policies.items() if p.allow_pause} == {"general", "complex"}


def test_seeded_calendar_knows_2026_spring_festival_and_make_up_days():
    assert set(CalendarYear.objects.values_list("year", flat=True)) >= set(range(2020, 2027))
    assert not CalendarYear.objects.filter(year=2027).exists()
    kinds = dict(CalendarDay.objects.filter(date__year=2026).values_list("date", "kind"))
    assert kinds[date(2026, 2, 14)] == CalendarDay.Kind.WORKDAY
    assert kinds[date(2026, 2, 28)] == CalendarDay.Kind.WORKDAY
    assert all(kinds[date(2026, 2, d)] == CalendarDay.Kind.HOLIDAY for d in range(15, 24))
    assert kinds[date(2026, 9, 20)] == CalendarDay.Kind.WORKDAY
    assert kinds[date(2026, 10, 10)] == CalendarDay.Kind.WORKDAY


def test_general_deadline_counts_the_make_up_saturday_and_skips_the_spring_festival(policies):
    due = deadlines.compute(policies["general"], start=at(2026, 2, 13, 10, 0))
    # Sat 14 Feb (1), 15–23 off, 24–27 Feb (2–5), Sat 28 Feb (6), Mon 2 Mar (7), at 18:00
    assert due.resolve_by == at(2026, 3, 2, 18, 0)
    assert due.accept_by == at(2026, 2, 14, 10, 0)  # 24 hours, on the clock
    assert due.beyond_calendar is False


def test_dispatch_on_the_eve_of_the_spring_festival_sets_the_deadline(
    dispatcher, make_ticket, city
):
    ticket = make_ticket()
    with time_machine.travel(at(2026, 2, 13, 10, 0), tick=False):
        workflow.dispatch(ticket, to=city["gudong"], by=dispatcher)
    ticket.refresh_from_db()
    assert ticket.dispatched_at == at(2026, 2, 13, 10, 0)
    assert ticket.resolve_by == at(2026, 3, 2, 18, 0)
    assert ticket.accept_by == at(2026, 2, 14, 10, 0)
    assert ticket.beyond_calendar is False
    event = ticket.events.get(action="dispatch")
    assert event.data["policy"] == "general"
    assert event.data["resolve_by"] == at(2026, 3, 2, 18, 0).isoformat()


def test_general_deadline_across_national_day_counts_the_make_up_saturday(policies):
    due = deadlines.compute(policies["general"], start=at(2026, 9, 30, 10, 0))
    # 1–7 Oct off, Thu 8 (1), Fri 9 (2), Sat 10 (3), Mon 12 … Thu 15 (4–7)
    assert due.resolve_by == at(2026, 10, 15, 18, 0)
    assert due.beyond_calendar is False


def test_dispatch_before_national_day_sets_the_deadline(dispatcher, make_ticket, city):
    ticket = make_ticket()
    with time_machine.travel(at(2026, 9, 30, 16, 30), tick=False):
        workflow.dispatch(ticket, to=city["gudong"], by=dispatcher)
    ticket.refresh_from_db()
    assert ticket.resolve_by == at(2026, 10, 15, 18, 0)
    assert ticket.accept_by == at(2026, 10, 1, 16, 30)


def test_complex_deadline_through_mid_autumn_and_national_day(policies):
    # Thu 24 Sep: 25–27 off, Mon 28 (1), Tue 29 (2), Wed 30 (3), 1–7 Oct off, 8, 9, 10 (4–6),
    # 12–16 (7–11), 19–22 (12–15)
    due = deadlines.compute(policies["complex"], start=at(2026, 9, 24, 9, 0))
    assert due.resolve_by == at(2026, 10, 22, 18, 0)


def test_utility_deadline_runs_on_the_clock_through_the_holiday(
    dispatcher, make_ticket, city, catalogue
):
    ticket = make_ticket(category=catalogue["water_cut"], request_type="help", title="停水")
    with time_machine.travel(at(2026, 2, 16, 9, 15), tick=False):  # 初一, a holiday
        workflow.dispatch(ticket, to=city["water"], by=dispatcher)
    ticket.refresh_from_db()
    assert ticket.resolve_by == at(2026, 2, 17, 9, 15)
    assert ticket.accept_by == at(2026, 2, 16, 11, 15)
    assert ticket.beyond_calendar is False


def test_urgent_ticket_gets_the_two_hour_emergency_policy(dispatcher, make_ticket, city):
    ticket = make_ticket(urgency=Urgency.URGENT, title="燃气泄漏气味")
    with time_machine.travel(at(2026, 2, 17, 22, 40), tick=False):
        workflow.dispatch(ticket, to=city["gudong"], by=dispatcher)
    ticket.refresh_from_db()
    assert ticket.resolve_by == at(2026, 2, 18, 0, 40)
    assert ticket.accept_by == at(2026, 2, 17, 23, 40)
    assert ticket.events.get(action="dispatch").data["policy"] == "emergency"


def test_policy_for_prefers_the_emergency_policy_and_falls_back_to_general(policies):
    assert deadlines.policy_for(policies["utility"], urgent=True).code == "emergency"
    assert deadlines.policy_for(policies["utility"], urgent=False).code == "utility"
    assert deadlines.policy_for(None, urgent=False).code == "general"


def test_deadline_running_into_an_unpublished_year_is_counted_on_weekdays(policies):
    due = deadlines.compute(policies["general"], start=at(2026, 12, 28, 10, 0))
    # 29, 30, 31 Dec, Fri 1 Jan 2027 (its holiday is not published), Mon 4, Tue 5, Wed 6
    assert due.resolve_by == at(2027, 1, 6, 18, 0)
    assert due.beyond_calendar is True


def test_dispatch_into_2027_marks_the_ticket_beyond_the_calendar(dispatcher, make_ticket, city):
    ticket = make_ticket()
    with time_machine.travel(at(2026, 12, 28, 10, 0), tick=False):
        workflow.dispatch(ticket, to=city["gudong"], by=dispatcher)
    ticket.refresh_from_db()
    assert ticket.beyond_calendar is True
    assert ticket.resolve_by == at(2027, 1, 6, 18, 0)
    assert ticket.events.get(action="dispatch").data["beyond_calendar"] is True


def test_accept_by_is_dispatch_plus_the_policy_accept_hours(policies):
    start = at(2026, 3, 6, 17, 59)
    for policy in policies.values():
        due = deadlines.compute(policy, start=start)
        assert due.accept_by == start + timedelta(hours=policy.accept_hours), policy.code


def test_deadline_is_counted_on_the_beijing_date_of_a_utc_start(policies):
    # 16:30 UTC on Thu 12 Feb is 00:30 on Fri 13 Feb in Beijing
    due = deadlines.compute(policies["general"], start=datetime(2026, 2, 12, 16, 30, tzinfo=UTC))
    assert due.resolve_by == at(2026, 3, 2, 18, 0)


def test_a_year_published_by_an_administrator_is_counted_on_its_holidays(policies):
    # An administrator enters New Year's Day 2027 and publishes the year.
    CalendarYear.objects.create(year=2027, source="管理员录入")
    CalendarDay.objects.create(date=date(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦")
    due = deadlines.compute(policies["general"], start=at(2026, 12, 28, 10, 0))
    # 29, 30, 31 Dec, 1 Jan off, Mon 4 … Thu 7 Jan
    assert due.resolve_by == at(2027, 1, 7, 18, 0)
    assert due.beyond_calendar is False
