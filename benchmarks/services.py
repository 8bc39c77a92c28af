"""一件事一次办 measured: how many working days a bundle takes end to end, against the sum of
its items' legal limits (what a resident going from window to window would wait).

    .venv/bin/python benchmarks/services.py [--applications 20] [--database-url URL] [--seed 7]

Makes (in a throwaway SQLite file, or the database named) the demo's departments and three
bundles (出生一件事, 退休一件事, 开办餐饮店一件事), then for each bundle files `--applications`
applications through `services.write.apply` and lets the departments work them through the
loop on the clock (time-machine travels from one finish to the next): each item, once its
prerequisites are done and its ticket sent, takes a random share of its legal limit in working
days (one in ten runs a working day over), is finished with `write.approve`, and the items
waiting for it start. Elapsed working days are counted on the official calendar from the day
of application to the day of the last item.

Per bundle: `sum_limits` (sequential), `critical_limits` (the longest chain: what parallel
working promises), `mean_workdays` and `p90_workdays` measured, `saved_share` (1 − mean /
sum), `within_critical` (share of applications done within the critical chain), `tickets`
filed and `sms` sent (one per application). Progress goes to stderr; the last stdout line is
one JSON object.
"""

import argparse
import heapq
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class Plan:
    """When each started item of one application will be finished."""

    def __init__(self, app, queue, seen, calendar, rng, tz) -> None:
        self.app, self.queue, self.seen = app, queue, seen
        self.calendar, self.rng, self.tz = calendar, rng, tz

    def schedule(self, now: datetime) -> None:
        from django.utils import timezone

        from minsheng.services.models import Work

        for work in self.app.works.filter(state=Work.State.RUNNING).select_related("item"):
            if work.pk in self.seen:
                continue
            self.seen.add(work.pk)
            limit = work.item.limit_workdays
            late = self.rng.randint(1, 2) if self.rng.random() < 0.1 else 0
            days = self.rng.randint(0, limit) + late
            day, _ = self.calendar.add_workdays(timezone.localtime(now).date(), days)
            when = datetime.combine(day, clock(16, self.rng.randrange(0, 60)), tzinfo=self.tz)
            heapq.heappush(self.queue, (max(when, now), work.pk))


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=20, help="per bundle")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'services.sqlite3'}"
        result = run(url, args)
    print(json.dumps(result, ensure_ascii=False))


def run(url: str, args: argparse.Namespace) -> dict:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("MINSHENG_DEBUG", "1")
    os.environ.setdefault("MINSHENG_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import time_machine
    from django.core.management import call_command
    from django.utils import timezone

    log("migrating …")
    call_command("migrate", verbosity=0)
    from minsheng.accounts.models import User
    from minsheng.notifications.models import Notification
    from minsheng.orgs.models import Membership, Unit
    from minsheng.services import demo, queries, rules, write
    from minsheng.services.models import Work
    from minsheng.sla.deadlines import official_calendar

    fz = Unit.objects.create(code="3501", name="福州市", kind="city")
    Unit.objects.create(code="FZ-12345", name="12345热线中心", kind="centre", parent=fz)
    window = Unit.objects.create(code="350102", name="鼓楼区", kind="district", parent=fz)
    names = {
        "FZ-WJW": "卫健委", "FZ-GAJ": "公安局", "FZ-YBJ": "医保局", "FZ-RSJ": "人社局",
        "FZ-GJJ": "公积金中心", "FZ-MZJ": "民政局", "FZ-SCJ": "市场监管局", "FZ-CGW": "城管委",
    }  # fmt: skip
    handlers = {}
    for code, name in names.items():
        unit = Unit.objects.create(code=code, name=name, kind="department", parent=fz)
        user = User.objects.create_user(username=f"u_{code}", first_name=name)
        Membership.objects.create(user=user, unit=unit, role="handler")
        handlers[code] = user
    bundles = demo.make_bundles(window)
    calendar = official_calendar()
    rng = random.Random(args.seed)
    tz = timezone.get_current_timezone()
    monday = datetime(2026, 11, 2, 9, 30, tzinfo=tz)  # a normal working week in the calendar
    answers = {
        "birth": {"baby": "林小满", "born": "2026-11-01", "sex": "女",
                  "mother_id": "350102199001011238", "father_name": "林建国", "hospital": "妇幼"},
        "retire": {"id": "350102196001011234", "employer": "纺织厂", "bank": "6222020000001234"},
        "restaurant": {"shop": "鱼丸店", "owner_id": "350102198505051239", "address": "东街 88 号",
                       "staff": "4"},
    }  # fmt: skip
    result: dict = {"applications_per_bundle": args.applications, "bundles": {}}
    started = time.monotonic()
    for bundle in bundles:
        figures = queries.bundle_figures(bundle)
        elapsed: list[int] = []
        log(f"{bundle.name}: {args.applications} applications …")
        for n in range(args.applications):
            applied = monday.replace(hour=9 + n % 8)
            with time_machine.travel(applied, tick=False):
                app = write.apply(
                    bundle,
                    name="申请人",
                    phone=f"139{n:08d}",
                    answers=answers[bundle.code],
                )
            # Finishing moments: (when, work pk); each started item gets its own.
            queue: list[tuple[datetime, int]] = []
            seen: set[int] = set()
            plan = Plan(app, queue, seen, calendar, rng, tz)
            plan.schedule(applied)
            last = applied
            while queue:
                when, pk = heapq.heappop(queue)
                work = Work.objects.select_related("item", "item__unit").get(pk=pk)
                with time_machine.travel(when, tick=False):
                    write.approve(work, by=handlers[work.item.unit.code], note="已办")
                    plan.schedule(when)
                last = when
            app.refresh_from_db()
            assert app.state == "done", app.state
            elapsed.append(
                rules.elapsed_workdays(
                    calendar, timezone.localtime(applied).date(), timezone.localtime(last).date()
                )
            )
        ordered = sorted(elapsed)
        mean = statistics.mean(elapsed)
        result["bundles"][bundle.code] = {
            "name": bundle.name,
            "items": len(figures["items"]),
            "sum_limits": figures["sequential"],
            "critical_limits": figures["critical"],
            "mean_workdays": round(mean, 2),
            "p90_workdays": ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))],
            "saved_share": round(1 - mean / figures["sequential"], 3),
            "within_critical": round(
                sum(1 for e in elapsed if e <= figures["critical"]) / len(elapsed), 3
            ),
        }
    result["tickets"] = Work.objects.exclude(ticket=None).count()
    result["sms"] = Notification.objects.filter(kind="services_done").count()
    result["seconds"] = round(time.monotonic() - started, 1)
    return result


if __name__ == "__main__":
    main()
