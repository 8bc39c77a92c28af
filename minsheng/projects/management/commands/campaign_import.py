"""minsheng campaign_import FILE.csv --campaign ID: a campaign's targets (编号,类型,地址,社区编码,
经度,纬度; UTF-8 with a header row)."""

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minsheng.projects import inspections
from minsheng.projects.models import Campaign


class Command(BaseCommand):
    help = "从 CSV 导入排查整治行动的排查对象（列：编号,类型,地址,社区编码,经度,纬度）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--campaign", type=int, required=True, help="行动编号")

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = Campaign.objects.filter(pk=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"没有编号为 {options['campaign']} 的行动")
        try:
            with options["file"].open(encoding="utf-8-sig", newline="") as fh:
                result = inspections.import_targets(campaign, csv.DictReader(fh))
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"无法读取 {options['file']}：{error}") from error
        if result.errors:
            raise CommandError("未导入，请改正：\n" + "\n".join(result.errors[:50]))
        self.stdout.write(f"新增 {result.created} 个、更新 {result.updated} 个排查对象。")
