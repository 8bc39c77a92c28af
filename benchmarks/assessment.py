"""Monthly assessment (考核) at city scale on PostgreSQL, checked against a plain recomputation.

    .venv/bin/python benchmarks/assessment.py --tickets 10000000

Creates a throwaway database (or uses `--database-url`), migrates it, and makes a city of
`--units` assessed units. The bulk of the month's tickets and their fact rows (one per ticket and
unit, `assessment_ticketfact`) are generated with `generate_series`; `--sample` further tickets
get real timelines (hash-chained TicketEvent rows from a random handling process: returns,
extensions, co-handlers, reopens, ratings, closures without rating) in sample units of their own,
and reach the fact table the way production does, through `scoring.refresh_facts`.

The generated facts bypass `rebuild_facts`, so their tallies (`FactTally`) are counted once with
`scoring.rebuild_tallies` (→ `tally_build_seconds`); the sample's are kept by `refresh_facts`.

Timed: `scoring.compute` for the month (refresh from the cursor, the sum over the month's
tallies, rates, ranking, snapshot rows) → `seconds`; the same as of 1 November, when deadlines
are still open and `due` reads the unreplied fact rows → `seconds_open_deadlines`; the ranking
page, a unit's page and a drill-down page rendered through Django's test client as a supervisor
→ `dashboard_p95_ms`.
`verified` is true when every sample unit's snapshot counts equal the counts recomputed in plain
Python from its tickets' events (`formulas.facts_from_timeline` + `formulas.count`);
`tallies_match` when every unit's counts from the tallies equal a GROUP BY over all its fact rows
(`scoring.aggregate_facts`, timed → `seconds_direct_groupby`), at both moments.
Progress goes to stderr; the last stdout line is one JSON object.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import throwaway  # benchmarks/throwaway.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BEIJING = ZoneInfo("Asia/Shanghai")
PERIOD = "2026-10"
START = datetime(2026, 10, 1, tzinfo=BEIJING)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000_000)
    parser.add_argument("--units", type=int, default=400, help="assessed units in the city")
    parser.add_argument("--sample", type=int, default=2000, help="tickets with real timelines")
    parser.add_argument("--repeat", type=int, default=20, help="dashboard requests per page")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    with throwaway.database(args.database_url, prefix="minsheng_assess") as url:
        result = run(url, args)
    print(json.dumps(result, ensure_ascii=False))


def run(url: str, args: argparse.Namespace) -> dict:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("MINSHENG_DEBUG", "1")
    os.environ.setdefault("MINSHENG_LOG_LEVEL", "WARNING")
    os.environ["MINSHENG_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("assessment.py measures PostgreSQL; give a postgres:// URL")
    log("migrating …")
    call_command("migrate", verbosity=0)
    city = make_city(args.units)
    t0 = time.perf_counter()
    bulk(args.tickets, city)
    generate_seconds = time.perf_counter() - t0
    log(f"generated {args.tickets:,} tickets and facts in {generate_seconds:.1f} s")

    from minsheng.assessment import scoring

    # The generated facts bypassed rebuild_facts, which keeps the tallies in production: count
    # them once, as the migration does for facts that predate the tallies.
    t0 = time.perf_counter()
    tally_rows = scoring.rebuild_tallies(PERIOD)
    tally_seconds = time.perf_counter() - t0
    log(f"tallied the generated facts ({tally_rows} rows) in {tally_seconds:.1f} s")
    timelines = sample(args.sample, city)

    log("refreshing facts of the sampled timelines …")
    t0 = time.perf_counter()
    scoring.refresh_facts()
    refresh_seconds = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE assessment_ticketfact")
    log("computing the month …")
    timings = []
    for _ in range(3):
        t0 = time.perf_counter()
        sp = scoring.compute(PERIOD)
        timings.append(time.perf_counter() - t0)
        log(f"  compute: {timings[-1]:.2f} s")
    verified, mismatches = verify(sp, timelines, city)
    log(f"verified: {verified} ({mismatches} mismatching units)")
    # Before every deadline has passed, `due` needs the unreplied fact rows of each unit.
    open_at = START + timedelta(days=31)
    t0 = time.perf_counter()
    scoring.compute(PERIOD, at=open_at)
    open_seconds = time.perf_counter() - t0
    log(f"  compute as of {open_at:%Y-%m-%d}, deadlines still open: {open_seconds:.2f} s")
    tallies_match, direct_seconds = check_tallies(sp, [sp.computed_at, open_at])
    log(f"tallies match a GROUP BY over every fact row: {tallies_match}")
    dashboard = measure_dashboard(city, args.repeat)
    return {
        "tickets": args.tickets + args.sample,
        "units": args.units + len(city["sample_units"]),
        "seconds": round(min(timings), 3),
        "seconds_runs": [round(t, 3) for t in timings],
        "dashboard_p95_ms": dashboard["p95"],
        "dashboard_ms": dashboard["pages"],
        "verified": verified,
        "tallies_match": tallies_match,
        "seconds_open_deadlines": round(open_seconds, 3),
        "seconds_direct_groupby": round(direct_seconds, 3),
        "tally_build_seconds": round(tally_seconds, 1),
        "load_avg": round(os.getloadavg()[0], 2),
        "sample_tickets": args.sample,
        "sample_refresh_seconds": round(refresh_seconds, 2),
        "generate_seconds": round(generate_seconds, 1),
        "postgres": connection.cursor().connection.info.server_version,
    }


def make_city(n: int) -> dict:
    from minsheng.accounts.models import User
    from minsheng.citizens.models import Resident
    from minsheng.orgs.models import Membership, Unit
    from minsheng.sla.models import DeadlinePolicy
    from minsheng.taxonomy.models import Category

    fz = Unit.objects.create(code="3501", name="福州市", kind="city")
    centre = Unit.objects.create(code="FZ-12345", name="12345热线中心", kind="centre", parent=fz)
    kinds = ["street"] * 7 + ["township"] + ["department"] + ["enterprise"]
    units = [
        Unit(
            code=f"U{i:05d}",
            name=f"单位{i}",
            kind=kinds[i % len(kinds)],
            parent=fz,
            path=f"3501/U{i:05d}/",
        )
        for i in range(n)
    ]
    Unit.objects.bulk_create(units)
    samples = [
        Unit.objects.create(code=f"S{i}", name=f"样本街道{i}", kind="street", parent=fz)
        for i in range(5)
    ]
    group = Category.objects.create(code="CG", name="城市管理")
    leaf = Category.objects.create(
        code="CG-NOISE", name="噪音扰民", parent=group, request_types=["complaint"],
        policy=DeadlinePolicy.objects.get(code="general"),
    )  # fmt: skip
    supervisor = User.objects.create_user(username="zhao", password="benchmark")  # noqa: S106
    Membership.objects.create(user=supervisor, unit=centre, role="supervisor")
    return {
        "unit_ids": list(Unit.objects.filter(code__startswith="U").values_list("pk", flat=True)),
        "sample_units": samples,
        "category": leaf,
        "resident": Resident.objects.create(phone="13800000000"),
        "supervisor": supervisor,
    }


def bulk(n: int, city: dict) -> None:
    """N tickets received in the month and their facts, in SQL."""
    from django.db import connection

    params = {"n": n, "category": city["category"].pk, "resident": city["resident"].pk,
              "units": city["unit_ids"], "start": START}  # fmt: skip
    with connection.cursor() as cursor:
        log(f"inserting {n:,} tickets …")
        cursor.execute(
            """
            INSERT INTO tickets_ticket (number, channel, request_type, category_id, urgency,
                resident_id, title, description, address, status, unit_id, received_at,
                beyond_calendar, reply, reopen_count, urged_for, escalated_for, awaiting_route,
                visit_attempts)
            SELECT 'BM' || lpad(i::text, 10, '0'), 'hotline', 'complaint', %(category)s,
                'normal', %(resident)s, '噪音', '夜间施工噪音', '', 'closed',
                (%(units)s::int[])[1 + i %% cardinality(%(units)s::int[])],
                %(start)s::timestamptz + (i %% 2592000) * interval '1 second', false, '', 0, '', '',
                false, 0
            FROM generate_series(1, %(n)s) AS i
            """,
            params,
        )
        log("inserting facts …")
        # One main row per ticket; every tenth ticket also has a co-handler row.
        cursor.execute(
            """
            INSERT INTO assessment_ticketfact (ticket_id, unit_id, role, period, held,
                accepted_in_time, accepted_24h, responded, replied, replied_on_time, resolve_by,
                rated, resolved, satisfied, basically, no_rating, returned, reopened, extended,
                excluded)
            SELECT id, unit_id, role, %(period)s, r1 > 0.03, r2 > 0.1, r2 > 0.05,
                r2 > 0.1 AND r3 > 0.05, r3 > 0.04, r3 > 0.12, received_at + interval '5 days',
                r4 < 0.8, r4 < 0.8 AND r5 < 0.85, r4 < 0.8 AND r6 < 0.7,
                r4 < 0.8 AND r6 >= 0.7 AND r6 < 0.9, r4 >= 0.8 AND r4 < 0.9, r1 < 0.05,
                r5 > 0.96, r6 > 0.93, r1 > 0.998
            FROM (
                SELECT t.id, t.received_at,
                    CASE WHEN co
                         THEN (%(units)s::int[])[1 + (t.id * 7) %% cardinality(%(units)s::int[])]
                         ELSE t.unit_id END AS unit_id,
                    CASE WHEN co THEN 'co' ELSE 'main' END AS role,
                    random() r1, random() r2, random() r3, random() r4, random() r5, random() r6
                FROM tickets_ticket t
                CROSS JOIN LATERAL (VALUES (false), (true)) AS c(co)
                WHERE t.number LIKE 'BM%%' AND (NOT co OR t.id %% 10 = 0)
            ) AS g
            """,
            {**params, "period": PERIOD},
        )
        cursor.execute("ANALYZE")


def sample(n: int, city: dict) -> dict[int, list]:
    """N tickets with real, hash-chained timelines in the sample units; returns their events."""
    from minsheng.assessment import formulas
    from minsheng.tickets import chain
    from minsheng.tickets.models import Ticket, TicketEvent

    rng = random.Random(2610)
    units = city["sample_units"]
    others = units[1:] + units[:1]
    log(f"writing {n:,} sample timelines …")
    tickets = Ticket.objects.bulk_create(
        Ticket(number=f"SP{i:08d}", channel="hotline", request_type="complaint",
               category=city["category"], resident=city["resident"], title="样本",
               description="样本",
               received_at=START + timedelta(minutes=20 * i), status="closed")
        for i in range(n)
    )  # fmt: skip
    rows, timelines = [], {}
    for i, t in enumerate(tickets):
        steps = story(rng, t.received_at, units[i % 5], others[i % 5], rng.random() < 0.15)
        timelines[t.pk] = [formulas.Event(a, at, code, data) for a, at, code, data, _u in steps]
        prev = ""
        for seq, (action, at, _code, data, unit) in enumerate(steps, 1):
            e = TicketEvent(
                ticket_id=t.pk,
                seq=seq,
                action=action,
                to_status="closed",
                actor_label="样本",
                unit=unit,
                data=data,
                at=at,
                prev_hash=prev,
            )
            e.hash = prev = chain.digest(chain.event_content(e), prev)
            rows.append(e)
    TicketEvent.objects.bulk_create(rows, batch_size=5000)
    return timelines


def story(rng: random.Random, t: datetime, unit, other, co: bool) -> list:  # type: ignore[no-untyped-def]
    """One ticket's handling, with the branches the formulas care about."""
    out: list = [("receive", t, None, {}, None)]

    def at(hours: float) -> datetime:
        nonlocal t
        t = t + timedelta(hours=hours)
        return t

    def dispatch(u) -> dict:  # type: ignore[no-untyped-def]
        now = at(rng.uniform(0.1, 2))
        data = {"unit": u.code, "accept_by": (now + timedelta(hours=4)).isoformat(),
                "resolve_by": (now + timedelta(days=5)).isoformat()}  # fmt: skip
        if co:
            data["cohandlers"] = [other.code]
        out.append(("dispatch", now, u.code, data, u))
        return data

    holder = unit
    deadlines = dispatch(unit)
    if rng.random() < 0.08:
        out.append(("return", at(rng.uniform(0.5, 6)), unit.code, {}, unit))
        if rng.random() < 0.5:
            holder, co = other, False
            deadlines = dispatch(other)
        else:
            out.append(("reject_return", at(1), None, {}, None))
    if co:
        out.append(
            (
                "cohandler_accept",
                at(rng.uniform(1, 30)),
                other.code,
                {"cohandler": other.code},
                other,
            )
        )
        late = rng.random() < 0.2
        out.append(("cohandler_reply", at(rng.uniform(1, 20)), other.code,
                    {"cohandler": other.code, "late": late}, other))  # fmt: skip
    for round_ in range(2):
        out.append(("accept", at(rng.choice([0.5, 2, 5, 30])), holder.code, {}, holder))
        if rng.random() < 0.1:
            new = (datetime.fromisoformat(deadlines["resolve_by"]) + timedelta(days=3)).isoformat()
            out.append(
                (
                    "approve_extension",
                    at(10),
                    None,
                    {"resolve_by": [deadlines["resolve_by"], new]},
                    holder,
                )
            )
            deadlines["resolve_by"] = new
        if rng.random() < 0.1:
            out.append(("pause", at(5), holder.code, {}, holder))
        out.append(("reply", at(rng.uniform(10, 150)), holder.code, {}, holder))
        if rng.random() < 0.12:
            out.append(("close_unrated", at(80), None, {"no_rating": True}, holder))
            return out
        sat = rng.choices(["satisfied", "basically", "unsatisfied"], [70, 18, 12])[0]
        out.append(
            ("visit", at(24), None, {"satisfaction": sat, "resolved": sat != "unsatisfied"}, holder)
        )
        if sat != "unsatisfied" or round_ == 1 or rng.random() < 0.4:
            out.append(("close", t, None, {}, holder))
            return out
        now = at(2)
        deadlines = {"unit": holder.code, "accept_by": (now + timedelta(hours=4)).isoformat(),
                     "resolve_by": (now + timedelta(days=5)).isoformat()}  # fmt: skip
        out.append(("reopen", now, holder.code, deadlines, holder))
    return out


def verify(sp, timelines: dict, city: dict) -> tuple[bool, int]:  # type: ignore[no-untyped-def]
    """Every sample unit's snapshot equals the counts recomputed from its tickets' events."""
    from minsheng.assessment import formulas

    facts = [f for events in timelines.values() for f in formulas.facts_from_timeline(events)]
    roles = formulas.roles_for(sp.policy.cohandling)
    mismatches = 0
    for unit in city["sample_units"]:
        mine = [f for f in facts if f.unit == unit.code and f.period == PERIOD]
        expected = formulas.count(mine, as_of=sp.computed_at, roles=roles)
        snap = sp.snapshots.filter(unit=unit).first()
        got = {k: getattr(snap, k) for k in formulas.COUNTS} if snap else None
        if got != expected:
            mismatches += 1
            log(f"  {unit.code}: expected {expected}, got {got}")
    return mismatches == 0, mismatches


def check_tallies(sp, moments: list) -> tuple[bool, float]:  # type: ignore[no-untyped-def]
    """Every unit's counts from the tallies equal a GROUP BY over the fact rows themselves
    (the generated units and the sample units, whose tallies `refresh_facts` kept); returns
    whether they do and the slowest GROUP BY's time."""
    from minsheng.assessment import formulas, scoring

    roles = formulas.roles_for(sp.policy.cohandling)
    ok, slowest = True, 0.0
    for moment in moments:
        t0 = time.perf_counter()
        direct = scoring.aggregate_facts(PERIOD, roles=roles, as_of=moment)
        slowest = max(slowest, time.perf_counter() - t0)
        tallied = scoring.aggregate(PERIOD, roles=roles, as_of=moment)
        if direct != tallied:
            ok = False
            bad = [u for u in direct.keys() | tallied.keys() if direct.get(u) != tallied.get(u)]
            log(f"  tallies differ as of {moment}: {len(bad)} units, e.g. {bad[:3]}")
    return ok, slowest


def measure_dashboard(city: dict, repeat: int) -> dict:
    from django.test import Client
    from django.urls import reverse

    from minsheng.orgs.models import Unit

    client = Client()
    client.force_login(city["supervisor"])
    busiest = Unit.objects.get(pk=city["unit_ids"][0])
    pages = {
        "ranking": reverse("assessment:ranking") + f"?period={PERIOD}",
        "unit": reverse("assessment:unit", args=[busiest.code]),
        "drill": reverse("assessment:drill", args=[busiest.code, PERIOD, "satisfaction"]),
    }
    times: list[float] = []
    out = {}
    for name, url in pages.items():
        mine = []
        for _ in range(repeat + 2):
            t0 = time.perf_counter()
            response = client.get(url)
            mine.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        mine = mine[2:]  # warm-up
        times += mine
        out[name] = round(statistics.median(mine), 1)
        log(f"  {name}: median {out[name]} ms")
    times.sort()
    return {"p95": round(times[int(0.95 * (len(times) - 1))], 1), "pages": out}


if __name__ == "__main__":
    main()
