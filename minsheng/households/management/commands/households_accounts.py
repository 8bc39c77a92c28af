from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.households import importing


class Command(BaseCommand):
    help = "Import monthly household accounts (docs/households.md); all rows or none."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = Path(options["file"]).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"无法读取文件：{error}") from error
        try:
            done = importing.import_accounts(text, by="命令行导入")
        except importing.FileRefused as refused:
            raise CommandError(f"文件有错误，未导入任何数据：\n{refused}") from refused
        self.stdout.write(f"已导入 {done['households']} 户 {done['months']} 个月的收支")
