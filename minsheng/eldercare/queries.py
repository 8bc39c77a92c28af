"""Scoped reads: a unit's staff see the households of their units and below; the centre sees
all. The monthly report and the dashboard panel are computed from the alarms' own rows."""

import statistics
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet

from minsheng.accounts.models import User
from minsheng.eldercare import rules
from minsheng.eldercare.models import Alarm, Household
from minsheng.orgs.access import standing_of
from minsheng.orgs.models import Unit

TZ = ZoneInfo("Asia/Shanghai")
FALSE_CAUSES = ("away", "guests", "leak", "meter_fault", "other")


def _paths_q(paths: tuple[str, ...], field: str) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def households_for(user: User) -> QuerySet[Household]:
    """The households the user may see."""
    standing = standing_of(user)
    rows = Household.objects.select_related("unit")
    if standing.is_centre:
        return rows
    return rows.filter(_paths_q(standing.unit_paths, "unit__path"))


def households_in(paths: tuple[str, ...]) -> QuerySet[Household]:
    """For an API key bound to units (no binding: every household)."""
    rows = Household.objects.select_related("unit")
    return rows.filter(_paths_q(paths, "unit__path")) if paths else rows


def alarms_for(user: User) -> QuerySet[Alarm]:
    return Alarm.objects.filter(household__in=households_for(user)).select_related(
        "household", "ticket"
    )


def open_count(user: User) -> int:
    """Welfare alarms still in progress, for the menu badge."""
    return alarms_for(user).filter(kind=Alarm.Kind.WELFARE, state=Alarm.State.OPEN).count()


def can_reveal(user: User, household: Household) -> bool:
    """Who may see the contacts' numbers in full: the centre and the household's own units."""
    standing = standing_of(user)
    return standing.is_centre or bool(standing.roles_over([household.unit]))


def report(alarms: QuerySet[Alarm], households: int) -> dict[str, Any]:
    """Alarms per 100 households, false alarms by cause, median alarm-to-visit time, incidents
    found (docs/eldercare.md, "Monthly report")."""
    welfare = alarms.filter(kind=Alarm.Kind.WELFARE).exclude(state=Alarm.State.SUPPRESSED)
    by_outcome = dict(
        welfare.values_list("outcome").annotate(n=Count("pk")).values_list("outcome", "n")
    )
    delays = [
        (visited - raised).total_seconds() / 60
        for raised, visited in welfare.filter(visited_at__isnull=False).values_list(
            "raised_at", "visited_at"
        )
        if visited is not None
    ]
    kinds = dict(alarms.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    total = welfare.count()
    top = max([total, *kinds.values()], default=0) or 1
    return {
        "households": households,
        "welfare": total,
        "per_100": round(100 * total / households, 1) if households else 0.0,
        "false_by_cause": [
            (rules.OUTCOMES[c], by_outcome.get(c, 0)) for c in FALSE_CAUSES if by_outcome.get(c)
        ],
        "incidents": sum(by_outcome.get(c, 0) for c in rules.INCIDENTS),
        "median_visit_minutes": round(statistics.median(delays)) if delays else None,
        "suppressed": alarms.filter(state=Alarm.State.SUPPRESSED).count(),
        "bars": [
            {"label": str(Alarm.Kind(k).label), "n": n, "pct": round(100 * n / top)}
            for k, n in sorted(kinds.items())
        ],
    }


def month_bounds(day: date) -> tuple[datetime, datetime]:
    first = day.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return datetime.combine(first, time(), TZ), datetime.combine(nxt, time(), TZ)


def panel(user: User, start: date, end: date, area: Unit | None) -> dict[str, Any] | None:
    """The dashboard's panel for the days start..end, in the chosen area; hidden from users
    who see no household."""
    households = households_for(user).filter(ended_at__isnull=True)
    if area is not None:
        households = households.filter(unit__path__startswith=area.path)
    count = households.count()
    if not count:
        return None
    tz = TZ
    alarms = Alarm.objects.filter(
        household__in=households,
        raised_at__gte=datetime.combine(start, time(), tz),
        raised_at__lt=datetime.combine(end + timedelta(days=1), time(), tz),
    )
    return report(alarms, count)


def suggestions(household: Household) -> list[str]:
    """Threshold suggestions from the household's own outcomes (staff decide)."""
    outcomes = list(
        Alarm.objects.filter(household=household, kind=Alarm.Kind.WELFARE)
        .exclude(outcome="")
        .values_list("outcome", flat=True)
    )
    out = []
    if outcomes.count("away") >= 2:
        out.append("该户多次因外出引发预警：请提醒家属外出前在“老人外出登记”页面登记。")
    if outcomes.count("guests") >= 2:
        out.append("该户多次因有客人或用水习惯引发预警：可考虑开启个人基线或放宽用水量阈值。")
    if outcomes.count("meter_fault") >= 1:
        out.append("该户曾因表具故障误报：请联系供水企业检查表具。")
    return out
