"""Parcels on rural buses: the day's chain plan on a seeded Ninghai-like county, all scenarios.

    .venv/bin/python benchmarks/parcels.py [--sizes S,M,L] [--seeds 3] [--small]

For each size (S/M/L/XL, docs/parcels.md), seed and scenario (normal, 双11 ×3, harvest, a line
cancelled at noon, spare capacity halved) it generates the instance (minsheng.parcels.county:
Ninghai's real outline and township seats, PyVRP loops), solves the MILP with HiGHS
(gap ≤ 1e-4), prices the van-only and greedy bus-first rules, re-plans after cancelling the
busiest line's afternoon trips, and checks every plan with the independent checker. Then the
p-median siting (p = stations) of L's villages (S with --small, M when only S/M run). No
database. Progress goes to stderr; the last stdout line is one JSON object.
"""

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from minsheng.parcels import baselines, chains, checker, county, siting  # noqa: E402
from minsheng.parcels.instance import Point, parse, without_trips  # noqa: E402


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(size: str, seed: int, scenario: str) -> dict[str, object]:
    started = time.perf_counter()
    data = county.generate(size, seed, "normal" if scenario == "cancel" else scenario)
    generated = time.perf_counter() - started
    inst = parse(data)
    plan = chains.plan(inst)
    errors, _ = checker.check(inst, plan)
    cancelled = county.noon_cancel(data)
    replanned = chains.plan(parse(without_trips(data, cancelled)))
    errors += checker.check(parse(without_trips(data, cancelled)), replanned)[0]
    van_only = baselines.van_only(inst)
    greedy = baselines.greedy_bus_first(inst)
    errors += checker.check(inst, van_only)[0] + checker.check(inst, greedy)[0]
    s = plan["summary"]
    return {
        "size": size,
        "seed": seed,
        "scenario": scenario,
        "villages": len(inst.villages),
        "stations": len(inst.stations),
        "lines": len(inst.lines),
        "trips": len(inst.trips),
        "loops": len(inst.loops),
        "flows": len(inst.flows()),
        "parcels": s["parcels"],
        "objective": plan["objective"],
        "proven_optimal": plan["proven_optimal"],
        "gap": plan["gap"],
        "seconds": plan["seconds"],
        "cpu_seconds": plan["cpu_seconds"],
        "nodes": plan["nodes"],
        "bus_share": round(s["bus"] / max(1, s["parcels"]), 3),
        "deferred": s["deferred"],
        "vans": s["vans"],
        "replan_objective": replanned["objective"],
        "replan_seconds": replanned["seconds"],
        "replan_cpu_seconds": replanned["cpu_seconds"],
        "cancelled_trips": len(cancelled),
        "van_only_objective": van_only["objective"],
        "greedy_objective": greedy["objective"],
        "van_only_excess": round(van_only["objective"] / plan["objective"] - 1, 3),
        "greedy_excess": round(greedy["objective"] / plan["objective"] - 1, 3),
        "feasible": not errors,
        "generate_seconds": round(generated, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="L", help="comma-separated among S, M, L, XL")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--scenarios", default=",".join(county.SCENARIOS))
    parser.add_argument("--small", action="store_true", help="size S, one seed (CI)")
    args = parser.parse_args()
    sizes = ["S"] if args.small else args.sizes.split(",")
    seeds = 1 if args.small else args.seeds
    runs = []
    for size in sizes:
        for seed in range(seeds):
            for scenario in args.scenarios.split(","):
                row = run(size, seed, scenario)
                log(json.dumps(row, ensure_ascii=False))
                runs.append(row)
    largest = sizes[-1]
    # the siting goal is L's 354 villages, p = 50 (XL's 1000² columns are not run)
    data = county.generate("S" if args.small else ("M" if largest in ("S", "M") else "L"), 0)
    villages = [(Point(v["id"], v["lon"], v["lat"]), v["down"] + v["up"]) for v in data["villages"]]
    sited = siting.site(villages, len(data["stations"]), detour=data["costs"]["detour"])
    log(f"p-median: {len(villages)} villages, p = {sited['p']}, {sited['seconds']} s")
    main_runs = [r for r in runs if r["size"] == largest]
    normal = [r for r in main_runs if r["scenario"] == "normal"]
    print(
        json.dumps(
            {
                "size": largest,
                "objective": normal[0]["objective"] if normal else main_runs[0]["objective"],
                "gap": max(r["gap"] for r in runs),
                "seconds": max(r["seconds"] for r in main_runs),
                "seconds_mean": round(sum(r["seconds"] for r in main_runs) / len(main_runs), 3),
                "replan_seconds": max(r["replan_seconds"] for r in main_runs),
                "cpu_seconds": max(r["cpu_seconds"] for r in main_runs),
                "replan_cpu_seconds": max(r["replan_cpu_seconds"] for r in main_runs),
                "van_only_objective": normal[0]["van_only_objective"] if normal else None,
                "greedy_objective": normal[0]["greedy_objective"] if normal else None,
                "van_only_excess": [
                    min(r["van_only_excess"] for r in normal),
                    max(r["van_only_excess"] for r in normal),
                ]
                if normal
                else None,
                "greedy_excess": [
                    min(r["greedy_excess"] for r in normal),
                    max(r["greedy_excess"] for r in normal),
                ]
                if normal
                else None,
                "proven_optimal": all(r["proven_optimal"] for r in runs),
                "feasible": all(r["feasible"] for r in runs),
                "runs": len(runs),
                "pmedian_villages": len(villages),
                "pmedian_p": sited["p"],
                "pmedian_seconds": sited["seconds"],
                "pmedian_cpu_seconds": sited["cpu_seconds"],
                "pmedian_proven_optimal": sited["proven_optimal"],
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
