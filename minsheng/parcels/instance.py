"""The day's instance (docs/parcels.md, "Instance format"): parsed, checked, with distances.

Pure: no database. `parse` turns the JSON object into an `Instance` or raises `InstanceError`
with a Chinese message naming the first thing wrong; nothing downstream re-checks.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

EARTH_RADIUS_KM = 6371.0
DIRECTIONS = ("down", "up")
TRIP_DIRECTION = {"out": "down", "in": "up"}
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class InstanceError(ValueError):
    """The instance cannot be planned; the message says why, in Chinese."""


@dataclass(frozen=True)
class Point:
    id: str
    lon: float
    lat: float


@dataclass(frozen=True)
class Station(Point):
    capacity: int


@dataclass(frozen=True)
class Village(Point):
    station: str
    down: int
    up: int
    up_value: float = 0.0  # 物流促销: extra cost per up parcel deferred (produce value)


@dataclass(frozen=True)
class Trip:
    id: str
    line: str
    direction: str  # "out" (hub → stations) or "in" (stations → hub)
    departs: str
    spare: int
    load_limit: int
    stops: tuple[str, ...]


@dataclass(frozen=True)
class Loop:
    id: str
    villages: tuple[str, ...]
    km: float
    vans_max: int


@dataclass(frozen=True)
class Costs:
    bus_per_parcel: float
    last_mile_per_parcel: float
    last_mile_per_km: float
    defer_per_parcel: float | None  # None: deferring is not allowed
    van_fixed: float
    van_per_km: float
    van_capacity: int
    detour: float


@dataclass
class Instance:
    hub: Point
    stations: dict[str, Station]
    villages: dict[str, Village]
    trips: dict[str, Trip]
    loops: dict[str, Loop]
    costs: Costs
    lines: dict[str, tuple[str, ...]] = field(default_factory=dict)
    loop_of: dict[str, str] = field(default_factory=dict)

    def flows(self) -> list[tuple[str, str, int]]:
        """(village, direction, parcels) for every non-empty flow, in a stable order."""
        out = []
        for v in self.villages.values():
            for d in DIRECTIONS:
                q = v.down if d == "down" else v.up
                if q > 0:
                    out.append((v.id, d, q))
        return out

    def last_mile_km(self, village_id: str) -> float:
        v = self.villages[village_id]
        return road_km(self.stations[v.station], v, self.costs.detour)

    def bus_unit_cost(self, village_id: str) -> float:
        c = self.costs
        return (
            c.bus_per_parcel
            + c.last_mile_per_parcel
            + c.last_mile_per_km * self.last_mile_km(village_id)
        )

    def defer_cost(self, village_id: str, direction: str) -> float | None:
        """Per parcel deferred; None when deferring is not allowed."""
        base = self.costs.defer_per_parcel
        if base is None:
            return None
        return base + (self.villages[village_id].up_value if direction == "up" else 0.0)

    def van_cost(self, loop_id: str) -> float:
        return self.costs.van_fixed + self.costs.van_per_km * self.loops[loop_id].km

    def trips_for(self, village_id: str, direction: str) -> list[Trip]:
        """Trips that can carry this flow: right direction, the village's station on the line."""
        station = self.villages[village_id].station
        return [
            t
            for t in self.trips.values()
            if TRIP_DIRECTION[t.direction] == direction and station in t.stops
        ]


def haversine_km(a: Point, b: Point) -> float:
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def road_km(a: Point, b: Point, detour: float) -> float:
    return haversine_km(a, b) * detour


def _obj(data: Any, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InstanceError(f"{where} 应为对象")
    return data


def _list(data: dict[str, Any], key: str, where: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise InstanceError(f"{where}.{key} 应为数组")
    return value


def _num(data: dict[str, Any], key: str, where: str, *, minimum: float = 0.0) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InstanceError(f"{where} 缺少数值字段 {key}")
    if value < minimum:
        raise InstanceError(f"{where}.{key} 不能小于 {minimum:g}（现为 {value}）")
    return float(value)


def _int(data: dict[str, Any], key: str, where: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise InstanceError(f"{where}.{key} 应为非负整数（件数）")
    if value < 0:
        raise InstanceError(f"{where}.{key} 应为非负整数（现为 {value}）")
    return int(value)


def _id(data: dict[str, Any], where: str) -> str:
    value = data.get("id")
    if not isinstance(value, str | int) or isinstance(value, bool) or str(value).strip() == "":
        raise InstanceError(f"{where} 缺少编号 id")
    return str(value)


def _point(data: Any, where: str) -> tuple[dict[str, Any], str, float, float]:
    d = _obj(data, where)
    pid = _id(d, where)
    lon = _num(d, "lon", f"{where} {pid}", minimum=-180)
    lat = _num(d, "lat", f"{where} {pid}", minimum=-90)
    if lon > 180 or lat > 90:
        raise InstanceError(f"{where} {pid} 的经纬度超出范围")
    return d, pid, lon, lat


def parse(data: Any) -> Instance:
    """Check the instance and build it; raises InstanceError (Chinese) on the first problem."""
    root = _obj(data, "算例")
    if "hub" not in root:
        raise InstanceError("算例缺少县级中心 hub")
    _, hid, hlon, hlat = _point(root["hub"], "中心 hub")
    hub = Point(hid, hlon, hlat)

    stations: dict[str, Station] = {}
    for raw in _list(root, "stations", "算例"):
        d, sid, lon, lat = _point(raw, "驿站")
        if sid in stations:
            raise InstanceError(f"驿站编号重复：{sid}")
        stations[sid] = Station(sid, lon, lat, _int(d, "capacity", f"驿站 {sid}"))

    villages: dict[str, Village] = {}
    for raw in _list(root, "villages", "算例"):
        d, vid, lon, lat = _point(raw, "村")
        if vid in villages:
            raise InstanceError(f"村编号重复：{vid}")
        station = str(d.get("station", ""))
        if station not in stations:
            raise InstanceError(f"村 {vid} 的服务驿站 {station or '（空）'} 不存在")
        villages[vid] = Village(
            vid,
            lon,
            lat,
            station,
            _int(d, "down", f"村 {vid}"),
            _int(d, "up", f"村 {vid}"),
            _num(d, "up_value", f"村 {vid}") if "up_value" in d else 0.0,
        )

    trips: dict[str, Trip] = {}
    lines: dict[str, tuple[str, ...]] = {}
    for raw in _list(root, "lines", "算例"):
        d = _obj(raw, "线路")
        lid = _id(d, "线路")
        if lid in lines:
            raise InstanceError(f"线路编号重复：{lid}")
        stops = tuple(str(s) for s in _list(d, "stops", f"线路 {lid}"))
        for s in stops:
            if s not in stations:
                raise InstanceError(f"线路 {lid} 的站点 {s} 不是已登记的驿站")
        if len(set(stops)) != len(stops):
            raise InstanceError(f"线路 {lid} 的站点重复")
        lines[lid] = stops
        for traw in _list(d, "trips", f"线路 {lid}"):
            t = _obj(traw, f"线路 {lid} 的班次")
            tid = _id(t, f"线路 {lid} 的班次")
            where = f"班次 {tid}"
            if tid in trips:
                raise InstanceError(f"班次编号重复：{tid}")
            direction = t.get("direction")
            if direction not in TRIP_DIRECTION:
                raise InstanceError(f"{where} 的方向 direction 应为 out 或 in")
            departs = str(t.get("departs", ""))
            if not _HHMM.match(departs):
                raise InstanceError(f"{where} 的发车时间 departs 应为 HH:MM")
            trips[tid] = Trip(
                tid,
                lid,
                str(direction),
                departs,
                _int(t, "spare", where),
                _int(t, "load_limit", where),
                stops,
            )

    loops: dict[str, Loop] = {}
    loop_of: dict[str, str] = {}
    for raw in _list(root, "loops", "算例"):
        d = _obj(raw, "邮路")
        rid = _id(d, "邮路")
        if rid in loops:
            raise InstanceError(f"邮路编号重复：{rid}")
        members = tuple(str(v) for v in _list(d, "villages", f"邮路 {rid}"))
        for v in members:
            if v not in villages:
                raise InstanceError(f"邮路 {rid} 的村 {v} 不存在")
            if v in loop_of and loop_of[v] != rid:
                raise InstanceError(f"村 {v} 同时属于邮路 {loop_of[v]} 和 {rid}（每村至多一条）")
            loop_of[v] = rid
        loops[rid] = Loop(
            rid, members, _num(d, "km", f"邮路 {rid}"), _int(d, "vans_max", f"邮路 {rid}")
        )

    if "costs" not in root:
        raise InstanceError("算例缺少费用参数 costs")
    c = _obj(root["costs"], "费用参数 costs")
    defer = c.get("defer_per_parcel")
    costs = Costs(
        bus_per_parcel=_num(c, "bus_per_parcel", "costs"),
        last_mile_per_parcel=_num(c, "last_mile_per_parcel", "costs"),
        last_mile_per_km=_num(c, "last_mile_per_km", "costs"),
        defer_per_parcel=None if defer is None else _num(c, "defer_per_parcel", "costs"),
        van_fixed=_num(c, "van_fixed", "costs"),
        van_per_km=_num(c, "van_per_km", "costs"),
        van_capacity=_int(c, "van_capacity", "costs"),
        detour=_num(c, "detour", "costs", minimum=1.0),
    )
    return Instance(hub, stations, villages, trips, loops, costs, lines, loop_of)


def without_trips(data: dict[str, Any], trip_ids: set[str]) -> dict[str, Any]:
    """A copy of the raw instance with these trips removed (a cancellation), for re-planning."""
    lines = [
        {**line, "trips": [t for t in line.get("trips", []) if str(t.get("id")) not in trip_ids]}
        for line in data.get("lines", [])
    ]
    return {**data, "lines": lines}
