from typing import Any

from django.core.management.base import BaseCommand

from minsheng.notifications import delivery


class Command(BaseCommand):
    help = "Send queued SMS and e-mail notifications once (the worker does this continuously)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        report = delivery.send_due(limit=options["limit"])
        self.stdout.write(
            f"sent {report.sent}, retried {report.retried}, failed {report.failed}, "
            f"expired {report.expired}"
        )
