"""Run every benchmark at a small size and check the keys of its JSON line, so none can rot.

CI runs it (`.ci/run`); the figures it prints mean nothing at these sizes. Each benchmark runs
with the project's Python from the repository root; a benchmark that fails, prints no JSON, or
misses a key fails the smoke run. The last stdout line is one JSON object, like the benchmarks'.

    .venv/bin/python benchmarks/smoke.py [NAME …]
"""

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# name: (arguments at a small size, the keys its JSON must have: docs of ../shared interfaces)
SMOKE: dict[str, tuple[list[str], list[str]]] = {
    "dispatch_rules": (["--rules", "30", "--tickets", "300"], ["p50_us", "p99_us"]),
    "overdue_scan": (
        ["--open-tickets", "2000", "--due", "20", "--repeat", "1"],
        ["seconds", "plan"],
    ),
    "assessment": (
        ["--tickets", "3000", "--units", "40", "--sample", "200", "--repeat", "2"],
        ["tickets", "seconds", "dashboard_p95_ms", "verified"],
    ),
    "triage_speed": (
        ["--train", "2000", "--predict", "100", "--texts", "500", "--points", "2000"],
        ["predict_per_second", "locate_texts_per_second", "locate_points_per_second"],
    ),
    "hotspots": (["--sizes", "300"], ["sizes"]),
    "parcels": (
        ["--small"],
        [
            "size",
            "objective",
            "gap",
            "seconds",
            "replan_seconds",
            "van_only_objective",
            "greedy_objective",
            "feasible",
        ],
    ),
    "projects_campaign": (["--small"], ["visits", "visits_per_second", "tickets"]),
    "eldercare": (
        ["--small"],
        [
            "incidents",
            "detected",
            "recall",
            "median_detection_hours",
            "false_alarms_per_household_month",
            "plain_rule_false_alarms_per_household_month",
            "alarms_from_missing_data",
        ],
    ),
    "eldercare_ingest": (["--small"], ["readings_per_second", "p99_reading_to_ticket_s", "lost"]),
    "households": (
        ["--small"],
        ["households", "median_days_to_first_measure", "recompute_seconds_1m"],
    ),
    "veterans_match": (["--small"], ["precision_at_1", "recall_at_10", "pairs_per_second"]),
    # Reads the labelled messages in ../shared/data, which never ship: skipped where absent.
    "triage_quality": (["--small"], ["n", "folds", "history/landed", "cold/landed"]),
    "route_waiting": (["--tickets", "100"], ["tickets", "seconds"]),
    "community_linkage": (
        ["--small"],
        ["reports", "report_p50_ms", "climbed", "climb_per_second", "nearest_p50_ms"],
    ),
    "services": (["--applications", "2"], ["applications_per_bundle", "bundles"]),
    "pages": (["--small", "--requests", "1"], ["pages", "worst_p95_ms", "over_300ms"]),
    "intake_load": (
        ["--door", "api", "--seconds", "2", "--clients", "2", "--warmup", "0.5"],
        ["tickets_per_second", "p50_ms", "p99_ms", "acknowledged", "lost", "duplicated"],
    ),
    "intake_load_open311": (
        ["--door", "open311", "--seconds", "2", "--clients", "2", "--warmup", "0.5"],
        ["tickets_per_second", "p50_ms", "p99_ms", "acknowledged", "lost", "duplicated"],
    ),
}


NEEDS = {"triage_quality": ROOT.parent / "shared" / "data" / "teddy-cup-2020-c" / "fj2_labeled.csv"}


def run(name: str) -> dict[str, object]:
    args, keys = SMOKE[name]
    if name in NEEDS and not NEEDS[name].exists():
        return {"skipped": f"no {NEEDS[name]}"}
    script = ROOT / "benchmarks" / f"{name.removesuffix('_open311')}.py"
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603 - our own scripts
        [sys.executable, str(script), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    outcome: dict[str, object] = {"seconds": round(time.monotonic() - started, 1)}
    if done.returncode != 0 or not lines:
        outcome["error"] = (done.stderr or done.stdout)[-2000:]
        return outcome
    try:
        result = json.loads(lines[-1])
    except json.JSONDecodeError:
        outcome["error"] = f"the last line is not JSON: {lines[-1][:200]}"
        return outcome
    missing = [key for key in keys if key not in result]
    if missing:
        outcome["error"] = f"missing keys {missing}"
    return outcome


def main() -> None:
    names = sys.argv[1:] or list(SMOKE)
    results = {}
    for name in names:
        print(f"smoke: {name} …", file=sys.stderr, flush=True)
        results[name] = run(name)
        if "error" in results[name]:
            print(f"smoke: {name} FAILED: {results[name]['error']}", file=sys.stderr)
    failed = [name for name, result in results.items() if "error" in result]
    print(json.dumps({"benchmarks": results, "failed": failed}, ensure_ascii=False))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
