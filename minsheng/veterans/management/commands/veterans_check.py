"""`minsheng veterans_check`: check the beneficiaries against the registers now."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.tickets.transitions import WorkflowError
from minsheng.veterans import casework


class Command(BaseCommand):
    help = "优抚对象数据核查：与死亡、户籍、账户登记和烈士记录比对，新问题派发工单。"

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = casework.run_checks()
        except WorkflowError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"新发现 {count} 个问题。")
