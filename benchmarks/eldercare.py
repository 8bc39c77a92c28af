"""A simulated year of elders living alone, judged by minsheng's rules and by the plain rule.

    .venv/bin/python benchmarks/eldercare.py --households 1000 --days 365

Each household (minsheng.eldercare.simulator) has a daily routine, absences, silent meter days,
leaks and, for about 6 %, an injected incident (incapacitation, a fall in the shower, death).
minsheng's pipeline: the 中山 preset (24 h < 10 L) with continuous flow (2 h), windows never
spanning a silent meter, the person's own 28-day band, and registered absences (a share of the
real ones, `--registered`, default all). The plain rule: 中山 alone, judged every half hour on
the clock from the half-hours that arrived (a missing half-hour reads as no use), no absences.
Pure Python, no database; the figures are the rules', not the platform's throughput
(eldercare_ingest.py).
The last stdout line is one JSON object.
"""

import argparse
import json
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from minsheng.eldercare import rules, simulator  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
GAP = timedelta(hours=1)
MATCH = timedelta(days=3)  # an alarm this soon after an incident's start found it


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ours(
    h: simulator.Household, params: rules.Params, registered: list[tuple[datetime, datetime]]
) -> list[rules.Finding]:
    """minsheng's welfare findings for one home, as the worker would raise them."""
    series = rules.steps(h.points)
    found = rules.judge(series, rules.replace(params, baseline=False), max_gap=GAP, tz=TZ)
    daily = rules.daily_use(series, tz=TZ)
    days = sorted(daily)
    kept = []
    for f in found:
        if f.kind != "welfare" or rules.overlaps(f.start, f.end, registered):
            continue
        if params.baseline and f.rule == "low_use":
            before = [daily[d] for d in days if d < f.start.astimezone(TZ).date()][-28:]
            if rules.within_own_norm(f, rules.band([u for u in before if u > 0])):
                continue
        kept.append(f)
    return kept


def plain(
    h: simulator.Household, window_h: float = 24.0, litres: float = 10.0
) -> list[rules.Finding]:
    """The 中山 rule as deployed: every half hour, the last 24 h of half-hours that arrived."""
    series = [s for s in rules.steps(h.points) if s.end - s.start <= simulator.SLOT]
    if not series:
        return []
    window = timedelta(hours=window_h)
    found, armed, i, j, used = [], True, 0, 0, 0.0
    t, end = series[0].start + window, series[-1].end + timedelta(days=1)
    while t <= end:
        while j < len(series) and series[j].end <= t:
            used += series[j].use
            j += 1
        while i < j and series[i].end <= t - window:
            used -= series[i].use
            i += 1
        if used < litres and armed:
            found.append(rules.Finding("plain", "welfare", t - window, t, used))
            armed = False
        elif used >= litres:
            armed = True
        t += simulator.SLOT
    return found


def score(
    homes: list[simulator.Household], alarms: dict[int, list[rules.Finding]], months: float
) -> dict[str, float]:
    incidents = detected = false = missing = away = 0
    delays = []
    for h in homes:
        found = alarms[h.key]
        matched: set[int] = set()
        for kind, at in h.incidents:
            incidents += 1
            hits = [
                n
                for n, f in enumerate(found)
                if f.end >= at
                and f.end - at <= MATCH
                and (kind == "fall" or f.rule != "continuous_flow")
            ]
            if hits:
                detected += 1
                delays.append((found[hits[0]].end - at).total_seconds() / 3600)
                matched.update(hits)
            if kind == "death":  # every later alarm of a dead person's home is the same incident
                matched.update(n for n, f in enumerate(found) if f.end >= at)
        for n, f in enumerate(found):
            if n in matched:
                continue
            false += 1
            if rules.overlaps(f.start, f.end, h.silences):
                missing += 1
            elif rules.overlaps(f.start, f.end, h.absences):
                away += 1
    return {
        "incidents": incidents,
        "detected": detected,
        "recall": round(detected / incidents, 4) if incidents else 1.0,
        "median_detection_hours": round(statistics.median(delays), 2) if delays else None,
        "false_alarms_per_household_month": round(false / (len(homes) * months), 4),
        "alarms_from_missing_data": missing,
        "false_alarms_during_unregistered_absences": away,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--registered", type=float, default=1.0, help="share of the absences registered"
    )
    parser.add_argument("--small", action="store_true", help="60 households × 90 days (CI)")
    args = parser.parse_args()
    if args.small:
        args.households, args.days = 60, 90
    started = time.monotonic()
    start = datetime(2025, 1, 1, tzinfo=TZ)
    homes = [
        simulator.household(k, start=start, days=args.days, seed=args.seed)
        for k in range(args.households)
    ]
    log(
        f"simulated {args.households} homes × {args.days} days "
        f"in {time.monotonic() - started:.0f} s"
    )
    rng = random.Random(args.seed)
    registered = {h.key: [a for a in h.absences if rng.random() < args.registered] for h in homes}
    months = args.days / 30.4
    params = rules.PRESETS["zhongshan"]
    ours_found = {h.key: ours(h, params, registered[h.key]) for h in homes}
    ours_score = score(homes, ours_found, months)
    plain_score = score(homes, {h.key: plain(h) for h in homes}, months)
    presets = {}
    for name in ("changning", "haishu", "zhenhai"):
        p = rules.PRESETS[name]
        found = {h.key: ours(h, p, registered[h.key]) for h in homes}
        s = score(homes, found, months)
        presets[name] = {
            k: s[k]
            for k in ("recall", "median_detection_hours", "false_alarms_per_household_month")
        }
    incapacitating = [
        (h, kind, at)
        for h in homes
        for kind, at in h.incidents
        if kind in ("incapacitation", "death")
    ]
    found_incap = sum(
        1
        for h, _kind, at in incapacitating
        if any(
            f.end >= at and f.end - at <= MATCH and f.rule != "continuous_flow"
            for f in ours_found[h.key]
        )
    )
    result = {
        "households": args.households,
        "days": args.days,
        **ours_score,
        "recall_incapacitation_and_death": round(found_incap / len(incapacitating), 4)
        if incapacitating
        else 1.0,
        "plain_rule_false_alarms_per_household_month": plain_score[
            "false_alarms_per_household_month"
        ],
        "plain_rule_recall": plain_score["recall"],
        "plain_rule_alarms_from_missing_data": plain_score["alarms_from_missing_data"],
        "presets": presets,
        "seconds": round(time.monotonic() - started, 1),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
