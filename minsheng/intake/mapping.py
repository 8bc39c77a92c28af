"""Column mapping for batch import: how a spreadsheet's columns and values become our fields.

Pure: no database. The standard template is one mapping (`TEMPLATE`); a foreign format (NYC 311,
another city's export) is another, stored as an `ImportMapping` and read through `spec_of`.
"""

from dataclasses import dataclass, field
from typing import Any

from minsheng.citizens.masking import normalise_phone
from minsheng.tickets.models import Channel

# Our fields, in the order the template shows them, with their Chinese column names.
FIELDS: dict[str, str] = {
    "source": "来源",
    "date": "日期",
    "name": "姓名",
    "phone": "电话",
    "request_type": "诉求类型",
    "category": "分类",
    "title": "标题",
    "description": "内容",
    "address": "地址",
    "street": "街道",
    "unit": "承办单位",
    "external_id": "原系统编号",
}
# The template's header row; the part in brackets is a hint and is ignored when reading.
TEMPLATE_HEADERS = [
    "来源（说事箱/说事站/网格员）",
    "日期",
    "姓名",
    "电话",
    "诉求类型",
    "分类（编码或名称）",
    "标题",
    "内容",
    "地址",
    "街道",
]
# 说事箱 slips and 说事站 sheets are offline channels; grid workers report through the grid.
SOURCES = {"说事箱": Channel.OFFLINE, "说事站": Channel.OFFLINE, "网格员": Channel.GRID}
TEMPLATE_FIELDS = [
    "source",
    "date",
    "name",
    "phone",
    "request_type",
    "category",
    "title",
    "description",
    "address",
    "street",
]
# Rows without a phone are filed under one placeholder resident per source (docs/intake.md).
PLACEHOLDER_PHONES = {"说事箱": "0000000001", "说事站": "0000000002", "网格员": "0000000003"}
TEMPLATE_DATE_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y年%m月%d日",
    "%Y%m%d",
]
JOIN = "；"


def header_key(header: Any) -> str:
    """`分类（编码或名称）` -> `分类`: a header without its hint and surrounding space."""
    text = str(header or "").replace("\ufeff", "").strip()
    for bracket in ("（", "("):
        if bracket in text and not text.startswith(bracket):
            text = text.split(bracket, 1)[0].strip()
    return text


@dataclass(frozen=True)
class Spec:
    """A mapping ready to apply: source column -> fields, value maps, defaults."""

    name: str
    channel: str
    columns: dict[str, list[str]]
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # keys casefolded
    defaults: dict[str, str] = field(default_factory=dict)
    date_formats: list[str] = field(default_factory=list)
    placeholder_phone: str = ""
    required_columns: tuple[str, ...] = ()
    is_template: bool = False

    def columns_of(self, field_name: str) -> list[str]:
        """The source columns that feed a field, for the error report."""
        return [column for column, fields in self.columns.items() if field_name in fields]

    def column_label(self, field_name: str) -> str:
        columns = self.columns_of(field_name)
        if columns:
            return "+".join(columns)
        return f"{FIELDS.get(field_name, field_name)}（映射默认值）"


TEMPLATE = Spec(
    name="标准模板",
    channel=Channel.OFFLINE,
    columns={
        header_key(h): [f]
        for h, f in zip(
            TEMPLATE_HEADERS,
            TEMPLATE_FIELDS,
            strict=True,
        )
    },
    date_formats=TEMPLATE_DATE_FORMATS,
    required_columns=("来源", "日期", "诉求类型", "分类", "内容"),
    is_template=True,
)


def _as_fields(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def spec_of(mapping: Any) -> Spec:
    """The Spec of an ImportMapping (any object with its attributes)."""
    columns = {header_key(k): _as_fields(v) for k, v in (mapping.columns or {}).items()}
    return Spec(
        name=mapping.name,
        channel=mapping.channel,
        columns=columns,
        values={
            f: {str(k).strip().casefold(): str(v) for k, v in m.items()}
            for f, m in (mapping.values or {}).items()
        },
        defaults={f: str(v) for f, v in (mapping.defaults or {}).items()},
        date_formats=[*(mapping.date_formats or []), *TEMPLATE_DATE_FORMATS],
        placeholder_phone=mapping.placeholder_phone,
        required_columns=tuple(columns),
    )


def spec_problems(
    *, columns: Any, values: Any, defaults: Any, date_formats: Any, placeholder_phone: str
) -> list[str]:
    """What is wrong with a mapping as typed in the admin, in Chinese; [] if nothing."""
    problems: list[str] = []
    known = ", ".join(FIELDS)
    if not isinstance(columns, dict) or not columns:
        return ["列对应须是 {源列名: 字段} 形式的 JSON 对象，且不能为空。"]
    fed: set[str] = set()
    for column, fields in columns.items():
        if not isinstance(fields, str | list) or not all(
            isinstance(f, str) for f in _as_fields(fields)
        ):
            problems.append(f"列“{column}”的字段须是字段名或字段名列表。")
            continue
        for name in _as_fields(fields):
            if name not in FIELDS:
                problems.append(f"列“{column}”对应的字段“{name}”不存在；可用字段：{known}。")
            fed.add(name)
    if not isinstance(values, dict) or not all(isinstance(m, dict) for m in values.values()):
        problems.append("取值对应须是 {字段: {源值: 本地值}} 形式的 JSON 对象。")
    else:
        problems += [f"取值对应中的字段“{f}”不存在。" for f in values if f not in FIELDS]
    if not isinstance(defaults, dict):
        problems.append("默认值须是 {字段: 值} 形式的 JSON 对象。")
    else:
        problems += [f"默认值中的字段“{f}”不存在。" for f in defaults if f not in FIELDS]
        fed |= set(defaults)
    if not isinstance(date_formats, list) or not all(isinstance(f, str) for f in date_formats):
        problems.append('日期格式须是字符串列表，例如 ["%m/%d/%Y %I:%M:%S %p"]。')
    for needed in ("date", "request_type", "category", "description"):
        if needed not in fed:
            problems.append(f"没有列或默认值给出“{FIELDS[needed]}”（{needed}）。")
    if not normalise_phone(placeholder_phone or ""):
        problems.append("占位号码须是 7 到 12 位数字。")
    return problems


def missing_columns(spec: Spec, headers: list[str]) -> list[str]:
    """Required source columns that the file's header row lacks."""
    present = {header_key(h) for h in headers}
    return [c for c in spec.required_columns if c not in present]


def apply(spec: Spec, record: dict[str, str]) -> dict[str, str]:
    """Our fields' raw text for one row: columns joined, then value maps and defaults applied."""
    parts: dict[str, list[str]] = {}
    for column, fields in spec.columns.items():
        text = (record.get(column) or "").strip()
        for name in fields:
            parts.setdefault(name, [])
            if text:
                parts[name].append(text)
    out: dict[str, str] = {}
    for name in FIELDS:
        raw = JOIN.join(parts.get(name, []))
        if not raw:
            out[name] = spec.defaults.get(name, "")
            continue
        table = spec.values.get(name)
        if table:
            raw = table.get(raw.casefold(), table.get("*", raw))
        out[name] = raw
    return out
