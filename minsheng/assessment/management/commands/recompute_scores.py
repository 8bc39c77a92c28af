import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.accounts.models import User
from minsheng.assessment import scoring


class Command(BaseCommand):
    help = "Recompute a published month with its own policy version; who and why are recorded."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--period", required=True, help="the month, e.g. 2026-10")
        parser.add_argument("--reason", required=True, help="why (recorded with the result)")
        parser.add_argument("--by", default="", help="username of the person deciding")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["by"]:
            user = User.objects.filter(username=options["by"]).first()
            if user is None:
                raise CommandError(f"没有用户名为 {options['by']} 的用户。")
        label = "" if user else f"命令行（{getpass.getuser()}）"
        try:
            record = scoring.recompute(
                options["period"], reason=options["reason"], by=user, by_label=label
            )
        except scoring.AssessmentError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{options['period']} 已重新计算，{len(record.changes)} 个单位得分变化。")
