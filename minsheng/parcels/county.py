"""A seeded Ninghai-like county day (docs/parcels.md "Benchmark"): the instance JSON, generated.

Real geometry: Ninghai's outline and township seats (Vonng/adcode 2016, CC BY 4.0, in
`data/ninghai.json`). Synthetic: villages around the seats, stations, radial bus lines and
their trips, van loops (PyVRP), demand. Deterministic for a (size, seed, scenario).
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from shapely.geometry import Point as ShapelyPoint
from shapely.geometry import Polygon
from shapely.prepared import prep

from minsheng.parcels import loops as loop_gen
from minsheng.parcels.instance import Point, road_km

DATA = Path(__file__).with_name("data") / "ninghai.json"
KM_LAT = 1 / 111.19492664455873

# villages, stations, lines, trips per direction per line, townships used
SIZES: dict[str, tuple[int, int, int, int, int]] = {
    "S": (20, 5, 2, 2, 3),
    "M": (100, 15, 5, 3, 8),
    "L": (354, 50, 10, 6, 17),
    "XL": (1000, 150, 30, 5, 17),
}
SCENARIOS = ("normal", "double11", "harvest", "cancel", "halved")
COSTS = {
    "bus_per_parcel": 0.5,
    "last_mile_per_parcel": 0.2,
    "last_mile_per_km": 0.12,
    "defer_per_parcel": 4.0,
    "van_fixed": 150.0,
    "van_per_km": 2.5,
    "van_capacity": 500,
    "detour": 1.35,
}


@cache
def ninghai() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


def outline() -> Polygon:
    return Polygon(ninghai()["outline"])


def generate(size: str = "L", seed: int = 0, scenario: str = "normal") -> dict[str, Any]:
    """The day's instance; `scenario` "cancel" is the normal day (cancel with `noon_cancel`)."""
    n_v, n_s, n_l, n_t, n_town = SIZES[size]
    rng = np.random.default_rng(seed)
    county = ninghai()
    seats = county["seats"]
    hub_seat = next(s for s in seats if s["name"] == "跃龙街道")
    hub = {"id": "HUB", "name": "宁海县共配中心", "lon": hub_seat["lon"], "lat": hub_seat["lat"]}
    others = [s for s in seats if s is not hub_seat]
    towns = [hub_seat, *[others[i] for i in rng.permutation(len(others))[: n_town - 1]]]
    weights = rng.uniform(0.5, 1.5, len(towns))
    weights /= weights.sum()
    area = prep(outline())
    sigma = 2.5 if size != "XL" else 3.5
    villages: list[dict[str, Any]] = []
    while len(villages) < n_v:
        t = int(rng.choice(len(towns), p=weights))
        dx, dy = rng.normal(0, sigma, 2)
        lat = towns[t]["lat"] + dy * KM_LAT
        lon = towns[t]["lon"] + dx * KM_LAT / math.cos(math.radians(lat))
        if not area.contains(ShapelyPoint(lon, lat)):
            continue
        down = max(1, round(rng.lognormal(math.log(25), 0.6)))
        villages.append(
            {
                "id": f"V{len(villages) + 1:04d}",
                "name": f"{towns[t]['name'][:-1]}{len(villages) + 1}村",
                "town": towns[t]["name"],
                "lon": round(lon, 5),
                "lat": round(lat, 5),
                "down": down,
                "up": round(down * rng.uniform(0.02, 0.25)),
            }
        )
    stations = _stations(towns, villages, n_s)
    _serve(villages, stations, rng)
    lines = _lines(hub, stations, n_l, n_t, rng)
    loops = _loops(hub, villages, seed)
    data = {
        "name": f"宁海县（模拟）{size} 规模，种子 {seed}",
        "hub": hub,
        "stations": stations,
        "villages": villages,
        "lines": lines,
        "loops": loops,
        "costs": dict(COSTS),
    }
    return apply_scenario(data, scenario, seed)


def _pt(d: dict[str, Any]) -> Point:
    return Point(str(d["id"]), float(d["lon"]), float(d["lat"]))


def _stations(
    towns: list[dict[str, Any]], villages: list[dict[str, Any]], n_s: int
) -> list[dict[str, Any]]:
    """Township seats first (the village nearest each seat), then the busiest villages."""
    chosen: list[dict[str, Any]] = []
    for t in towns:
        seat = Point("seat", t["lon"], t["lat"])
        near = min(villages, key=lambda v: road_km(seat, _pt(v), 1.0))
        if near not in chosen:
            chosen.append(near)
    for v in sorted(villages, key=lambda v: -v["down"]):
        if len(chosen) >= n_s:
            break
        if v not in chosen:
            chosen.append(v)
    return [
        {"id": f"S{i + 1:03d}", "name": f"{v['name']}集士驿站", "lon": v["lon"], "lat": v["lat"]}
        for i, v in enumerate(chosen[:n_s])
    ]


def _serve(
    villages: list[dict[str, Any]], stations: list[dict[str, Any]], rng: np.random.Generator
) -> None:
    """Each village to its nearest station; capacity 60–120 % of what the station serves."""
    served = {s["id"]: 0 for s in stations}
    for v in villages:
        s = min(stations, key=lambda s: road_km(_pt(s), _pt(v), 1.0))
        v["station"] = s["id"]
        served[s["id"]] += v["down"] + v["up"]
    for s in stations:
        s["capacity"] = max(50, round(served[s["id"]] * rng.uniform(0.6, 1.2)))


def _lines(
    hub: dict[str, Any],
    stations: list[dict[str, Any]],
    n_l: int,
    n_t: int,
    rng: np.random.Generator,
) -> list[dict[str, Any]]:
    """Radial lines by angular sector from the hub, stops ordered outwards."""

    def angle(s: dict[str, Any]) -> float:
        return math.atan2(s["lat"] - hub["lat"], s["lon"] - hub["lon"])

    ordered = sorted(stations, key=angle)
    sectors = [list(part) for part in np.array_split(np.arange(len(ordered)), n_l)]
    lines = []
    for k, part in enumerate(sectors):
        stops = sorted((ordered[i] for i in part), key=lambda s: road_km(_pt(hub), _pt(s), 1.0))
        trips = []
        for j in range(n_t):
            hour = 7 + j * (10 // max(1, n_t - 1) if n_t > 1 else 0)
            for direction, minute in (("out", 0), ("in", 30)):
                trips.append(
                    {
                        "id": f"B{k + 1:02d}-{direction}{j + 1}",
                        "direction": direction,
                        "departs": f"{hour - (1 if direction == 'in' else 0):02d}:{minute:02d}",
                        "spare": int(rng.integers(80, 401)),
                        "load_limit": 150,
                    }
                )
        lines.append(
            {
                "id": f"B{k + 1:02d}",
                "name": f"公交邮路 {k + 1} 号线",
                "stops": [s["id"] for s in stops],
                "trips": trips,
            }
        )
    return lines


def _loops(hub: dict[str, Any], villages: list[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    """One postal loop per township (a tour by PyVRP), as rural 邮路 usually run."""
    by_town: dict[str, list[dict[str, Any]]] = {}
    for v in villages:
        by_town.setdefault(v["town"], []).append(v)
    out: list[dict[str, Any]] = []
    for town, members in by_town.items():
        routes = loop_gen.generate(
            _pt(hub),
            [(_pt(v), 0, 0) for v in members],
            capacity=1,
            vans=1,
            van_fixed=COSTS["van_fixed"],
            van_per_km=COSTS["van_per_km"],
            detour=COSTS["detour"],
            iterations=300,
            seed=seed,
        )
        for ids, km in routes:
            out.append(
                {
                    "id": f"R{len(out) + 1:02d}",
                    "name": f"{town}邮路",
                    "villages": ids,
                    "km": km,
                    "vans_max": 2,
                }
            )
    return out


def apply_scenario(data: dict[str, Any], scenario: str, seed: int = 0) -> dict[str, Any]:
    """双11 down ×3; harvest up ×4 on two lines' stations; capacity-drop spare ×0.5."""
    if scenario not in SCENARIOS:
        raise ValueError(f"未知情景 {scenario}（可选：{', '.join(SCENARIOS)}）")
    data = json.loads(json.dumps(data))
    if scenario == "double11":
        for v in data["villages"]:
            v["down"] *= 3
        for r in data["loops"]:
            r["vans_max"] = 4
    elif scenario == "harvest":
        rng = np.random.default_rng(seed + 1000)
        picked = rng.choice(len(data["lines"]), size=min(2, len(data["lines"])), replace=False)
        stops = {s for i in picked for s in data["lines"][int(i)]["stops"]}
        for v in data["villages"]:
            if v["station"] in stops:
                v["up"] *= 4
    elif scenario == "halved":
        for line in data["lines"]:
            for t in line["trips"]:
                t["spare"] //= 2
    data["scenario"] = scenario
    return data


def noon_cancel(data: dict[str, Any]) -> set[str]:
    """The trips of the busiest line departing at or after 12:00: a line cancelled at noon."""
    line = max(data["lines"], key=lambda ln: len(ln["stops"]))
    return {t["id"] for t in line["trips"] if t["departs"] >= "12:00"}
