"""Reading an uploaded sheet and checking each row, without a database.

`read_table` turns CSV (UTF-8, UTF-8 with BOM, GB18030) or XLSX bytes into rows, refusing files
that are too big, too long or not what their name says. `check_row` turns one mapped row into a
clean request or a list of errors, each with its row number, column and reason in Chinese.
"""

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from minsheng.citizens.masking import normalise_phone
from minsheng.intake.mapping import (
    FIELDS,
    PLACEHOLDER_PHONES,
    SOURCES,
    TEMPLATE_HEADERS,
    Spec,
)
from minsheng.taxonomy.models import RequestType
from minsheng.tickets.actions import MAX_TEXT

MAX_BYTES = 5 * 1024 * 1024
# Each row becomes a ticket inside one web request (about 40 ms each with numbering, timeline,
# notices and routing), so a file must finish well inside the server's 60-second timeout.
MAX_ROWS = 1000
MAX_UNZIPPED = 60 * 1024 * 1024  # an XLSX is a zip: refuse one that inflates beyond this
# Written in Chinese on the sheet, whatever the interface language; the codes are accepted too.
REQUEST_TYPES = {
    "咨询": RequestType.CONSULT,
    "求助": RequestType.HELP,
    "投诉": RequestType.COMPLAINT,
    "举报": RequestType.REPORT,
    "建议": RequestType.SUGGESTION,
    "表扬": RequestType.PRAISE,
} | {rt.value: rt.value for rt in RequestType}
# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class FileProblem(Exception):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number as the spreadsheet shows it, cells)


@dataclass(frozen=True)
class RowError:
    row: int  # 0: the file as a whole
    column: str
    reason: str
    value: str = ""


@dataclass(frozen=True)
class CleanRow:
    """One row ready to become a ticket."""

    row: int
    source: str
    channel: str
    received_at: datetime
    phone: str
    name: str
    placeholder: bool  # no phone on the row: filed under the source's placeholder resident
    request_type: str
    category: Any
    title: str
    description: str
    address: str
    place: Any
    unit: Any
    external_id: str


@dataclass(frozen=True)
class Lookups:
    """Reference data by code and by name; a name shared by two entries maps to None."""

    categories: Mapping[str, Any]
    places: Mapping[str, Any]
    units: Mapping[str, Any]


# --- reading ---------------------------------------------------------------------------------


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_table(data: bytes, filename: str, *, max_rows: int = MAX_ROWS) -> Table:
    """The header row and data rows of a CSV or XLSX file; FileProblem if it cannot be read."""
    name = (filename or "").lower()
    if len(data) > MAX_BYTES:
        raise FileProblem(f"文件过大：上限 {MAX_BYTES // 1024 // 1024} MB，请拆分后分批导入。")
    if not data.strip():
        raise FileProblem("文件是空的。")
    if name.endswith(".xlsx"):
        table = _read_xlsx(data, max_rows)
    elif name.endswith(".csv"):
        table = _read_csv(data, max_rows)
    elif name.endswith(".xls"):
        raise FileProblem("不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV。")
    else:
        raise FileProblem("只接受 CSV（.csv）或 Excel（.xlsx）文件。")
    if not any(table.headers):
        raise FileProblem("第 1 行应是列名（表头），但它是空的。")
    if not table.rows:
        raise FileProblem("文件中没有数据行。")
    return table


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise FileProblem("文件内容不是文本表格（CSV）：可能是改了扩展名的其他文件。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem("无法识别文件编码，请另存为 UTF-8 或 GB18030（Excel 的“CSV”）编码。")


def _read_csv(data: bytes, max_rows: int) -> Table:
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max([",", "\t", ";"], key=first.count)
    rows: list[tuple[int, dict[str, str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 1
    try:
        headers = [str(h).strip() for h in next(reader, [])]
        for number, cells in enumerate(reader, start=2):
            _add_row(rows, number, headers, cells, max_rows)
    except csv.Error as error:
        raise FileProblem(f"CSV 格式有误（第 {number + 1} 行附近）：{error}") from error
    return Table(headers, rows)


def _read_xlsx(data: bytes, max_rows: int) -> Table:
    import openpyxl

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        inflated = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise FileProblem(
            "文件内容不是 Excel（.xlsx）表格：可能是改了扩展名的其他文件。"
        ) from error
    if "xl/workbook.xml" not in names:
        raise FileProblem("文件内容不是 Excel（.xlsx）表格：可能是改了扩展名的其他文件。")
    if inflated > MAX_UNZIPPED:
        raise FileProblem("表格解压后过大，请拆分后分批导入。")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = book.worksheets[0]
        rows: list[tuple[int, dict[str, str]]] = []
        lines = sheet.iter_rows(values_only=True)
        headers = [_cell_text(h).strip() for h in next(lines, ())]
        for number, cells in enumerate(lines, start=2):
            _add_row(rows, number, headers, [_cell_text(c) for c in cells], max_rows)
        book.close()
    except FileProblem:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise FileProblem(f"无法读取该 Excel 文件：{type(error).__name__}。") from error
    return Table(headers, rows)


def _add_row(
    rows: list[tuple[int, dict[str, str]]],
    number: int,
    headers: list[str],
    cells: list[Any],
    max_rows: int,
) -> None:
    if not any(str(c).strip() for c in cells):
        return  # blank lines between slips are common and mean nothing
    if len(rows) >= max_rows:
        raise FileProblem(f"数据行过多：上限 {max_rows} 行，请拆分后分批导入。")
    record = {h: str(cells[i]) if i < len(cells) else "" for i, h in enumerate(headers) if h}
    rows.append((number, record))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S" if value.time() != time(0) else "%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone typed into Excel comes back as 13812345678.0
    return str(value)


# --- checking ----------------------------------------------------------------------------------


def parse_date(raw: str, formats: list[str], tz: tzinfo) -> datetime | None:
    """The first format that reads `raw`, in `tz` when it carries no zone; None if none does."""
    text = re.sub(r"\s+", " ", raw.strip())
    for fmt in formats:
        try:
            parsed = datetime.strptime(text, fmt)  # noqa: DTZ007 - the zone is added below
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)
    return None


def check_row(
    number: int,
    values: dict[str, str],
    spec: Spec,
    lookups: Lookups,
    *,
    now: datetime,
    tz: tzinfo,
) -> tuple[CleanRow | None, list[RowError]]:
    """The clean row, or the reasons it cannot be imported (every problem, not just the first)."""
    errors: list[RowError] = []

    def fail(field: str, reason: str) -> None:
        errors.append(RowError(number, spec.column_label(field), reason, values.get(field, "")))

    def text(field: str, limit: int, *, required: bool = False) -> str:
        value = values.get(field, "").strip()
        if required and not value:
            fail(field, f"{FIELDS[field]}不能为空。")
        elif len(value) > limit:
            fail(field, f"{FIELDS[field]}不能超过 {limit} 字（现有 {len(value)} 字）。")
        return value

    source = values.get("source", "").strip()
    channel = spec.channel
    if spec.is_template:
        if source not in SOURCES:
            fail("source", "来源应为 说事箱、说事站 或 网格员。")
        channel = SOURCES.get(source, channel)
    source = source or spec.name

    received_at = None
    if not values.get("date", "").strip():
        fail("date", "日期不能为空。")
    else:
        received_at = parse_date(values["date"], spec.date_formats, tz)
        if received_at is None:
            fail("date", "日期格式不正确，应如 2025-03-01 或 2025-03-01 14:30。")
        elif received_at > now + timedelta(minutes=5):
            fail("date", "日期不能晚于现在。")

    name = text("name", 50)
    phone = ""
    if values.get("phone", "").strip():
        phone = normalise_phone(values["phone"])
        if not phone:
            fail("phone", "电话号码不正确。")
    placeholder = not phone and not errors_for(errors, spec, "phone")
    if placeholder:
        phone = PLACEHOLDER_PHONES.get(source, spec.placeholder_phone)

    raw_type = values.get("request_type", "").strip()
    request_type = REQUEST_TYPES.get(raw_type, "")
    if not raw_type:
        fail("request_type", "诉求类型不能为空。")
    elif not request_type:
        fail("request_type", "诉求类型应为 咨询、求助、投诉、举报、建议 或 表扬。")

    category = _lookup(fail, "category", values, lookups.categories, "派单目录中的小类")
    if category is None and not errors_for(errors, spec, "category"):
        fail("category", "分类不能为空。")
    if category is not None and request_type and not category.allows(request_type):
        fail(
            "request_type",
            f"“{category.name}”不受理{RequestType(request_type).label}类诉求。",
        )

    place = _lookup(fail, "street", values, lookups.places, "本市的街道、乡镇或区")
    unit = _lookup(fail, "unit", values, lookups.units, "本地单位编码")
    title = text("title", 100)
    description = text("description", MAX_TEXT, required=True)
    address = text("address", 200)
    external_id = text("external_id", 100)
    if errors or received_at is None or category is None:
        return None, errors
    clean = CleanRow(
        row=number,
        source=source,
        channel=channel,
        received_at=received_at,
        phone=phone,
        name=name,
        placeholder=placeholder,
        request_type=request_type,
        category=category,
        title=title,
        description=description,
        address=address,
        place=place,
        unit=unit,
        external_id=external_id,
    )
    room = MAX_TEXT - len(tail_of(clean))
    if len(description) > room:
        fail(
            "description",
            f"内容过长：加上导入说明后不能超过 {MAX_TEXT} 字，请删减到 {room} 字以内。",
        )
        return None, errors
    return clean, errors


def errors_for(errors: list[RowError], spec: Spec, field: str) -> bool:
    return any(e.column == spec.column_label(field) for e in errors)


def _lookup(
    fail: Any, field: str, values: dict[str, str], table: Mapping[str, Any], what: str
) -> Any:
    raw = values.get(field, "").strip()
    if not raw:
        return None
    for key in (raw, raw.upper()):
        if key in table:
            if table[key] is None:
                fail(field, f"名称“{raw}”对应多个条目，请改填编码。")
            return table[key]
    fail(field, f"“{raw}”不是{what}。")
    return None


def tail_of(row: CleanRow) -> str:
    """What the import adds below the request text, so the original context stays on the ticket."""
    parts = [f"来源：{row.source}", f"原始日期：{row.received_at:%Y-%m-%d %H:%M}"]
    if row.placeholder and row.name:
        parts.append(f"留名：{row.name}")
    if row.unit is not None:
        parts.append(f"建议承办：{row.unit.name}（{row.unit.code}）")
    if row.external_id:
        parts.append(f"原系统编号：{row.external_id}")
    return "\n\n【批量导入】" + "；".join(parts)


def natural_key(spec: Spec, row: CleanRow) -> str:
    """The same request in any later file has the same key: its source id, else its content."""
    if row.external_id:
        parts = [spec.name, row.external_id]
    else:
        parts = [
            row.source,
            row.received_at.isoformat(),
            "" if row.placeholder else row.phone,
            row.name,
            row.category.code,
            row.title,
            re.sub(r"\s+", " ", row.description),
            row.address,
        ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


# --- writing -----------------------------------------------------------------------------------


def neutralise(value: Any) -> str:
    """A cell that a spreadsheet would run as a formula, made plain text with a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def report_csv(errors: list[RowError]) -> bytes:
    """The error report as CSV for Excel (UTF-8 with BOM), every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["行号", "列", "原因", "原值"])
    for e in errors:
        writer.writerow(
            [e.row or "", neutralise(e.column), neutralise(e.reason), neutralise(e.value)]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_csv() -> bytes:
    """The empty template with its header row, UTF-8 with BOM so Excel shows the Chinese."""
    out = io.StringIO()
    csv.writer(out).writerow(TEMPLATE_HEADERS)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


TEMPLATE_NOTES = [
    ("来源", "必填。说事箱、说事站 或 网格员。"),
    ("日期", "必填。收到诉求的日期，如 2025-03-01 或 2025-03-01 14:30。"),
    ("姓名", "选填。"),
    ("电话", "选填。没有电话的，工单记在该来源的“未留电话”群众名下，姓名写入内容。"),
    ("诉求类型", "必填。咨询、求助、投诉、举报、建议 或 表扬。"),
    ("分类", "必填。派单目录小类的编码（如 CG04）或名称（如 噪音扰民）。"),
    ("标题", "选填，100 字以内；留空取内容前 30 字。"),
    ("内容", "必填。"),
    ("地址", "选填，200 字以内。"),
    ("街道", "选填。街道、乡镇或区的名称或编码。"),
]


def template_xlsx() -> bytes:
    """The template as an Excel workbook: the header row, and a sheet explaining each column."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "诉求"
    sheet.append(TEMPLATE_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHIJ", [26, 18, 10, 16, 10, 20, 30, 50, 30, 14], strict=True):
        sheet.column_dimensions[letter].width = width
    notes = book.create_sheet("填写说明")
    notes.append(["列", "说明"])
    for row in TEMPLATE_NOTES:
        notes.append(list(row))
    notes.column_dimensions["B"].width = 80
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
