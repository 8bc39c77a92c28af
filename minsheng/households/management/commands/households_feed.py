from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.households import importing, write
from minsheng.households.catalogue import FEED_SOURCES


class Command(BaseCommand):
    help = "Import one department's push (CSV: id_number, amount, date, note); all rows or none."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--source", required=True, choices=list(FEED_SOURCES))
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = Path(options["file"]).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"无法读取文件：{error}") from error
        try:
            result = importing.import_feed(options["source"], text, by="部门推送导入")
        except importing.FileRefused as refused:
            raise CommandError(f"文件有错误，未导入任何数据：\n{refused}") from refused
        except write.Refused as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(
            f"已导入 {result['rows']} 行，其中 {result['flagged']} 行触发预警，"
            f"新启动认定 {result['cases']} 户"
        )
