from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.open311 import loading


class Command(BaseCommand):
    help = "Load the Open311 extra questions of the demo catalogue (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = loading.load_attributes()
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"已载入 {count} 个 Open311 附加问题。")
