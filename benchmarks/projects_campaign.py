"""A door-to-door campaign's visits arriving from inspectors' phones, with resends, on PostgreSQL.

    .venv/bin/python benchmarks/projects_campaign.py [--households 1200 --hazards 331] [--small]

Creates a throwaway database (or uses `--database-url`), migrates it, makes a street with three
communities and a gas-safety campaign of `--households` targets, then records one visit per
target through `projects.inspections.record_visit` (the view's write), `--hazards` of them
with a hazard, each hazard filed as a ticket through the intake door. Then every visit is sent
again with the same client id, as a phone's queue does after a lost answer, and the board is
read. Progress goes to stderr; the last stdout line is one JSON object with `visits`,
`visits_per_second`, `p99_visit_ms`, `hazard_p50_ms` and `hazard_p99_ms` (a visit that files a
ticket; the first also loads the catalogue and calendar), `hazards`, `tickets`, `duplicated`,
`lost`, `board_ms`.
"""

import argparse
import json
import os
import random
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
    parser.add_argument("--households", type=int, default=1200)
    parser.add_argument("--hazards", type=int, default=331)
    parser.add_argument("--small", action="store_true", help="120 households, 33 hazards")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    if args.small:
        args.households, args.hazards = 120, 33
    with throwaway.database(args.database_url, prefix="minsheng_bench") as url:
        result = run(url, args)
    print(json.dumps(result, ensure_ascii=False))


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1) if ordered else 0.0


def run(url: str, args: argparse.Namespace) -> dict:
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
    from minsheng.orgs.models import Membership, Unit
    from minsheng.projects import inspections, queries
    from minsheng.projects.models import Visit
    from minsheng.tickets.models import Ticket

    fz = Unit.objects.create(code="3501", name="福州市", kind="city")
    street = Unit.objects.create(code="350102001", name="鼓东街道", kind="street", parent=fz)
    gas = Unit.objects.create(code="FZ-GAS", name="华润燃气", kind="enterprise", parent=fz)
    areas = [
        Unit.objects.create(
            code=f"35010200100{i}", name=f"社区{i}", kind="community", parent=street
        )
        for i in (1, 2, 3)
    ]
    leader = User.objects.create_user(username="leader", password="x")  # noqa: S106
    Membership.objects.create(user=leader, unit=street, role="leader")
    today = timezone.localdate()
    campaign = inspections.create_campaign(
        unit=street,
        title="燃气安全排查",
        start=today,
        end=today,
        responsible=gas,
        by=leader,
    )
    items = [
        inspections.add_item(
            campaign, question=q, kind="yesno", hazard_answers=bad, hazard_type=kind
        )
        for q, bad, kind in (
            ("软管是否老化", "是", "软管老化"),
            ("是否安装报警器", "否", "未装报警器"),
            ("灶具是否有熄火保护", "否", "灶具无熄火保护"),
            ("管道是否私改", "是", "私改管道"),
        )
    ]
    inspections.import_targets(
        campaign,
        [
            {
                "编号": f"T{n:05d}",
                "类型": "住户",
                "地址": f"东街{n}号",
                "社区编码": areas[n % 3].code,
            }
            for n in range(args.households)
        ],
    )
    inspections.move_campaign(campaign, "start", by=leader)
    rng = random.Random(331)
    bad = set(rng.sample(range(args.households), args.hazards))
    targets = list(campaign.targets.select_related("campaign__unit", "area").order_by("ref"))
    plain_ms: list[float] = []
    hazard_ms: list[float] = []
    log(f"recording {len(targets)} visits …")
    started = time.perf_counter()
    for n, target in enumerate(targets):
        answers = {i.pk: ("否" if i.hazard_answers == "是" else "是") for i in items}
        if n in bad:
            item = rng.choice(items)
            answers[item.pk] = item.hazard_answers
        t0 = time.perf_counter()
        inspections.record_visit(
            target, client_id=f"bench-{n:06d}", outcome="inspected", answers=answers,
            photos={}, at=timezone.now(), by=leader,
        )  # fmt: skip
        (hazard_ms if n in bad else plain_ms).append((time.perf_counter() - t0) * 1000)
    seconds = time.perf_counter() - started
    log("sending every visit again …")
    for n, target in enumerate(targets):
        inspections.record_visit(
            target, client_id=f"bench-{n:06d}", outcome="inspected", answers={}, photos={},
            at=timezone.now(), by=leader,
        )  # fmt: skip
    visits = Visit.objects.count()
    board_times = []
    for _ in range(5):
        t0 = time.perf_counter()
        board = queries.campaign_board(campaign, today)
        board_times.append((time.perf_counter() - t0) * 1000)
    return {
        "visits": visits,
        "visits_per_second": round(len(targets) / seconds, 1),
        "p99_visit_ms": _p99(plain_ms),
        "hazard_p50_ms": round(statistics.median(hazard_ms), 1) if hazard_ms else 0.0,
        "hazard_p99_ms": _p99(hazard_ms),
        "hazards": board.hazards,
        "tickets": Ticket.objects.filter(category__code="PJ-HAZARD").count(),
        "duplicated": visits - len(targets) if visits > len(targets) else 0,
        "lost": len(targets) - visits if visits < len(targets) else 0,
        "board_ms": round(statistics.median(board_times), 1),
    }


if __name__ == "__main__":
    main()
