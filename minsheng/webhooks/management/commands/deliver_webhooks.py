from typing import Any

from django.core.management.base import BaseCommand

from minsheng.webhooks import deliveries


class Command(BaseCommand):
    help = "Queue deliveries for new ticket events and POST those that are due."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", action="store_true", help="keep running (like the worker)")
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["loop"]:
            deliveries.run_forever(interval=options["interval"])
            return
        queued = deliveries.enqueue_new_events()
        counts = deliveries.deliver_due()
        self.stdout.write(
            f"新排队 {queued} 条；送达 {counts['delivered']}，"
            f"待重试 {counts['retrying']}，放弃 {counts['failed']}。"
        )
