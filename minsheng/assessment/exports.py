"""The ranking table as CSV or XLSX. Text cells that a spreadsheet would run as a formula
(=, +, -, @, tab, CR at the start) are prefixed with an apostrophe."""

import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook

Cell = str | int | float | None
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else safe(v) for v in row])
    return out.getvalue().encode("utf-8-sig")  # with a BOM, so Excel reads it as UTF-8


def to_xlsx(title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([safe(h) for h in header])
    for row in rows:
        sheet.append([safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
