from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from minsheng.api import idempotency


class Command(BaseCommand):
    help = "Forget idempotency records older than --days (default 7); run daily."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 1:
            raise CommandError("--days must be at least 1")
        deleted = idempotency.prune(before=timezone.now() - timedelta(days=options["days"]))
        self.stdout.write(f"已删除 {deleted} 条幂等记录。")
