"""Van loops (邮路) generated from the villages by PyVRP, a maintained routing library.

A capacitated vehicle routing problem with simultaneous delivery (today's down parcels) and
pickup (up parcels) from the hub; each route PyVRP returns becomes one loop, its length in
road km (haversine × detour). Loops are the candidate chains the daily plan switches on or off.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyvrp
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

from minsheng.parcels.instance import Point, road_km


def generate(
    hub: Point,
    villages: Sequence[tuple[Point, int, int]],
    *,
    capacity: int,
    van_fixed: float,
    van_per_km: float,
    detour: float,
    vans: int | None = None,
    seconds: float = 1.0,
    iterations: int | None = None,
    seed: int = 0,
) -> list[tuple[list[str], float]]:
    """(village ids in visiting order, km) per route; `villages` are (point, down, up).

    `vans=1` with a capacity above the load is a travelling-salesman tour: one loop.
    """
    if not villages:
        return []
    m = pyvrp.Model()
    points = [hub, *(v for v, _d, _u in villages)]
    locations = [m.add_location(x=0, y=0) for _ in points]
    m.add_depot(locations[0])
    for loc, (_v, down, up) in zip(locations[1:], villages, strict=True):
        # a village above the van's capacity is served by several vans; route its share
        m.add_client(loc, delivery=[min(down, capacity)], pickup=[min(up, capacity)])
    # distance in metres; a van's fixed cost as the metres it is worth at van_per_km
    m.add_vehicle_type(
        num_available=vans or len(villages),
        capacity=[capacity],
        fixed_cost=round(van_fixed / max(van_per_km, 1e-6) * 1000),
    )
    for i, a in enumerate(points):
        for j, b in enumerate(points):
            m.add_edge(locations[i], locations[j], distance=round(road_km(a, b, detour) * 1000))
    # an iteration budget makes the loops the same on a busy machine and an idle one
    stop = (
        MaxRuntime(seconds)
        if iterations is None
        else MultipleCriteria([MaxIterations(iterations), MaxRuntime(60.0)])
    )
    result = m.solve(stop=stop, seed=seed, display=False)
    routes = []
    for route in result.best.routes():
        ids = [villages[a.idx][0].id for a in route if a.is_client()]
        if ids:
            routes.append((ids, round(route.distance() / 1000, 2)))
    return routes
