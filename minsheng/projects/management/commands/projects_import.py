"""minsheng projects_import FILE.xlsx --unit CODE --year YEAR [--title T]: a year's project list
from the sheet departments exchange (columns in docs/projects.md)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from minsheng.accounts.models import User
from minsheng.orgs.models import Unit
from minsheng.projects import exchange, records
from minsheng.projects.models import ProjectList
from minsheng.projects.rules import RuleError


class Command(BaseCommand):
    help = "从 XLSX 导入某辖区某年度的民生实事清单（表头见 docs/projects.md）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--unit", required=True, help="辖区单位编码，如 350102")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--title", default="", help="清单名称（新建时）")
        parser.add_argument("--by", default="", help="记为谁建的清单（用户名；默认第一个管理员）")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["file"].is_file():
            raise CommandError(f"找不到文件 {options['file']}")
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"没有编码为 {options['unit']} 的单位")
        by = (
            User.objects.filter(username=options["by"]).first()
            if options["by"]
            else User.objects.filter(is_superuser=True).order_by("pk").first()
        )
        if by is None:
            raise CommandError("没有可记名的用户：请用 --by 指定")
        year = options["year"]
        try:
            with transaction.atomic():
                plist = ProjectList.objects.filter(unit=unit, year=year).first()
                if plist is None:
                    title = options["title"] or f"{unit.name}{year}年民生实事项目清单"
                    plist = records.open_list(unit=unit, year=year, title=title, by=by)
                count = exchange.import_sheet(plist, options["file"])
        except RuleError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"已导入 {count} 个项目到《{plist.title}》（编号 {plist.pk}）。")
