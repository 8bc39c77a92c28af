"""The rules a county office would use without an optimiser, priced on the same day.

`van_only`: every flow on its village's van loop, as many vans as the load needs, the rest
deferred. `greedy_bus_first`: each flow in turn fills the earliest bus trips that stop at its
station, the rest goes by van, then deferred. Both return a PLAN.json object like the MILP's.
"""

from __future__ import annotations

import math
from typing import Any

from minsheng.parcels.chains import PlanError, assemble, empty_flow
from minsheng.parcels.instance import Instance


def _finish(inst: Instance, flows: list[dict[str, Any]], method: str) -> dict[str, Any]:
    cap = inst.costs.van_capacity
    room = {(r, d): cap * lp.vans_max for r, lp in inst.loops.items() for d in ("down", "up")}
    load = dict.fromkeys(room, 0)
    for f in flows:
        left = f["_left"]
        loop = inst.loop_of.get(f["village"])
        if loop is not None and left:
            key = (loop, f["direction"])
            take = min(left, room[key] - load[key])
            f["van"] += take
            load[key] += take
            left -= take
        if left and inst.costs.defer_per_parcel is None:
            raise PlanError(f"规则“{method}”运不完村 {f['village']} 的件，且不允许延后")
        f["deferred"] += left
        del f["_left"]
    vans = {
        r: math.ceil(max(load[(r, "down")], load[(r, "up")]) / cap) if cap else 0
        for r in inst.loops
    }
    plan = assemble(inst, vans, flows)
    plan.update({"method": method, "proven_optimal": False, "gap": None})
    return plan


def van_only(inst: Instance) -> dict[str, Any]:
    flows = [{**empty_flow(v, d), "_left": q} for v, d, q in inst.flows()]
    return _finish(inst, flows, "van_only")


def greedy_bus_first(inst: Instance) -> dict[str, Any]:
    used: dict[tuple[str, ...], int] = {}
    flows = []
    for v, d, q in inst.flows():
        f = {**empty_flow(v, d), "_left": q}
        station = inst.villages[v].station
        for t in sorted(inst.trips_for(v, d), key=lambda t: (t.departs, t.id)):
            take = min(
                f["_left"],
                t.spare - used.get(("trip", t.id), 0),
                t.load_limit - used.get(("stop", t.id, station), 0),
                inst.stations[station].capacity - used.get(("station", station), 0),
            )
            if take <= 0:
                continue
            f["bus"].append({"trip": t.id, "parcels": take})
            f["_left"] -= take
            for key in (("trip", t.id), ("stop", t.id, station), ("station", station)):
                used[key] = used.get(key, 0) + take
        flows.append(f)
    return _finish(inst, flows, "greedy_bus_first")
