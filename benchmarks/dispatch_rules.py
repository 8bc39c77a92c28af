"""Dispatch decision time: match generated tickets against generated rules, in memory.

    .venv/bin/python benchmarks/dispatch_rules.py --rules 300 --tickets 10000

Rules go through the same compile path as the database's (`minsheng.dispatch.rules`); no
database is needed. Progress goes to stderr; the last stdout line is one JSON object.
"""

import argparse
import json
import platform
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from minsheng.dispatch import rules

BEIJING = ZoneInfo("Asia/Shanghai")
TYPES = [("consult", "咨询"), ("help", "求助"), ("complaint", "投诉"), ("report", "举报")]
WORDS = ["噪音", "占道", "垃圾", "停水", "停电", "燃气", "违建", "油烟", "积水", "路灯", "漏水"]


def city(rng: random.Random) -> list[tuple[rules.Place, ...]]:
    """Places as chains city → district → street → community → grid (5 × 10 × 8 × 4)."""
    top = rules.Place(1, "市", "city", "C/")
    chains, pk = [], 2
    for d in range(5):
        district = rules.Place(pk, f"区{d}", "district", f"C/D{d}/")
        pk += 1
        for s in range(10):
            street = rules.Place(pk, f"街道{d}-{s}", "street", f"{district.path}S{s}/")
            pk += 1
            for c in range(8):
                community = rules.Place(pk, f"社区{c}", "community", f"{street.path}M{c}/")
                pk += 1
                for g in range(4):
                    grid = rules.Place(pk, f"网格{g}", "grid", f"{community.path}G{g}/")
                    pk += 1
                    chains.append((top, district, street, community, grid))
    rng.shuffle(chains)
    return chains


def make_rules(n: int, rng: random.Random, places: list[tuple[rules.Place, ...]]) -> list:
    """`n` rules like a city's catalogue: mostly by category, some by area, time or keyword."""
    specs = []
    for i in range(n - 1):
        chain = rng.choice(places)
        kind = rng.random()
        fields: dict = {"categories": ((1000 + rng.randrange(120), f"分类{i}"),)}
        if kind < 0.3:
            area = chain[rng.randrange(1, 3)]
            fields["places"] = ((area.path, area.name),)
        if 0.3 <= kind < 0.4:
            fields["request_types"] = tuple(rng.sample(TYPES, 2))
        if 0.4 <= kind < 0.5:
            fields.update(time_from=clock(22), time_to=clock(6))
        if 0.5 <= kind < 0.6:
            fields["keywords"] = tuple(rng.sample(WORDS, 3))
        if 0.6 <= kind < 0.65:
            lon, lat = 119.2 + rng.random() * 0.2, 26.0 + rng.random() * 0.1
            ring = [[lon, lat], [lon + 0.02, lat], [lon + 0.02, lat + 0.02], [lon, lat + 0.02]]
            fields["polygon"] = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
        if 0.65 <= kind < 0.7:
            fields.pop("categories")  # an area rule for every category
            fields["places"] = ((chain[2].path, chain[2].name),)
        target = rng.choice([rules.TARGET_UNIT, rules.TARGET_STREET, rules.TARGET_DISTRICT])
        specs.append(
            rules.RuleSpec(
                id=i + 1,
                name=f"规则{i + 1}",
                order=i + 1,
                target=target,
                unit=(9, "部门"),
                **fields,
            )
        )
    specs.append(rules.RuleSpec(id=n, name="兜底", order=n, target=rules.TARGET_DISTRICT))
    return specs


def make_tickets(m: int, rng: random.Random, places: list) -> list[rules.Sample]:
    start = datetime(2026, 3, 2, tzinfo=BEIJING)
    samples = []
    for _ in range(m):
        category = 1000 + rng.randrange(120)
        samples.append(
            rules.Sample(
                category=(category, "小类"),
                group=(900 + category % 13, "大类"),
                request_type=rng.choice(TYPES)[0],
                places=rng.choice(places) if rng.random() > 0.05 else (),
                text="居民反映" + "、".join(rng.sample(WORDS, 2)) + "问题，希望尽快处理。" * 3,
                at=start + timedelta(minutes=rng.randrange(60 * 24 * 14)),
                lon=119.2 + rng.random() * 0.2,
                lat=26.0 + rng.random() * 0.1,
            )
        )
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=300)
    parser.add_argument("--tickets", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=12345)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    places = city(rng)
    specs = make_rules(args.rules, rng, places)
    started = time.perf_counter()
    book = rules.compile_rules(specs)
    compile_ms = (time.perf_counter() - started) * 1000
    print(f"compiled {len(specs)} rules in {compile_ms:.1f} ms", file=sys.stderr)
    samples = make_tickets(args.tickets, rng, places)
    for s in samples[:200]:  # warm the per-category candidate lists, as a running server has
        book.match(s)
    timings, matched, fallback = [], 0, 0
    for k, s in enumerate(samples, start=1):
        t0 = time.perf_counter_ns()
        decision = book.match(s)
        timings.append((time.perf_counter_ns() - t0) / 1000)
        matched += decision.rule is not None
        fallback += decision.rule is not None and decision.rule.is_catch_all
        if k % 2000 == 0:
            print(f"matched {k}/{len(samples)}", file=sys.stderr)
    timings.sort()
    started = time.perf_counter()
    for s in samples[:1000]:
        book.explain(s)
    explain_us = (time.perf_counter() - started) * 1e6 / min(1000, len(samples))
    print(
        json.dumps(
            {
                "rules": len(specs),
                "tickets": len(samples),
                "p50_us": round(statistics.median(timings), 2),
                "p99_us": round(timings[int(len(timings) * 0.99) - 1], 2),
                "max_us": round(timings[-1], 2),
                "mean_us": round(statistics.fmean(timings), 2),
                "explain_mean_us": round(explain_us, 1),
                "compile_ms": round(compile_ms, 1),
                "routed": matched,
                "by_fallback": fallback,
                "unrouted": len(samples) - matched,
                "python": platform.python_version(),
                "machine": platform.machine(),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
