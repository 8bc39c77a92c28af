from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.assessment import scoring


class Command(BaseCommand):
    help = "Compute a month's scores from the timeline (a draft), and publish them with --publish."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--period", required=True, help="the month, e.g. 2026-10")
        parser.add_argument("--publish", action="store_true", help="freeze the result")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            sp = scoring.compute(options["period"], publish=options["publish"])
        except scoring.AssessmentError as error:
            raise CommandError(str(error)) from error
        state = "已发布" if sp.is_published else "试算"
        n = sp.snapshots.count()
        self.stdout.write(f"{sp.period}：{n} 个单位，考核规则 v{sp.policy.version}，{state}。")
