import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.parcels import siting
from minsheng.parcels.chains import PlanError
from minsheng.parcels.instance import InstanceError, Point, parse


class Command(BaseCommand):
    help = "物流布点: choose p stations among the instance's villages (p-median, HiGHS)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("instance", help="INSTANCE.json (format: docs/parcels.md)")
        parser.add_argument("--p", type=int, required=True, help="number of stations")
        parser.add_argument("--capacity", type=int, help="parcels per station per day")
        parser.add_argument("--out", help="SITE.json (default: standard output)")
        parser.add_argument("--time-limit", type=float, default=120.0, help="seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = json.loads(Path(options["instance"]).read_text(encoding="utf-8"))
            inst = parse(data)
            villages = [(Point(v.id, v.lon, v.lat), v.down + v.up) for v in inst.villages.values()]
            result = siting.site(
                villages,
                options["p"],
                detour=inst.costs.detour,
                capacity=options["capacity"],
                time_limit=options["time_limit"],
            )
        except (OSError, json.JSONDecodeError) as error:
            raise CommandError(f"读不了算例文件：{error}") from error
        except (InstanceError, PlanError) as error:
            raise CommandError(str(error)) from error
        text = json.dumps(result, ensure_ascii=False, indent=1)
        if options["out"]:
            Path(options["out"]).write_text(text, encoding="utf-8")
            self.stdout.write(
                f"{result['p']} 个驿站，件·公里 {result['objective']}"
                f"（{'已证明最优' if result['proven_optimal'] else '未证明最优'}，"
                f"{result['seconds']:.2f} 秒）→ {options['out']}"
            )
        else:
            self.stdout.write(text)
