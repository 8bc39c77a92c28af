"""Scan time for due and overdue work over a million open tickets, on PostgreSQL.

    .venv/bin/python benchmarks/overdue_scan.py --open-tickets 1000000

Creates a throwaway database (or uses `--database-url`), migrates it, bulk-generates open
tickets with `generate_series` (deadlines spread over ±20 days, `--due` of them with a check due
now), then times the worker's scan query (`tickets.queries.due_checks`, the partial index on
`next_check_at`), the supervisor's overdue count, and one real scan of the due tickets.
Progress goes to stderr; the last stdout line is one JSON object with `seconds` and `plan`.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import throwaway  # benchmarks/throwaway.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open-tickets", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=1000, help="tickets with a check due now")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with throwaway.database(args.database_url, prefix="minsheng_bench") as url:
        result = run(url, args)
    print(json.dumps(result, ensure_ascii=False))


def run(url: str, args: argparse.Namespace) -> dict:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("MINSHENG_DEBUG", "1")
    os.environ.setdefault("MINSHENG_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    if connection.vendor != "postgresql":
        raise SystemExit("overdue_scan.py measures PostgreSQL; give a postgres:// URL")
    log("migrating …")
    call_command("migrate", verbosity=0)
    from minsheng.citizens.models import Resident
    from minsheng.orgs.models import Unit
    from minsheng.sla.models import DeadlinePolicy
    from minsheng.supervision import scanning
    from minsheng.taxonomy.models import Category
    from minsheng.tickets import queries
    from minsheng.tickets.models import CLOCK_STATUSES, Ticket

    fz, _ = Unit.objects.get_or_create(code="3501", defaults={"name": "福州市", "kind": "city"})
    unit, _ = Unit.objects.get_or_create(
        code="350102001", defaults={"name": "鼓东街道", "kind": "street", "parent": fz}
    )
    group, _ = Category.objects.get_or_create(code="CG", defaults={"name": "城市管理"})
    leaf, _ = Category.objects.get_or_create(
        code="CG-NOISE",
        defaults={
            "name": "噪音扰民",
            "parent": group,
            "policy": DeadlinePolicy.objects.get(code="general"),
            "request_types": ["complaint"],
        },
    )
    resident, _ = Resident.objects.get_or_create(phone="13800000000")
    n, due = args.open_tickets, max(args.due, 1)
    now = timezone.now()
    log(f"generating {n:,} open tickets …")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO tickets_ticket (
                number, channel, request_type, category_id, urgency, resident_id, title,
                description, address, status, unit_id, received_at, dispatched_at, accept_by,
                resolve_by, beyond_calendar, reply, reopen_count, return_by, next_check_at,
                urged_for, escalated_for, awaiting_route, visit_attempts)
            SELECT 'BM' || lpad(i::text, 10, '0'), 'hotline', 'complaint', %(category)s, 'normal',
                %(resident)s, '噪音', '夜间施工噪音', '',
                CASE WHEN i %% 2 = 0 THEN 'dispatched' ELSE 'accepted' END, %(unit)s,
                d - interval '1 day', d - interval '1 day',
                d - interval '1 day' + interval '24 hours',
                d + interval '8 days', false, '', 0, d,
                CASE WHEN i %% %(every)s = 0 THEN %(now)s::timestamptz - interval '1 minute'
                     ELSE %(now)s::timestamptz + random() * interval '10 days' END,
                -- the late ones were chased before: what a running system looks like
                CASE WHEN d + interval '9 days' < %(now)s::timestamptz THEN 'resolve@x' ELSE '' END,
                '', false, 0
            FROM (SELECT i, %(now)s::timestamptz + (random() * 40 - 28) * interval '1 day' AS d
                  FROM generate_series(1, %(n)s) AS i) AS g
            """,
            {
                "category": leaf.pk,
                "resident": resident.pk,
                "unit": unit.pk,
                "n": n,
                "every": max(n // due, 1),
                "now": now,
            },
        )
        cursor.execute("ANALYZE tickets_ticket")
    log(f"generated in {time.perf_counter() - started:.1f} s")

    claim = queries.due_checks(now=now, limit=500)
    sql, params = claim.values_list("pk", flat=True).query.sql_with_params()
    timings = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        ids = list(claim.values_list("pk", flat=True))
        timings.append(time.perf_counter() - t0)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    log(f"due-check query: {statistics.median(timings) * 1000:.1f} ms, {len(ids)} rows")

    overdue = Ticket.objects.filter(status__in=list(CLOCK_STATUSES), resolve_by__lt=now)
    t0 = time.perf_counter()
    overdue_count = overdue.count()
    overdue_seconds = time.perf_counter() - t0
    log(f"overdue count: {overdue_count:,} in {overdue_seconds:.3f} s")

    t0 = time.perf_counter()
    report = scanning.scan(now=now, limit=500)
    scan_seconds = time.perf_counter() - t0
    log(f"scan of the due tickets: {report.checked} in {scan_seconds:.2f} s, {report.steps}")
    return {
        "open_tickets": n,
        "seconds": round(statistics.median(timings), 4),
        "due_rows": len(ids),
        "overdue_count": overdue_count,
        "overdue_count_seconds": round(overdue_seconds, 4),
        "scan_checked": report.checked,
        "scan_seconds": round(scan_seconds, 3),
        "scan_ms_per_ticket": round(scan_seconds * 1000 / max(report.checked, 1), 2),
        "plan": plan,
    }


if __name__ == "__main__":
    main()
