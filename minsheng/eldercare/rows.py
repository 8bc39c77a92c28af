"""The enrolment sheet and the meters' payloads, read without a database.

Sheet columns: household, name, phone, address, unit, meter, meter_kind, report_minutes,
contacts (`name:phone:relation` separated by `;`); one row per meter, and the household's
columns agree on every row of the same household. Payloads: `{"at", "value"}` or
`{"readings": [{"at", "value"}, …]}`, times in ISO-8601 with an offset.
"""

import csv
import io
import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from minsheng.citizens.masking import normalise_phone

COLUMNS = (
    "household",
    "name",
    "phone",
    "address",
    "unit",
    "meter",
    "meter_kind",
    "report_minutes",
    "contacts",
)
KINDS = {
    "water": "water",
    "水": "water",
    "水表": "water",
    "electricity": "electricity",
    "电": "electricity",
    "电表": "electricity",
    "gas": "gas",
    "燃气": "gas",
    "燃气表": "gas",
}
RELATIONS = {
    "本人": "elder",
    "elder": "elder",
    "网格员": "grid",
    "grid": "grid",
    "社区": "community",
    "community": "community",
    "街道": "street",
    "street": "street",
}
HOUSEHOLD_FIELDS = {
    "name": "姓名",
    "phone": "电话",
    "address": "住址",
    "unit": "社区或网格",
    "contacts": "联系人",
}


@dataclass(frozen=True)
class ContactRow:
    name: str
    phone: str
    relation: str  # Contact.Relation
    note: str  # the word in the sheet: 儿子, 女儿 …


@dataclass
class HouseholdRow:
    """A household as the sheet describes it, with its meters (code, kind, minutes)."""

    code: str
    name: str
    phone: str
    address: str
    unit: str
    contacts: list[ContactRow]
    meters: list[tuple[str, str, int]] = field(default_factory=list)
    line: int = 0


def parse_contacts(text: str) -> list[ContactRow]:
    """`张三:13800000000:儿子;李四:13900000000:网格员`; ValueError in Chinese."""
    out = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        bits = [b.strip() for b in part.replace("：", ":").split(":")]
        if len(bits) != 3 or not all(bits):
            raise ValueError(f"联系人“{part}”应写成 姓名:电话:关系")
        phone = normalise_phone(bits[1])
        if not phone:
            raise ValueError(f"联系人“{bits[0]}”的电话号码不正确")
        out.append(ContactRow(bits[0], phone, RELATIONS.get(bits[2], "family"), bits[2]))
    if not out:
        raise ValueError("至少需要一位联系人")
    return out


def read_sheet(text: str) -> tuple[list[HouseholdRow], list[str]]:
    """The households of a sheet, or the errors of every bad row (line numbers as in a
    spreadsheet, the header being line 1)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [f"缺少列：{'、'.join(missing)}"]
    households: dict[str, HouseholdRow] = {}
    meters: dict[str, int] = {}
    errors = []
    for line, raw in enumerate(reader, start=2):
        row = {k: (raw.get(k) or "").strip() for k in COLUMNS}
        try:
            household = _household(row, line)
            meter = meter_row(row)
        except ValueError as error:
            errors.append(f"第{line}行：{error}")
            continue
        if meter[0] in meters:
            errors.append(f"第{line}行：表号 {meter[0]} 已在第{meters[meter[0]]}行出现")
            continue
        meters[meter[0]] = line
        known = households.setdefault(household.code, household)
        if known is not household:
            differ = [
                label
                for f, label in HOUSEHOLD_FIELDS.items()
                if getattr(known, f) != getattr(household, f)
            ]
            if differ:
                errors.append(
                    f"第{line}行：户 {household.code} 的{'、'.join(differ)}与第{known.line}行不一致"
                )
                continue
        known.meters.append(meter)
    return ([], errors) if errors else (list(households.values()), [])


def _household(row: dict[str, str], line: int) -> HouseholdRow:
    for column, label in (
        ("household", "户编号"),
        ("name", "姓名"),
        ("address", "住址"),
        ("unit", "社区或网格"),
        ("meter", "表号"),
    ):
        if not row[column]:
            raise ValueError(f"{label}不能为空")
    phone = normalise_phone(row["phone"]) if row["phone"] else ""
    if row["phone"] and not phone:
        raise ValueError("电话号码不正确")
    return HouseholdRow(
        code=row["household"],
        name=row["name"],
        phone=phone,
        address=row["address"],
        unit=row["unit"],
        contacts=parse_contacts(row["contacts"]),
        line=line,
    )


def meter_row(row: dict[str, str]) -> tuple[str, str, int]:
    kind = KINDS.get(row["meter_kind"].lower())
    if kind is None:
        raise ValueError(f"表类型“{row['meter_kind']}”应为 水表、电表 或 燃气表")
    try:
        minutes = int(row["report_minutes"])
    except ValueError:
        raise ValueError("上报间隔应为整数分钟") from None
    if not 1 <= minutes <= 7 * 24 * 60:
        raise ValueError("上报间隔应在1分钟到7天之间")
    return row["meter"], kind, minutes


@dataclass(frozen=True)
class Value:
    at: datetime
    value: float


def read_payload(body: bytes | str | dict[str, Any]) -> list[Value]:
    """The readings of one payload; ValueError (Chinese) for anything malformed."""
    if isinstance(body, dict):
        data: Any = body
    else:
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise ValueError("不是合法的JSON") from None
    if not isinstance(data, dict):
        raise ValueError("应为JSON对象")
    items = data.get("readings", [data])
    if not isinstance(items, list) or not items:
        raise ValueError("readings 应为非空列表")
    if len(items) > 2000:
        raise ValueError("一次最多2000条读数")
    return [_value(item) for item in items]


def _value(item: Any) -> Value:
    if not isinstance(item, dict) or "at" not in item or "value" not in item:
        raise ValueError("每条读数应有 at 和 value")
    try:
        at = datetime.fromisoformat(str(item["at"]))
    except ValueError:
        raise ValueError(f"时间“{item['at']}”不是ISO-8601格式") from None
    if at.tzinfo is None:
        raise ValueError(f"时间“{item['at']}”缺少时区偏移")
    value = item["value"]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError("value 应为数字")
    if value < 0:
        raise ValueError("value 不能为负数")
    return Value(at, float(value))
