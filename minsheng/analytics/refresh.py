"""Analytics' write module: rebuilds the aggregates and hotspots from the tickets (pull-based:
`minsheng refresh_analytics`, or `refresh_all()` from the worker), adopts 每月一题 and records
its progress, and files 未诉先办 tasks through intake."""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.analytics import hotspots
from minsheng.analytics.models import (
    DailySatisfaction,
    DailyVolume,
    Hotspot,
    HotspotTicket,
    HourlyVolume,
    MonthlyTopic,
    OpenSnapshot,
    ProactiveTask,
    TopicAction,
)
from minsheng.analytics.queries import Geography, can_create_tasks, can_edit_topics
from minsheng.intake import door
from minsheng.orgs.access import standing_of
from minsheng.orgs.models import Unit
from minsheng.taxonomy.models import Category
from minsheng.tickets.actions import RECEIVE_ROLES
from minsheng.tickets.models import Channel, Ticket, due_soon_q, overdue_q
from minsheng.tickets.models import TicketEvent as Event
from minsheng.tickets.names import OPEN_STATUSES, Action
from minsheng.tickets.transitions import Actor, WorkflowError

BATCH = 2000
CLUSTER_DAYS = 30
RECURRING_MONTHS = 6
SURGE_DAYS = 35
# Recurring problems are looser than the week's clusters: a pair a month, district-wide.
RECURRING_OPTIONS = {"min_size": 2, "radius_m": 3000.0}
# Proactive tasks have no caller: they are filed under the centre's own line.
PROACTIVE_PHONE = "059112345"
PROACTIVE_NAME = "12345未诉先办"
PROACTIVE_CHANNEL = Channel.PROACTIVE
REQUEST_TYPES = ("report", "help", "complaint", "suggestion", "consult")
MAX_LISTED = 60


class AnalyticsError(Exception):
    """The edit is not allowed or its input is wrong; the message is for the user."""


@dataclass(frozen=True)
class Report:
    volume_rows: int
    hourly_rows: int
    satisfaction_rows: int
    open_rows: int
    hotspots: int


# --- the aggregates -------------------------------------------------------------------------


@transaction.atomic
def refresh_all(*, now: datetime | None = None) -> Report:
    """Rebuild every aggregate table and the hotspots from the tickets, in one transaction."""
    now = now or timezone.now()
    geo = Geography.load()
    volume, hourly = rebuild_volume(geo)
    satisfaction = rebuild_satisfaction(geo)
    open_rows = rebuild_open(geo, now=now)
    found = rebuild_hotspots(geo, now=now)
    return Report(volume, hourly, satisfaction, open_rows, found)


def _write(model: type, rows: Iterable[Any]) -> int:
    model.objects.all().delete()  # type: ignore[attr-defined]
    rows = list(rows)
    model.objects.bulk_create(rows, batch_size=BATCH)  # type: ignore[attr-defined]
    return len(rows)


def rebuild_volume(geo: Geography) -> tuple[int, int]:
    """DailyVolume and HourlyVolume from every ticket received."""
    grouped = (
        Ticket.objects.annotate(day=TruncDate("received_at"), hour=ExtractHour("received_at"))
        .values(
            "day",
            "hour",
            "place_id",
            "category_id",
            "category__parent_id",
            "channel",
            "request_type",
            "unit__path",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    daily: Counter[tuple[Any, ...]] = Counter()
    hourly: Counter[tuple[Any, ...]] = Counter()
    for row in grouped:
        district, street, community = geo.areas(row["place_id"])
        path = row["unit__path"] or ""
        key: tuple[Any, ...] = (row["day"], district, street, community, row["category_id"])
        key += (row["category__parent_id"], row["channel"], row["request_type"], path)
        daily[key] += row["n"]
        hourly[(row["day"], row["hour"], district, street, path)] += row["n"]
    volume = _write(
        DailyVolume,
        (
            DailyVolume(
                day=day,
                weekday=day.isoweekday(),
                district_id=d,
                street_id=s,
                community_id=c,
                category_id=cat,
                group_id=group,
                channel=channel,
                request_type=rtype,
                unit_path=path,
                count=n,
            )
            for (day, d, s, c, cat, group, channel, rtype, path), n in daily.items()
        ),
    )
    hours = _write(
        HourlyVolume,
        (
            HourlyVolume(
                day=day,
                weekday=day.isoweekday(),
                hour=hour,
                district_id=d,
                street_id=s,
                unit_path=path,
                count=n,
            )
            for (day, hour, d, s, path), n in hourly.items()
        ),
    )
    return volume, hours


def rebuild_satisfaction(geo: Geography) -> int:
    """DailySatisfaction from the return-visit events' `data.satisfaction`."""
    grouped = (
        Event.objects.filter(action=Action.VISIT)
        .annotate(day=TruncDate("at"))
        .values(
            "day",
            "data__satisfaction",
            "ticket__place_id",
            "ticket__category__parent_id",
            "ticket__unit__path",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[tuple[Any, ...], Counter[str]] = defaultdict(Counter)
    for row in grouped:
        district, street, community = geo.areas(row["ticket__place_id"])
        key = (row["day"], district, street, community, row["ticket__category__parent_id"])
        counts[(*key, row["ticket__unit__path"] or "")][str(row["data__satisfaction"])] += row["n"]
    return _write(
        DailySatisfaction,
        (
            DailySatisfaction(
                day=day,
                district_id=d,
                street_id=s,
                community_id=c,
                group_id=group,
                unit_path=path,
                satisfied=n["satisfied"],
                basically=n["basically"],
                unsatisfied=n["unsatisfied"],
            )
            for (day, d, s, c, group, path), n in counts.items()
        ),
    )


def rebuild_open(geo: Geography, *, now: datetime) -> int:
    """OpenSnapshot: open, due-soon and overdue tickets now."""
    grouped = (
        Ticket.objects.filter(status__in=OPEN_STATUSES)
        .values("place_id", "category__parent_id", "unit__path")
        .annotate(
            n=Count("id"),
            soon=Count("id", filter=due_soon_q(now)),
            late=Count("id", filter=overdue_q(now)),
        )
        .order_by()
    )
    counts: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in grouped:
        district, street, _ = geo.areas(row["place_id"])
        key = (district, street, row["category__parent_id"], row["unit__path"] or "")
        for i, n in enumerate((row["n"], row["soon"], row["late"])):
            counts[key][i] += n
    return _write(
        OpenSnapshot,
        (
            OpenSnapshot(
                taken_at=now,
                district_id=d,
                street_id=s,
                group_id=group,
                unit_path=path,
                open=n[0],
                due_soon=n[1],
                overdue=n[2],
            )
            for (d, s, group, path), n in counts.items()
        ),
    )


# --- hotspots -------------------------------------------------------------------------------


def _items(geo: Geography, since: datetime, until: datetime) -> tuple[list[hotspots.Item], dict]:
    proactive = ProactiveTask.objects.values("ticket_id")
    rows = (
        Ticket.objects.filter(received_at__gte=since, received_at__lte=until)
        .exclude(pk__in=proactive)
        .values(
            "pk",
            "number",
            "title",
            "description",
            "received_at",
            "lon",
            "lat",
            "place_id",
            "category__code",
        )
        .order_by("received_at")
    )
    items, ids = [], {}
    for row in rows:
        district, street, _ = geo.areas(row["place_id"])
        items.append(
            hotspots.Item(
                number=row["number"],
                text=row["description"],
                title=row["title"],
                at=row["received_at"],
                lon=row["lon"],
                lat=row["lat"],
                category=row["category__code"],
                area=geo.code(street),
                district=geo.code(district),
            )
        )
        ids[row["number"]] = row["pk"]
    return items, ids


def rebuild_hotspots(geo: Geography, *, now: datetime) -> int:
    """Clusters of the last 30 days, surges of the last week, recurring problems of 6 months."""
    categories = dict(Category.objects.values_list("code", "pk"))
    names = dict(Category.objects.values_list("code", "name"))
    units = {code: pk for pk, code in geo.codes.items()}
    items, ids = _items(geo, now - timedelta(days=31 * RECURRING_MONTHS), now)
    recent = [i for i in items if i.at >= now - timedelta(days=CLUSTER_DAYS)]
    found: list[tuple[Hotspot, Iterable[str]]] = []
    for cluster in hotspots.cluster_similar(recent):
        found.append(
            (_hotspot(Hotspot.Kind.CLUSTER, cluster, categories, units, now), cluster.numbers)
        )
    monthly = hotspots.monthly_clusters(items, **RECURRING_OPTIONS)
    for problem in hotspots.recurring(monthly):
        last = problem.clusters[-1]
        spot = _hotspot(Hotspot.Kind.RECURRING, last, categories, units, now)
        spot.area_id = units.get(problem.area)
        spot.title = f"{geo.name(spot.area_id)}{names.get(problem.category, '')}问题反复出现"
        spot.key, spot.months, spot.size = problem.key, problem.months, len(problem.numbers)
        spot.first_at, spot.score = problem.clusters[0].first_at, round(problem.score, 3)
        found.append((spot, problem.numbers))
    today = timezone.localdate(now)
    for surge in hotspots.detect_surges(_daily_series(geo, today), until=today):
        spot, numbers = _surge(surge, categories, units, items, now, geo, names)
        found.append((spot, numbers))
    Hotspot.objects.all().delete()
    Hotspot.objects.bulk_create([spot for spot, _ in found], batch_size=BATCH)
    HotspotTicket.objects.bulk_create(
        [
            HotspotTicket(hotspot=spot, ticket_id=ids[n])
            for spot, numbers in found
            for n in numbers
            if n in ids
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    return len(found)


def _hotspot(
    kind: str, cluster: hotspots.Cluster, cats: dict, units: dict, now: datetime
) -> Hotspot:
    return Hotspot(
        key=cluster.key,
        kind=kind,
        title=cluster.title[:200],
        category_id=cats.get(cluster.category),
        area_id=units.get(cluster.area),
        lon=cluster.lon,
        lat=cluster.lat,
        first_at=cluster.first_at,
        last_at=cluster.last_at,
        size=len(cluster.numbers),
        score=round(len(cluster.numbers) * cluster.similarity, 3),
        detected_at=now,
    )


def _daily_series(geo: Geography, today: date) -> dict[tuple[str, str], dict[date, int]]:
    since = today - timedelta(days=SURGE_DAYS)
    series: dict[tuple[str, str], dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for code, street, day, n in DailyVolume.objects.filter(
        day__gte=since, day__lte=today
    ).values_list("category__code", "street_id", "day", "count"):
        series[(code, geo.code(street))][day] += n
    return series


def _surge(
    surge: hotspots.Surge,
    cats: dict,
    units: dict,
    items: list[hotspots.Item],
    now: datetime,
    geo: Geography,
    names: dict[str, str],
) -> tuple[Hotspot, list[str]]:
    since = now - timedelta(days=7)
    behind = [
        i for i in items if i.category == surge.category and i.area == surge.area and i.at >= since
    ]
    placed = [i for i in behind if i.lon is not None and i.lat is not None]
    name = names.get(surge.category)
    area = geo.name(units.get(surge.area))
    spot = Hotspot(
        key=surge.key,
        kind=Hotspot.Kind.SURGE,
        title=f"{area}{name or surge.category}诉求激增"[:200],
        category_id=cats.get(surge.category),
        area_id=units.get(surge.area),
        lon=sum(i.lon for i in placed) / len(placed) if placed else None,  # type: ignore[misc]
        lat=sum(i.lat for i in placed) / len(placed) if placed else None,  # type: ignore[misc]
        first_at=min((i.at for i in behind), default=now),
        last_at=max((i.at for i in behind), default=now),
        size=len(behind),
        recent=surge.recent,
        baseline=surge.baseline,
        score=surge.z,
        detected_at=now,
    )
    return spot, [i.number for i in behind]


# --- 每月一题 --------------------------------------------------------------------------------


@transaction.atomic
def adopt_topic(
    *,
    month: date,
    title: str,
    description: str,
    source: Hotspot | None,
    owners: Iterable[Unit],
    by: User,
) -> MonthlyTopic:
    """Adopt (or re-adopt) the topic of `month`, keeping the actions already recorded."""
    if not can_edit_topics(standing_of(by)):
        raise AnalyticsError("只有督办员或系统管理员可以确定每月一题。")
    title = (title or "").strip()
    if not title:
        raise AnalyticsError("请填写题目。")
    owners = list(owners)
    if not owners:
        raise AnalyticsError("请至少选择一个责任单位。")
    numbers = sorted(source.members.values_list("ticket__number", flat=True)) if source else []
    topic, _ = MonthlyTopic.objects.update_or_create(
        month=month.replace(day=1),
        defaults={
            "title": title[:200],
            "description": (description or "").strip(),
            "source_key": source.key if source else "",
            "ticket_numbers": numbers,
            "adopted_by": by,
            "adopted_at": timezone.now(),
        },
    )
    topic.owners.set(owners)
    return topic


@transaction.atomic
def save_action(
    topic: MonthlyTopic,
    *,
    title: str,
    owner: Unit | None,
    progress: int,
    note: str,
    by: User,
    action: TopicAction | None = None,
) -> TopicAction:
    """Add an action to a topic, or update one's progress and notes."""
    if not can_edit_topics(standing_of(by)):
        raise AnalyticsError("只有督办员或系统管理员可以编辑每月一题。")
    if not (title or "").strip():
        raise AnalyticsError("请填写措施。")
    if not 0 <= progress <= 100:
        raise AnalyticsError("进度应在 0 到 100 之间。")
    if action is not None and action.topic_id != topic.pk:
        raise AnalyticsError("该措施不属于这个题目。")
    fields = {
        "title": title.strip()[:200],
        "owner": owner,
        "progress": progress,
        "note": (note or "").strip(),
        "updated_at": timezone.now(),
        "updated_by": by,
    }
    if action is None:
        return TopicAction.objects.create(topic=topic, **fields)
    for name, value in fields.items():
        setattr(action, name, value)
    action.save()
    return action


# --- 未诉先办 --------------------------------------------------------------------------------


def _filer(user: User) -> User | Actor:
    # Intake accepts centre staff; an administrator without a centre role files as the system.
    if standing_of(user).centre_roles & RECEIVE_ROLES:
        return user
    return Actor(label=f"未诉先办（{user.get_full_name() or user.username}）"[:60], kind="system")


def _description(spot: Hotspot, numbers: list[str]) -> str:
    listed = "、".join(numbers[:MAX_LISTED]) + ("等" if len(numbers) > MAX_LISTED else "")
    area = spot.area.name if spot.area else "相关区域"
    return (
        f"未诉先办：{spot.title}。{area}自{spot.first_at:%Y-%m-%d}至{spot.last_at:%Y-%m-%d}"
        f"共有{len(numbers)}件同类诉求（{spot.get_kind_display()}），"
        f"请主动排查、源头治理，并在办结时说明处置情况。相关工单：{listed}。"
    )


def create_proactive_task(spot: Hotspot, *, by: User) -> tuple[Ticket, bool]:
    """File a ticket for the hotspot's place and category through intake, once per hotspot key.

    Returns the ticket and whether it was created now; clicking again returns the first one.
    """
    if not can_create_tasks(standing_of(by)):
        raise AnalyticsError("只有督办员、派单员或系统管理员可以发起未诉先办。")
    existing = ProactiveTask.objects.filter(hotspot_key=spot.key).select_related("ticket")
    if (task := existing.first()) is not None:
        return task.ticket, False
    if spot.category is None or not spot.category.is_leaf:
        raise AnalyticsError("该热点没有具体的诉求分类，无法发起未诉先办。")
    request_type = next((t for t in REQUEST_TYPES if spot.category.allows(t)), None)
    if request_type is None:
        raise AnalyticsError("该分类不受理可用于未诉先办的诉求类型。")
    tickets = Ticket.objects.filter(pk__in=spot.members.values("ticket_id"))
    numbers = sorted(tickets.values_list("number", flat=True))
    places = Counter(tickets.exclude(place=None).values_list("place_id", flat=True))
    place = Unit.objects.get(pk=places.most_common(1)[0][0]) if places else spot.area
    data = {
        "channel": PROACTIVE_CHANNEL,
        "request_type": request_type,
        "category": spot.category,
        "phone": PROACTIVE_PHONE,
        "name": PROACTIVE_NAME,
        "title": f"未诉先办：{spot.title}"[:100],
        "description": _description(spot, numbers),
        "address": place.name if place else "",
        "lon": spot.lon,
        "lat": spot.lat,
        "place": place,
    }
    try:
        with transaction.atomic():
            ticket = door.submit(door.Request.of(data, chooser="programme"), by=_filer(by))
            ProactiveTask.objects.create(
                hotspot_key=spot.key, ticket=ticket, created_by=by, created_at=timezone.now()
            )
    except IntegrityError:  # a second click raced the first: the first one stands
        return existing.get().ticket, False
    except WorkflowError as error:
        raise AnalyticsError(str(error)) from error
    return ticket, True
