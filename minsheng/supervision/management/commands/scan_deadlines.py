import json
from typing import Any

from django.core.management.base import BaseCommand

from minsheng.supervision import scanning


class Command(BaseCommand):
    help = "Run the deadline scan once: notices, 催办, 督办, return visits, unrated closes."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=500, help="tickets read per batch")

    def handle(self, *args: Any, **options: Any) -> None:
        report = scanning.scan(limit=options["limit"])
        summary = {"checked": report.checked, "skipped": report.skipped, "steps": report.steps}
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
