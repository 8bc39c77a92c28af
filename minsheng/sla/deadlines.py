"""Deadlines (时限) of tickets, and the calendar they are counted on. Writes the calendar tables."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from minsheng.sla.calendar import WorkCalendar
from minsheng.sla.models import CalendarDay, CalendarYear, DeadlinePolicy

CLOSE_OF_BUSINESS = time(18, 0)  # a working-day deadline falls at the end of its last day
START_OF_BUSINESS = time(9, 0)  # chasing and escalation notices go out when offices open
EMERGENCY_POLICY = "emergency"


@dataclass(frozen=True)
class Deadlines:
    accept_by: datetime
    resolve_by: datetime
    beyond_calendar: bool  # counted on weekdays only: the holidays of that year are not published


def official_calendar() -> WorkCalendar:
    """The calendar as administrators keep it, read from the database."""
    days = list(CalendarDay.objects.values_list("date", "kind"))
    return WorkCalendar(
        holidays=frozenset(d for d, kind in days if kind == CalendarDay.Kind.HOLIDAY),
        make_up_workdays=frozenset(d for d, kind in days if kind == CalendarDay.Kind.WORKDAY),
        known_years=frozenset(CalendarYear.objects.values_list("year", flat=True)),
    )


def compute(
    policy: DeadlinePolicy,
    *,
    start: datetime,
    calendar: WorkCalendar | None = None,
    reopened: bool = False,
) -> Deadlines:
    """When a ticket under `policy`, dispatched at `start`, must be accepted and resolved.

    A reopened ticket (重办) gets the policy's shorter `reopen_workdays` where it has one.
    """
    local = timezone.localtime(start)
    accept_by = local + timedelta(hours=policy.accept_hours)
    workdays = policy.resolve_workdays
    if reopened and policy.reopen_workdays:
        workdays = policy.reopen_workdays
    if workdays is not None:
        calendar = calendar or official_calendar()
        last_day, beyond = calendar.add_workdays(local.date(), workdays)
        resolve_by = datetime.combine(last_day, CLOSE_OF_BUSINESS, tzinfo=local.tzinfo)
    else:
        # Hour-based deadlines (emergencies, utilities) run on the clock, holidays included.
        resolve_by, beyond = local + timedelta(hours=policy.resolve_hours or 0), False
    return Deadlines(accept_by=accept_by, resolve_by=resolve_by, beyond_calendar=beyond)


def next_workday_at(
    moment: datetime, calendar: WorkCalendar, *, workdays: int = 1, at: time = START_OF_BUSINESS
) -> datetime:
    """`at` o'clock on the `workdays`-th working day after the day of `moment` (催办 and 督办)."""
    local = timezone.localtime(moment)
    day, _ = calendar.add_workdays(local.date(), workdays)
    return datetime.combine(day, at, tzinfo=local.tzinfo)


def one_workday_after(moment: datetime, calendar: WorkCalendar) -> datetime:
    """The same clock time one working day later: how long a unit has to return a ticket."""
    local = timezone.localtime(moment)
    day, _ = calendar.add_workdays(local.date(), 1)
    return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=local.tzinfo)


def policy_for(category_policy: DeadlinePolicy | None, *, urgent: bool) -> DeadlinePolicy:
    """The policy a ticket runs under: the emergency policy when urgent, else its category's."""
    if urgent or category_policy is None:
        fallback = EMERGENCY_POLICY if urgent else "general"
        return DeadlinePolicy.objects.get(code=fallback)
    return category_policy


def last_known_day() -> date | None:
    year = CalendarYear.objects.order_by("-year").values_list("year", flat=True).first()
    return date(year, 12, 31) if year else None


@transaction.atomic
def sync_calendar(years: list[int] | None = None) -> dict[int, int]:
    """Seed holidays and make-up working days from the chinese-calendar package.

    Only years it covers are written; existing rows of those years are replaced, other years
    (entered by administrators) are left alone. Returns the number of days written per year.
    """
    import chinese_calendar

    covered = {d.year for d in chinese_calendar.holidays}
    written: dict[int, int] = {}
    for year in years or sorted(covered):
        if year not in covered:
            continue
        rows = [
            CalendarDay(date=d, kind=CalendarDay.Kind.HOLIDAY, name=_zh(name))
            for d, name in chinese_calendar.holidays.items()
            if d.year == year
        ]
        rows += [
            CalendarDay(date=d, kind=CalendarDay.Kind.WORKDAY, name=_zh(name))
            for d, name in chinese_calendar.workdays.items()
            if d.year == year and d.weekday() >= 5
        ]
        CalendarDay.objects.filter(date__year=year).delete()
        CalendarDay.objects.bulk_create(rows)
        CalendarYear.objects.update_or_create(
            year=year, defaults={"source": f"chinese-calendar {chinese_calendar.__version__}"}
        )
        written[year] = len(rows)
    return written


_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def _zh(name: object) -> str:
    return _HOLIDAY_NAMES.get(str(name), str(name or ""))
