"""`minsheng community_import buildings|heads|stations FILE.csv`: a sheet, all or nothing."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minsheng.community import importing


class Command(BaseCommand):
    help = "导入楼栋（buildings）、三长与志愿楼长（heads）或服务驿站（stations）的 CSV 表格。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=("buildings", "heads", "stations"))
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"读不到文件 {path}：{error.strerror}") from error
        try:
            count = importing.load(options["kind"], importing.read(data))
        except importing.SheetError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"导入失败，共 {len(error.problems)} 处问题，未写入任何数据。"
            ) from error
        self.stdout.write(f"已导入 {count} 行。")
