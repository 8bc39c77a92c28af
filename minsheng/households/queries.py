"""Reads: the parameters that apply, the facts the rules need, what a user may see, the funnel."""

from datetime import date
from decimal import Decimal
from statistics import median
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.households import procedure, rules
from minsheng.households.models import (
    MONITORED,
    Case,
    Clue,
    Household,
    HouseholdStatus,
    Measure,
    Member,
    MonthAccount,
    Parameters,
    Step,
)
from minsheng.orgs.access import standing_of
from minsheng.orgs.models import Unit

DEFAULT = rules.Params(name="未设参数（仅按时限）", year=0)


# --- parameters and rule facts -------------------------------------------------------------


def params_for(household: Household, year: int) -> rules.Params:
    """The deepest jurisdiction above the household's village with rules for `year` (else the
    latest earlier year), or DEFAULT."""
    path = household.village.path
    rows = [
        p
        for p in Parameters.objects.filter(year__lte=year).select_related("jurisdiction")
        if path.startswith(p.jurisdiction.path)
    ]
    if not rows:
        return DEFAULT
    rows.sort(key=lambda p: (len(p.jurisdiction.path), p.year))
    return rows[-1].params()


def months_of(household: Household) -> list[rules.Month]:
    return [m.as_rule() for m in MonthAccount.objects.filter(household=household)]


def persons(household: Household) -> int:
    return household.members.filter(shares_budget=True).count() or 1


def accounts_for(household: Household, today: date, params: rules.Params) -> rules.Accounts:
    start, end = rules.window(params.window, today)
    return rules.accounts(months_of(household), persons(household), start, end)


def calculator(household: Household, today: date) -> dict[str, Any]:
    """What the calculator page shows: the window's accounts under the household's parameters
    and the last 24 months entered, each with its net and annualised per-capita income."""
    params = params_for(household, today.year)
    n = persons(household)
    rows = sorted(months_of(household), key=lambda m: m.month, reverse=True)[:24]
    return {
        "params": params,
        "line": params.line(),
        "persons": n,
        "acc": accounts_for(household, today, params),
        "months": [
            {"m": m, "net": m.net, "per_capita": (m.net * 12 / n).quantize(Decimal("0.01"))}
            for m in rows
        ],
    }


def monthly_per_capita(household: Household, today: date, months: int) -> list[Decimal]:
    """Annualised per-capita net income of each of the last `months` full months present."""
    n = persons(household)
    last = rules.add_months(rules.first_of(today), -1)
    first = rules.add_months(last, -(months - 1))
    rows = [m for m in months_of(household) if first <= m.month <= last]
    return [(m.net * 12 / n).quantize(Decimal("0.01")) for m in sorted(rows, key=lambda m: m.month)]


def elimination_facts(
    household: Household, today: date, params: rules.Params
) -> rules.EliminationFacts:
    identified = (
        household.cases.filter(kind=procedure.IDENTIFY, state=Case.State.APPROVED)
        .order_by("-decided_at")
        .values_list("decided_at", flat=True)
        .first()
    )
    latest = (
        household.cases.filter(kind=procedure.ELIMINATE).first()
        or household.cases.filter(kind=procedure.IDENTIFY).first()
    )
    return rules.EliminationFacts(
        identified_on=timezone.localdate(identified) if identified else None,
        today=today,
        measures=household.measures.filter(start__lte=today).count(),
        labour=list(household.members.values_list("labour", flat=True)),
        monthly_per_capita=monthly_per_capita(household, today, params.stable_months),
        rigid_resolved=bool(latest and latest.rigid_resolved),
        guarantees=bool(latest and latest.guarantees),
        water=bool(latest and latest.water),
        stable_months=params.stable_months,
    )


def elimination_failures(
    household: Household, today: date, *, params: rules.Params | None = None
) -> list[str]:
    params = params or params_for(household, today.year)
    return rules.elimination_failures(elimination_facts(household, today, params), params.line())


def flags_for(household: Household, today: date) -> list[str]:
    params = params_for(household, today.year)
    low = household.status in (HouseholdStatus.FORMER_POOR, *MONITORED)
    people = [
        rules.Person(labour=m.labour, medical_year=_medical_year(m, today.year), low_income=low)
        for m in household.members.all()
    ]
    return rules.flags(params, people, accounts_for(household, today, params))


def _medical_year(member: Member, year: int) -> Decimal:
    """The latest medical push about the member this year (the feed carries the running total)."""
    clue = (
        Clue.objects.filter(
            member=member, feed="medical", received_at__year=year, amount__isnull=False
        )
        .order_by("-received_at")
        .first()
    )
    return clue.amount if clue and clue.amount is not None else Decimal(0)


# --- scope ---------------------------------------------------------------------------------


def visible(user: User) -> QuerySet[Household]:
    """Households whose 户籍 or residence village lies under the user's units (all for the
    centre)."""
    standing = standing_of(user)
    rows = Household.objects.select_related("village", "residence_village")
    if standing.is_centre:
        return rows
    condition = Q(pk__in=[])
    for path in standing.unit_paths:
        condition |= Q(village__path__startswith=path) | Q(residence_village__path__startswith=path)
    return rows.filter(condition)


def may_use(user: User) -> bool:
    standing = standing_of(user)
    return standing.is_centre or bool(standing.unit_paths)


PARAMS_ROLES = frozenset({"leader", "admin"})
JURISDICTION_KINDS = (Unit.Kind.CITY, Unit.Kind.DISTRICT, Unit.Kind.TOWNSHIP, Unit.Kind.STREET)


def jurisdictions(user: User) -> QuerySet[Unit]:
    """The units whose parameters the user may set: cities, districts (counties) and townships
    under a unit where the user is a leader or an administrator (all for a superuser)."""
    standing = standing_of(user)
    rows = Unit.objects.filter(kind__in=JURISDICTION_KINDS, is_active=True)
    if standing.is_admin:
        return rows.order_by("path")
    condition = Q(pk__in=[])
    for path, roles in standing.unit_roles.items():
        if roles & PARAMS_ROLES:
            condition |= Q(path__startswith=path)
    return rows.filter(condition).order_by("path")


def parameter_sets(user: User) -> QuerySet[Parameters]:
    """The parameter sets that apply to what the user sees: their jurisdictions' and those
    above their units (read-only for the latter)."""
    standing = standing_of(user)
    rows = Parameters.objects.select_related("jurisdiction").order_by("jurisdiction__path", "-year")
    if standing.is_centre:
        return rows
    condition = Q(pk__in=[])
    for path in standing.unit_paths:
        condition |= Q(jurisdiction__path__startswith=path)
    above = [
        p.pk
        for p in rows
        if any(path.startswith(p.jurisdiction.path) for path in standing.unit_paths)
    ]
    return rows.filter(condition | Q(pk__in=above))


def villages(user: User) -> QuerySet[Unit]:
    standing = standing_of(user)
    rows = Unit.objects.filter(kind=Unit.Kind.VILLAGE, is_active=True)
    if standing.is_centre:
        return rows
    condition = Q(pk__in=[])
    for path in standing.unit_paths:
        condition |= Q(path__startswith=path)
    return rows.filter(condition)


def open_steps(user: User) -> QuerySet[Step]:
    return Step.objects.filter(
        done_at__isnull=True, case__household__in=visible(user)
    ).select_related("case__household__village", "ticket")


def count(user: User) -> int:
    """The menu badge: overdue steps the user may see."""
    return open_steps(user).filter(due__lt=timezone.localdate()).count()


# --- the funnel ----------------------------------------------------------------------------

STAGES = (
    ("clues", "发现（线索）"),
    ("identified", "认定监测"),
    ("helped", "落实帮扶"),
    ("eliminated", "风险消除"),
)


def stage_households(rows: QuerySet[Household], stage: str) -> QuerySet[Household]:
    """The households behind one number of the funnel."""
    if stage == "clues":
        return rows.filter(clues__flagged=True).distinct()
    identified = rows.filter(cases__kind=procedure.IDENTIFY, cases__state=Case.State.APPROVED)
    if stage == "identified":
        return identified.distinct()
    if stage == "helped":
        return identified.filter(measures__isnull=False).distinct()
    if stage == "eliminated":
        return rows.filter(status=HouseholdStatus.ELIMINATED).distinct()
    return rows.none()


def funnel(user: User, area: Unit | None = None) -> dict[str, Any]:
    rows = visible(user)
    if area is not None:
        rows = rows.filter(village__path__startswith=area.path)
    stages: list[dict[str, Any]] = []
    for code, label in STAGES:
        ids = stage_households(rows, code).values("pk")
        stages.append(
            {
                "code": code,
                "label": label,
                "households": len(ids),
                "persons": Member.objects.filter(household__in=ids).count(),
            }
        )
    identified: int = stages[1]["households"]
    eliminated: int = stages[3]["households"]
    return {
        "stages": stages,
        "elimination_rate": round(100 * eliminated / identified, 1) if identified else None,
        "days_to_measure": days_to_first_measure(rows),
        "feeds": feed_conversion(rows),
        "overdue": Step.objects.filter(
            done_at__isnull=True, due__lt=timezone.localdate(), case__household__in=rows
        ).count(),
        "causes": cause_counts(rows),
        "areas": per_area(rows),
    }


def days_to_first_measure(rows: QuerySet[Household]) -> float | None:
    """Median days from a household's first flagged clue to its first measure."""
    first_clue = dict(
        Clue.objects.filter(household__in=rows, flagged=True)
        .values("household")
        .annotate(first=Min("received_at"))
        .values_list("household", "first")
    )
    first_measure = dict(
        Measure.objects.filter(household__in=rows)
        .values("household")
        .annotate(first=Min("start"))
        .values_list("household", "first")
    )
    days = [
        (start - timezone.localdate(first_clue[h])).days
        for h, start in first_measure.items()
        if h in first_clue and start >= timezone.localdate(first_clue[h])
    ]
    return float(median(days)) if days else None


def feed_conversion(rows: QuerySet[Household]) -> list[dict[str, Any]]:
    """Per department: rows pushed, rows over the rule, households identified after them."""
    from minsheng.households.catalogue import FEED_SOURCES

    approved = Q(
        household__cases__kind=procedure.IDENTIFY,
        household__cases__state=Case.State.APPROVED,
    )
    out = []
    base = Clue.objects.filter(household__in=rows, source=Clue.Source.FEED)
    for code, label in FEED_SOURCES.items():
        feed = base.filter(feed=code)
        pushed = feed.count()
        if not pushed:
            continue
        identified = feed.filter(approved, flagged=True).values("household").distinct().count()
        out.append(
            {
                "feed": code,
                "label": label,
                "pushed": pushed,
                "flagged": feed.filter(flagged=True).count(),
                "identified": identified,
                "rate": round(100 * identified / pushed, 1),
            }
        )
    return out


def cause_counts(rows: QuerySet[Household]) -> list[dict[str, Any]]:
    labels = dict(rules.CAUSE_CHOICES)
    counted = (
        Case.objects.filter(household__in=rows, kind=procedure.IDENTIFY)
        .values("cause")
        .annotate(n=Count("household", distinct=True))
        .order_by("-n")
    )
    return [
        {"cause": r["cause"], "label": labels.get(r["cause"], r["cause"]), "n": r["n"]}
        for r in counted
    ]


def per_area(rows: QuerySet[Household]) -> list[dict[str, Any]]:
    """Funnel per village (with its township), households."""
    out: dict[int, dict[str, Any]] = {}
    for code, _label in STAGES:
        for village_id, n in (
            stage_households(rows, code)
            .values_list("village")
            .annotate(n=Count("pk", distinct=True))
        ):
            out.setdefault(village_id, {"village_id": village_id})[code] = n
    units = Unit.objects.in_bulk(list(out))
    result = []
    for village_id, row in out.items():
        unit = units[village_id]
        township = unit.parent.name if unit.parent else ""
        result.append(
            {
                "township": township,
                "village": unit.name,
                **{c: row.get(c, 0) for c, _ in STAGES},
                "village_id": village_id,
            }
        )
    return sorted(result, key=lambda r: (r["township"], r["village"]))


def panel(user: User, start: date, end: date, area: Unit | None) -> dict[str, Any] | None:
    """The dashboard panel: the funnel for the user's area (hidden with no households)."""
    if not may_use(user) or not visible(user).exists():
        return None
    data = funnel(user, area)
    return {"stages": data["stages"], "overdue": data["overdue"], "rate": data["elimination_rate"]}
