"""Heads' reports through five-party linkage, the deadline climb, and the nearest stations.

    .venv/bin/python benchmarks/community_linkage.py [--reports 300 --stations 609] [--small]

Creates a throwaway PostgreSQL database (or uses `--database-url`), migrates it, makes a street
with three communities, two grids each, a building per grid with a 楼栋长 and a volunteer
steward, a grid worker per grid and a community worker per community. Then:

- files `--reports` reports through `network.report` (the phone page's write: the door, the
  dispatch to the grid, the linkage and its first offer);
- runs the worker's step `linkage.climb_due` once for a time past every steward's deadline
  (each linkage moves to the grid worker: an assignment on the timeline);
- places `--stations` stations (襄阳 runs 609 红色驿站) and answers 1,000 nearest-station
  queries (`queries.nearest_stations`).

Progress goes to stderr; the last stdout line is one JSON object with `reports`,
`report_p50_ms`, `report_p99_ms`, `climbed`, `climb_seconds`, `climb_per_second`, `stations`,
`nearest_p50_ms`, `nearest_p99_ms`.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import throwaway  # benchmarks/throwaway.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 1) if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--stations", type=int, default=609)
    parser.add_argument("--small", action="store_true", help="30 reports, 60 stations")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    if args.small:
        args.reports, args.stations = 30, 60
    with throwaway.database(args.database_url, prefix="minsheng_bench") as url:
        result = run(url, args)
    print(json.dumps(result, ensure_ascii=False))


def run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("MINSHENG_DEBUG", "1")
    os.environ.setdefault("MINSHENG_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    log("migrating …")
    call_command("migrate", verbosity=0)
    from minsheng.accounts.models import User
    from minsheng.community import linkage, network, queries
    from minsheng.community.models import Building, Head, Station
    from minsheng.orgs.models import Membership, Unit

    fz = Unit.objects.create(code="3501", name="福州市", kind="city")
    street = Unit.objects.create(code="350102001", name="鼓东街道", kind="street", parent=fz)
    heads = []
    k = 0
    for c in (1, 2, 3):
        community = Unit.objects.create(
            code=f"35010200100{c}", name=f"社区{c}", kind="community", parent=street
        )
        worker = User.objects.create_user(username=f"c{c}", password="x")  # noqa: S106
        Membership.objects.create(user=worker, unit=community, role="handler")
        for g in (1, 2):
            grid = Unit.objects.create(
                code=f"{community.code}0{g}", name=f"社区{c}第{g}网格", kind="grid",
                parent=community,
            )  # fmt: skip
            gridder = User.objects.create_user(username=f"g{c}{g}", password="x")  # noqa: S106
            Membership.objects.create(user=gridder, unit=grid, role="handler")
            building = Building.objects.create(
                code=f"B{c}{g}", name=f"{c}-{g}号楼", community=community, grid=grid,
                lon=119.29 + c * 0.001, lat=26.09 + g * 0.001,
            )  # fmt: skip
            for n in (1, 2, 3):
                building.stairwells.create(number=n)
            for role in (Head.Role.BUILDING, Head.Role.STEWARD):
                k += 1
                head = Head.objects.create(
                    name=f"头{k}", phone=f"1390000{k:04d}", role=role, community=community,
                    grid=grid, building=building,
                )  # fmt: skip
                if role == Head.Role.BUILDING:
                    heads.append(head)
    rng = random.Random(19)
    log(f"{args.reports} reports …")
    report_ms: list[float] = []
    for i in range(args.reports):
        head = rng.choice(heads)
        assert head.building is not None
        data = network.Report(head.building, f"第{i}件：楼道灯不亮，晚上看不见路。")
        started = time.perf_counter()
        network.report(head, data)
        report_ms.append((time.perf_counter() - started) * 1000)
    log("climbing …")
    started = time.perf_counter()
    climbed = linkage.climb_due(limit=args.reports, now=timezone.now() + timedelta(hours=3))
    climb_seconds = time.perf_counter() - started
    log(f"{args.stations} stations, 1000 queries …")
    Station.objects.bulk_create(
        Station(
            code=f"S{n:04d}", name=f"驿站{n}", kind="red", community_id=heads[0].community_id,
            address="", lon=112.1 + rng.uniform(-0.1, 0.1), lat=32.0 + rng.uniform(-0.1, 0.1),
        )
        for n in range(args.stations)
    )  # fmt: skip
    nearest_ms = []
    for _ in range(1000):
        lat, lon = 32.0 + rng.uniform(-0.1, 0.1), 112.1 + rng.uniform(-0.1, 0.1)
        started = time.perf_counter()
        queries.nearest_stations(lat, lon, limit=5)
        nearest_ms.append((time.perf_counter() - started) * 1000)
    return {
        "reports": args.reports,
        "report_p50_ms": round(statistics.median(report_ms), 1),
        "report_p99_ms": _p(report_ms, 0.99),
        "climbed": climbed,
        "climb_seconds": round(climb_seconds, 2),
        "climb_per_second": round(climbed / climb_seconds, 1) if climb_seconds else None,
        "stations": args.stations,
        "nearest_p50_ms": round(statistics.median(nearest_ms), 2),
        "nearest_p99_ms": _p(nearest_ms, 0.99),
    }


if __name__ == "__main__":
    main()
