"""Hotspot clustering of one street's requests without coordinates (the worst case: every
pair may link), the case that stalled the worker for an hour (security review, finding 1).

Pure rules, no database. Texts are drawn from a few complaint templates with varied details,
so many pairs are alike; the last stdout line is one JSON object.

    .venv/bin/python benchmarks/hotspots.py --sizes 250,500,1000,4000
"""

import argparse
import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from minsheng.analytics.hotspots import Item, cluster_similar

TEMPLATES = [
    "{road}夜间施工噪音扰民，{time}还在打桩",
    "{road}垃圾堆放多日无人清运，气味很大",
    "{road}路灯不亮，{time}出行不便",
    "{road}占道经营，流动摊贩{time}堵塞人行道",
    "{road}井盖缺失，存在安全隐患",
]
ROADS = ["祥坂街", "宁化路", "工业路", "杨桥路", "五一路", "六一路", "湖东路", "东街"]
TIMES = ["凌晨一点", "晚上十一点", "每天夜里", "周末", "早上六点"]


def items(n: int, seed: int) -> list[Item]:
    rng = random.Random(seed)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    return [
        Item(
            number=f"FZ{i:010d}",
            text=rng.choice(TEMPLATES).format(road=rng.choice(ROADS), time=rng.choice(TIMES)),
            at=start + timedelta(minutes=rng.randrange(30 * 24 * 60)),
            lon=None,
            lat=None,
            category="CG-NOISE",
            area="350103001",
        )
        for i in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="250,500,1000,4000")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    results = {}
    cluster_similar(items(50, args.seed))  # imports scikit-learn and scipy once
    for n in [int(s) for s in args.sizes.split(",")]:
        batch = items(n, args.seed)
        started = time.perf_counter()
        clusters = cluster_similar(batch)
        seconds = time.perf_counter() - started
        results[str(n)] = {"seconds": round(seconds, 3), "clusters": len(clusters)}
        print(f"{n} requests: {seconds:.3f} s, {len(clusters)} clusters", file=sys.stderr)
    print(json.dumps({"sizes": results}, ensure_ascii=False))


if __name__ == "__main__":
    main()
