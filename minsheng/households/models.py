"""The register (households, members, status events, monthly accounts), the parameters, the
risk clues, the identification/elimination cases with their steps, help measures and payments.

Status changes are append-only `StatusEvent`s (`Household.status` is their latest value, kept
for queries). ID numbers live in `Member.id_number` only and are shown masked except on the
member screen, where each reveal is recorded (docs/households.md, "Personal data").
"""

from decimal import Decimal
from typing import Any

from django.db import models

from minsheng.households import rules
from minsheng.households.catalogue import FEED_SOURCES, MEASURE_CHOICES, PAYMENT_CHOICES
from minsheng.households.procedure import ELIMINATE, IDENTIFY, STEP_CHOICES


class Parameters(models.Model):
    """A jurisdiction's monitoring rules for one year (the line as a number or k × 低保 × 12)."""

    jurisdiction = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    name = models.CharField("名称", max_length=60)
    line_fixed = models.DecimalField(
        "监测线（元/人·年）", null=True, blank=True, max_digits=12, decimal_places=2
    )
    dibao_monthly = models.DecimalField(
        "农村低保标准（元/人·月）", null=True, blank=True, max_digits=12, decimal_places=2
    )
    dibao_factor = models.DecimalField(
        "监测线 = 倍数 × 低保 × 12", null=True, blank=True, max_digits=5, decimal_places=2
    )
    window = models.CharField(
        "收入计算期",
        max_length=12,
        default=rules.WINDOW_BEFORE,
        choices=[
            (rules.WINDOW_BEFORE, "申请前12个月"),
            (rules.WINDOW_SAME_MONTH, "上年同月1日至上月末"),
        ],
    )
    medical_mode = models.CharField(
        "医疗自付预警",
        max_length=10,
        blank=True,
        choices=[
            ("", "不设"),
            (rules.MEDICAL_ABSOLUTE, "绝对金额"),
            (rules.MEDICAL_SHARE, "占全省上年农村人均可支配收入比例"),
        ],
    )
    medical_low = models.DecimalField(
        "脱贫/低收入人口阈值", null=True, blank=True, max_digits=12, decimal_places=2
    )
    medical_general = models.DecimalField(
        "一般人口阈值", null=True, blank=True, max_digits=12, decimal_places=2
    )
    province_rural_income = models.DecimalField(
        "全省上年农村居民人均可支配收入", null=True, blank=True, max_digits=12, decimal_places=2
    )
    home_check_workdays = models.PositiveSmallIntegerField("入户核实时限（工作日）", default=5)
    decision_workdays = models.PositiveSmallIntegerField("认定时限（工作日）", default=15)
    notice_days = models.PositiveSmallIntegerField("公示天数", default=5)
    stable_months = models.PositiveSmallIntegerField("收入稳定月数", default=6)
    feed_cycle_days = models.PositiveSmallIntegerField("部门推送周期（天）", default=30)

    class Meta:
        verbose_name = verbose_name_plural = "监测参数"
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "year"], name="hh_params_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def params(self) -> rules.Params:
        return rules.Params(
            **{f: getattr(self, f) for f in rules.Params.__dataclass_fields__ if f != "name"},
            name=self.name,
        )


class HouseholdStatus(models.TextChoices):
    GENERAL = "general", "一般农户"
    FORMER_POOR = "former_poor", "脱贫户"
    UNSTABLE = "unstable", "脱贫不稳定户"
    MARGINAL = "marginal", "边缘易致贫户"
    SUDDEN = "sudden", "突发严重困难户"
    ELIMINATED = "eliminated", "风险已消除"


MONITORED = (HouseholdStatus.UNSTABLE, HouseholdStatus.MARGINAL, HouseholdStatus.SUDDEN)


class Household(models.Model):
    """A household as registered (户籍), with where it actually lives when that differs."""

    code = models.CharField("户编号", max_length=30, unique=True)
    village = models.ForeignKey(
        "orgs.Unit", verbose_name="户籍所在村", on_delete=models.PROTECT, related_name="+"
    )
    residence_village = models.ForeignKey(
        "orgs.Unit",
        verbose_name="实际居住村",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    residence_note = models.CharField("实际居住说明", max_length=120, blank=True)
    head_name = models.CharField("户主", max_length=40)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    status = models.CharField(
        "当前状态", max_length=12, choices=HouseholdStatus.choices, default="general"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "农户"
        ordering = ["village__path", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.head_name}"

    @property
    def lives_in(self) -> Any:
        """Where the household is looked after: its actual residence, else its 户籍 village."""
        return self.residence_village or self.village


class Member(models.Model):
    class Labour(models.TextChoices):
        FULL = rules.LABOUR_FULL, "有劳动力"
        WEAK = rules.LABOUR_WEAK, "弱劳动力"
        NONE = rules.LABOUR_NONE, "无劳动力"

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    name = models.CharField("姓名", max_length=40)
    relation = models.CharField("与户主关系", max_length=10, default="户主")
    id_number = models.CharField("身份证号", max_length=18, unique=True)
    birth_year = models.PositiveSmallIntegerField("出生年份", null=True, blank=True)
    labour = models.CharField("劳动能力", max_length=6, choices=Labour.choices, default="full")
    disability = models.CharField("残疾", max_length=20, blank=True)
    illness = models.CharField("疾病", max_length=20, blank=True)
    schooling = models.CharField("在校", max_length=20, blank=True)
    shares_budget = models.BooleanField("共享收支", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "家庭成员"
        ordering = ["household", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id(self) -> str:
        return rules.mask_id(self.id_number)


class StatusEvent(models.Model):
    """One change of a household's status; never updated or deleted."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="events")
    status = models.CharField(max_length=12, choices=HouseholdStatus.choices)
    at = models.DateTimeField()
    by = models.CharField(max_length=60)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.household_id} {self.status} {self.at:%Y-%m-%d}"


class MonthAccount(models.Model):
    """One month of a household's income and allowable costs, yuan."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="months")
    month = models.DateField("月份")
    wage = models.DecimalField("工资性收入", default=0, max_digits=12, decimal_places=2)
    business = models.DecimalField("经营性收入", default=0, max_digits=12, decimal_places=2)
    property_income = models.DecimalField("财产性收入", default=0, max_digits=12, decimal_places=2)
    transfer = models.DecimalField("转移性收入", default=0, max_digits=12, decimal_places=2)
    production_cost = models.DecimalField(
        "生产经营支出", default=0, max_digits=12, decimal_places=2
    )
    medical = models.DecimalField("合规医疗自付", default=0, max_digits=12, decimal_places=2)
    school = models.DecimalField("合规教育支出", default=0, max_digits=12, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["household", "month"], name="hh_month")]
        ordering = ["household", "month"]

    def __str__(self) -> str:
        return f"{self.household_id} {self.month:%Y-%m}"

    def as_rule(self) -> rules.Month:
        return rules.Month(**{f: getattr(self, f) for f in rules.Month.__dataclass_fields__})


class Clue(models.Model):
    """One piece of news that a household may be at risk, from any door."""

    class Source(models.TextChoices):
        SELF = "self", "农户自主申报"
        HOTLINE = "hotline", "12345来电"
        VISIT = "visit", "干部排查（八必访）"
        FEED = "feed", "部门预警"
        ACCOUNTS = "accounts", "收支监测"

    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="clues"
    )
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="clues"
    )
    village = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    source = models.CharField("来源", max_length=8, choices=Source.choices)
    feed = models.CharField(
        "部门", max_length=12, blank=True, choices=[("", ""), *list(FEED_SOURCES.items())]
    )
    cause = models.CharField("致贫返贫风险", max_length=10, choices=rules.CAUSE_CHOICES)
    name = models.CharField("申报人", max_length=40, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    text = models.CharField("情况", max_length=500)
    amount = models.DecimalField("金额", null=True, blank=True, max_digits=12, decimal_places=2)
    checklist = models.JSONField("八必访", default=list, blank=True)
    flagged = models.BooleanField("触发预警规则", default=True)
    received_at = models.DateTimeField()
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "Case", null=True, blank=True, on_delete=models.PROTECT, related_name="clues"
    )
    closed_note = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "风险线索"
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["household", "merged_into"])]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.received_at:%Y-%m-%d}"


class Case(models.Model):
    """An identification (认定) or risk-elimination (风险消除) procedure for one household."""

    class State(models.TextChoices):
        OPEN = "open", "办理中"
        APPROVED = "approved", "已通过"
        REFUSED = "refused", "未通过"

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="cases")
    kind = models.CharField(
        max_length=10, choices=[(IDENTIFY, "监测对象认定"), (ELIMINATE, "风险消除")]
    )
    state = models.CharField(max_length=8, choices=State.choices, default="open")
    target = models.CharField(
        "拟认定类型", max_length=12, choices=HouseholdStatus.choices, blank=True
    )
    cause = models.CharField("风险类型", max_length=10, choices=rules.CAUSE_CHOICES)
    green_channel = models.BooleanField("绿色通道（先帮扶后认定）", default=False)
    opened_at = models.DateTimeField()
    home_check_due = models.DateField()
    decision_due = models.DateField()
    authorised_at = models.DateTimeField("书面授权时间", null=True, blank=True)
    rigid_resolved = models.BooleanField("刚性支出已解决", default=False)
    guarantees = models.BooleanField("三保障已保持", default=False)
    water = models.BooleanField("饮水安全", default=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField("结论理由（告知申请人）", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "认定与消除"
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.household_id}"


class Step(models.Model):
    """One step of a case, filed as a proactive ticket so the loop chases it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=16, choices=STEP_CHOICES)
    due = models.DateField()
    started_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.CharField(max_length=60, blank=True)
    passed = models.BooleanField(null=True)
    note = models.CharField(max_length=300, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["case", "started_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="hh_step_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due:%Y-%m-%d}"


class Measure(models.Model):
    """One help measure of the household's plan (一户一策)."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="measures")
    kind = models.CharField("措施", max_length=16, choices=MEASURE_CHOICES)
    department = models.CharField("责任部门", max_length=30)
    start = models.DateField("开始")
    end = models.DateField("结束", null=True, blank=True)
    expected_income = models.DecimalField(
        "预计年增收（元）", default=Decimal(0), max_digits=12, decimal_places=2
    )
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=60)

    class Meta:
        ordering = ["household", "start", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class Payment(models.Model):
    """A relief-fund payment (绿色 / 紧急 / 补充)."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="payments")
    fund = models.CharField("救助类型", max_length=14, choices=PAYMENT_CHOICES)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    paid_on = models.DateField("发放日期")
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.CharField(max_length=60)

    class Meta:
        ordering = ["household", "paid_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_fund_display()} {self.amount}"
