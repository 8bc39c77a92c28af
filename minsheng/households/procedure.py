"""The steps of identification and of risk elimination, and their deadlines, as plain Python.

Gansu 一键报贫 (B5): a home check within 5 working days of the application, the result back
within 5 working days after it, and village review + public notice + township re-check + county
approval within 15 working days of the application (Hainan: 20). 永城: written authorisation at
the home check, the village notice for at least 5 days. Deadlines are counted on the official
working-day calendar (`minsheng.sla.calendar.WorkCalendar`).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from minsheng.sla.calendar import WorkCalendar

IDENTIFY = "identify"
ELIMINATE = "eliminate"

HOME_CHECK = "home_check"
DATA_CHECK = "data_check"
VILLAGE_REVIEW = "village_review"
NOTICE = "notice"
TOWNSHIP_REVIEW = "township_review"
COUNTY_APPROVAL = "county_approval"


@dataclass(frozen=True)
class StepKind:
    code: str
    label: str
    level: str  # who acts: village, township, county
    deadline: str  # "home_check" or "decision"


STEPS = {
    HOME_CHECK: StepKind(HOME_CHECK, "入户核实", "village", "home_check"),
    DATA_CHECK: StepKind(DATA_CHECK, "信息比对", "county", "decision"),
    VILLAGE_REVIEW: StepKind(VILLAGE_REVIEW, "村级民主评议", "village", "decision"),
    NOTICE: StepKind(NOTICE, "村内公示", "village", "decision"),
    TOWNSHIP_REVIEW: StepKind(TOWNSHIP_REVIEW, "乡镇审核", "township", "decision"),
    COUNTY_APPROVAL: StepKind(COUNTY_APPROVAL, "县级审批", "county", "decision"),
}
ORDER = {
    IDENTIFY: (HOME_CHECK, DATA_CHECK, VILLAGE_REVIEW, NOTICE, TOWNSHIP_REVIEW, COUNTY_APPROVAL),
    ELIMINATE: (HOME_CHECK, VILLAGE_REVIEW, NOTICE, TOWNSHIP_REVIEW, COUNTY_APPROVAL),
}
STEP_CHOICES = [(s.code, s.label) for s in STEPS.values()]


@dataclass(frozen=True)
class Due:
    home_check: date
    decision: date
    beyond_calendar: bool


def deadlines(
    opened: date, calendar: WorkCalendar, *, home_check_workdays: int, decision_workdays: int
) -> Due:
    """The last day of the home check and of the decision, for a case opened on `opened`."""
    home, beyond_a = calendar.add_workdays(opened, home_check_workdays)
    decision, beyond_b = calendar.add_workdays(opened, decision_workdays)
    return Due(home_check=home, decision=decision, beyond_calendar=beyond_a or beyond_b)


# Our split of the time after the home check (a guess: B5 saw one county with per-step limits,
# "information check within 5 days of the village report; review and notice within 5 days
# after"). Each step is due this many working days after it starts, on the working-day
# calendar, and never after the case's decision date; the notice's count starts when its
# days have run. Without it every later step was due on the decision date, so nothing chased
# a step until the whole case was late.
STEP_WORKDAYS = {
    DATA_CHECK: 2,
    VILLAGE_REVIEW: 3,
    NOTICE: 1,
    TOWNSHIP_REVIEW: 2,
    COUNTY_APPROVAL: 2,
}


def due_of(step: str, due: Due) -> date:
    """The case-level limit a step falls under (home check, or the decision)."""
    return due.home_check if STEPS[step].deadline == "home_check" else due.decision


def step_due(
    step: str, started: date, due: Due, calendar: WorkCalendar, *, notice_days: int
) -> date:
    """The step's own deadline: the home check's legal date; a later step's working days
    from its start, capped by the decision date, but never before the notice can end."""
    if STEPS[step].deadline == "home_check":
        return due.home_check
    if step == NOTICE:
        ends = started + timedelta(days=notice_days)
        first = ends if calendar.is_workday(ends) else calendar.add_workdays(ends, 1)[0]
        own = calendar.add_workdays(first, STEP_WORKDAYS[step] - 1)[0]
        return max(min(own, due.decision), first)
    own = calendar.add_workdays(started, STEP_WORKDAYS[step])[0]
    return max(min(own, due.decision), started)


def reminder(due: date, today: date, calendar: WorkCalendar) -> str:
    """Which reminder an open step calls for today: "soon" on its last working day or the
    working day before, "late" once it has passed, else ""."""
    if today > due:
        return "late"
    if calendar.add_workdays(today, 1)[0] >= due:
        return "soon"
    return ""


def next_step(kind: str, done: list[str]) -> str | None:
    """The first step of `kind` not yet done, or None when the case may be decided."""
    for step in ORDER[kind]:
        if step not in done:
            return step
    return None


def refusal(
    kind: str, step: str, *, authorised: bool, notice_started: date | None, today: date, days: int
) -> str:
    """Why `step` cannot be completed now ("" when it can)."""
    if step == DATA_CHECK and not authorised:
        return "信息比对前须取得农户书面授权（承诺授权书）"
    if step == NOTICE and (notice_started is None or today < notice_started + timedelta(days)):
        ends = (notice_started + timedelta(days)) if notice_started else None
        return f"公示须满 {days} 天" + (f"（{ends:%Y-%m-%d} 后可完成）" if ends else "")
    return ""


def is_overdue(due: date, today: date, done: bool) -> bool:
    return not done and today > due
