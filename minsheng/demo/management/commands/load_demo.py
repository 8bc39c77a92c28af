import time
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from minsheng.demo import accounts, builder
from minsheng.lib.extensions import programmes, resolve
from minsheng.tickets.models import Status


class Command(BaseCommand):
    help = (
        "Load the demo city (福州), its catalogue, demo accounts and 60 days of ticket history. "
        "Idempotent: running it again creates nothing new."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--no-history", action="store_true", help="load units, catalogue and accounts only"
        )
        parser.add_argument(
            "--no-programmes",
            action="store_true",
            help="the demo city only, without the programmes' parts (benchmarks, quick tests)",
        )
        parser.add_argument(
            "--now", help="end the history at this time instead of now, e.g. 2026-03-02T10:00+08:00"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = None
        if options["now"]:
            try:
                now = datetime.fromisoformat(options["now"])
            except ValueError as error:
                raise CommandError(f"--now: {error}") from error
            if now.tzinfo is None:
                raise CommandError("--now needs a time zone, e.g. +08:00")
        started = time.monotonic()
        summary = builder.build(
            history=not options["no_history"],
            now=now,
            log=lambda line: self.stderr.write(line),
        )
        for programme in programmes():  # each programme's demo, after the city exists
            if programme.demo and not options["no_programmes"]:
                resolve(programme.demo)(
                    now=now or timezone.now(),
                    log=lambda line: self.stderr.write(line),
                    password=accounts.DEMO_PASSWORD,
                )
        seconds = time.monotonic() - started
        done = "已生成历史工单" if summary["history"] else "历史工单已存在或未要求，未重复生成"
        self.stdout.write(f"演示数据已就绪（{seconds:.1f} 秒）：{done}。")
        counts = summary["statuses"]
        self.stdout.write(
            "工单状态："
            + "，".join(f"{Status(s).label} {n}" for s, n in counts.items())
            + f"，合计 {sum(counts.values())}"
        )
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {accounts.DEMO_PASSWORD}）：")
        self.stdout.write(accounts.table())
