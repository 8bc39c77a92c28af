from typing import Any

from django.core.management.base import BaseCommand

from minsheng.households import write


class Command(BaseCommand):
    help = "Recompute risk flags from households' accounts (monthly); new risks become clues."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"新发现风险 {write.recompute()} 户")
