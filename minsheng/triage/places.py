"""The place a request is about, for routing (属地): the words and the map point reconciled.

`from_text` reads the deepest unit of the deployment the text names (district → street or
township → community; aliases and admins' place names included, `gazetteer`). `resolve` adds
the map point, if any, and gives the unit the ticket is filed under, or why there is none; every
door calls it (`intake.door`) when the channel did not choose the place itself, and dispatch
reads it again to say why a ticket waits. `reconcile` is the pure rule for text against point.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from minsheng.orgs.models import Unit
from minsheng.triage import queries
from minsheng.triage.gazetteer import Location

# Below this the place read in the text is a hint for the dispatcher, never a route: a short
# name shared with another city, a village said like a community, two equal readings.
MIN_CONFIDENCE = 0.7
OUTSIDE = "outside"  # only a place of another city is named
AMBIGUOUS = "ambiguous"  # two units fit the words equally
CONFLICT = "conflict"  # the text and the map point name two different streets


@dataclass(frozen=True)
class PlaceMatch:
    """What the text names: the deployment's unit code (empty outside the city or when two
    units fit), the names along the way and how sure the reading is."""

    unit: str
    confidence: float
    district: str = ""
    street: str = ""
    community: str = ""
    place: str = ""
    city: str = ""
    outside: bool = False
    alternatives: tuple[str, ...] = ()  # the units that fit equally (codes), when ambiguous
    matched: tuple[str, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return len(self.alternatives) > 1

    @property
    def usable(self) -> bool:
        """Sure enough to file and route the ticket by."""
        return bool(self.unit) and not self.ambiguous and self.confidence >= MIN_CONFIDENCE


def match_of(location: Location, unit_of: dict[str, str]) -> PlaceMatch | None:
    """A gazetteer reading as a PlaceMatch (None when no place is named). `unit_of` maps the
    reading's alternatives to their deployment units; alternatives in one unit are one place."""
    if not location.code:
        return None
    units = list(dict.fromkeys(u for u in (unit_of.get(c, "") for c in location.alternatives) if u))
    return PlaceMatch(
        unit="" if len(units) > 1 else location.unit,
        confidence=location.confidence,
        district=location.district,
        street=location.street,
        community=location.community,
        place=location.place,
        city=location.city,
        outside=location.outside,
        alternatives=tuple(units) if len(units) > 1 else (),
        matched=tuple(location.matched),
    )


def from_text(text: str, *, address: str = "") -> PlaceMatch | None:
    """The place the words name, preferring the address field; None when none is named."""
    g = queries.deployment_gazetteer()
    location = g.locate(text, address=address)
    return match_of(location, {c: g.unit_of(c) for c in location.alternatives})


def reconcile(by_text: str, by_point: str) -> tuple[str, bool]:
    """Two units' paths ("3501/350104/350104101/") → the path to file under, and whether they
    agree. Either alone wins; on one line the deeper wins; otherwise the deepest unit that
    holds both (the ticket then says they disagree)."""
    if not by_text or not by_point:
        return by_text or by_point, True
    if by_point.startswith(by_text) or by_text.startswith(by_point):
        return max(by_text, by_point, key=len), True
    common = []
    for a, b in zip(by_text.split("/"), by_point.split("/"), strict=False):
        if a != b or not a:
            break
        common.append(a)
    return "/".join(common) + "/" if common else "", False


@dataclass(frozen=True)
class Resolved:
    """The unit a ticket is filed under (None: none found) and, if any, what kept it from a
    single place in the city (OUTSIDE, AMBIGUOUS, CONFLICT) in words for the timeline."""

    unit: Unit | None
    problem: str = ""
    detail: str = ""
    candidates: tuple[str, ...] = ()  # unit names, when two fit
    by_text: PlaceMatch | None = None


def resolve(
    text: str, *, address: str = "", lon: float | None = None, lat: float | None = None
) -> Resolved:
    """The unit a request is about, from its words and its point (WGS-84)."""
    return resolve_many([(text, address, lon, lat)])[0]


def resolve_many(requests: Sequence[tuple[str, str, Any, Any]]) -> list[Resolved]:
    """`resolve` for each (text, address, lon, lat), reading the units in one query."""
    if not requests:
        return []
    index = queries.polygon_index()
    texts, points = [], []
    for text, address, lon, lat in requests:
        texts.append(from_text(text, address=address))
        points.append(index.unit_at(lon, lat) if lon is not None and lat is not None else None)
    codes = {p for p in points if p}
    for found in texts:
        if found is not None:
            codes.update(c for c in (found.unit, *found.alternatives) if c)
    units = queries.units_where("code", codes)
    paths = queries.units_where("path", _prefixes(units.values()))
    return [
        _resolved(t, units.get(p or ""), units, paths) for t, p in zip(texts, points, strict=True)
    ]


def _prefixes(units: Any) -> list[str]:
    found: set[str] = set()
    for unit in units:
        parts = [p for p in unit.path.split("/") if p]
        found.update("/".join(parts[: i + 1]) + "/" for i in range(len(parts)))
    return sorted(found)


def _resolved(
    found: PlaceMatch | None,
    at_point: Unit | None,
    units: dict[str, Unit],
    paths: dict[str, Unit],
) -> Resolved:
    if found is not None and found.ambiguous:
        fits = [units[c] for c in found.alternatives if c in units]
        if at_point is not None:  # the point settles which one is meant
            on_line = [u for u in fits if reconcile(u.path, at_point.path)[1]]
            if len(on_line) == 1:
                return Resolved(paths.get(reconcile(on_line[0].path, at_point.path)[0]))
            return Resolved(at_point)
        names = tuple(_full_name(u, paths) for u in fits)
        said = "」「".join(dict.fromkeys(found.matched))
        detail = f"「{said}」可能指{'、'.join(names)}"
        return Resolved(None, AMBIGUOUS, detail, names, found)
    by_text = units.get(found.unit) if found is not None and found.usable else None
    if at_point is not None and by_text is not None:
        path, agree = reconcile(by_text.path, at_point.path)
        if agree:
            return Resolved(paths.get(path), by_text=found)
        detail = (
            f"诉求文字所述{_full_name(by_text, paths)}与定位点所在"
            f"{_full_name(at_point, paths)}不一致"
        )
        names = (_full_name(by_text, paths), _full_name(at_point, paths))
        return Resolved(paths.get(path), CONFLICT, detail, names, found)
    if at_point is not None:
        return Resolved(at_point, by_text=found)
    if by_text is not None:
        return Resolved(by_text, by_text=found)
    if found is not None and found.outside:
        where = "".join(n for n in (found.city, found.district, found.street) if n)
        return Resolved(None, OUTSIDE, f"诉求文字提到{where}", by_text=found)
    return Resolved(None, by_text=found)


def _full_name(unit: Unit, paths: dict[str, Unit]) -> str:
    """区 + 街道 + 社区 as far as the unit goes (the city left out)."""
    parts = [p for p in unit.path.split("/") if p]
    chain = [paths.get("/".join(parts[: i + 1]) + "/") for i in range(len(parts))]
    shown = [u.name for u in chain if u is not None and u.kind not in (Unit.Kind.CITY,)]
    return "".join(shown) or unit.name
