"""Reading the sheets offices exchange (CSV in UTF-8, or XLSX) into checked rows.

Pure. Headers may be the English column names of the command-line formats or their Chinese
labels. Every row is checked; each problem is reported as "第 N 行：…" (N counts the header as
row 1, as a spreadsheet shows it), and a caller writes nothing unless there are none.
"""

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import openpyxl

RECORD_COLUMNS = {
    "id": "编号",
    "name": "姓名",
    "aliases": "别名",
    "native_place": "籍贯",
    "birth_year": "出生年份",
    "death_year": "牺牲年份",
    "unit": "部队",
    "death_place": "牺牲地点",
    "burial_place": "安葬地",
    "source": "来源",
    "reliability": "可靠程度",
    "notes": "备注",
}
REQUEST_COLUMNS = {
    "id": "编号",
    "ancestor_name": "烈士姓名",
    "native_place": "籍贯",
    "birth_year": "出生年份",
    "death_year": "牺牲年份",
    "unit": "部队",
    "notes": "备注",
}
BENEFICIARY_COLUMNS = {
    "name": "姓名",
    "id_number": "身份证号",
    "kind": "类别",
    "county_code": "县区代码",
    "allowance": "月补助金额",
    "account": "发放账户",
    "martyr_id": "烈士记录编号",
    "martyr_name": "烈士姓名",
}
REGISTER_COLUMNS = {
    "kind": "类型",
    "id_number": "身份证号",
    "account": "账户",
    "date": "日期",
    "to_county": "迁入县区代码",
    "to_name": "迁入地",
    "amount": "金额",
}
_ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
MAX_ROWS = 200_000


class SheetError(ValueError):
    """The file cannot be read at all (format, encoding, missing columns)."""


@dataclass
class Parsed:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def read_table(name: str, content: bytes) -> Iterator[dict[str, str]]:
    """Rows of a CSV (UTF-8, with or without BOM) or XLSX file as header → text."""
    if name.lower().endswith(".xlsx"):
        try:
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:
            raise SheetError("无法读取该 Excel 文件，请确认是 .xlsx 格式。") from exc
        lines = book.active.iter_rows(values_only=True) if book.active else iter(())
        header = [str(h or "").strip() for h in next(lines, ())]
        for values in lines:
            yield {h: _text(v) for h, v in zip(header, values, strict=False)}
        return
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SheetError("文件不是 UTF-8 编码，请另存为“CSV UTF-8”后再导入。") from exc
    yield from csv.DictReader(io.StringIO(text))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def parse(
    name: str,
    content: bytes,
    columns: dict[str, str],
    required: tuple[str, ...],
    check: Callable[[dict[str, str]], tuple[dict[str, Any], list[str]]],
) -> Parsed:
    """Rows under English or Chinese headers, each checked by `check`."""
    result = Parsed()
    aliases = {label: key for key, label in columns.items()} | {k: k for k in columns}
    for number, raw in enumerate(read_table(name, content), start=2):
        if number == 2:
            present = {aliases.get((h or "").strip()) for h in raw}
            missing = [f"{k}（{columns[k]}）" for k in required if k not in present]
            if missing:
                raise SheetError(f"缺少列：{'、'.join(missing)}")
        if number > MAX_ROWS + 1:
            raise SheetError(f"一次最多导入 {MAX_ROWS} 行，请分批导入。")
        row = {
            aliases[h.strip()]: (v or "").strip()
            for h, v in raw.items()
            if h and h.strip() in aliases
        }
        if not any(row.values()):
            continue
        values, problems = check(row)
        result.errors += [f"第 {number} 行：{p}" for p in problems]
        values["line"] = number
        result.rows.append(values)
    if not result.rows and not result.errors:
        result.errors.append("文件中没有数据行。")
    return result


def year(value: str, label: str, problems: list[str]) -> int | None:
    if not value:
        return None
    if not re.fullmatch(r"\d{4}", value) or not 1800 <= int(value) <= 2100:
        problems.append(f"{label}“{value}”不是四位年份")
        return None
    return int(value)


def check_record(row: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    problems: list[str] = []
    if not row.get("name"):
        problems.append("姓名不能为空")
    elif len(row["name"]) > 40:
        problems.append("姓名过长（最多 40 字）")
    birth = year(row.get("birth_year", ""), "出生年份", problems)
    death = year(row.get("death_year", ""), "牺牲年份", problems)
    if birth and death and birth > death:
        problems.append(f"出生年份 {birth} 晚于牺牲年份 {death}")
    reliability = row.get("reliability", "") or "roll"
    labels = {
        "档案核实": "archive",
        "烈士名录": "roll",
        "地方志": "chronicle",
        "口述": "oral",
        "其他": "other",
    }
    reliability = labels.get(reliability, reliability)
    if reliability not in labels.values():
        problems.append(f"可靠程度“{row['reliability']}”应为：{'、'.join(labels)}")
    for key, limit in (
        ("aliases", 200),
        ("native_place", 120),
        ("unit", 120),
        ("death_place", 120),
    ):
        if len(row.get(key, "")) > limit:
            problems.append(f"{RECORD_COLUMNS[key]}过长（最多 {limit} 字）")
    values: dict[str, Any] = {
        k: row.get(k, "") for k in RECORD_COLUMNS if k not in ("birth_year", "death_year")
    }
    values.update(birth_year=birth, death_year=death, reliability=reliability)
    return values, problems


def check_request(row: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    problems: list[str] = []
    if not row.get("ancestor_name"):
        problems.append("烈士姓名不能为空")
    values: dict[str, Any] = {k: row.get(k, "") for k in REQUEST_COLUMNS}
    values["birth_year"] = year(row.get("birth_year", ""), "出生年份", problems)
    values["death_year"] = year(row.get("death_year", ""), "牺牲年份", problems)
    return values, problems


KINDS = {
    "烈士遗属": "martyr_family",
    "伤残军人": "disabled",
    "在乡老复员军人": "demobilised",
    "其他优抚对象": "other",
}


def check_beneficiary(row: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    problems: list[str] = []
    number = row.get("id_number", "").upper()
    if not _ID_NUMBER.match(number):
        problems.append("身份证号应为 18 位")
    kind = KINDS.get(row.get("kind", ""), row.get("kind", ""))
    if kind not in KINDS.values():
        problems.append(f"类别应为：{'、'.join(KINDS)}")
    county = row.get("county_code", "")
    if not re.fullmatch(r"\d{6}", county):
        problems.append(f"县区代码“{county}”应为 6 位数字")
    try:
        allowance = Decimal(row.get("allowance", "") or "0")
        if allowance < 0:
            raise InvalidOperation
    except InvalidOperation:
        problems.append(f"月补助金额“{row.get('allowance')}”不是金额")
        allowance = Decimal(0)
    martyr = row.get("martyr_id", "")
    if martyr and not martyr.isdigit():
        problems.append(f"烈士记录编号“{martyr}”应为数字")
    if not row.get("name"):
        problems.append("姓名不能为空")
    return {
        "name": row.get("name", ""),
        "id_number": number,
        "kind": kind,
        "county_code": county,
        "allowance": allowance,
        "account": row.get("account", ""),
        "martyr_id": int(martyr) if martyr.isdigit() else None,
        "martyr_name": row.get("martyr_name", ""),
    }, problems


REGISTER_KINDS = {
    "死亡登记": "death",
    "户籍迁移": "move",
    "销户账户": "closed",
    "发放记录": "payment",
}


def check_register(row: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    problems: list[str] = []
    kind = REGISTER_KINDS.get(row.get("kind", ""), row.get("kind", ""))
    if kind not in REGISTER_KINDS.values():
        problems.append(f"类型应为：{'、'.join(REGISTER_KINDS)}")
    try:
        on = date.fromisoformat(row.get("date", ""))
    except ValueError:
        problems.append(f"日期“{row.get('date', '')}”应写作 2026-01-31")
        on = date(1970, 1, 1)
    if kind in ("death", "move") and not _ID_NUMBER.match(row.get("id_number", "").upper()):
        problems.append("死亡登记和户籍迁移须有 18 位身份证号")
    if kind in ("closed", "payment") and not row.get("account"):
        problems.append("销户账户和发放记录须有账户")
    data = {k: row[k] for k in ("to_county", "to_name", "amount") if row.get(k)}
    return {
        "kind": kind,
        "id_number": row.get("id_number", "").upper(),
        "account": row.get("account", ""),
        "on": on,
        "data": data,
    }, problems
