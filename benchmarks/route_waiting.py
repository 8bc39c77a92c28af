"""The worker's routing of tickets other systems filed, on PostgreSQL, in one process.

    .venv/bin/python benchmarks/route_waiting.py --tickets 10000

Creates a throwaway database (or uses `--database-url`), loads the demo city, catalogue and
dispatch rules (`demo.builder.load_reference`), files `--tickets` tickets the way the API does
(`intake.door.submit_many`, waiting for the worker, spread over the city's communities
and the catalogue's leaves), then times `dispatch.routing.route_waiting` until none waits:
receipts, classification (the catalogue's cold-start model) and routing by the rules. The
auto-dispatch threshold is 0, so every ticket a rule covers is dispatched, as the costliest
case. Afterwards every ticket must have left the queue with exactly one receipt. Progress goes
to stderr; the last stdout line is one JSON object.
"""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

import throwaway  # benchmarks/throwaway.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PHRASES = ["一直没人处理", "影响居民休息", "希望尽快解决", "已经反映过多次", "老人小孩出行不便"]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=50, help="tickets claimed per transaction")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    with throwaway.database(args.database_url, prefix="minsheng_bench") as url:
        result = run(url, args)
    print(json.dumps(result, ensure_ascii=False))


def run(url: str, args: argparse.Namespace) -> dict:
    os.environ["DATABASE_URL"] = url
    os.environ["MINSHENG_AUTO_DISPATCH_CONFIDENCE"] = "0"
    os.environ.setdefault("MINSHENG_SECRET_KEY", "benchmark-only")
    os.environ.setdefault("MINSHENG_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        raise SystemExit("route_waiting.py measures PostgreSQL; give a postgres:// URL")
    log("migrating and loading the demo city …")
    call_command("migrate", verbosity=0)
    from minsheng.demo import builder
    from minsheng.dispatch import routing
    from minsheng.intake import door
    from minsheng.notifications.models import Notification
    from minsheng.orgs.models import Unit
    from minsheng.taxonomy.models import Category
    from minsheng.tickets.models import Channel, Status, Ticket
    from minsheng.tickets.transitions import Actor

    builder.load_reference()
    rng = random.Random(7)
    leaves = list(Category.objects.filter(children__isnull=True, is_active=True))
    communities = list(Unit.objects.filter(kind="community"))
    by = Actor(label="接口：压测", kind="system")
    log(f"filing {args.tickets} tickets ({len(leaves)} leaves, {len(communities)} communities)")
    for start in range(0, args.tickets, 100):
        requests = []
        for i in range(start, min(start + 100, args.tickets)):
            leaf = rng.choice(leaves)
            data = {
                "phone": f"139{i:08d}",
                "channel": Channel.API,
                "request_type": leaf.request_types[0] if leaf.request_types else "complaint",
                "category": leaf,
                "description": f"{leaf.name}，{rng.choice(PHRASES)}。",
                "place": rng.choice(communities),
            }
            requests.append((door.Request.of(data), by))
        with transaction.atomic():
            door.submit_many(requests)

    log("routing …")
    rounds, started = 0, time.perf_counter()
    while routing.route_waiting(limit=1000, batch=args.batch):
        rounds += 1
    seconds = time.perf_counter() - started

    tickets = Ticket.objects.count()
    receipts = Notification.objects.filter(kind="receipt").count()
    return {
        "routed_per_second": round(tickets / seconds, 1),
        "seconds": round(seconds, 2),
        "tickets": tickets,
        "still_waiting": Ticket.objects.filter(awaiting_route=True).count(),
        "dispatched": Ticket.objects.exclude(status=Status.RECEIVED).count(),
        "receipts": receipts,
        "batch": args.batch,
        "worker_rounds": rounds,
    }


if __name__ == "__main__":
    main()
