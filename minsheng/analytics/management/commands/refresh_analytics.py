"""`minsheng refresh_analytics`: rebuild the dashboard aggregates and the hotspots."""

from typing import Any

from django.core.management.base import BaseCommand

from minsheng.analytics.refresh import refresh_all


class Command(BaseCommand):
    help = "Rebuild the analytics aggregates and hotspots from the tickets."

    def handle(self, *args: Any, **options: Any) -> None:
        report = refresh_all()
        if options["verbosity"]:
            self.stdout.write(
                f"每日 {report.volume_rows} 行，分时 {report.hourly_rows} 行，"
                f"满意度 {report.satisfaction_rows} 行，在办 {report.open_rows} 行，"
                f"热点 {report.hotspots} 个。"
            )
