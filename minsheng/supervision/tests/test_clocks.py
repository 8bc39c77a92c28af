"""The scan's timing rules, without a database: National Day 2026 and its make-up Saturday."""

from datetime import date, timedelta

from conftest import at
from minsheng.sla.calendar import WorkCalendar
from minsheng.supervision.clocks import Clock, Rules, key_of, plan

# 1–7 October 2026 off; Saturday 10 October is a make-up working day (调休上班).
NATIONAL_DAY = WorkCalendar(
    holidays=frozenset(date(2026, 10, d) for d in range(1, 8)),
    make_up_workdays=frozenset({date(2026, 10, 10)}),
    known_years=frozenset({2026}),
)
RULES = Rules(soon=timedelta(hours=24), escalate_workdays=2)
DISPATCHED = at(2026, 9, 30, 9, 0)
UTILITY = Clock(  # the 24-hour utility policy: due on the first holiday morning
    status="accepted",
    started=DISPATCHED,
    accept_by=DISPATCHED + timedelta(hours=2),
    resolve_by=DISPATCHED + timedelta(hours=24),
    replied_at=None,
)
RESOLVE = key_of("resolve", UTILITY.resolve_by)


def kinds(steps):
    return [s.kind for s in steps]


def test_a_ticket_due_in_six_hours_warns_once_and_waits_for_its_deadline():
    due, next_at = plan(UTILITY, RULES, NATIONAL_DAY, at(2026, 10, 1, 3, 0))
    assert kinds(due) == ["resolve_soon"]  # a 24-hour clock warns 6 hours before
    assert next_at == UTILITY.resolve_by


def test_the_unit_is_chased_on_the_first_working_day_after_the_holiday():
    due, next_at = plan(UTILITY, RULES, NATIONAL_DAY, at(2026, 10, 7, 23, 0))
    assert kinds(due) == ["overdue"]  # the "due soon" notice is superseded
    assert next_at == at(2026, 10, 8, 9, 0)
    due, next_at = plan(UTILITY, RULES, NATIONAL_DAY, at(2026, 10, 8, 9, 0))
    assert kinds(due) == ["overdue", "urge"]


def test_escalation_counts_the_make_up_saturday_as_a_working_day():
    urged = Clock(**{**UTILITY.__dict__, "urged_for": RESOLVE})
    due, next_at = plan(urged, RULES, NATIONAL_DAY, at(2026, 10, 8, 10, 0))
    assert "urge" not in kinds(due)
    assert next_at == at(2026, 10, 10, 9, 0)  # Thu 8, Fri 9, Sat 10 (调休): 2 more working days
    due, _ = plan(urged, RULES, NATIONAL_DAY, at(2026, 10, 10, 9, 0))
    assert next(s for s in due if s.kind == "escalate").deadline == RESOLVE


def test_nothing_is_left_once_the_ticket_was_chased_and_escalated():
    done = Clock(**{**UTILITY.__dict__, "urged_for": RESOLVE, "escalated_for": RESOLVE})
    due, next_at = plan(done, RULES, NATIONAL_DAY, at(2026, 10, 12, 9, 0))
    assert kinds(due) == ["overdue"]  # a standing notice; its dedupe key sends it once
    assert next_at is None


def test_a_paused_clock_has_no_checkpoints():
    paused = Clock(**{**UTILITY.__dict__, "paused": True})
    assert plan(paused, RULES, NATIONAL_DAY, at(2026, 10, 9, 9, 0)) == ([], None)


def test_stale_notices_are_dropped_but_moves_are_not():
    due, _ = plan(UTILITY, RULES, NATIONAL_DAY, at(2026, 10, 12, 9, 0), stale=timedelta(hours=72))
    assert kinds(due) == ["urge", "escalate"]


def test_acceptance_has_its_own_short_warning_and_chase():
    waiting = Clock(**{**UTILITY.__dict__, "status": "dispatched"})
    due, next_at = plan(waiting, RULES, NATIONAL_DAY, DISPATCHED + timedelta(hours=1, minutes=31))
    assert kinds(due) == ["accept_soon"]  # a 2-hour clock warns 30 minutes before
    assert next_at == waiting.accept_by
    due, _ = plan(waiting, RULES, NATIONAL_DAY, at(2026, 10, 1, 12, 0))
    assert kinds(due) == ["accept_missed", "overdue"]


def test_a_replied_ticket_is_visited_then_closed_unrated_after_the_policys_days():
    replied = Clock(
        status="replied", started=None, accept_by=None, resolve_by=None, replied_at=DISPATCHED
    )
    due, next_at = plan(replied, RULES, NATIONAL_DAY, DISPATCHED + timedelta(hours=23))
    assert (due, next_at) == ([], DISPATCHED + timedelta(hours=24))
    due, next_at = plan(replied, RULES, NATIONAL_DAY, DISPATCHED + timedelta(hours=24))
    assert kinds(due) == ["visit"]
    assert next_at == DISPATCHED + timedelta(days=7)
    never = Rules(unrated_after=None)
    assert plan(replied, never, NATIONAL_DAY, DISPATCHED + timedelta(days=30))[1] is None
