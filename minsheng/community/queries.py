"""Scoped reads of the community network: what a head, a leader or a member of staff may see."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.community import rules
from minsheng.community.models import (
    Building,
    Head,
    Leader,
    Linkage,
    Meeting,
    Pairing,
    Problem,
    Slip,
    Station,
)
from minsheng.orgs.access import standing_of
from minsheng.orgs.models import Unit
from minsheng.tickets.models import Status

# --- heads -------------------------------------------------------------------------------------


def buildings_of(head: Head) -> QuerySet[Building]:
    """The buildings in a head's area: a grid head's grid, else their building."""
    if head.role == Head.Role.GRID:
        if head.grid_id:
            return Building.objects.filter(grid_id=head.grid_id)
        return Building.objects.filter(community_id=head.community_id)
    if head.building_id:
        return Building.objects.filter(pk=head.building_id)
    if head.grid_id:  # a steward of a whole grid
        return Building.objects.filter(grid_id=head.grid_id)
    return Building.objects.none()


def linkages_of_head(head: Head) -> QuerySet[Linkage]:
    """What the head reported, was offered, or what concerns a building in their area."""
    return (
        Linkage.objects.filter(
            Q(reporter=head) | Q(steward=head) | Q(building__in=buildings_of(head).values("pk"))
        )
        .select_related("ticket", "building", "stairwell", "reporter")
        .order_by("-created_at")
    )


def on_duty(head: Head, at: datetime) -> bool:
    """Whether the head is on duty at `at` (a local time) by their roster."""
    shifts = [rules.Shift(d.weekday, d.starts, d.ends) for d in head.duties.all()]
    return rules.on_duty(shifts, at)


def offers_to(head: Head) -> QuerySet[Linkage]:
    """Requests offered to this steward and not answered yet."""
    return linkages_of_head(head).filter(
        steward=head,
        level=rules.STEWARD,
        state=Linkage.State.OPEN,
        steward_answered_at__isnull=True,
    )


# --- staff -------------------------------------------------------------------------------------


def sees_all(user: User) -> bool:
    standing = standing_of(user)
    return bool(standing.is_admin or standing.is_centre)


def unit_filter(user: User, field: str) -> Q:
    """A condition on `field` (a Unit foreign key) for the units the user may see."""
    if sees_all(user):
        return Q()
    paths = standing_of(user).unit_paths
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__path__startswith": path})
    return condition


def communities_for(user: User) -> QuerySet[Unit]:
    kinds = (Unit.Kind.COMMUNITY, Unit.Kind.VILLAGE)
    found = Unit.objects.filter(kind__in=kinds, is_active=True)
    if sees_all(user):
        return found
    # Staff of a grid see its community's network too.
    condition = Q(pk__in=[])
    for path in standing_of(user).unit_paths:
        condition |= Q(path__startswith=path) | Q(children__path=path)
    return found.filter(condition).distinct()


def linkages_for(user: User) -> QuerySet[Linkage]:
    return (
        Linkage.objects.filter(community__in=communities_for(user).values("pk"))
        .select_related("ticket", "building", "stairwell", "community", "grid", "reporter")
        .order_by("-created_at")
    )


def heads_for(user: User) -> QuerySet[Head]:
    return Head.objects.filter(community__in=communities_for(user).values("pk")).select_related(
        "community", "grid", "building", "stairwell"
    )


def buildings_for(user: User) -> QuerySet[Building]:
    return Building.objects.filter(community__in=communities_for(user).values("pk"))


def stations_for(user: User) -> QuerySet[Station]:
    return Station.objects.filter(community__in=communities_for(user).values("pk"))


def meetings_for(user: User) -> QuerySet[Meeting]:
    return Meeting.objects.filter(community__in=communities_for(user).values("pk"))


def leaders_for(user: User) -> QuerySet[Leader]:
    return Leader.objects.filter(unit_filter(user, "contact_point")).select_related(
        "contact_point", "user"
    )


def may_act_on(user: User, linkage: Linkage) -> bool:
    """Whether the user works at the level the linkage is at now (to say it cannot)."""
    from minsheng.community.linkage import works_at

    return works_at(user, linkage)


# --- stations ---------------------------------------------------------------------------------


def nearest_stations(
    lat: float, lon: float, *, limit: int = 5, found: QuerySet[Station] | None = None
) -> list[tuple[Station, float]]:
    """Active stations nearest first, with their distance in metres."""
    rows = (found if found is not None else Station.objects.all()).filter(is_active=True)
    # Look in growing boxes around the point; a box answers when its k-th nearest station is
    # closer than the box's edge (nothing outside can be nearer), else the whole set does.
    for half in (0.01, 0.05, 0.25):
        box = rows.filter(
            lat__range=(lat - half, lat + half),
            lon__range=(lon - half, lon + half),
        )
        scored = _scored(box, lat, lon)
        edge = rules.distance_m(lat, lon, lat, lon + half) if abs(lat) < 89 else 0.0
        edge = min(edge, rules.distance_m(lat, lon, lat + half, lon))
        if len(scored) >= limit and scored[limit - 1][1] <= edge:
            return scored[:limit]
    return _scored(rows, lat, lon)[:limit]


def _scored(rows: QuerySet[Station], lat: float, lon: float) -> list[tuple[Station, float]]:
    scored = [(s, rules.distance_m(lat, lon, s.lat, s.lon)) for s in rows]
    scored.sort(key=lambda pair: (pair[1], pair[0].code))
    return scored


@dataclass
class StationRow:
    station: Station
    slips: int
    requests: int
    closed: int
    open: int


def station_board(found: QuerySet[Station]) -> list[StationRow]:
    """What each station received and how it ended."""
    closed_like = (Status.CLOSED, Status.REPLIED, Status.VISITED)
    counts = {
        row["station"]: row
        for row in Slip.objects.filter(station__in=found)
        .values("station")
        .annotate(
            slips=Count("pk"),
            requests=Count("pk", filter=Q(is_request=True)),
            closed=Count("pk", filter=Q(ticket__status__in=closed_like)),
        )
    }
    out = []
    for s in found.select_related("community"):
        c = counts.get(s.pk, {"slips": 0, "requests": 0, "closed": 0})
        out.append(
            StationRow(s, c["slips"], c["requests"], c["closed"], c["requests"] - c["closed"])
        )
    return out


# --- leaders' visits -------------------------------------------------------------------------


@dataclass
class Due:
    pairing: Pairing
    leader: Leader
    last: date | None
    due: date
    state: str


def visits_due(leaders: QuerySet[Leader], today: date) -> list[Due]:
    """Every pairing of these leaders with its next visit's date, soonest first."""
    pairings = (
        Pairing.objects.filter(leader__in=leaders)
        .select_related("leader", "leader__contact_point")
        .annotate(last=Max("visits__visited_on"))
    )
    out = [
        Due(p, p.leader, p.last, d, rules.visit_state(d, today))
        for p in pairings
        for d in [rules.next_visit(p.since, p.last, p.leader.every_days)]
    ]
    out.sort(key=lambda row: (row.due, row.leader.name))
    return out


def compliance(leaders: QuerySet[Leader], today: date) -> dict[str, Any]:
    """Visits done in the last period and visits overdue, by level and by person."""
    rows = []
    by_level: dict[str, Counter[str]] = {}
    dues = visits_due(leaders, today)
    for leader in leaders.order_by("level", "name"):
        mine = [d for d in dues if d.leader.pk == leader.pk]
        done = sum(1 for d in mine if d.last and (today - d.last).days < leader.every_days)
        overdue = sum(1 for d in mine if d.state == "overdue")
        rows.append({"leader": leader, "pairs": len(mine), "done": done, "overdue": overdue})
        level = by_level.setdefault(leader.get_level_display(), Counter())
        level.update({"pairs": len(mine), "done": done, "overdue": overdue})
    problems = (
        Problem.objects.filter(visit__pairing__leader__in=leaders)
        .select_related("ticket", "visit__pairing__leader")
        .order_by("-visit__visited_on", "-pk")
    )
    return {"rows": rows, "levels": sorted(by_level.items()), "problems": problems}


# --- the dashboard panel --------------------------------------------------------------------


def settled_counts(found: QuerySet[Linkage]) -> dict[str, int]:
    return dict(
        found.filter(state=Linkage.State.SETTLED)
        .values_list("settled_level")
        .annotate(n=Count("pk"))
        .values_list("settled_level", "n")
    )


def panel(user: User, start: date, end: date, area: Unit | None) -> dict[str, Any] | None:
    """Requests settled at each level in the period, and the share settled in the community."""
    found = linkages_for(user)
    if area is not None:
        found = found.filter(community__path__startswith=area.path)
    tz = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=tz)
    until = datetime.combine(end, time.max, tzinfo=tz)
    period = found.filter(created_at__range=(since, until))
    if not period.exists():
        return None
    counts = settled_counts(period)
    share = rules.settled_share(counts)
    return {
        "levels": [(rules.LEVEL_NAMES[k], counts.get(k, 0)) for k in rules.LEVELS],
        "share": round(share * 100, 1) if share is not None else None,
        "open": period.filter(state=Linkage.State.OPEN).count(),
        "left": period.filter(state=Linkage.State.LEFT).count(),
        "total": period.count(),
    }


def open_tickets_near(community: Unit, limit: int = 10) -> list[Any]:
    """Open tickets of the community: candidates for a meeting's agenda."""
    from minsheng.tickets.models import Ticket
    from minsheng.tickets.names import OPEN_STATUSES

    return list(
        Ticket.objects.filter(
            place__path__startswith=community.path, status__in=OPEN_STATUSES
        ).order_by("-received_at")[:limit]
    )


def hotspots_near(community: Unit, limit: int = 10) -> list[Any]:
    """Hotspots over or inside the community: candidates for a meeting's agenda."""
    from minsheng.analytics.models import Hotspot

    ancestors = [community.path[: i + 1] for i, ch in enumerate(community.path) if ch == "/"]
    return list(
        Hotspot.objects.filter(
            Q(area__path__startswith=community.path) | Q(area__path__in=ancestors[-2:])
        ).order_by("-score")[:limit]
    )
