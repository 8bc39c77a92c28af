"""When a ticket's clocks call for a notice or a move: the deadline scan's rules, no database.

Given what the scan knows of one ticket, `plan` lists the checkpoints that have come (due soon,
missed, 催办 the working day after, 督办 some working days later, return visit, no rating) and the
moment of the next one, which the worker stores as `Ticket.next_check_at`.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from minsheng.sla.calendar import WorkCalendar
from minsheng.tickets.names import CLOCK_STATUSES, Status

OFFICE_OPENS = time(9, 0)
NOTICES = frozenset({"accept_soon", "accept_missed", "resolve_soon", "overdue", "visit"})
MOVES = frozenset({"urge", "escalate", "unrated"})
# A later notice about the same deadline makes the earlier one pointless.
SUPERSEDES = {"accept_missed": "accept_soon", "overdue": "resolve_soon"}


@dataclass(frozen=True)
class Clock:
    """One ticket as the scan sees it."""

    status: str
    started: datetime | None  # dispatched_at
    accept_by: datetime | None
    resolve_by: datetime | None
    replied_at: datetime | None
    paused: bool = False
    urged_for: str = ""
    escalated_for: str = ""
    round: int = 1


@dataclass(frozen=True)
class Rules:
    """The policy's timing, in the terms the scan uses."""

    soon: timedelta = timedelta(hours=24)
    escalate_workdays: int = 2
    visit_after: timedelta = timedelta(hours=24)
    unrated_after: timedelta | None = timedelta(days=7)


@dataclass(frozen=True)
class Step:
    kind: str
    at: datetime  # when it fell due
    deadline: str  # "accept@…", "resolve@…" or "reply@…": part of every dedupe key


def key_of(kind: str, moment: datetime) -> str:
    return f"{kind}@{timezone.localtime(moment):%Y%m%d%H%M}"


def workday_morning(moment: datetime, calendar: WorkCalendar, workdays: int) -> datetime:
    """Office opening on the `workdays`-th working day after the day of `moment`."""
    local = timezone.localtime(moment)
    day, _ = calendar.add_workdays(local.date(), workdays)
    return datetime.combine(day, OFFICE_OPENS, tzinfo=local.tzinfo)


def checkpoints(clock: Clock, rules: Rules, calendar: WorkCalendar) -> list[Step]:
    """Every checkpoint of the ticket in its current state, past and future."""
    steps: list[Step] = []
    deadlines = []
    if clock.status == Status.DISPATCHED and clock.accept_by:
        deadlines.append(("accept", clock.accept_by, "accept_soon", "accept_missed"))
    running = clock.status in CLOCK_STATUSES and not clock.paused
    if running and clock.resolve_by:
        deadlines.append(("resolve", clock.resolve_by, "resolve_soon", "overdue"))
    for name, due, soon_kind, missed_kind in deadlines:
        key = key_of(name, due)
        lead = rules.soon
        if clock.started is not None:
            lead = min(lead, (due - clock.started) / 4)  # short clocks get a short warning
        if lead > timedelta(0):
            steps.append(Step(soon_kind, due - lead, key))
        steps.append(Step(missed_kind, due, key))
        urge_at = workday_morning(due, calendar, 1)
        if clock.urged_for != key:
            steps.append(Step("urge", urge_at, key))
        if clock.escalated_for != key:
            steps.append(
                Step("escalate", workday_morning(due, calendar, 1 + rules.escalate_workdays), key)
            )
    if clock.status == Status.REPLIED and clock.replied_at:
        key = key_of("reply", clock.replied_at)
        steps.append(Step("visit", clock.replied_at + rules.visit_after, key))
        if rules.unrated_after is not None:
            steps.append(Step("unrated", clock.replied_at + rules.unrated_after, key))
    return sorted(steps, key=lambda s: (s.at, s.kind))


def plan(
    clock: Clock,
    rules: Rules,
    calendar: WorkCalendar,
    now: datetime,
    *,
    stale: timedelta | None = None,
) -> tuple[list[Step], datetime | None]:
    """The steps due now, in order, and when the next checkpoint comes (None: none left).

    Notices older than `stale` are dropped (a worker down for days does not send yesterday's
    "due soon"); moves are never dropped.
    """
    steps = checkpoints(clock, rules, calendar)
    due = [s for s in steps if s.at <= now]
    upcoming = [s.at for s in steps if s.at > now]
    done = {(s.kind, s.deadline) for s in due}
    due = [
        s
        for s in due
        if not any(
            (later, s.deadline) in done
            for later, earlier in SUPERSEDES.items()
            if earlier == s.kind
        )
        and not (stale is not None and s.kind in NOTICES and s.at < now - stale)
    ]
    return due, min(upcoming) if upcoming else None
