"""Read side of analytics: every read is scoped (the centre sees the city, a unit its subtree)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise

from minsheng.accounts.models import User
from minsheng.analytics.models import (
    DailySatisfaction,
    DailyVolume,
    Hotspot,
    HourlyVolume,
    MonthlyTopic,
    OpenSnapshot,
)
from minsheng.dispatch import reasons
from minsheng.lib.extensions import declared, resolve
from minsheng.orgs.access import Standing, standing_of
from minsheng.orgs.models import Unit
from minsheng.taxonomy.models import Category, RequestType
from minsheng.tickets.models import Channel, Status, Ticket, TicketEvent
from minsheng.tickets.names import Action
from minsheng.tickets.queries import visible_to

STREET_KINDS = (Unit.Kind.STREET, Unit.Kind.TOWNSHIP)
COMMUNITY_KINDS = (Unit.Kind.COMMUNITY, Unit.Kind.VILLAGE)
LEVELS = {
    "district": (Unit.Kind.DISTRICT,),
    "street": STREET_KINDS,
    "community": COMMUNITY_KINDS,
}
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
MAX_POINTS = 5000


@dataclass
class Geography:
    """The unit tree in memory: which district, street and community a place lies in."""

    kinds: dict[int, str]
    parents: dict[int, int | None]
    codes: dict[int, str]
    names: dict[int, str]
    _areas: dict[int | None, tuple[int | None, int | None, int | None]] = field(
        default_factory=dict
    )

    @classmethod
    def load(cls) -> "Geography":
        rows = list(Unit.objects.values_list("pk", "kind", "parent_id", "code", "name"))
        return cls(
            kinds={pk: kind for pk, kind, *_ in rows},
            parents={pk: parent for pk, _, parent, *_ in rows},
            codes={pk: code for pk, _, _, code, _ in rows},
            names={pk: name for pk, *_, name in rows},
        )

    def areas(self, place: int | None) -> tuple[int | None, int | None, int | None]:
        """(district, street, community) ids of a place; None where the place is above them."""
        if place not in self._areas:
            found: dict[str, int] = {}
            unit = place
            while unit is not None:
                kind = self.kinds.get(unit, "")
                for level, kinds in LEVELS.items():
                    if kind in kinds:
                        found.setdefault(level, unit)
                unit = self.parents.get(unit)
            self._areas[place] = (
                found.get("district"),
                found.get("street"),
                found.get("community"),
            )
        return self._areas[place]

    def code(self, unit: int | None) -> str:
        return self.codes.get(unit, "") if unit is not None else ""

    def name(self, unit: int | None) -> str:
        return self.names.get(unit, "") if unit is not None else ""


def can_edit_topics(standing: Standing) -> bool:
    return "supervisor" in standing.centre_roles or standing.is_admin


def can_create_tasks(standing: Standing) -> bool:
    return bool(standing.centre_roles & {"supervisor", "dispatcher"}) or standing.is_admin


def scoped(rows: QuerySet[Any], user: User) -> QuerySet[Any]:
    """Aggregate rows the user may read: all at the centre, else those under their units."""
    standing = standing_of(user)
    if standing.is_centre:
        return rows
    condition = Q(pk__in=[])
    for path in standing.unit_paths:
        condition |= Q(unit_path__startswith=path)
    return rows.filter(condition)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _in(rows: QuerySet[Any], period: Period, area: Unit | None) -> QuerySet[Any]:
    rows = rows.filter(day__gte=period.start, day__lte=period.end)
    return _in_area(rows, area)


def _in_area(rows: QuerySet[Any], area: Unit | None) -> QuerySet[Any]:
    if area is None:
        return rows
    if area.kind == Unit.Kind.DISTRICT:
        return rows.filter(district=area)
    return rows.filter(street=area)


def _pairs(
    rows: QuerySet[Any], key: str, labels: Mapping[Any, str | Promise] | None = None
) -> list[dict]:
    totals = rows.values(key).annotate(n=Sum("count")).order_by("-n", key)
    return [
        {"name": str((labels or {}).get(r[key], r[key] or "未知")), "value": r["n"]} for r in totals
    ]


def dashboard(user: User, period: Period, area: Unit | None = None) -> dict[str, Any]:
    """Every number and series of the dashboard, from the aggregate tables."""
    volume = _in(scoped(DailyVolume.objects.all(), user), period, area)
    hourly = _in(scoped(HourlyVolume.objects.all(), user), period, area)
    total = volume.aggregate(n=Sum("count"))["n"] or 0
    names = dict(Unit.objects.values_list("pk", "name"))
    groups = dict(Category.objects.filter(parent=None).values_list("pk", "name"))
    by_hour = dict(hourly.values_list("hour").annotate(n=Sum("count")).order_by())
    by_weekday = dict(volume.values_list("weekday").annotate(n=Sum("count")).order_by())
    by_day = dict(volume.values_list("day").annotate(n=Sum("count")).order_by())
    areas = "street" if area is not None else "district"
    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "total": total,
        "daily_mean": round(total / period.days, 1),
        "channels": _pairs(volume, "channel", dict(Channel.choices)),
        "types": _pairs(volume, "request_type", dict(RequestType.choices)),
        "groups": _pairs(volume, "group_id", groups),
        "areas": _pairs(volume, f"{areas}_id", names)[:20],
        "area_level": areas,
        "hours": [by_hour.get(h, 0) for h in range(24)],
        "weekdays": [by_weekday.get(d, 0) for d in range(1, 8)],
        "weekday_names": list(WEEKDAYS),
        "days": [{"day": d.isoformat(), "n": by_day[d]} for d in sorted(by_day)],
        "open": open_counts(user, area),
        "satisfaction": satisfaction_weeks(user, period, area),
    }


def routing_share(period: Period) -> dict[str, Any]:
    """How new tickets of the period reached their unit: sent on by the dispatch rules, or left
    to a dispatcher and why (the reasons of `dispatch.reasons`, from the `hold` events)."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(period.start, time.min, tzinfo=tz)
    end = datetime.combine(period.end, time.max, tzinfo=tz)
    tickets = Ticket.objects.filter(received_at__gte=start, received_at__lte=end)
    events = TicketEvent.objects.filter(ticket__in=tickets.values("pk"))
    auto = (
        events.filter(action=Action.DISPATCH, actor__isnull=True, data__has_key="rule")
        .values("ticket_id")
        .distinct()
        .count()
    )
    held = events.filter(action=Action.HOLD).values_list("ticket_id", "data")
    per_reason: dict[str, set[int]] = {}
    for ticket_id, data in held:
        per_reason.setdefault((data or {}).get("reason", ""), set()).add(ticket_id)
    total = tickets.count()
    return {
        "total": total,
        "auto": auto,
        "share": round(100 * auto / total, 1) if total else None,
        "reasons": [
            {"code": code, "label": label, "n": len(per_reason.get(code, ()))}
            for code, label in reasons.LABELS.items()
        ],
    }


def programme_panels(
    user: User, period: Period, area: Unit | None = None
) -> list[tuple[str, str, dict[str, Any]]]:
    """(title, template, context) of each programme's dashboard panel the user may see."""
    panels = []
    for _config, panel in declared("panels"):
        context = resolve(panel.context)(user, period.start, period.end, area)
        if context is not None:
            panels.append((str(panel.title), panel.template, context))
    return panels


def open_counts(user: User, area: Unit | None = None) -> dict[str, Any]:
    """Open, due-soon and overdue tickets at the last refresh."""
    rows = _in_area(scoped(OpenSnapshot.objects.all(), user), area)
    sums = rows.aggregate(open=Sum("open"), due_soon=Sum("due_soon"), overdue=Sum("overdue"))
    taken = OpenSnapshot.objects.order_by("-taken_at").values_list("taken_at", flat=True).first()
    return {
        "open": sums["open"] or 0,
        "due_soon": sums["due_soon"] or 0,
        "overdue": sums["overdue"] or 0,
        "taken_at": taken.isoformat() if taken else None,
    }


def satisfaction_weeks(user: User, period: Period, area: Unit | None = None) -> list[dict]:
    """Ratings per week (Monday): counts and the satisfaction rate (满意 + 基本满意)."""
    rows = _in(scoped(DailySatisfaction.objects.all(), user), period, area)
    weeks = (
        rows.annotate(week=TruncWeek("day"))
        .values("week")
        .annotate(s=Sum("satisfied"), b=Sum("basically"), u=Sum("unsatisfied"))
        .order_by("week")
    )
    result = []
    for w in weeks:
        rated = w["s"] + w["b"] + w["u"]
        week = w["week"].date() if isinstance(w["week"], datetime) else w["week"]
        result.append(
            {
                "week": week.isoformat(),
                "satisfied": w["s"],
                "basically": w["b"],
                "unsatisfied": w["u"],
                "rate": round(100 * (w["s"] + w["b"]) / rated, 1) if rated else None,
            }
        )
    return result


# --- the map --------------------------------------------------------------------------------


def area_values(user: User, period: Period, level: str, measure: str) -> dict[int, float]:
    """Per district, street or community: tickets received, or the satisfaction rate in %."""
    column = f"{level}_id"
    if measure == "satisfaction":
        rows = _in(scoped(DailySatisfaction.objects.all(), user), period, None)
        values = {}
        for r in rows.values(column).annotate(
            s=Sum("satisfied"), b=Sum("basically"), u=Sum("unsatisfied")
        ):
            rated = r["s"] + r["b"] + r["u"]
            if r[column] is not None and rated:
                values[r[column]] = round(100 * (r["s"] + r["b"]) / rated, 1)
        return values
    rows = _in(scoped(DailyVolume.objects.all(), user), period, None)
    return {
        r[column]: r["n"]
        for r in rows.values(column).annotate(n=Sum("count")).order_by()
        if r[column] is not None
    }


def _boundaries(level: str) -> tuple[tuple[int, str, str, Any], ...]:
    return tuple(
        Unit.objects.filter(kind__in=LEVELS[level], is_active=True)
        .exclude(boundary=None)
        .values_list("pk", "code", "name", "boundary")
    )


def areas_geojson(user: User, period: Period, level: str, measure: str) -> dict[str, Any]:
    """The level's polygons (WGS-84) with the value of each for the period."""
    values = area_values(user, period, level, measure)
    features = [
        {
            "type": "Feature",
            "geometry": boundary,
            "properties": {"code": code, "name": name, "value": values.get(pk)},
        }
        for pk, code, name, boundary in _boundaries(level)
    ]
    return {"type": "FeatureCollection", "features": features}


def points(user: User, period: Period, *, limit: int = MAX_POINTS) -> list[dict[str, Any]]:
    """Tickets the user may see, as map points: number, category, status and link only."""
    rows = (
        visible_to(user)
        .filter(
            received_at__date__gte=period.start,
            received_at__date__lte=period.end,
            lon__isnull=False,
            lat__isnull=False,
        )
        .order_by("-received_at")
        .values_list("number", "category__name", "status", "lon", "lat")[:limit]
    )
    statuses = dict(Status.choices)
    return [
        {
            "number": number,
            "category": category,
            "status": str(statuses.get(status, status)),
            "lon": lon,
            "lat": lat,
            "url": reverse("ticket", args=[number]),
        }
        for number, category, status, lon, lat in rows
    ]


# --- hotspots and topics --------------------------------------------------------------------


def hotspots_for(user: User, kind: str | None = None) -> QuerySet[Hotspot]:
    """Hotspots with at least one ticket the user may see."""
    spots = Hotspot.objects.select_related("category", "area")
    if kind:
        spots = spots.filter(kind=kind)
    if not standing_of(user).is_centre:
        spots = spots.filter(members__ticket__in=visible_to(user).values("pk")).distinct()
    return spots.order_by("-score", "-size", "key")


def hotspot_markers(user: User, limit: int = 10) -> list[dict[str, Any]]:
    """The strongest hotspots with a location, for the map: rank, title, size and link."""
    spots = hotspots_for(user).exclude(lon=None).exclude(lat=None)[:limit]
    return [
        {
            "rank": rank,
            "title": spot.title,
            "kind": str(spot.get_kind_display()),
            "size": spot.size,
            "lon": spot.lon,
            "lat": spot.lat,
            "url": reverse("analytics:hotspot", args=[spot.key]),
        }
        for rank, spot in enumerate(spots, start=1)
    ]


def tickets_behind(user: User, spot: Hotspot) -> QuerySet[Ticket]:
    """The hotspot's tickets that the user may see."""
    return (
        visible_to(user)
        .filter(pk__in=spot.members.values("ticket_id"))
        .select_related("place")
        .order_by("-received_at")
    )


def topics() -> QuerySet[MonthlyTopic]:
    return MonthlyTopic.objects.prefetch_related("owners", "actions__owner").order_by("-month")


def visible_numbers(user: User, numbers: Iterable[str]) -> list[str]:
    """Those of `numbers` whose tickets the user may open."""
    return sorted(
        visible_to(user).filter(number__in=list(numbers)).values_list("number", flat=True)
    )


def owner_choices() -> QuerySet[Unit]:
    """Units that can own a topic's actions."""
    return Unit.objects.filter(is_active=True).exclude(kind__in=[Unit.Kind.CENTRE, Unit.Kind.GRID])


def area_choices(user: User) -> QuerySet[Unit]:
    """Districts and streets for the dashboard's filter; a unit sees only those in its subtree."""
    units = Unit.objects.filter(kind__in=(Unit.Kind.DISTRICT, *STREET_KINDS), is_active=True)
    standing = standing_of(user)
    if standing.is_centre:
        return units
    condition = Q(pk__in=[])
    for path in standing.unit_paths:
        condition |= Q(path__startswith=path)
    return units.filter(condition)
