"""`minsheng eldercare_import FILE.csv`: enrol the households of a sheet, all or none."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.eldercare import enrolment


class Command(BaseCommand):
    help = (
        "Enrol elders' households from a CSV sheet (household, name, phone, address, unit, meter, "
        "meter_kind, report_minutes, contacts): every row or none."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="UTF-8 CSV, one row per meter")
        parser.add_argument(
            "--consent-how", default="书面同意书", help="how the elders agreed (recorded on each)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{path}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} 不是UTF-8编码的CSV") from None
        try:
            done = enrolment.import_sheet(text, consent_how=options["consent_how"])
        except enrolment.SheetError as error:
            raise CommandError(
                f"未导入任何一户，请修改后重试（共{len(error.errors)}处错误）：\n"
                + "\n".join(error.errors)
            ) from None
        meters = sum(h.meters.count() for h in done)
        self.stdout.write(f"已导入 {len(done)} 户、{meters} 块表。")
