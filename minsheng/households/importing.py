"""CSV files of the register and of the department feeds: every row is checked first, and a
file with any bad row is refused whole, with a Chinese message per row (docs/households.md).

Register columns: household, village, head, phone, residence, status, name, relation,
id_number, birth_year, labour, disability, illness, schooling (one row per member).
Feed columns: id_number, amount, date, note (one row per person pushed).
Accounts columns: household, month (YYYY-MM), wage, business, property, transfer,
production_cost, medical, school (one row per household and month, in yuan).
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from minsheng.households import rules, write
from minsheng.households.catalogue import FEED_CAUSE, FEED_SOURCES
from minsheng.households.models import MONITORED, Household, HouseholdStatus, Member
from minsheng.orgs.models import Unit

REGISTER_COLUMNS = (
    "household",
    "village",
    "head",
    "phone",
    "residence",
    "status",
    "name",
    "relation",
    "id_number",
    "birth_year",
    "labour",
    "disability",
    "illness",
    "schooling",
)
FEED_COLUMNS = ("id_number", "amount", "date", "note")
# The calculator's parts (rules.Month); the file says "property" for property_income.
ACCOUNT_PARTS = {
    "wage": "wage",
    "business": "business",
    "property": "property_income",
    "transfer": "transfer",
    "production_cost": "production_cost",
    "medical": "medical",
    "school": "school",
}
ACCOUNT_COLUMNS = ("household", "month", *ACCOUNT_PARTS)
REQUIRED_REGISTER = ("household", "village", "head", "name", "id_number")
LABOURS = {"full": "full", "weak": "weak", "none": "none", "有": "full", "弱": "weak", "无": "none"}


@dataclass
class RowError:
    row: int  # 1 = the header
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行：{self.message}"


class FileRefused(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


def read_rows(
    text: str, columns: tuple[str, ...], required: tuple[str, ...]
) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise FileRefused([RowError(1, "缺少列：" + "、".join(missing))])
    rows = [{k: (v or "").strip() for k, v in row.items() if k in columns} for row in reader]
    if not rows:
        raise FileRefused([RowError(1, "文件没有数据行")])
    return rows


def parse_register(text: str) -> list[write.HouseholdIn]:
    rows = read_rows(text, REGISTER_COLUMNS, REQUIRED_REGISTER)
    villages = {u.code: u for u in Unit.objects.filter(kind=Unit.Kind.VILLAGE)}
    errors: list[RowError] = []
    households: dict[str, write.HouseholdIn] = {}
    seen_ids: set[str] = set()
    for n, row in enumerate(rows, start=2):
        problems = [f"“{c}”不能为空" for c in REQUIRED_REGISTER if not row.get(c)]
        village = villages.get(row.get("village", ""))
        if row.get("village") and village is None:
            problems.append(f"村编码 {row['village']} 不存在")
        residence = villages.get(row.get("residence", "")) if row.get("residence") else None
        if row.get("residence") and residence is None:
            problems.append(f"实际居住村编码 {row['residence']} 不存在")
        status = row.get("status") or HouseholdStatus.GENERAL
        if status not in HouseholdStatus.values:
            by_label = {label: value for value, label in HouseholdStatus.choices}
            status = by_label.get(status, "")
            if not status:
                problems.append(f"状态“{row['status']}”不正确")
        check = rules.check_id_number(row.get("id_number", ""))
        if row.get("id_number") and not check.ok:
            problems.append(check.message)  # the number itself is never echoed
        elif check.value in seen_ids:
            problems.append("身份证号在文件中重复")
        seen_ids.add(check.value)
        labour = LABOURS.get(row.get("labour") or "full")
        if labour is None:
            problems.append("劳动能力应为 full/weak/none（有/弱/无）")
        birth = row.get("birth_year") or ""
        if birth and not (birth.isdigit() and 1900 <= int(birth) <= 2100):
            problems.append("出生年份不正确")
        if problems:
            errors.append(RowError(n, "；".join(problems)))
            continue
        assert village is not None
        household = households.setdefault(
            row["household"],
            write.HouseholdIn(
                code=row["household"][:30],
                village=village,
                head_name=row["head"][:40],
                phone=row.get("phone", "")[:20],
                residence_village=residence,
                status=status,
            ),
        )
        household.members.append(
            write.MemberIn(
                name=row["name"][:40],
                id_number=check.value,
                relation=(row.get("relation") or "户主")[:10],
                birth_year=int(birth) if birth else None,
                labour=labour or "full",
                disability=row.get("disability", "")[:20],
                illness=row.get("illness", "")[:20],
                schooling=row.get("schooling", "")[:20],
            )
        )
    if not errors:
        taken = dict(
            Member.objects.filter(id_number__in=seen_ids).values_list(
                "id_number", "household__code"
            )
        )
        for n, row in enumerate(rows, start=2):
            owner = taken.get(rules.check_id_number(row["id_number"]).value)
            if owner and owner != row["household"]:
                errors.append(RowError(n, f"该身份证号已登记在户 {owner}"))
    if errors:
        raise FileRefused(errors)
    return list(households.values())


def parse_feed(source: str, text: str, params_for: Any) -> list[write.ClueIn]:
    """One clue per row; `flagged` says whether the row crosses the rule (medical thresholds)."""
    if source not in FEED_SOURCES:
        raise FileRefused([RowError(1, "来源应为 " + "|".join(FEED_SOURCES))])
    rows = read_rows(text, FEED_COLUMNS, ("id_number",))
    ids = {rules.check_id_number(r.get("id_number", "")).value for r in rows}
    members = {
        m.id_number: m
        for m in Member.objects.filter(id_number__in=ids).select_related("household__village")
    }
    errors: list[RowError] = []
    clues: list[write.ClueIn] = []
    for n, row in enumerate(rows, start=2):
        problems = []
        check = rules.check_id_number(row.get("id_number", ""))
        member = members.get(check.value) if check.ok else None
        if not check.ok:
            problems.append(check.message)
        elif member is None:
            problems.append("身份证号未在监测登记中找到")
        amount = None
        if row.get("amount"):
            try:
                amount = Decimal(row["amount"].replace(",", ""))
            except InvalidOperation:
                problems.append("金额不是数字")
        day = _date(row.get("date", ""))
        if row.get("date") and day is None:
            problems.append("日期应为 YYYY-MM-DD")
        if problems:
            errors.append(RowError(n, "；".join(problems)))
            continue
        assert member is not None
        household = member.household
        flagged = True
        if source == "medical":
            params = params_for(household, (day or timezone.localdate()).year)
            low = household.status in (HouseholdStatus.FORMER_POOR, *MONITORED)
            threshold = params.medical_threshold(low_income=low)
            flagged = threshold is None or (amount is not None and amount > threshold)
        label = FEED_SOURCES[source]
        clues.append(
            write.ClueIn(
                village=household.village,
                household=household,
                member=member,
                source="feed",
                feed=source,
                cause=FEED_CAUSE[source],
                text=f"{label}推送：{member.name}"
                + (f"，金额 {amount} 元" if amount is not None else "")
                + (f"。{row['note'][:200]}" if row.get("note") else ""),
                amount=amount,
                flagged=flagged,
            )
        )
    if errors:
        raise FileRefused(errors)
    return clues


def _date(text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def parse_month(text: str) -> date | None:
    """`YYYY-MM` (or `YYYY-MM-01`) as the 1st of that month."""
    text = (text or "").strip()
    try:
        if len(text) == 7:
            return date.fromisoformat(f"{text}-01")
        day = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None
    return day if day is not None and day.day == 1 else None


def parse_accounts(text: str, *, today: date | None = None) -> list[write.MonthsIn]:
    """The monthly accounts, grouped per household; a month not yet over is refused."""
    rows = read_rows(text, ACCOUNT_COLUMNS, ("household", "month"))
    known = {
        h.code: h for h in Household.objects.filter(code__in={r.get("household", "") for r in rows})
    }
    current = rules.first_of(today or timezone.localdate())
    errors: list[RowError] = []
    out: dict[str, write.MonthsIn] = {}
    seen: set[tuple[str, date]] = set()
    for n, row in enumerate(rows, start=2):
        problems = []
        code = row.get("household", "")
        household = known.get(code)
        if household is None:
            problems.append(f"户编号 {code or '（空）'} 未登记")
        month = parse_month(row.get("month", ""))
        if month is None:
            problems.append("月份应为 YYYY-MM")
        elif month >= current:
            problems.append("只能录入已结束的月份")
        elif (code, month) in seen:
            problems.append("同一户同一月份重复")
        amounts: dict[str, Decimal] = {}
        for column, part in ACCOUNT_PARTS.items():
            raw = row.get(column, "").replace(",", "") or "0"
            try:
                value = Decimal(raw)
            except InvalidOperation:
                problems.append(f"{ACCOUNT_LABELS[column]}不是数字")
                continue
            if not value.is_finite() or value < 0 or value >= Decimal("1e10"):
                problems.append(f"{ACCOUNT_LABELS[column]}应为不小于 0 的金额")
                continue
            amounts[part] = value.quantize(Decimal("0.01"))
        if problems:
            errors.append(RowError(n, "；".join(problems)))
            continue
        assert household is not None
        assert month is not None
        seen.add((code, month))
        out.setdefault(code, write.MonthsIn(household=household)).months.append(
            rules.Month(month=month, **amounts)
        )
    if errors:
        raise FileRefused(errors)
    return list(out.values())


ACCOUNT_LABELS = {
    "wage": "工资性收入",
    "business": "经营性收入",
    "property": "财产性收入",
    "transfer": "转移性收入",
    "production_cost": "生产经营支出",
    "medical": "合规医疗自付",
    "school": "合规教育支出",
}


def import_accounts(text: str, *, by: Any) -> dict[str, int]:
    """All rows or none; a month already entered is replaced."""
    batches = parse_accounts(text)
    write.save_accounts(batches, by=by)
    return {"households": len(batches), "months": sum(len(b.months) for b in batches)}


def import_register(text: str, *, by: Any) -> int:
    return write.register(parse_register(text), by=by)


def import_feed(source: str, text: str, *, by: Any, at: datetime | None = None) -> dict[str, int]:
    """All rows or none: the parse checks every row, the write runs in one transaction."""
    from django.db import transaction

    from minsheng.households import queries

    clues = parse_feed(source, text, queries.params_for)
    with transaction.atomic():
        made = [write.add_clue(c, by=by, at=at) for c in clues]
    return {
        "rows": len(made),
        "flagged": sum(c.flagged for c in made),
        "cases": sum(1 for c in made if c.case_id and c.merged_into_id is None),
    }
