"""The monitoring rules as plain Python (no database): the line, the medical thresholds, the
income calculator, the risk flags and the hard checks of risk elimination.

Sources are in docs/households.md and ../shared/docs/programmes.md part B; every threshold is a
parameter of a jurisdiction and year (`Params`), never a constant here.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)

# Income-window rules (B3): the 12 months before the application (定南), or, for households
# already identified, from the 1st of the same month last year to the end of last month
# (南康, 安徽).
WINDOW_BEFORE = "before"
WINDOW_SAME_MONTH = "same_month"

# Medical thresholds (B4): absolute yuan (西安) or a share of the province's previous-year
# rural per-capita disposable income (阳原).
MEDICAL_ABSOLUTE = "absolute"
MEDICAL_SHARE = "share"

LABOUR_FULL = "full"
LABOUR_WEAK = "weak"
LABOUR_NONE = "none"


@dataclass(frozen=True)
class Params:
    """One jurisdiction's rules for one year."""

    name: str
    year: int
    line_fixed: Decimal | None = None  # yuan per person per year
    dibao_monthly: Decimal | None = None  # the rural 低保 standard, yuan per person per month
    dibao_factor: Decimal | None = None  # line = factor × dibao × 12 (德化: 2)
    window: str = WINDOW_BEFORE
    medical_mode: str = ""  # "" = no medical trigger in this preset
    medical_low: Decimal | None = None  # 脱贫/监测 people (阳原 0.5) or low-income (西安 10,000)
    medical_general: Decimal | None = None  # everybody else (阳原 1.0, 西安 26,000)
    province_rural_income: Decimal | None = None  # previous year's, for the share mode
    home_check_workdays: int = 5
    decision_workdays: int = 15
    notice_days: int = 5
    stable_months: int = 6
    feed_cycle_days: int = 30

    def line(self) -> Decimal | None:
        """The monitoring line in yuan per person per year, or None if the preset has none."""
        if self.line_fixed is not None:
            return self.line_fixed
        if self.dibao_monthly is not None and self.dibao_factor is not None:
            return (self.dibao_factor * self.dibao_monthly * 12).quantize(Decimal("1"))
        return None

    def medical_threshold(self, *, low_income: bool) -> Decimal | None:
        """Out-of-pocket medical cost in a year above which a person is flagged."""
        value = self.medical_low if low_income else self.medical_general
        if not self.medical_mode or value is None:
            return None
        if self.medical_mode == MEDICAL_SHARE:
            if self.province_rural_income is None:
                return None
            return (value * self.province_rural_income).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
        return value


@dataclass(frozen=True)
class Month:
    """One month of a household's accounts, in yuan (B2 criteria; the formula is ours: the
    official one was not seen, so it is configurable through these parts)."""

    month: date  # the 1st
    wage: Decimal = ZERO
    business: Decimal = ZERO
    property_income: Decimal = ZERO
    transfer: Decimal = ZERO
    production_cost: Decimal = ZERO
    medical: Decimal = ZERO  # allowable out-of-pocket medical cost (合规自付)
    school: Decimal = ZERO  # allowable school cost

    @property
    def net(self) -> Decimal:
        """Net income: wage + business + property + transfer − production costs."""
        return (
            self.wage + self.business + self.property_income + self.transfer - self.production_cost
        )


@dataclass(frozen=True)
class Accounts:
    """The calculator's answer for one window."""

    start: date
    end: date  # inclusive (the 1st of the last month)
    net: Decimal
    per_capita: Decimal
    medical: Decimal
    school: Decimal
    months: int

    @property
    def rigid(self) -> Decimal:
        return self.medical + self.school


def first_of(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def window(rule: str, today: date) -> tuple[date, date]:
    """(first month, last month) of the income window for a check made on `today`.

    Both rules end with last month; "before" covers the 12 months before it, "same_month" starts
    on the 1st of the same month last year (so it spans 12 months as well when counted to the
    end of last month)."""
    last = add_months(first_of(today), -1)
    if rule == WINDOW_SAME_MONTH:
        return date(today.year - 1, today.month, 1), last
    return add_months(last, -11), last


def accounts(months: Iterable[Month], persons: int, start: date, end: date) -> Accounts:
    """Sum the months in start..end; per-capita income is annualised over the months present."""
    inside = [m for m in months if start <= m.month <= end]
    net = sum((m.net for m in inside), ZERO)
    span = (end.year - start.year) * 12 + end.month - start.month + 1
    annual = net * 12 / span if span else ZERO
    per_capita = (annual / persons).quantize(Decimal("0.01")) if persons else ZERO
    return Accounts(
        start=start,
        end=end,
        net=net,
        per_capita=per_capita,
        medical=sum((m.medical for m in inside), ZERO),
        school=sum((m.school for m in inside), ZERO),
        months=len(inside),
    )


# --- risk flags ----------------------------------------------------------------------------

FLAG_INCOME = "income"
FLAG_MEDICAL = "medical"
FLAG_RIGID = "rigid"
FLAG_LABELS = {
    FLAG_INCOME: "人均纯收入低于监测线",
    FLAG_MEDICAL: "医疗自付超过预警线",
    FLAG_RIGID: "刚性支出超过上年收入",
}


@dataclass(frozen=True)
class Person:
    """What the rules read of a member."""

    labour: str = LABOUR_FULL
    medical_year: Decimal = ZERO  # out-of-pocket medical cost this year (医保 feed)
    low_income: bool = False  # 脱贫 or monitored (阳原) / low-income (西安)


def flags(params: Params, persons: Sequence[Person], acc: Accounts | None) -> list[str]:
    """Which triggers a household meets; [] if none.

    Income: per-capita net income in the window below the line. Medical: any member's yearly
    out-of-pocket cost strictly above the threshold for their group. Rigid spending: medical +
    school costs in the window above the window's net income (安徽 2020:
    "刚性支出明显超过上年度收入").
    """
    found = []
    line = params.line()
    if acc is not None and line is not None and acc.months and acc.per_capita < line:
        found.append(FLAG_INCOME)
    for person in persons:
        threshold = params.medical_threshold(low_income=person.low_income)
        if threshold is not None and person.medical_year > threshold:
            found.append(FLAG_MEDICAL)
            break
    if acc is not None and acc.months and acc.rigid > max(acc.net, ZERO):
        found.append(FLAG_RIGID)
    return found


# --- risk elimination (B7) -----------------------------------------------------------------

CHECK_LABOUR = "labour"
CHECK_SINCE = "since"
CHECK_MEASURE = "measure"
CHECK_INCOME = "income"
CHECK_STABLE = "stable"
CHECK_RIGID = "rigid"
CHECK_GUARANTEES = "guarantees"
CHECK_WATER = "water"
CHECK_LABELS = {
    CHECK_LABOUR: "家中无劳动力，不得标注风险消除（继续跟踪帮扶）",
    CHECK_SINCE: "识别为监测对象不满 6 个月",
    CHECK_MEASURE: "尚未落实任何帮扶措施",
    CHECK_INCOME: "人均纯收入未稳定超过当年监测线",
    CHECK_STABLE: "收入稳定未满 6 个月",
    CHECK_RIGID: "大额刚性支出尚未稳定解决",
    CHECK_GUARANTEES: "三保障尚未保持",
    CHECK_WATER: "饮水安全尚未保持",
}


@dataclass(frozen=True)
class EliminationFacts:
    identified_on: date | None
    today: date
    measures: int
    labour: Sequence[str]  # each member's labour capacity
    monthly_per_capita: Sequence[Decimal]  # annualised per-capita income of each of the last months
    rigid_resolved: bool
    guarantees: bool  # 三保障: schooling, basic medical insurance, safe housing
    water: bool
    stable_months: int = 6


def months_between(start: date, end: date) -> int:
    """Whole months from start to end (a month is complete on the same day-of-month)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (1 if end.day < start.day else 0)


def elimination_failures(facts: EliminationFacts, line: Decimal | None) -> list[str]:
    """The B7 checks that fail, in order; [] means risk elimination may proceed."""
    failing = []
    if not any(c in (LABOUR_FULL, LABOUR_WEAK) for c in facts.labour):
        failing.append(CHECK_LABOUR)
    if facts.identified_on is None or (
        months_between(facts.identified_on, facts.today) < facts.stable_months
    ):
        failing.append(CHECK_SINCE)
    if facts.measures < 1:
        failing.append(CHECK_MEASURE)
    recent = list(facts.monthly_per_capita)[-facts.stable_months :]
    if line is None or not recent or recent[-1] <= line:
        failing.append(CHECK_INCOME)
    if line is None or len(recent) < facts.stable_months or any(v <= line for v in recent):
        failing.append(CHECK_STABLE)
    if not facts.rigid_resolved:
        failing.append(CHECK_RIGID)
    if not facts.guarantees:
        failing.append(CHECK_GUARANTEES)
    if not facts.water:
        failing.append(CHECK_WATER)
    return failing


@dataclass(frozen=True)
class PlanCheck:
    ok: bool
    message: str = ""


def plan_check(labour: Sequence[str], developmental_measures: int) -> PlanCheck:
    """一户一策: a household with someone able to work needs ≥ 1 开发式 (industry or
    employment) measure."""
    if any(c in (LABOUR_FULL, LABOUR_WEAK) for c in labour) and developmental_measures < 1:
        return PlanCheck(False, "有劳动能力的家庭至少需要一项产业或就业（开发式）帮扶措施")
    return PlanCheck(True)


# --- ID numbers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class IdCheck:
    ok: bool
    value: str = ""
    message: str = ""


_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def check_id_number(raw: str) -> IdCheck:
    """A mainland resident ID number (GB 11643): 18 characters with a valid check digit."""
    value = (raw or "").strip().upper()
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        return IdCheck(False, message="身份证号应为18位")
    total = sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS, strict=True))
    if _CHECK[total % 11] != value[17]:
        return IdCheck(False, message="身份证号校验位不正确")
    return IdCheck(True, value=value)


def mask_id(value: str) -> str:
    """First 6 and last 4 characters at most (docs/extending.md)."""
    if len(value) < 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


@dataclass(frozen=True)
class Cause:
    code: str
    label: str
    words: tuple[str, ...] = field(default=())


CAUSES = (
    Cause("illness", "因病", ("病", "住院", "医", "手术", "药")),
    Cause("schooling", "因学", ("学", "学费", "上学", "读书")),
    Cause("disaster", "因灾", ("灾", "洪", "水淹", "火", "地震", "冰雹", "塌")),
    Cause("accident", "意外", ("意外", "车祸", "事故", "受伤", "去世", "死亡")),
    Cause("job_loss", "就业不稳", ("失业", "没活", "下岗", "工作", "务工", "欠薪")),
    Cause("other", "其他", ()),
)
CAUSE_CHOICES = [(c.code, c.label) for c in CAUSES]


def guess_cause(text: str) -> str:
    """The cause a resident's own words point to (the first cause whose word appears)."""
    for cause in CAUSES:
        if any(word in (text or "") for word in cause.words):
            return cause.code
    return "other"


# --- a step answered on the ticket page ----------------------------------------------------

REFUSING_WORDS = ("不通过", "未通过", "不符合", "不予", "不纳入", "不同意")
TARGET_WORDS = (
    ("unstable", ("脱贫不稳定",)),
    ("marginal", ("边缘易致贫", "边缘户")),
    ("sudden", ("突发严重困难", "突发困难")),
)


@dataclass(frozen=True)
class ReplyReading:
    """What a unit's reply on a step's ticket says about the step."""

    passed: bool
    authorised: bool
    target: str
    rigid_resolved: bool | None
    guarantees: bool | None
    water: bool | None


def _said(text: str, words: Iterable[str]) -> bool:
    return any(w in text for w in words)


def read_reply(text: str) -> ReplyReading:
    """Read a reply written on the ticket page: refused when it says so (不通过, 不符合 …);
    authorised when it mentions the signed 授权书; the monitored type and, for elimination's
    home check, 刚性支出 / 三保障 / 饮水 as kept when named without a negation."""
    text = text or ""
    target = next((code for code, words in TARGET_WORDS if _said(text, words)), "")

    def kept(subject: str) -> bool | None:
        if subject not in text:
            return None
        tail = text[text.index(subject) : text.index(subject) + len(subject) + 6]
        return not _said(tail, ("未", "不", "没有", "尚"))

    return ReplyReading(
        passed=not _said(text, REFUSING_WORDS),
        authorised="授权" in text and not _said(text, ("未签", "拒签", "未授权", "不授权")),
        target=target,
        rigid_resolved=kept("刚性支出"),
        guarantees=kept("三保障"),
        water=kept("饮水"),
    )


# --- parameters set by a county ---------------------------------------------------------------

MIN_NOTICE_DAYS = 5  # 永城: the public notice runs at least 5 days
MIN_STABLE_MONTHS = 6  # B7: income stable at least six months


def params_problems(p: Params) -> list[str]:
    """Why a jurisdiction's parameters cannot be saved ([] when they can)."""
    problems = []
    dibao = (p.dibao_monthly is not None, p.dibao_factor is not None)
    if p.line_fixed is not None and any(dibao):
        problems.append("监测线填写固定金额或“倍数 × 低保 × 12”，二选一")
    elif dibao[0] != dibao[1]:
        problems.append("按低保计算监测线时，低保标准和倍数都要填写")
    amounts = (p.line_fixed, p.dibao_monthly, p.dibao_factor, p.province_rural_income)
    if any(v is not None and v <= 0 for v in amounts):
        problems.append("金额和倍数须大于 0")
    if p.medical_mode:
        values = [v for v in (p.medical_low, p.medical_general) if v is not None]
        if not values or any(v <= 0 for v in values):
            problems.append("设置医疗自付预警时，至少填写一个大于 0 的阈值")
        if p.medical_mode == MEDICAL_SHARE:
            if p.province_rural_income is None:
                problems.append("按比例设置医疗预警时，须填写全省上年农村居民人均可支配收入")
            if any(v > 10 for v in values):
                problems.append("按比例设置医疗预警时，阈值填写比例（如 0.5 表示 50%）")
    if p.home_check_workdays < 1 or p.decision_workdays < p.home_check_workdays:
        problems.append("认定时限不能短于入户核实时限，且均至少 1 个工作日")
    if p.notice_days < MIN_NOTICE_DAYS:
        problems.append(f"公示不少于 {MIN_NOTICE_DAYS} 天")
    if p.stable_months < MIN_STABLE_MONTHS:
        problems.append(f"收入稳定期不少于 {MIN_STABLE_MONTHS} 个月")
    return problems
