"""The rules of project lists and campaigns, in plain Python (tested without a database)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from minsheng.sla.calendar import WorkCalendar

# A milestone this many working days from its deadline is "due soon" and its owner is told.
SOON_WORKDAYS = 3

# Moves of a list: action -> (from states, to state, label).
LIST_MOVES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "submit": (("drafting",), "review", "提交审议"),
    "return": (("review",), "drafting", "退回修改"),
    "publish": (("review",), "published", "公布清单"),
}
PROJECT_MOVES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "start": (("planned",), "underway", "开工"),
    "finish": (("underway",), "done", "完成"),
    "cancel": (("planned", "underway"), "cancelled", "撤销"),
}


class RuleError(ValueError):
    """Input a person must correct; the message is for them, in Chinese."""


def move(moves: Mapping[str, tuple[tuple[str, ...], str, str]], action: str, state: str) -> str:
    """The state `action` leads to from `state`, or RuleError saying why not."""
    if action not in moves:
        raise RuleError("未知的操作。")
    sources, target, label = moves[action]
    if state not in sources:
        raise RuleError(f"当前状态不能{label}。")
    return target


def milestone_state(due: date, done_on: date | None, today: date, calendar: WorkCalendar) -> str:
    """done / late (done after its deadline) / overdue / soon / ok."""
    if done_on is not None:
        return "late" if done_on > due else "done"
    if today > due:
        return "overdue"
    if calendar.workdays_between(today, due) <= SOON_WORKDAYS:
        return "soon"
    return "ok"


def on_time_rate(milestones: Iterable[tuple[date, date | None]], today: date) -> float | None:
    """Share of milestones already due that were done by their deadline (None: none due)."""
    due = [(d, done) for d, done in milestones if d < today or done is not None]
    if not due:
        return None
    return sum(1 for d, done in due if done is not None and done <= d) / len(due)


def satisfaction(scores: Iterable[str]) -> dict[str, float | int | None]:
    """The 评单 result: counts and the share satisfied or basically satisfied."""
    counts = {"satisfied": 0, "basically": 0, "unsatisfied": 0}
    for score in scores:
        counts[score] += 1
    total = sum(counts.values())
    good = counts["satisfied"] + counts["basically"]
    return {**counts, "total": total, "rate": round(good / total, 4) if total else None}


def money(text: object, label: str = "金额") -> Decimal:
    """A non-negative amount in yuan from a form or a sheet ("1,200.50", 1200.5)."""
    raw = str(text if text is not None else "").replace(",", "").replace("，", "").strip()
    try:
        value = Decimal(raw)
    except InvalidOperation as error:
        raise RuleError(f"{label}应为数字。") from error
    if value < 0 or not value.is_finite():
        raise RuleError(f"{label}不能为负数。")
    return value.quantize(Decimal("0.01"))


# --- checklists --------------------------------------------------------------------------------


def options(text: str) -> list[str]:
    return [o.strip() for o in text.split("|") if o.strip()]


def check_answer(kind: str, choices: str, value: str) -> str:
    """The answer as stored, or RuleError when it does not fit the item."""
    value = (value or "").strip()
    if not value:
        raise RuleError("请回答每一个检查项。")
    if kind == "yesno" and value not in {"是", "否"}:
        raise RuleError("请选择“是”或“否”。")
    if kind == "choice" and value not in options(choices):
        raise RuleError(f"“{value}”不是可选的答案。")
    if kind == "number":
        try:
            Decimal(value)
        except InvalidOperation as error:
            raise RuleError("请填写数字。") from error
    return value[:200]


def is_hazard(kind: str, hazard_answers: str, value: str) -> bool:
    """Whether this answer is a hazard: one of the listed answers, or for a number item a
    bound written as "<N" or ">N"."""
    for rule in options(hazard_answers):
        if kind == "number" and rule[:1] in "<>":
            try:
                number, bound = Decimal(value), Decimal(rule[1:])
            except InvalidOperation:
                continue
            if (rule[0] == "<" and number < bound) or (rule[0] == ">" and number > bound):
                return True
        elif value == rule:
            return True
    return False


@dataclass(frozen=True)
class Board:
    """A campaign's progress (the numbers of `GET /api/v1/campaigns/{id}/summary`)."""

    targets: int
    inspected: int
    nobody: int
    hazards: int
    fixed: int
    refused: int
    overdue: int
    median_days_to_fix: float | None
    by_type: dict[str, dict[str, int]] = field(default_factory=dict)
    by_area: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def coverage(self) -> float | None:
        return round(self.inspected / self.targets, 4) if self.targets else None


def board(
    *,
    outcomes: Iterable[str],
    hazards: Iterable[tuple[str, str, str, date, date | None, date]],
    today: date,
) -> Board:
    """Counts from target outcomes and hazards (kind, area, state, found_on, fixed_on, due)."""
    seen = list(outcomes)
    rows = list(hazards)
    by_type: dict[str, dict[str, int]] = {}
    by_area: dict[str, dict[str, int]] = {}
    days: list[int] = []
    overdue = 0
    for kind, area, state, found, fixed_on, due in rows:
        for table, key in ((by_type, kind), (by_area, area)):
            cell = table.setdefault(key, {"found": 0, "fixed": 0})
            cell["found"] += 1
            cell["fixed"] += state == "fixed"
        if state == "fixed" and fixed_on is not None:
            days.append((fixed_on - found).days)
        if state == "open" and today > due:
            overdue += 1
    days.sort()
    median = None
    if days:
        mid = len(days) // 2
        median = float(days[mid]) if len(days) % 2 else (days[mid - 1] + days[mid]) / 2
    return Board(
        targets=len(seen),
        inspected=sum(1 for o in seen if o == "inspected"),
        nobody=sum(1 for o in seen if o == "nobody"),
        hazards=len(rows),
        fixed=sum(1 for r in rows if r[2] == "fixed"),
        refused=sum(1 for r in rows if r[2] == "refused"),
        overdue=overdue,
        median_days_to_fix=median,
        by_type=by_type,
        by_area=by_area,
    )


# --- the exchange formats ----------------------------------------------------------------------

# The columns of the project sheet departments exchange (first row: headers, any order).
SHEET_HEADERS = (
    "序号",
    "项目名称",
    "主要内容",
    "牵头单位",
    "配合单位",
    "资金来源",
    "投资金额（万元）",
    "绩效指标",
    "目标值",
    "计量单位",
    "完成时限",
)
REQUIRED_HEADERS = ("项目名称", "牵头单位")
# Campaign targets (CSV, UTF-8, header row).
TARGET_HEADERS = ("编号", "类型", "地址", "社区编码", "经度", "纬度")
TARGET_KINDS = {"住户": "household", "楼栋": "building", "商铺": "shop"}


@dataclass(frozen=True)
class SheetRow:
    number: int | None
    title: str
    summary: str
    owner: str
    co_units: tuple[str, ...]
    source: str
    amount: Decimal | None  # yuan
    kpi: str
    target: Decimal | None
    measure: str
    due: date | None


def _cell(row: Mapping[str, object], name: str) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: object) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("年", "-").replace("月", "-").replace("日", "")
    text = text.replace("/", "-").replace(".", "-").rstrip("-")
    try:
        parts = [int(p) for p in text.split("-")]
        if len(parts) == 2:  # "2026-12": the end of that month's first day is enough
            parts.append(28)
        return date(parts[0], parts[1], parts[2])
    except (ValueError, IndexError) as error:
        raise RuleError(f"完成时限“{value}”不是日期。") from error


def sheet_row(row: Mapping[str, object]) -> SheetRow:
    """One project from a sheet row (header -> value); RuleError says what is wrong."""
    for name in REQUIRED_HEADERS:
        if not _cell(row, name):
            raise RuleError(f"缺少“{name}”。")
    number_text = _cell(row, "序号")
    amount_text = _cell(row, "投资金额（万元）")
    target_text = _cell(row, "目标值")
    try:
        number = int(number_text) if number_text else None
    except ValueError as error:
        raise RuleError(f"序号“{number_text}”不是整数。") from error
    return SheetRow(
        number=number,
        title=_cell(row, "项目名称")[:120],
        summary=_cell(row, "主要内容")[:2000],
        owner=_cell(row, "牵头单位"),
        co_units=tuple(
            u.strip()
            for u in _cell(row, "配合单位").replace("，", "、").replace(",", "、").split("、")
            if u.strip()
        ),
        source=_cell(row, "资金来源")[:40],
        amount=money(amount_text, "投资金额") * 10000 if amount_text else None,
        kpi=_cell(row, "绩效指标")[:80],
        target=money(target_text, "目标值") if target_text else None,
        measure=_cell(row, "计量单位")[:10],
        due=_date(row.get("完成时限")),
    )
