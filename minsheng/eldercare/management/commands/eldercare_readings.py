"""`minsheng eldercare_readings FILE.csv`: meter readings from a CSV (meter, at, value), e.g. a
utility's export; stored once per (meter, time) like MQTT and API readings."""

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.eldercare import readings

BATCH = 500


class Command(BaseCommand):
    help = (
        "Store meter readings from a CSV with the columns meter, at (ISO-8601 with offset), value."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                reader = csv.DictReader(fh)
                missing = {"meter", "at", "value"} - set(reader.fieldnames or [])
                if missing:
                    raise CommandError(f"缺少列：{'、'.join(sorted(missing))}")
                by_meter: dict[str, list[dict[str, Any]]] = defaultdict(list)
                for row in reader:
                    try:
                        value: Any = float(row["value"])
                    except ValueError:
                        value = row["value"]  # refused, with its reason, by the ingest
                    by_meter[row["meter"].strip()].append({"at": row["at"].strip(), "value": value})
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{path}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} 不是UTF-8编码的CSV") from None
        total = readings.IngestReport()
        messages = [(meter, {"readings": rows}) for meter, rows in by_meter.items()]
        for start in range(0, len(messages), BATCH):
            report = readings.ingest(messages[start : start + BATCH], source="csv")
            total.stored += report.stored
            total.duplicates += report.duplicates
            total.unknown += report.unknown
            total.malformed += report.malformed
        self.stdout.write(
            f"新存入 {total.stored} 条，重复 {total.duplicates} 条；"
            f"未登记的表 {total.unknown} 块，格式错误 {total.malformed} 块（见 Problem 记录）。"
        )
