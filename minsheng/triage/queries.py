"""Read side of triage: the active model, the deployment's gazetteer and polygons, open tickets.

Built objects are cached per process and rebuilt when what they were built from changes (the
active version; the catalogue; units and places, checked at most every CACHE_SECONDS).
"""

import hashlib
import logging
import pickle
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from minsheng.orgs.models import Unit
from minsheng.taxonomy.models import Category
from minsheng.tickets.models import Status, Ticket
from minsheng.tickets.names import OPEN_STATUSES
from minsheng.triage import divisions, gazetteer
from minsheng.triage.models import ModelVersion, Place
from minsheng.triage.polygons import PolygonIndex
from minsheng.triage.training import Bundle, TrainingError, cold_start_bundle, leaves

log = logging.getLogger(__name__)
CACHE_SECONDS = 300
UNIT_SECONDS = 60
COLD_CHECK_SECONDS = 10
LEVEL_OF_KIND: dict[str, int] = {
    Unit.Kind.CITY: gazetteer.CITY,
    Unit.Kind.DISTRICT: gazetteer.COUNTY,
    Unit.Kind.STREET: gazetteer.TOWNSHIP,
    Unit.Kind.TOWNSHIP: gazetteer.TOWNSHIP,
    Unit.Kind.COMMUNITY: gazetteer.COMMUNITY,
    Unit.Kind.VILLAGE: gazetteer.COMMUNITY,
    Unit.Kind.GRID: gazetteer.GRID,
}
_cache: dict[str, Any] = {}
# Held while the gazetteer or the polygons are built: a cold process under load would
# otherwise build them once per thread at the same moment.
_building = threading.RLock()
_national_cache: dict[str, gazetteer.Gazetteer] = {}  # kept by reset(): it never changes


def reset() -> None:
    """Forget every cached object (tests, and after loading new reference data)."""
    _cache.clear()


def forget_places() -> None:
    """Forget the gazetteer, the polygons and the units remembered (a unit or a place name was
    saved)."""
    _cache.pop("gazetteer", None)
    _cache.pop("polygons", None)
    _cache.pop("units", None)


@dataclass
class ActiveModel:
    bundle: Bundle | None  # None: no catalogue to start from either
    version: ModelVersion | None
    warning: str = ""


def active_model() -> ActiveModel:
    """The active version's classifiers; the catalogue's cold-start model when there is none or
    the stored one cannot be read (with a warning saying so)."""
    current = ModelVersion.objects.filter(is_active=True).values_list("pk", "sha256").first()
    cached = _cache.get("model")
    if current and cached and cached[0] == current:
        return cached[1]
    warning = ""
    if current:
        version = ModelVersion.objects.get(pk=current[0])
        try:
            return _remember_model(current, ActiveModel(_unpickle(version), version))
        except Exception as error:  # any failure to read falls back to cold start, loudly
            warning = (
                f"模型 v{version.pk} 无法读取（{type(error).__name__}），已改用派单目录冷启动。"
            )
            log.warning("triage model v%s unreadable: %r", version.pk, error)
    return _remember_model(current, ActiveModel(cold_start(), None, warning))


def _remember_model(key: Any, model: ActiveModel) -> ActiveModel:
    _cache["model"] = (key, model)
    return model


def _unpickle(version: ModelVersion) -> Bundle:
    blob = bytes(version.blob)
    if hashlib.sha256(blob).hexdigest() != version.sha256:
        raise ValueError("checksum mismatch")
    # The blob was written by training.train and its checksum matches: our own data.
    bundle = pickle.loads(blob)  # noqa: S301
    if not isinstance(bundle, Bundle):
        raise TypeError("not a triage bundle")
    return bundle


def cold_start() -> Bundle | None:
    """The catalogue-only model, rebuilt when the catalogue changes (checked at most every
    COLD_CHECK_SECONDS: a new city classifies every request with it)."""
    cached = _cache.get("cold")
    if cached and time.monotonic() - _cache.get("cold_checked", float("-inf")) < COLD_CHECK_SECONDS:
        return cached[1]
    catalogue = leaves()
    key = hashlib.sha256(repr(sorted(map(repr, catalogue))).encode()).hexdigest()
    _cache["cold_checked"] = time.monotonic()
    if cached and cached[0] == key:
        return cached[1]
    bundle: Bundle | None
    try:
        bundle = cold_start_bundle(catalogue)
    except TrainingError:
        bundle = None
    _cache["cold"] = (key, bundle)
    return bundle


def categories_by_code() -> dict[str, Category]:
    return {c.code: c for c in Category.objects.select_related("parent", "policy")}


# --- places ---------------------------------------------------------------------------------


def _places_stamp() -> tuple[Any, ...]:
    units = Unit.objects.aggregate(n=Count("pk"), top=Max("pk"))
    places = Place.objects.aggregate(n=Count("pk"), top=Max("pk"))
    return (units["n"], units["top"], places["n"], places["top"])


def _fresh(key: str) -> Any:
    cached = _cache.get(key)
    if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[2]
    stamp = _places_stamp()
    if cached and cached[1] == stamp:
        _cache[key] = (time.monotonic(), stamp, cached[2])
        return cached[2]
    return None


def city_code() -> str:
    city = Unit.objects.filter(kind=Unit.Kind.CITY).order_by("path").values_list("code").first()
    return city[0] if city else ""


def deployment_gazetteer() -> gazetteer.Gazetteer:
    """The national divisions plus this deployment's units and admins' place names."""
    found = _fresh("gazetteer")
    if found is not None:
        return found
    with _building:  # one thread builds it; the others wait and take what it built
        found = _fresh("gazetteer")
        if found is not None:
            return found
        stamp = _places_stamp()
        return _cache.setdefault("gazetteer", (time.monotonic(), stamp, build_gazetteer()))[2]


def _national(code: str) -> gazetteer.Gazetteer:
    """The national division list as seen from the city `code` (read once per city)."""
    cached = _national_cache.get(code)
    if cached is None:
        cached = gazetteer.Gazetteer(city_code=code)
        cached.add_divisions(divisions.read())
        _national_cache.clear()  # one deployment city per process; tests switch
        _national_cache[code] = cached.finish()
    return cached.copy()


def build_gazetteer() -> gazetteer.Gazetteer:
    g = _national(city_code())
    units = Unit.objects.filter(is_active=True, kind__in=list(LEVEL_OF_KIND)).select_related(
        "parent"
    )
    for unit in units:
        g.add(
            gazetteer.Entry(
                unit.code,
                unit.name,
                LEVEL_OF_KIND[unit.kind],
                unit.parent.code if unit.parent else "",
                unit=unit.code,
                local=True,
            ),
            short=unit.kind != Unit.Kind.GRID,
        )
    for place in Place.objects.filter(is_active=True).select_related("unit"):
        g.add(
            gazetteer.Entry(
                f"place:{place.pk}",
                place.name,
                gazetteer.PLACE,
                place.unit.code,
                unit=place.unit.code,
                local=True,
            ),
            aliases=place.alias_list,
            short=False,
        )
    return g.finish()


def polygon_index() -> PolygonIndex:
    """Every active unit's jurisdiction polygon, deepest level first, and the city's outline:
    the one geometry index of the deployment (triage, the residents' map, Open311's check)."""
    found = _fresh("polygons")
    if found is not None:
        return found
    with _building:
        found = _fresh("polygons")
        if found is not None:
            return found
        return _build_polygons()


def _build_polygons() -> PolygonIndex:
    stamp = _places_stamp()
    active = Unit.objects.filter(is_active=True)
    rows = (
        (code, LEVEL_OF_KIND[kind], boundary)
        for code, kind, boundary in active.filter(
            boundary__isnull=False, kind__in=list(LEVEL_OF_KIND)
        ).values_list("code", "kind", "boundary")
        if boundary is not None
    )
    centroids = [
        (lon, lat)
        for lon, lat in active.filter(lon__isnull=False, lat__isnull=False).values_list(
            "lon", "lat"
        )
        if lon is not None and lat is not None
    ]
    index = PolygonIndex(rows, centroids)
    return _cache.setdefault("polygons", (time.monotonic(), stamp, index))[2]


def units_where(field: str, values: Iterable[str]) -> dict[str, Unit]:
    """Units by `code` (active ones) or by `path` (any), without their boundaries: what every
    new request's place is resolved against. Each is remembered UNIT_SECONDS in this process,
    so a busy door reads none; a unit saved here is forgotten at once (`forget_places`)."""
    assert field in ("code", "path")
    remembered: dict[tuple[str, str], tuple[float, Unit | None]] = _cache.setdefault("units", {})
    now = time.monotonic()
    found: dict[str, Unit] = {}
    missing = []
    for value in values:
        hit = remembered.get((field, value))
        if hit is not None and now - hit[0] < UNIT_SECONDS:
            if hit[1] is not None:
                found[value] = hit[1]
        else:
            missing.append(value)
    if missing:
        read = Unit.objects.defer("boundary").filter(**{f"{field}__in": missing})
        if field == "code":
            read = read.filter(is_active=True)
        fresh = {getattr(u, field): u for u in read}
        for value in missing:
            remembered[(field, value)] = (now, fresh.get(value))
        found.update(fresh)
    return found


def units_by_code(codes: list[str]) -> dict[str, Unit]:
    return {u.code: u for u in Unit.objects.filter(code__in=codes).select_related("parent")}


# --- tickets --------------------------------------------------------------------------------


def open_near(
    place: Unit | None,
    *,
    now: datetime | None = None,
    exclude: int | None = None,
    days: int = 14,
    limit: int = 300,
) -> QuerySet[Ticket]:
    """Open tickets received in the last `days` in the same street (or district) as `place`."""
    now = now or timezone.now()
    tickets = Ticket.objects.filter(
        status__in=list(OPEN_STATUSES), received_at__gte=now - timedelta(days=days)
    )
    area = place and (
        place.ancestor_of_kind(Unit.Kind.STREET, Unit.Kind.TOWNSHIP)
        or place.ancestor_of_kind(Unit.Kind.DISTRICT)
    )
    if area is not None:
        tickets = tickets.filter(place__path__startswith=area.path)
    if exclude is not None:
        tickets = tickets.exclude(pk=exclude)
    return tickets.select_related("category", "place").order_by("-received_at")[:limit]


def usual_units(category: Category, area: Unit | None, *, limit: int = 3) -> list[tuple[int, int]]:
    """(unit pk, closed tickets) of the units that most often closed this category here."""
    tickets = Ticket.objects.filter(status=Status.CLOSED, category=category, unit__isnull=False)
    if area is not None:
        tickets = tickets.filter(place__path__startswith=area.path)
    rows = tickets.values("unit").annotate(n=Count("pk")).order_by("-n", "unit")[:limit]
    return [(r["unit"], r["n"]) for r in rows]
