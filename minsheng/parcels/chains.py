"""最优运输链路: the day's chain for every flow, a MILP solved to proven optimality by HiGHS.

Pure: an `Instance` in, a plan (the PLAN.json object, docs/parcels.md) out. The model is the
issue's, verbatim: per flow integer parcels on its van loop, on each bus trip that stops at its
village's station, or deferred; integer vans per loop; trip spare capacity, per-stop loading
limit, station daily capacity and van capacity per direction as rows.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np

from minsheng.parcels import explain
from minsheng.parcels.instance import TRIP_DIRECTION, Instance

GAP = 1e-4
INF = highspy.kHighsInf
_banner = threading.Lock()
_quiet = False


def new_highs() -> highspy.Highs:
    """A HiGHS instance; the first in a process prints a banner on stdout (C++), kept off it
    so that PLAN.json on stdout stays JSON."""
    global _quiet
    with _banner:
        if not _quiet:
            sys.stdout.flush()
            saved, null = os.dup(1), os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            try:
                highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(null)
            _quiet = True
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


class PlanError(ValueError):
    """No plan exists (or none was found in time); the message says why, in Chinese."""


@dataclass
class Model:
    """Column bookkeeping: which variable is which, so the solution can be read back."""

    costs: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    # (kind, key): ("vans", loop) | ("van", flow) | ("bus", (flow, trip)) | ("defer", flow)
    keys: list[tuple[str, Any]] = field(default_factory=list)
    rows: list[tuple[float, float, list[int], list[float]]] = field(default_factory=list)

    def col(self, kind: str, key: Any, cost: float, upper: float) -> int:
        self.costs.append(cost)
        self.upper.append(upper)
        self.keys.append((kind, key))
        return len(self.keys) - 1

    def row(self, lo: float, hi: float, idx: list[int], val: list[float]) -> None:
        if idx:
            self.rows.append((lo, hi, idx, val))


def build(inst: Instance) -> Model:
    """The MILP. Bus parcels are one column per flow plus one per (station, trip): parcels of a
    station's villages on one trip are interchangeable, so this aggregation has the same optimum
    as a column per (flow, trip) and is split back per flow afterwards (`_split`)."""
    m = Model()
    c = inst.costs
    q_van = c.van_capacity
    vans = {r: m.col("vans", r, inst.van_cost(r), loop.vans_max) for r, loop in inst.loops.items()}
    per_station: dict[str, list[int]] = {s: [] for s in inst.stations}
    per_group: dict[tuple[str, str], list[int]] = {}  # (station, direction) -> flow bus columns
    per_loop: dict[tuple[str, str], list[int]] = {}
    for village, direction, q in inst.flows():
        flow = (village, direction)
        idx: list[int] = []
        loop = inst.loop_of.get(village)
        if loop is not None and inst.loops[loop].vans_max > 0 and q_van > 0:
            j = m.col("van", flow, 0.0, q)
            idx.append(j)
            per_loop.setdefault((loop, direction), []).append(j)
            # a van parcel needs a van on the loop: x ≤ min(q, Q)·y (tightens the LP bound)
            m.row(-INF, 0.0, [j, vans[loop]], [1.0, -float(min(q, q_van))])
        station = inst.villages[village].station
        room = sum(min(t.spare, t.load_limit) for t in inst.trips_for(village, direction))
        cap = min(q, room, inst.stations[station].capacity)
        if cap > 0:
            j = m.col("bus", flow, inst.bus_unit_cost(village), cap)
            idx.append(j)
            per_station[station].append(j)
            per_group.setdefault((station, direction), []).append(j)
        defer = inst.defer_cost(village, direction)
        if defer is not None:
            idx.append(m.col("defer", flow, defer, q))
        if not idx:
            raise PlanError(
                f"村 {village} 的{'下行' if direction == 'down' else '上行'}件 {q} 件无路可走："
                "不在任何邮路上、所属驿站没有对应方向的班次，且不允许延后"
            )
        m.row(q, q, idx, [1.0] * len(idx))
    per_trip: dict[str, list[int]] = {t: [] for t in inst.trips}
    for (station, direction), flows in per_group.items():
        rides = []
        for trip in inst.trips.values():
            if TRIP_DIRECTION[trip.direction] == direction and station in trip.stops:
                cap = min(trip.spare, trip.load_limit)
                if cap > 0:
                    j = m.col("ride", (station, trip.id), 0.0, cap)
                    rides.append(j)
                    per_trip[trip.id].append(j)
        # the station's bus parcels in this direction ride its trips (load limit as bounds)
        m.row(0.0, 0.0, [*flows, *rides], [1.0] * len(flows) + [-1.0] * len(rides))
    for (loop, _direction), idx in per_loop.items():
        m.row(-INF, 0.0, [*idx, vans[loop]], [1.0] * len(idx) + [-float(q_van)])
    for t, idx in per_trip.items():
        m.row(-INF, inst.trips[t].spare, idx, [1.0] * len(idx))
    for s, idx in per_station.items():
        m.row(-INF, inst.stations[s].capacity, idx, [1.0] * len(idx))
    return m


def _split(
    inst: Instance, flows: dict[tuple[str, str], dict[str, Any]], rides: dict[tuple[str, str], int]
) -> None:
    """Give each flow's bus parcels trips: fill the station's rides in departure order."""
    left: dict[tuple[str, str], list[list[Any]]] = {}
    for (station, trip), n in sorted(
        rides.items(), key=lambda kv: (inst.trips[kv[0][1]].departs, kv[0][1])
    ):
        if n > 0:
            d = TRIP_DIRECTION[inst.trips[trip].direction]
            left.setdefault((station, d), []).append([trip, n])
    for f in flows.values():
        need = f.pop("_bus", 0)
        queue = left.get((inst.villages[f["village"]].station, f["direction"]), [])
        while need > 0:
            trip, n = queue[0]
            take = min(n, need)
            f["bus"].append({"trip": trip, "parcels": take})
            need -= take
            queue[0][1] -= take
            if queue[0][1] == 0:
                queue.pop(0)


def _solve(m: Model, *, gap: float, time_limit: float) -> tuple[np.ndarray, dict[str, Any]]:
    h = new_highs()
    h.setOptionValue("mip_rel_gap", gap)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("random_seed", 0)
    n = len(m.keys)
    h.addVars(n, np.zeros(n), np.array(m.upper, dtype=float))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), np.array(m.costs, dtype=float))
    h.changeColsIntegrality(
        n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger)
    )
    if m.rows:
        lo = np.array([r[0] for r in m.rows], dtype=float)
        hi = np.array([r[1] for r in m.rows], dtype=float)
        starts = np.cumsum([0] + [len(r[2]) for r in m.rows[:-1]]).astype(np.int32)
        index = np.array([i for r in m.rows for i in r[2]], dtype=np.int32)
        value = np.array([v for r in m.rows for v in r[3]], dtype=float)
        h.addRows(len(m.rows), lo, hi, len(index), starts, index, value)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    if status == highspy.HighsModelStatus.kInfeasible:
        raise PlanError(
            "无可行方案：在不允许延后时，班次余量、驿站能力与邮路车辆不足以运完今天的件"
        )
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    if not has_solution:
        raise PlanError(
            f"求解器在 {time_limit:g} 秒内没有找到可行方案（状态：{h.modelStatusToString(status)}）"
        )
    values = np.rint(np.array(h.getSolution().col_value)).astype(int) if n else np.zeros(0, int)
    meta = {
        "status": h.modelStatusToString(status),
        "proven_optimal": status == highspy.HighsModelStatus.kOptimal,
        "gap": float(info.mip_gap) if n else 0.0,
        "bound": float(info.mip_dual_bound) if n else 0.0,
        "nodes": int(info.mip_node_count) if n else 0,
    }
    return values, meta


def plan(inst: Instance, *, gap: float = GAP, time_limit: float = 60.0) -> dict[str, Any]:
    """The optimal plan for the day (PLAN.json), with an explanation per flow."""
    started, cpu = time.perf_counter(), time.process_time()
    m = build(inst)
    vans: dict[str, int] = {}
    flows: dict[tuple[str, str], dict[str, Any]] = {}
    if m.keys:
        values, meta = _solve(m, gap=gap, time_limit=time_limit)
    else:
        values, meta = (
            np.zeros(0, int),
            {
                "status": "Optimal",
                "proven_optimal": True,
                "gap": 0.0,
                "bound": 0.0,
                "nodes": 0,
            },
        )
    rides: dict[tuple[str, str], int] = {}
    for (kind, key), x in zip(m.keys, values, strict=True):
        if kind == "vans":
            vans[key] = int(x)
        elif kind == "ride":
            rides[key] = int(x)
        else:
            entry = flows.setdefault(key, empty_flow(*key))
            field_name = {"van": "van", "bus": "_bus", "defer": "deferred"}[kind]
            entry[field_name] = entry.get(field_name, 0) + int(x)
    _split(inst, flows, rides)
    result = assemble(inst, vans, list(flows.values()))
    result.update(meta)
    if meta["bound"] and result["objective"] > 0:
        result["gap"] = max(0.0, (result["objective"] - meta["bound"]) / result["objective"])
    result["seconds"] = round(time.perf_counter() - started, 3)
    # CPU time of this process: the machine is shared, wall time says more about the neighbours
    result["cpu_seconds"] = round(time.process_time() - cpu, 3)
    result["method"] = "milp"
    return result


def empty_flow(village: str, direction: str) -> dict[str, Any]:
    return {"village": village, "direction": direction, "van": 0, "bus": [], "deferred": 0}


def objective(inst: Instance, vans: dict[str, int], flows: list[dict[str, Any]]) -> float:
    """The day's cost: vans, plus per bus parcel fee and last mile, plus per deferred parcel."""
    total = sum(inst.van_cost(r) * n for r, n in vans.items())
    for f in flows:
        total += inst.bus_unit_cost(f["village"]) * sum(b["parcels"] for b in f["bus"])
        if f["deferred"]:
            total += (inst.defer_cost(f["village"], f["direction"]) or 0.0) * f["deferred"]
    return total


def assemble(inst: Instance, vans: dict[str, int], flows: list[dict[str, Any]]) -> dict[str, Any]:
    """The PLAN.json object for a given decision (the optimiser's or a baseline's)."""
    order = {(v, d): i for i, (v, d, _q) in enumerate(inst.flows())}
    flows = sorted(flows, key=lambda f: order.get((f["village"], f["direction"]), len(order)))
    for f in flows:
        f["bus"].sort(key=lambda b: (inst.trips[b["trip"]].departs, b["trip"]))
    load = loads(inst, vans, flows)
    for f in flows:
        f["explanation"] = explain.flow(inst, f, vans, load)
    return {
        "objective": round(objective(inst, vans, flows), 2),
        "vans": [{"loop": r, "count": n} for r, n in vans.items() if n > 0],
        "flows": flows,
        "summary": summary(inst, vans, flows),
    }


def loads(
    inst: Instance, vans: dict[str, int], flows: list[dict[str, Any]]
) -> dict[tuple[str, ...], int]:
    """Parcels on each capacity: ("trip", t), ("stop", t, s), ("station", s), ("loop", r, dir)."""
    load: dict[tuple[str, ...], int] = {}
    for f in flows:
        station = inst.villages[f["village"]].station
        loop = inst.loop_of.get(f["village"])
        if f["van"] and loop is not None:
            lk: tuple[str, ...] = ("loop", loop, f["direction"])
            load[lk] = load.get(lk, 0) + f["van"]
        for b in f["bus"]:
            keys: tuple[tuple[str, ...], ...] = (
                ("trip", b["trip"]),
                ("stop", b["trip"], station),
                ("station", station),
            )
            for key in keys:
                load[key] = load.get(key, 0) + b["parcels"]
    return load


def summary(inst: Instance, vans: dict[str, int], flows: list[dict[str, Any]]) -> dict[str, Any]:
    parcels = sum(f["van"] + f["deferred"] + sum(b["parcels"] for b in f["bus"]) for f in flows)
    bus = sum(b["parcels"] for f in flows for b in f["bus"])
    van = sum(f["van"] for f in flows)
    deferred = sum(f["deferred"] for f in flows)
    return {
        "parcels": parcels,
        "bus": bus,
        "van": van,
        "deferred": deferred,
        "vans": sum(vans.values()),
        "van_km": round(sum(inst.loops[r].km * n for r, n in vans.items()), 1),
        "trips_used": len({b["trip"] for f in flows for b in f["bus"]}),
    }
