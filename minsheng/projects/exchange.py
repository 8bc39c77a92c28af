"""The XLSX sheet of a project list, in the columns departments already exchange
(rules.SHEET_HEADERS): read into a list through `records`, and written from one."""

from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from openpyxl import Workbook, load_workbook

from minsheng.orgs.models import Unit
from minsheng.projects import records, rules
from minsheng.projects.models import ProjectList
from minsheng.projects.rules import RuleError
from minsheng.tickets.transitions import Actor

IMPORTER = Actor(label="清单导入", kind="system")


def rows(source: Path | IO[bytes]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line, header -> value) for every non-empty row of the first sheet."""
    book = load_workbook(source, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(lines, ())]
    missing = [h for h in rules.REQUIRED_HEADERS if h not in header]
    if missing:
        raise RuleError(f"表头缺少：{'、'.join(missing)}。")
    for line, values in enumerate(lines, start=2):
        if any(v not in (None, "") for v in values):
            yield line, dict(zip(header, values, strict=False))


def _unit(name: str, line: int) -> Unit:
    found = list(Unit.objects.filter(name=name, is_active=True)[:2])
    if len(found) != 1:
        problem = "找不到" if not found else "有重名"
        raise RuleError(f"第 {line} 行：单位“{name}”{problem}。")
    return found[0]


@transaction.atomic
def import_sheet(plist: ProjectList, source: Path | IO[bytes]) -> int:
    """Add every row as a project of `plist`; any wrong row: nothing is written."""
    parsed = []
    for line, row in rows(source):
        try:
            parsed.append((line, rules.sheet_row(row)))
        except RuleError as error:
            raise RuleError(f"第 {line} 行：{error}") from error
    for line, item in parsed:
        project = records.add_project(
            plist,
            title=item.title,
            summary=item.summary,
            owner=_unit(item.owner, line),
            co_units=[_unit(name, line) for name in item.co_units],
            due=item.due,
            number=item.number,
            by=IMPORTER,
        )
        if item.amount is not None:
            records.add_funding(
                project, source=item.source or "财政资金", amount=item.amount, by=IMPORTER
            )
        if item.kpi and item.target is not None:
            records.set_kpi(
                project, name=item.kpi, target=item.target, measure=item.measure, by=IMPORTER
            )
    return len(parsed)


def write_sheet(plist: ProjectList, target: Path | IO[bytes]) -> None:
    """The list in the same columns (one row per project; its first funding line and KPI)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = str(plist.year)
    sheet.append(list(rules.SHEET_HEADERS))
    for project in plist.projects.select_related("owner").prefetch_related(
        "co_units", "fundings", "kpis"
    ):
        funding = next(iter(project.fundings.all()), None)
        kpi = next(iter(project.kpis.all()), None)
        sheet.append(
            [
                project.number,
                project.title,
                project.summary,
                project.owner.name,
                "、".join(u.name for u in project.co_units.all()),
                funding.source if funding else "",
                float(funding.amount / 10000) if funding else None,
                kpi.name if kpi else "",
                float(kpi.target) if kpi else None,
                kpi.measure if kpi else "",
                project.due.isoformat() if project.due else "",
            ]
        )
    book.save(target)
