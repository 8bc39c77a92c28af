"""Read side of assessment: periods, rankings, a unit's history, and the tickets behind a number."""

from datetime import datetime
from typing import NamedTuple

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.assessment import formulas
from minsheng.assessment.models import (
    KIND_GROUP,
    Appeal,
    Decision,
    Exclusion,
    ScorePeriod,
    ScoreSnapshot,
    TicketFact,
)
from minsheng.orgs.access import standing_of, units_under
from minsheng.orgs.models import Unit
from minsheng.tickets.models import Ticket
from minsheng.tickets.queries import visible_to

_LIVE = Q(excluded=False)
_HELD = _LIVE & Q(held=True)


def _indicators(as_of: datetime) -> dict[str, tuple[Q, Q | None]]:
    """indicator → (the facts it counts, the facts it is counted among); see formulas.RATES."""
    return {
        "volume": (_HELD, None),
        "response": (_HELD & Q(responded=True), _HELD),
        "accept_24h": (_HELD & Q(accepted_24h=True), _HELD),
        "on_time": (
            _HELD & Q(replied_on_time=True),
            _HELD & (Q(replied=True) | Q(resolve_by__lt=as_of)),
        ),
        "resolution": (_HELD & Q(resolved=True), _HELD & Q(rated=True)),
        "satisfaction": (_HELD & (Q(satisfied=True) | Q(basically=True)), _HELD & Q(rated=True)),
        "no_rating": (_HELD & Q(no_rating=True), _HELD & (Q(rated=True) | Q(no_rating=True))),
        "return": (_LIVE & Q(returned=True), _LIVE),
        "reopen": (_HELD & Q(reopened=True), _HELD),
        "extension": (_HELD & Q(extended=True), _HELD),
        "excluded": (Q(excluded=True), None),
    }


INDICATORS = tuple(_indicators(timezone.now()))


def periods() -> QuerySet[ScorePeriod]:
    return ScorePeriod.objects.select_related("policy").order_by("-period")


def period(value: str | None) -> ScorePeriod | None:
    """The named period, or the latest one computed."""
    found = periods()
    return (found.filter(period=value) if value else found).first()


def ranking(sp: ScorePeriod, group: str) -> QuerySet[ScoreSnapshot]:
    """The group's table: ranked units by rank, then the unranked by name."""
    return (
        sp.snapshots.filter(group=group)
        .select_related("unit")
        .order_by(F("rank").asc(nulls_last=True), "unit__code")
    )


def history(unit: Unit) -> QuerySet[ScoreSnapshot]:
    return (
        ScoreSnapshot.objects.filter(unit=unit)
        .select_related("period", "period__policy")
        .order_by("period__period")
    )


def can_view_unit(user: User, unit: Unit) -> bool:
    """The centre sees every unit's page; a unit sees its own and those below it."""
    standing = standing_of(user)
    return standing.is_centre or bool(standing.roles_over([unit]))


def own_units(user: User) -> QuerySet[Unit]:
    """The assessed units (streets, departments, enterprises) the user works for or above."""
    return units_under(standing_of(user)).filter(kind__in=list(KIND_GROUP)).order_by("path")


class Behind(NamedTuple):
    """The tickets behind a number: the first LIMIT of each list, and how many in all."""

    hits: list[Ticket]
    misses: list[Ticket]
    hit_count: int
    miss_count: int


def tickets_behind(
    user: User, unit: Unit, period_value: str, indicator: str, *, cohandling: str, limit: int = 1000
) -> Behind:
    """The tickets an indicator counts for the unit (hits), and those it counted them among but
    that missed (misses), both limited to what the user may open, in the order they were
    recorded. Read from the live facts (the covering index `fact_period_unit_cover_idx`)."""
    counted, among = _indicators(timezone.now())[indicator]
    facts = TicketFact.objects.filter(
        unit=unit, period=period_value, role__in=formulas.roles_for(cohandling)
    )
    visible = visible_to(user).select_related(None).only("pk", "number", "title").order_by("pk")
    centre = standing_of(user).is_centre  # visible_to is every ticket: count the facts alone

    def listed(q: Q) -> tuple[list[Ticket], int]:
        ids = facts.filter(q).values("ticket_id")
        tickets = visible.filter(pk__in=ids)
        total = ids.distinct().count() if centre else tickets.count()
        return list(tickets[:limit]), total

    hits, hit_count = listed(counted)
    misses, miss_count = ([], 0) if among is None else listed(among & ~counted)
    return Behind(hits, misses, hit_count, miss_count)


def exclusions() -> QuerySet[Exclusion]:
    """Every exclusion request; the list is open to all staff (公示)."""
    return Exclusion.objects.select_related("ticket", "unit", "requested_by", "decided_by")


def pending_exclusions() -> QuerySet[Exclusion]:
    return exclusions().filter(decision=Decision.PENDING).order_by("requested_at")


def appeals_for(user: User) -> QuerySet[Appeal]:
    """All appeals for the centre; a unit's own otherwise."""
    rows = Appeal.objects.select_related("period", "unit", "filed_by", "decided_by")
    if standing_of(user).is_centre:
        return rows
    return rows.filter(unit__in=own_units(user))
