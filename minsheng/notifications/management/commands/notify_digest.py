from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from minsheng.notifications import delivery


class Command(BaseCommand):
    help = "Queue each unit's e-mail digest of a day's notices (default: yesterday); idempotent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError("日期格式应为 YYYY-MM-DD") from error
        else:
            day = timezone.localdate() - timedelta(days=1)
        queued = delivery.enqueue_digests(day)
        self.stdout.write(f"digests for {day}: {queued}")
