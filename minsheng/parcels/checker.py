"""An independent check of a plan against its instance: every rule of the format, and the cost.

It shares nothing with the optimiser but the parsed instance: it recounts every capacity from
the plan's numbers and reprices the day. `check` returns the violations (Chinese) and the cost.
"""

from __future__ import annotations

from typing import Any

from minsheng.parcels.instance import TRIP_DIRECTION, Instance


def check(inst: Instance, plan: dict[str, Any]) -> tuple[list[str], float]:
    errors: list[str] = []
    cap = inst.costs.van_capacity
    vans: dict[str, int] = {}
    for row in plan.get("vans", []):
        r, n = str(row["loop"]), row["count"]
        if r not in inst.loops:
            errors.append(f"未知邮路 {r}")
            continue
        if not isinstance(n, int) or n < 0 or n > inst.loops[r].vans_max:
            errors.append(f"邮路 {r} 车辆数 {n} 不在 0…{inst.loops[r].vans_max}")
        vans[r] = vans.get(r, 0) + int(n)
    cost = sum(
        (inst.costs.van_fixed + inst.costs.van_per_km * inst.loops[r].km) * n
        for r, n in vans.items()
    )
    demand = {(v, d): q for v, d, q in inst.flows()}
    seen: set[tuple[str, str]] = set()
    van_load: dict[tuple[str, str], int] = {}
    trip_load: dict[str, int] = {}
    stop_load: dict[tuple[str, str], int] = {}
    station_load: dict[str, int] = {}
    for f in plan.get("flows", []):
        key = (str(f["village"]), str(f["direction"]))
        if key in seen:
            errors.append(f"流 {key} 重复")
        seen.add(key)
        if key[0] not in inst.villages:
            errors.append(f"未知村 {key[0]}")
            continue
        village = inst.villages[key[0]]
        amounts = [f["van"], f["deferred"], *(b["parcels"] for b in f["bus"])]
        if any(not isinstance(a, int) or a < 0 for a in amounts):
            errors.append(f"流 {key} 的件数应为非负整数")
        if sum(amounts) != demand.get(key, 0):
            errors.append(f"流 {key} 共 {sum(amounts)} 件，应为 {demand.get(key, 0)} 件")
        if f["van"]:
            loop = inst.loop_of.get(key[0])
            if loop is None:
                errors.append(f"村 {key[0]} 不在任何邮路上却走邮路")
            else:
                van_load[(loop, key[1])] = van_load.get((loop, key[1]), 0) + f["van"]
        if f["deferred"]:
            if inst.costs.defer_per_parcel is None:
                errors.append(f"流 {key} 延后，但本算例不允许延后")
            else:
                extra = village.up_value if key[1] == "up" else 0.0
                cost += (inst.costs.defer_per_parcel + extra) * f["deferred"]
        km = inst.last_mile_km(key[0])
        unit = (
            inst.costs.bus_per_parcel
            + inst.costs.last_mile_per_parcel
            + inst.costs.last_mile_per_km * km
        )
        for b in f["bus"]:
            trip = inst.trips.get(str(b["trip"]))
            if trip is None:
                errors.append(f"未知班次 {b['trip']}")
                continue
            if TRIP_DIRECTION[trip.direction] != key[1]:
                errors.append(f"班次 {trip.id} 方向与流 {key} 不符")
            if village.station not in trip.stops:
                errors.append(f"班次 {trip.id} 不经停驿站 {village.station}")
            trip_load[trip.id] = trip_load.get(trip.id, 0) + b["parcels"]
            sk = (trip.id, village.station)
            stop_load[sk] = stop_load.get(sk, 0) + b["parcels"]
            station_load[village.station] = station_load.get(village.station, 0) + b["parcels"]
            cost += unit * b["parcels"]
    for key, q in demand.items():
        if key not in seen:
            errors.append(f"流 {key} 的 {q} 件没有安排")
    for (loop, d), n in van_load.items():
        if n > cap * vans.get(loop, 0):
            errors.append(f"邮路 {loop} {d} 装 {n} 件，超过 {vans.get(loop, 0)} 辆车的容量")
    for t, n in trip_load.items():
        if n > inst.trips[t].spare:
            errors.append(f"班次 {t} 装 {n} 件，超过余量 {inst.trips[t].spare}")
    for (t, s), n in stop_load.items():
        if n > inst.trips[t].load_limit:
            errors.append(f"班次 {t} 在驿站 {s} 装卸 {n} 件，超过上限 {inst.trips[t].load_limit}")
    for s, n in station_load.items():
        if n > inst.stations[s].capacity:
            errors.append(f"驿站 {s} 处理 {n} 件，超过日能力 {inst.stations[s].capacity}")
    stated = plan.get("objective")
    if isinstance(stated, int | float) and abs(stated - cost) > 0.01 + 1e-9 * abs(cost):
        errors.append(f"方案成本 {stated} 与复算 {cost:.2f} 不符")
    return errors, cost
