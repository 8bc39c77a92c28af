"""防返贫 monitoring on a synthetic county: recall and precision of the risk flags against a
naive single-threshold push, days from discovery to first measure, and the cost of the rules.

    .venv/bin/python benchmarks/households.py --households 100000 --months 24
    .venv/bin/python benchmarks/households.py --small      # seconds, for CI (smoke.py)

The simulation (docs/households.md, "Figures"), seeded and reproducible:
- households of 1-5 persons, per-capita base income log-normal around 13,000 yuan a year
  (the line is Gansu 2024's 7,800), 25 % former-poor; monthly income noise ±8 %;
- shocks, each logged in its department's feed: illness (out-of-pocket cost, 医保, pushed every
  10 days as the running yearly total), disaster (应急, loss of business income), job loss
  (人社, wage gone for 3-9 months), an earner's death (公安, wage gone for good), schooling
  (教育, school costs);
- the truth: a household is at risk in a month when its true per-capita income over the last
  12 months is below the line, its yearly out-of-pocket medical cost is above the 阳原
  threshold for its group, or its rigid costs exceed its income;
- the platform sees incomes a month late and with ±5 % error, plus the feed rows. Each feed
  row is a clue evaluated at once by `minsheng.households.rules.flags` on the observed
  accounts with the row's loss applied; every month end all households are recomputed;
- the naive push (the issue's "single-threshold push on the same feeds") pushes every
  department row, medical rows above one amount. It is swept over 0…20,000 yuan; "at equal
  recall" is the highest amount whose recall reaches ours. None does (it has no month-end
  recomputation), so it is also compared at its own best recall, with our flags thinned at
  random (whole households) down to that recall (`precision_at_naive_recall`), and at every
  point of the sweep (`naive_sweep[].ours_at_this_recall`);
- a stronger naive push that can reach our recall (`naive_monthly_*`): the same rows plus a
  month-end push of every household whose last observed month, annualised per person, is
  below one amount; both amounts are chosen on the same data to give the best precision at
  our recall, which favours it;
- recall counts the households whose first at-risk month follows a shock (a feed row in the
  12 months before, or the medical threshold crossed) and that are flagged in that month or the
  next (one monthly feed cycle); `recall_all` also counts households that drifted below the
  line through income noise alone, which no department feed reports;
  precision is the share of flags whose household is at risk at the flag or within a month;
- days from the clue to the first measure (`timeliness`, `days_to_measure`): each step of
  identification goes through `procedure.step_due` on a weekday calendar; a unit acts the next
  working day with probability 0.5, else when reminded (the working day before the step's
  deadline); home checks 2 per township per working day, one township per 500 households; the
  first measure on the day of the county's approval, or at the home check on the green
  channel. Also given: every unit prompt, every unit waiting for the reminder, and the former
  procedure (every later step due on the decision date, chased only on the ticket's 7-day
  policy). Households at risk from the first month are the existing monitored stock and are
  left out;
- `recompute_seconds_1m`: `rules.accounts` + `rules.flags` for --recompute households (default
  one million), timed, scaled to 1 M if fewer;
- `clue_to_flag_ms`: with a PostgreSQL server, `households.write.add_clue` end to end (clue →
  flags → case → first step's ticket through intake.door), median of 30; else null.
Progress goes to stderr; the last stdout line is one JSON object.
"""

import argparse
import bisect
import json
import math
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from minsheng.households import procedure, rules  # noqa: E402 - after the path is set
from minsheng.households.presets import GANSU_2024, YANGYUAN_2022  # noqa: E402
from minsheng.sla.calendar import WorkCalendar  # noqa: E402

PARAMS = rules.Params(
    name="bench",
    year=2024,
    line_fixed=GANSU_2024.line_fixed,
    medical_mode=YANGYUAN_2022.medical_mode,
    medical_low=YANGYUAN_2022.medical_low,
    medical_general=YANGYUAN_2022.medical_general,
    province_rural_income=YANGYUAN_2022.province_rural_income,
)
LINE = float(PARAMS.line() or 0)
MED_LOW = float(PARAMS.medical_threshold(low_income=True) or 0)
MED_GENERAL = float(PARAMS.medical_threshold(low_income=False) or 0)
SHOCKS = {  # monthly probability per household
    "illness": 0.004,
    "disaster": 0.0015,
    "job_loss": 0.004,
    "death": 0.0005,
    "schooling": 0.002,
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Household:
    persons: int
    base: float  # per-capita yearly income
    low_income: bool
    township: int
    wage_share: float
    true: list[float] = field(default_factory=list)  # monthly net income
    medical: list[float] = field(default_factory=list)  # monthly out-of-pocket
    school: list[float] = field(default_factory=list)
    rows: list[tuple[int, str, float]] = field(default_factory=list)  # (month, feed, amount)


def simulate(n: int, months: int, rng: random.Random) -> list[Household]:
    out = []
    for _ in range(n):
        h = Household(
            persons=rng.randint(1, 5),
            base=math.exp(rng.gauss(math.log(13000), 0.35)),
            low_income=rng.random() < 0.25,
            township=rng.randrange(max(1, n // 500)),
            wage_share=rng.uniform(0.4, 0.9),
        )
        monthly = h.base * h.persons / 12
        wage_cut_until, wage_cut, business_cut_until = -1, 0.0, -1
        year_medical = 0.0
        for m in range(months):
            if m % 12 == 0:
                year_medical = 0.0
            income = monthly * (1 + rng.gauss(0, 0.08))
            medical = school = 0.0
            for shock, p in SHOCKS.items():
                if rng.random() >= p:
                    continue
                if shock == "illness":
                    cost = math.exp(rng.gauss(math.log(9000), 0.9))
                    medical += cost
                elif shock == "disaster":
                    business_cut_until = m + rng.randint(2, 8)
                    h.rows.append((m, "emergency", monthly * (1 - h.wage_share)))
                elif shock == "job_loss":
                    wage_cut_until, wage_cut = m + rng.randint(3, 9), 1.0
                    h.rows.append((m, "employment", monthly * h.wage_share))
                elif shock == "death" and h.persons > 1:
                    wage_cut_until, wage_cut = months + 1, 1.0 / h.persons * 2
                    h.rows.append((m, "police", monthly * h.wage_share * min(1.0, wage_cut)))
                elif shock == "schooling":
                    school += rng.uniform(3000, 12000)
                    h.rows.append((m, "education", school))
            if m <= wage_cut_until:
                income -= monthly * h.wage_share * min(1.0, wage_cut)
            if m <= business_cut_until:
                income -= monthly * (1 - h.wage_share)
            # the 医保 background: small costs, pushed by a naive feed above a fixed amount
            medical += max(0.0, rng.gauss(120, 200))
            year_medical += medical
            if year_medical > 1000:
                h.rows.append((m, "medical", year_medical))
            h.true.append(income)
            h.medical.append(medical)
            h.school.append(school)
        out.append(h)
    return out


def at_risk(h: Household, m: int) -> bool:
    start = max(0, m - 11)
    net = sum(h.true[start : m + 1]) * 12 / (m + 1 - start)
    if net / h.persons < LINE:
        return True
    year = m - m % 12
    medical = sum(h.medical[year : m + 1])
    if medical > (MED_LOW if h.low_income else MED_GENERAL):
        return True
    return sum(h.medical[start : m + 1]) + sum(h.school[start : m + 1]) > max(
        sum(h.true[start : m + 1]), 0
    )


def rule_flag(h: Household, m: int, loss: float, observed: list[float], medical: float) -> bool:
    """The platform's view: incomes known to last month with error, the row's loss applied to
    this month, the yearly medical total as pushed; evaluated by the real rules module."""
    first = max(0, m - 11)
    months = []
    for k in range(first, m + 1):
        net = observed[k] if k < m else (observed[m - 1] if m else observed[0]) - loss
        months.append(
            rules.Month(
                month=rules.add_months(date(2024, 1, 1), k),
                wage=Decimal(round(net, 2)),
                medical=Decimal(round(h.medical[k], 2)) if k < m else Decimal(0),
                school=Decimal(round(h.school[k], 2)),
            )
        )
    acc = rules.accounts(months, h.persons, months[0].month, months[-1].month)
    person = rules.Person(medical_year=Decimal(round(medical, 2)), low_income=h.low_income)
    return bool(rules.flags(PARAMS, [person], acc))


def evaluate(households: list[Household], months: int, rng: random.Random) -> dict:
    onsets: list[tuple[int, int]] = []  # (household, month)
    truth: list[list[bool]] = []
    for i, h in enumerate(households):
        row = [at_risk(h, m) for m in range(months)]
        truth.append(row)
        first = next((m for m in range(1, months) if row[m] and not row[m - 1]), None)
        if first is not None:
            onsets.append((i, first))
    ours: dict[int, list[int]] = {}
    naive_rows: list[tuple[int, int, str, float]] = []
    seen: list[list[float]] = []  # what the platform sees of each month's income
    for i, h in enumerate(households):
        observed = [v * (1 + rng.gauss(0, 0.05)) for v in h.true]
        seen.append(observed)
        flagged: list[int] = []
        rows_by_month: dict[int, list[tuple[str, float]]] = {}
        for m, feed, amount in h.rows:
            rows_by_month.setdefault(m, []).append((feed, amount))
            naive_rows.append((i, m, feed, amount))
        for m in range(1, months):
            year = m - m % 12
            medical = sum(h.medical[year : m + 1])
            loss = sum(
                a for f, a in rows_by_month.get(m, []) if f in ("employment", "emergency", "police")
            )
            feeds = m in rows_by_month
            # a clue at once when a row arrives; the month-end recompute on last month's data
            if (feeds and rule_flag(h, m, loss, observed, medical)) or rule_flag(
                h, m, 0.0, observed, 0.0 if not feeds else medical
            ):
                flagged.append(m)
        ours[i] = flagged
    shocked = [
        (i, m)
        for i, m in onsets
        if any(m - 12 <= s <= m and f != "medical" for s, f, _ in households[i].rows)
        or _medical_crossing(households[i], m)
    ]
    flag_sets = {i: set(v) for i, v in ours.items()}
    recall_all = _recall(onsets, flag_sets)
    recall = _recall(shocked, flag_sets)
    our_flags = [(i, m) for i, v in ours.items() for m in v]
    precision = _precision(our_flags, truth, months)
    # The naive push: every department row, medical rows above one amount. Swept from high to
    # low; "at equal recall" is the highest amount whose recall reaches ours, if any does.
    sweep = []
    for threshold in NAIVE_THRESHOLDS:
        pushes = [(i, m) for i, m, f, a in naive_rows if f != "medical" or a > threshold]
        r = _recall(shocked, _by_house(pushes))
        sweep.append((threshold, r, _precision(pushes, truth, months), len(pushes)))
    reaching = [row for row in sweep if row[1] >= recall]
    best = reaching[0] if reaching else max(sweep, key=lambda row: (row[1], row[2]))
    # Equal recall the other way: our flags thinned (whole households, at random) down to the
    # naive push's best recall; thinning leaves precision unbiased, so this is our precision
    # at the recall the naive push can reach.
    ours_at_naive = _thinned_precision(shocked, ours, truth, months, best[1])
    # A stronger naive push that can reach our recall: the department rows (medical above
    # one amount) plus a month-end push of every household whose last observed month,
    # annualised per person, is below one amount (no window, no rule). For each medical amount
    # the income amount is the lowest whose recall reaches ours; the pair with the best
    # precision is kept, so the comparison favours the naive push.
    monthly = _best_monthly(households, seen, naive_rows, shocked, truth, months, recall)
    naive_eq = best[2] if reaching else None
    return {
        "onsets": len(onsets),
        "shocked_onsets": len(shocked),
        "recall": round(recall, 4),
        "recall_all": round(recall_all, 4),
        "precision": round(precision, 4),
        "flags": len(our_flags),
        "naive_reaches_recall": bool(reaching),
        "naive_threshold": best[0],
        "naive_recall": round(best[1], 4),
        "naive_precision": round(best[2], 4),
        "naive_pushes": best[3],
        "naive_sweep": [
            {
                "medical_above": t,
                "recall": round(r, 4),
                "precision": round(p, 4),
                "pushes": n,
                "ours_at_this_recall": round(
                    _thinned_precision(shocked, ours, truth, months, r), 4
                ),
            }
            for t, r, p, n in sweep
        ],
        "precision_at_naive_recall": round(ours_at_naive, 4),
        "ratio_at_naive_recall": round(ours_at_naive / best[2], 2) if best[2] else None,
        "ratio_at_our_recall": round(precision / naive_eq, 2) if naive_eq else None,
        "naive_monthly_medical_above": monthly[0],
        "naive_monthly_income_below": monthly[1],
        "naive_monthly_recall": round(monthly[2], 4),
        "naive_monthly_precision": round(monthly[3], 4),
        "naive_monthly_pushes": monthly[4],
        "ratio_to_monthly": round(precision / monthly[3], 2) if monthly[3] else None,
        "_first_flags": {i: v[0] for i, v in ours.items() if v and not truth[i][0]},
    }


NAIVE_THRESHOLDS = (20000, 15000, 10000, 8000, 6000, 5000, 4000, 3000, 2000, 1500, 1000, 0)


def _best_monthly(
    households: list[Household],
    seen: list[list[float]],
    naive_rows: list[tuple[int, int, str, float]],
    shocked: list[tuple[int, int]],
    truth: list[list[bool]],
    months: int,
    target: float,
) -> tuple[int, int, float, float, int]:
    """(medical amount, income amount, recall, precision, pushes) of the best naive push with
    a month-end income threshold that reaches `target` recall."""
    values: list[tuple[float, bool]] = []  # each household-month's pushed value, and truth
    value = {}
    for i, h in enumerate(households):
        for m in range(1, months):
            v = seen[i][m - 1] * 12 / h.persons
            value[(i, m)] = v
            values.append((v, truth[i][m] or (m + 1 < months and truth[i][m + 1])))
    values.sort()
    good_before = [0]
    for _, good in values:
        good_before.append(good_before[-1] + good)
    keys = [v for v, _ in values]
    best = None
    for threshold in NAIVE_THRESHOLDS:
        rows = [(i, m) for i, m, f, a in naive_rows if f != "medical" or a > threshold]
        pushed = _by_house(rows)
        # the income amount each onset needs: none if a row already catches it in time
        needed = sorted(
            -math.inf
            if pushed.get(i, set()) & {m, m + 1}
            else min(value.get((i, m), math.inf), value.get((i, m + 1), math.inf))
            for i, m in shocked
        )
        k = math.ceil(target * len(needed)) - 1
        if k < 0 or needed[k] == math.inf:
            continue
        cut = max(needed[k], 0.0) + 0.01  # pushed when strictly below
        n = bisect.bisect_left(keys, cut)
        good = sum(1 for i, m in rows if truth[i][m] or (m + 1 < months and truth[i][m + 1]))
        pushes = len(rows) + n
        recall = sum(1 for x in needed if x < cut) / len(needed)
        candidate = (threshold, round(cut), recall, (good + good_before[n]) / pushes, pushes)
        if best is None or candidate[3] > best[3]:
            best = candidate
    assert best is not None
    return best


def _by_house(pushes: list[tuple[int, int]]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for i, m in pushes:
        out.setdefault(i, set()).add(m)
    return out


def _thinned_precision(
    onsets: list[tuple[int, int]],
    ours: dict[int, list[int]],
    truth: list[list[bool]],
    months: int,
    target: float,
) -> float:
    by_house: dict[int, list[int]] = {}
    for i, m in onsets:
        by_house.setdefault(i, []).append(m)
    order = list(ours)
    random.Random(17).shuffle(order)
    hits, kept = 0, []
    for i in order:
        flags = set(ours[i])
        hits += sum(1 for m in by_house.get(i, []) if flags & {m, m + 1})
        kept += [(i, m) for m in ours[i]]
        if onsets and hits / len(onsets) >= target:
            break
    return _precision(kept, truth, months)


def _medical_crossing(h: Household, m: int) -> bool:
    year = m - m % 12
    return sum(h.medical[year : m + 1]) > (MED_LOW if h.low_income else MED_GENERAL)


def _recall(onsets: list[tuple[int, int]], flags: dict[int, set[int]]) -> float:
    if not onsets:
        return 1.0
    hit = sum(1 for i, m in onsets if flags.get(i, set()) & {m, m + 1})
    return hit / len(onsets)


def _precision(flags: list[tuple[int, int]], truth: list[list[bool]], months: int) -> float:
    if not flags:
        return 0.0
    good = sum(1 for i, m in flags if truth[i][m] or (m + 1 < months and truth[i][m + 1]))
    return good / len(flags)


DAY0 = date(2024, 1, 1)  # a Monday; the simulation's calendar has weekends, no holidays
WEEKDAYS = WorkCalendar(holidays=frozenset(), make_up_workdays=frozenset())
TICKET_WORKDAYS = 7  # the step tickets' category policy ("general"), which the loop chases on


def days_to_measure(
    households: list[Household],
    first: dict[int, int],
    rng: random.Random,
    *,
    own_deadlines: bool,
    prompt: float,
) -> tuple[float, float] | None:
    """Median (calendar days, working days) from the clue to the first measure.

    Each step of identification goes to its unit the day the previous one ends. The unit acts
    on the next working day with probability `prompt`; otherwise when reminded: with the
    steps' own deadlines (`procedure.step_due`) and the programme's reminder, on the working
    day before the step is due; without them (every later step due on the decision date), on
    the working day before its ticket's 7-working-day deadline, the loop's own reminder. A
    notice cannot end before its 5 days. Home checks: 2 per township per working day. The
    first measure is on the day of the county's approval, or at the home check on the green
    channel (disaster, an earner's death)."""
    calendar_days, working_days = [], []
    booked: dict[tuple[int, date], int] = {}
    cases = sorted((m * 30 + rng.uniform(0, 30), i) for i, m in first.items())
    for found, i in cases:
        opened = DAY0 + timedelta(days=int(found))
        limits = procedure.deadlines(
            opened, WEEKDAYS, home_check_workdays=5, decision_workdays=PARAMS.decision_workdays
        )
        day, green = opened, any(f in ("emergency", "police") for _, f, _ in households[i].rows)
        for kind in procedure.ORDER[procedure.IDENTIFY]:
            started = day
            if kind == procedure.NOTICE:
                ends = started + timedelta(days=PARAMS.notice_days)
                earliest = ends if WEEKDAYS.is_workday(ends) else _next(ends)
            else:
                earliest = _next(started)
            if rng.random() < prompt:
                day = earliest
            elif own_deadlines:
                due = procedure.step_due(
                    kind, started, limits, WEEKDAYS, notice_days=PARAMS.notice_days
                )
                day = max(earliest, _before(due))
            else:
                day = max(earliest, _before(WEEKDAYS.add_workdays(started, TICKET_WORKDAYS)[0]))
            if kind == procedure.HOME_CHECK:
                township = households[i].township
                while booked.get((township, day), 0) >= 2:
                    day = _next(day)
                booked[(township, day)] = booked.get((township, day), 0) + 1
                if green:
                    break
        calendar_days.append((day - opened).days)
        working_days.append(WEEKDAYS.workdays_between(opened, day))
    if not calendar_days:
        return None
    return statistics.median(calendar_days), statistics.median(working_days)


def _next(day: date) -> date:
    return WEEKDAYS.add_workdays(day, 1)[0]


def _before(day: date) -> date:
    """The working day before `day` (the reminder's day)."""
    day -= timedelta(days=1)
    while not WEEKDAYS.is_workday(day):
        day -= timedelta(days=1)
    return day


def timeliness(households: list[Household], first: dict[int, int], rng: random.Random) -> dict:
    """The median with the steps' own deadlines and reminders, half the steps done the next
    working day (the headline), and the same cases under the other assumptions."""
    out: dict = {}
    for name, own, prompt in (
        ("", True, 0.5),
        ("_all_prompt", True, 1.0),
        ("_all_at_reminder", True, 0.0),
        ("_before_step_deadlines", False, 0.5),
    ):
        found = days_to_measure(households, first, random.Random(rng.random()), own_deadlines=own,
                                prompt=prompt)  # fmt: skip
        out[f"median_days_to_first_measure{name}"] = found[0] if found else None
        out[f"median_workdays_to_first_measure{name}"] = found[1] if found else None
    return out


def recompute(n: int, rng: random.Random) -> tuple[float, int]:
    persons = [rules.Person(medical_year=Decimal(rng.randint(0, 20000)))]
    start, end = date(2023, 7, 1), date(2024, 6, 1)
    elapsed = 0.0
    done = 0
    while done < n:
        chunk = min(20000, n - done)
        batch = [
            [
                rules.Month(month=rules.add_months(start, k), wage=Decimal(rng.randint(200, 2000)))
                for k in range(12)
            ]
            for _ in range(chunk)
        ]
        t = time.perf_counter()
        for months in batch:
            rules.flags(PARAMS, persons, rules.accounts(months, 3, start, end))
        elapsed += time.perf_counter() - t
        done += chunk
        log(f"recomputed {done}/{n}")
    return elapsed, done


def clue_to_flag(url: str, repeat: int) -> float | None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import throwaway

    with throwaway.database(url, prefix="minsheng_bench_hh") as db:
        os.environ["DATABASE_URL"] = db
        os.environ.setdefault("MINSHENG_SECRET_KEY", "benchmark-only")
        os.environ.setdefault("MINSHENG_LOG_LEVEL", "WARNING")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from minsheng.demo import builder
        from minsheng.households import write
        from minsheng.households.models import Household as Row
        from minsheng.orgs.models import Unit

        builder.load_reference()
        village = Unit.objects.filter(kind="village").first()
        assert village is not None
        times = []
        for k in range(repeat):
            h = Row.objects.create(code=f"B{k:05d}", village=village, head_name="测试")
            t = time.perf_counter()
            clue = write.add_clue(
                write.ClueIn(
                    village=village, household=h, source="feed", feed="medical", text="医保推送"
                ),
                by="压测",
            )
            times.append((time.perf_counter() - t) * 1000)
            assert clue.case is not None
        return round(statistics.median(times), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--recompute", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--no-db", action="store_true", help="skip clue_to_flag_ms")
    parser.add_argument("--small", action="store_true", help="2,000 households, 20,000 recomputed")
    args = parser.parse_args()
    if args.small:
        args.households, args.recompute = 2000, 20000
    rng = random.Random(16)
    t = time.perf_counter()
    households = simulate(args.households, args.months, rng)
    log(f"simulated {len(households)} households in {time.perf_counter() - t:.1f} s")
    result = evaluate(households, args.months, rng)
    first = result.pop("_first_flags")
    elapsed, done = recompute(args.recompute, rng)
    result.update(
        {
            "households": args.households,
            "months": args.months,
            **timeliness(households, first, rng),
            "recompute_households": done,
            "recompute_seconds_1m": round(elapsed * 1_000_000 / done, 1),
            "clue_to_flag_ms": None if args.no_db else clue_to_flag(args.database_url, 30),
        }
    )
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
