"""Why a flow went the way it did: its chain, the capacity that binds, the next-best chain.

Pure and hand-checkable. A chain's cost per parcel is what one more parcel on it would cost
given the plan's vans: on a bus chain the fee plus the last mile; deferred, the penalty; on a
van loop nothing while a running van has room, otherwise one more van spread over the flow's
parcels (the cost of opening the chain for this flow alone).
"""

from __future__ import annotations

from typing import Any

from minsheng.parcels.instance import Instance

DIRECTION_ZH = {"down": "下行", "up": "上行"}


def _room(cap: int, used: int) -> int:
    return max(0, cap - used)


def options(
    inst: Instance, f: dict[str, Any], vans: dict[str, int], load: dict[tuple[str, ...], int]
) -> list[dict[str, Any]]:
    village, direction = f["village"], f["direction"]
    q = max(1, f["van"] + f["deferred"] + sum(b["parcels"] for b in f["bus"]))
    out: list[dict[str, Any]] = []
    loop = inst.loop_of.get(village)
    if loop is not None:
        n = vans.get(loop, 0)
        cap = inst.costs.van_capacity
        room = _room(cap * n, load.get(("loop", loop, direction), 0))
        can_add = n < inst.loops[loop].vans_max
        unit: float | None = 0.0
        if n > 0 and (room > 0 or f["van"] > 0):
            unit = 0.0
        else:
            unit = inst.van_cost(loop) / q if can_add else None
        out.append(
            {
                "kind": "van",
                "chain": f"邮路 {loop}（{n} 辆车）",
                "unit_cost": None if unit is None else round(unit, 2),
                "room": room + (cap if can_add else 0),
            }
        )
    trips = inst.trips_for(village, direction)
    if trips:
        station = inst.villages[village].station
        st_room = _room(inst.stations[station].capacity, load.get(("station", station), 0))
        room = 0
        for t in trips:
            room += min(
                _room(t.spare, load.get(("trip", t.id), 0)),
                _room(t.load_limit, load.get(("stop", t.id, station), 0)),
            )
        out.append(
            {
                "kind": "bus",
                "chain": f"公交（{len(trips)} 个可乘班次）+ 驿站 {station} 末端 "
                f"{inst.last_mile_km(village):.1f} km",
                "unit_cost": round(inst.bus_unit_cost(village), 2),
                "room": min(room, st_room),
            }
        )
    defer = inst.defer_cost(village, direction)
    if defer is not None:
        out.append(
            {
                "kind": "deferred",
                "chain": "延后至明日",
                "unit_cost": round(defer, 2),
                "room": None,
            }
        )
    return out


def binding(
    inst: Instance, f: dict[str, Any], vans: dict[str, int], load: dict[tuple[str, ...], int]
) -> list[str]:
    """The capacities at their limit that this flow could otherwise use."""
    village, direction = f["village"], f["direction"]
    found: list[str] = []
    loop = inst.loop_of.get(village)
    if loop is not None:
        n, used = vans.get(loop, 0), load.get(("loop", loop, direction), 0)
        room = n * inst.costs.van_capacity
        if n > 0 and used >= room:
            found.append(f"邮路 {loop} {DIRECTION_ZH[direction]}车容已满（{used}/{room}）")
        if n >= inst.loops[loop].vans_max:
            found.append(f"邮路 {loop} 已用满可派车辆 {inst.loops[loop].vans_max} 辆")
    station = inst.villages[village].station
    trips = inst.trips_for(village, direction)
    if trips:
        st_used = load.get(("station", station), 0)
        if st_used >= inst.stations[station].capacity:
            found.append(
                f"驿站 {station} 日处理能力已满（{st_used}/{inst.stations[station].capacity}）"
            )
        for t in trips:
            used = load.get(("trip", t.id), 0)
            if used >= t.spare:
                found.append(f"班次 {t.id}（{t.departs}）余量已满（{used}/{t.spare}）")
            stop = load.get(("stop", t.id, station), 0)
            if stop >= t.load_limit:
                found.append(f"班次 {t.id} 在驿站 {station} 装卸上限已满（{stop}/{t.load_limit}）")
    elif loop is None:
        found.append("不在邮路上，所属驿站也没有该方向班次")
    return found


def flow(
    inst: Instance, f: dict[str, Any], vans: dict[str, int], load: dict[tuple[str, ...], int]
) -> dict[str, Any]:
    parts = {"van": f["van"], "bus": sum(b["parcels"] for b in f["bus"]), "deferred": f["deferred"]}
    main = max(parts, key=lambda k: parts[k])
    opts = options(inst, f, vans, load)
    chosen = next((o for o in opts if o["kind"] == main), None)
    pieces = []
    if f["van"]:
        pieces.append(f"邮路 {inst.loop_of.get(f['village'])} {f['van']} 件")
    for b in f["bus"]:
        pieces.append(f"班次 {b['trip']}（{inst.trips[b['trip']].departs}）{b['parcels']} 件")
    if f["deferred"]:
        pieces.append(f"延后 {f['deferred']} 件")
    others = [o for o in opts if o["kind"] != main and o["unit_cost"] is not None]
    nxt = min(others, key=lambda o: o["unit_cost"], default=None)
    extra = None
    if nxt is not None and chosen is not None and chosen["unit_cost"] is not None:
        extra = round(nxt["unit_cost"] - chosen["unit_cost"], 2)
    return {
        "chain": "；".join(pieces) or "今日无件",
        "main": main,
        "binding": binding(inst, f, vans, load),
        "next_best": None if nxt is None else nxt["chain"],
        "extra_per_parcel": extra,
        "options": opts,
    }
