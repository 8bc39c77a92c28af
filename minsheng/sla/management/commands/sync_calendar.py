from typing import Any

from django.core.management.base import BaseCommand

from minsheng.sla import deadlines


class Command(BaseCommand):
    help = "Seed holidays and make-up working days from the chinese-calendar package."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("years", nargs="*", type=int, help="years to seed (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        written = deadlines.sync_calendar(options["years"] or None)
        for year, count in written.items():
            self.stdout.write(f"{year}: {count} 天")
        last = deadlines.last_known_day()
        self.stdout.write(f"日历已发布至 {last}。" if last else "日历为空。")
