import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.parcels import baselines, chains, checker
from minsheng.parcels.instance import InstanceError, parse, without_trips


class Command(BaseCommand):
    help = "Plan the day's chain for every parcel flow (HiGHS, proven optimal); writes PLAN.json."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("instance", help="INSTANCE.json (format: docs/parcels.md)")
        parser.add_argument("--out", help="PLAN.json (default: standard output)")
        parser.add_argument("--gap", type=float, default=chains.GAP, help="relative MIP gap")
        parser.add_argument("--time-limit", type=float, default=60.0, help="seconds")
        parser.add_argument("--cancel", default="", help="trip ids cancelled, comma-separated")
        parser.add_argument(
            "--baselines", action="store_true", help="also price van-only and greedy bus-first"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = json.loads(Path(options["instance"]).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise CommandError(f"读不了算例文件：{error}") from error
        cancel = {t.strip() for t in options["cancel"].split(",") if t.strip()}
        if cancel:
            data = without_trips(data, cancel)
        try:
            inst = parse(data)
            plan = chains.plan(inst, gap=options["gap"], time_limit=options["time_limit"])
        except (InstanceError, chains.PlanError) as error:
            raise CommandError(str(error)) from error
        errors, _cost = checker.check(inst, plan)
        plan["checked"] = not errors
        if errors:
            raise CommandError("方案未通过独立校验：" + "；".join(errors[:5]))
        if options["baselines"]:
            plan["baselines"] = {}
            for rule in (baselines.van_only, baselines.greedy_bus_first):
                try:
                    plan["baselines"][rule.__name__] = rule(inst)["objective"]
                except chains.PlanError as error:
                    plan["baselines"][rule.__name__] = str(error)
        text = json.dumps(plan, ensure_ascii=False, indent=1)
        if options["out"]:
            Path(options["out"]).write_text(text, encoding="utf-8")
            s = plan["summary"]
            proven = "已证明最优" if plan["proven_optimal"] else "未证明最优"
            self.stdout.write(
                f"今日成本 ¥{plan['objective']:.2f}（{proven}，"
                f"gap {plan['gap']:.2e}，{plan['seconds']:.2f} 秒）：公交 {s['bus']} 件，"
                f"邮车 {s['van']} 件（{s['vans']} 辆），延后 {s['deferred']} 件 → {options['out']}"
            )
        else:
            self.stdout.write(text)
