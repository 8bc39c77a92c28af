"""烈士寻亲 matching: precision and recall on a generated set, and speed at the issue's sizes.

    .venv/bin/python benchmarks/veterans_match.py [--records 1000000] [--requests 10000]
        [--seed 2026] [--small]

No database: the pure matcher (`minsheng.veterans.matching`) over records and requests from
`minsheng.veterans.synthetic` (realistic surname, given-name and place distributions; requests
with homophones, near sounds, a dropped character, traditional forms, old county names, years off
by one or two, aliases, units forgotten). Generating the set is not timed; indexing the records
and matching every request is. `pairs_per_second` is the record × request pairs covered per
second of that time (what blocking buys); `scored_pairs_per_second` is the pairs compared field
by field. `--small` is 20,000 × 500 for CI. Progress goes to stderr; the last stdout line is one
JSON object.
"""

import argparse
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from minsheng.veterans import matching, places  # noqa: E402
from minsheng.veterans.synthetic import Generator  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--small", action="store_true", help="20,000 records × 500 requests")
    args = parser.parse_args()
    if args.small:
        args.records, args.requests = 20_000, 500

    def say(text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)

    index = places.default_index()
    say(f"generating {args.records} records and {args.requests} requests (seed {args.seed})")
    records, requests = Generator(index, seed=args.seed).dataset(args.records, args.requests)
    queries = [q for q, _ in requests]
    truth = {q.id: true for q, true in requests}

    started = time.perf_counter()
    matcher = matching.Matcher(records, places=index)
    indexed = time.perf_counter()
    say(f"indexed in {indexed - started:.1f} s ({len(matcher._keys)} blocking keys)")
    shortlists = matcher.block(queries)
    ids = [r.id for r in records]
    blocked = sum(
        truth[q.id] in {ids[i] for i in s.tolist()}
        for q, s in zip(queries, shortlists, strict=True)
    )
    matcher.candidate_pairs = 0
    matched = time.perf_counter()
    found = matcher.match(queries)
    done = time.perf_counter()
    say(f"matched in {done - matched:.1f} s")

    first = sum(bool(found[q.id]) and found[q.id][0].record == truth[q.id] for q in queries)
    within = sum(any(c.record == truth[q.id] for c in found[q.id]) for q in queries)
    seconds = (indexed - started) + (done - matched)
    result = {
        "records": len(records),
        "requests": len(queries),
        "precision_at_1": round(first / len(queries), 4),
        "recall_at_10": round(within / len(queries), 4),
        "blocking_recall": round(blocked / len(queries), 4),
        "pairs_per_second": round(len(records) * len(queries) / seconds),
        "scored_pairs_per_second": round(matcher.scored_pairs / (done - matched)),
        "candidate_pairs": matcher.candidate_pairs,
        "scored_pairs": matcher.scored_pairs,
        "reduction_ratio": round(1 - matcher.candidate_pairs / (len(records) * len(queries)), 6),
        "index_seconds": round(indexed - started, 1),
        "match_seconds": round(done - matched, 1),
        "seconds": round(seconds, 1),
        "python": platform.python_version(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
