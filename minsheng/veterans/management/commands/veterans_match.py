"""`minsheng veterans_match --records R.csv --requests Q.csv --out M.csv`: ranked candidates."""

import csv
import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minsheng.veterans import matching, names, sheets


def _year(value: str, where: str) -> int | None:
    problems: list[str] = []
    found = sheets.year((value or "").strip(), "年份", problems)
    if problems:
        raise CommandError(f"{where}：{problems[0]}")
    return found


def read_records(path: Path) -> list[matching.Record]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        _require(reader.fieldnames, ("id", "name"), path)
        return [
            matching.Record(
                id=row["id"].strip(),
                name=row["name"].strip(),
                aliases=tuple(names.split_names(row.get("aliases") or "")),
                native_place=(row.get("native_place") or "").strip(),
                birth_year=_year(row.get("birth_year", ""), f"{path.name} 第 {n} 行"),
                death_year=_year(row.get("death_year", ""), f"{path.name} 第 {n} 行"),
                unit=(row.get("unit") or "").strip(),
                death_place=(row.get("death_place") or "").strip(),
            )
            for n, row in enumerate(reader, start=2)
        ]


def read_requests(path: Path) -> list[matching.Query]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        _require(reader.fieldnames, ("id", "ancestor_name"), path)
        return [
            matching.Query(
                id=row["id"].strip(),
                names=tuple(names.split_names(row["ancestor_name"])),
                native_place=(row.get("native_place") or "").strip(),
                birth_year=_year(row.get("birth_year", ""), f"{path.name} 第 {n} 行"),
                death_year=_year(row.get("death_year", ""), f"{path.name} 第 {n} 行"),
                unit=(row.get("unit") or "").strip(),
                notes=(row.get("notes") or "").strip(),
            )
            for n, row in enumerate(reader, start=2)
        ]


def _require(found: Any, columns: tuple[str, ...], path: Path) -> None:
    missing = [c for c in columns if c not in (found or ())]
    if missing:
        raise CommandError(f"{path.name} 缺少列：{', '.join(missing)}")


class Command(BaseCommand):
    help = (
        "把家属寻亲登记与烈士记录比对，每条登记输出最多 10 个候选（request, record, score, rank）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--records", required=True, type=Path)
        parser.add_argument("--requests", required=True, type=Path)
        parser.add_argument("--out", required=True, type=Path)
        parser.add_argument("--top", type=int, default=10)

    def handle(self, *args: Any, **options: Any) -> None:
        for key in ("records", "requests"):
            if not Path(options[key]).is_file():
                raise CommandError(f"找不到文件：{options[key]}")
        started = time.perf_counter()
        records = read_records(Path(options["records"]))
        queries = read_requests(Path(options["requests"]))
        matcher = matching.Matcher(records)
        found = matcher.match(queries, top=options["top"])
        with Path(options["out"]).open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(["request", "record", "score", "rank"])
            for query in queries:
                for candidate in found[query.id]:
                    out.writerow([query.id, candidate.record, candidate.score, candidate.rank])
        seconds = time.perf_counter() - started
        summary = {
            "records": len(records),
            "requests": len(queries),
            "seconds": round(seconds, 2),
            "candidate_pairs": matcher.candidate_pairs,
            "scored_pairs": matcher.scored_pairs,
        }
        sys.stderr.write(f"已写出 {options['out']}\n")
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
