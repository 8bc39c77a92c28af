"""Enrolled elders' households, their meters and readings, absences, alarms and their ladder."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Household(models.Model):
    """An enrolled household of one or more elders (独居老人), with the consent on record."""

    code = models.CharField(_("户编号"), max_length=40, unique=True)
    name = models.CharField(_("老人姓名"), max_length=60)
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    address = models.CharField(_("住址"), max_length=200)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("社区或网格"), on_delete=models.PROTECT, related_name="+"
    )
    # age, living alone, 特困, children away, disability: rules.TAGS
    tags = models.JSONField(_("标签"), default=list, blank=True)
    consent_by = models.CharField(_("同意人"), max_length=60)
    consent_at = models.DateTimeField(_("同意时间"))
    consent_how = models.CharField(_("同意方式"), max_length=60)
    enrolled_at = models.DateTimeField(_("登记时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Contact(models.Model):
    """A person the ladder tells, in `order`: the elder, family 1..n, grid worker, community,
    street."""

    class Relation(models.TextChoices):
        ELDER = "elder", _("本人")
        FAMILY = "family", _("家属")
        GRID = "grid", _("网格员")
        COMMUNITY = "community", _("社区")
        STREET = "street", _("街道")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="contacts")
    order = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("姓名"), max_length=60)
    phone = models.CharField(_("电话"), max_length=20)
    relation = models.CharField(_("关系"), max_length=20, choices=Relation.choices)
    relation_note = models.CharField(_("称谓"), max_length=30, blank=True)  # 儿子, 女儿 …

    class Meta:
        ordering = ["household", "order"]
        constraints = [
            models.UniqueConstraint(fields=["household", "order"], name="contact_order_once")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class Meter(models.Model):
    """A utility meter linked to a household, with the interval it is expected to report at."""

    class Kind(models.TextChoices):
        WATER = "water", _("水表")
        ELECTRICITY = "electricity", _("电表")
        GAS = "gas", _("燃气表")

    code = models.CharField(_("表号"), max_length=40, unique=True)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="meters")
    kind = models.CharField(_("表类型"), max_length=12, choices=Kind.choices)
    report_minutes = models.PositiveIntegerField(_("上报间隔（分钟）"))
    # The newest reading by its own time, and when the platform last heard from the meter.
    last_at = models.DateTimeField(null=True, blank=True)
    last_received_at = models.DateTimeField(null=True, blank=True)
    # The earliest reading stored since the last judgement: the judge starts from here.
    dirty_from = models.DateTimeField(null=True, blank=True, db_index=True)
    version = models.PositiveBigIntegerField(default=0)  # +1 per stored batch: the judge's check
    silent_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Reading(models.Model):
    """One cumulative register value at the meter's own time; (meter, at) is stored once."""

    meter = models.ForeignKey(Meter, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()
    value = models.FloatField()  # m³ or kWh, cumulative
    received_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meter", "at"], name="reading_once")]

    def __str__(self) -> str:
        return f"{self.meter_id}@{self.at:%Y-%m-%d %H:%M}"


class DailyUse(models.Model):
    """A meter's use over one local day: what stays after the retention period."""

    meter = models.ForeignKey(Meter, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    use = models.FloatField()  # litres (water, gas) or kWh
    readings = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meter", "day"], name="daily_once")]

    def __str__(self) -> str:
        return f"{self.meter_id} {self.day}"


class Problem(models.Model):
    """A reading that could not be stored: an unknown meter or a malformed payload."""

    received_at = models.DateTimeField(db_index=True)
    source = models.CharField(max_length=10)  # mqtt, api, csv
    meter_code = models.CharField(max_length=60, blank=True)
    reason = models.CharField(max_length=200)
    payload = models.TextField(blank=True)  # the first 500 characters

    def __str__(self) -> str:
        return f"{self.source} {self.meter_code}: {self.reason}"


class Absence(models.Model):
    """A registered absence (visiting family, hospital, travel): welfare alarms are suppressed."""

    class Reason(models.TextChoices):
        FAMILY = "family", _("探亲访友")
        HOSPITAL = "hospital", _("住院")
        TRAVEL = "travel", _("外出旅行")
        OTHER = "other", _("其他")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="absences")
    starts = models.DateTimeField(_("开始"))
    ends = models.DateTimeField(_("结束"))
    reason = models.CharField(_("原因"), max_length=12, choices=Reason.choices)
    source = models.CharField(_("来源"), max_length=12)  # staff, family, api, ticket
    reported_by = models.CharField(_("登记人"), max_length=80)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts"]

    def __str__(self) -> str:
        return f"{self.household_id} {self.starts:%Y-%m-%d}–{self.ends:%Y-%m-%d}"


class Policy(models.Model):
    """The rules and the ladder of a jurisdiction (a unit and everything below it); the one
    without a unit is the city's default."""

    class Mode(models.TextChoices):
        FAMILY_FIRST = "family_first", _("先联系老人和家属，再派单")
        STAFF_FIRST = "staff_first", _("先派单到社区，同时告知家属")

    unit = models.OneToOneField(
        "orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    preset = models.CharField(_("预设"), max_length=20, default="zhongshan")
    # rules.Params as a dict; missing keys take the preset's values.
    params = models.JSONField(_("参数"), default=dict, blank=True)
    mode = models.CharField(_("通知顺序"), max_length=12, choices=Mode.choices)
    step_minutes = models.PositiveIntegerField(_("每级等待（分钟）"), default=15)
    escalate_minutes = models.PositiveIntegerField(_("工单未签收升级（分钟）"), default=60)
    utility = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("表具故障派往"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    def __str__(self) -> str:
        return f"{self.unit or '默认'} {self.preset}"


class Alarm(models.Model):
    """A finding of the rules about a household, and where its ladder stands."""

    class Kind(models.TextChoices):
        WELFARE = "welfare", _("关爱预警")
        METER_SILENT = "meter_silent", _("表具静默")
        LEAK = "leak", _("疑似漏水")
        HIGH_USE = "high_use", _("用量过高")

    class State(models.TextChoices):
        OPEN = "open", _("处理中")
        ACKNOWLEDGED = "acknowledged", _("已确认平安")
        DOWNGRADED = "downgraded", _("已恢复用水，降级")
        SUPPRESSED = "suppressed", _("登记外出，不预警")
        CLOSED = "closed", _("已办结")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="alarms")
    meter = models.ForeignKey(Meter, null=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    rule = models.CharField(max_length=40)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    raised_at = models.DateTimeField(db_index=True)
    # when the reading that completed the window arrived (latency is measured from here)
    evidence_at = models.DateTimeField()
    severity = models.PositiveSmallIntegerField(default=1)  # 1 low, 2 high, 3 both meters quiet
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    detail = models.CharField(max_length=300)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    plan = models.JSONField(default=list)  # ladder.plan: the steps, in order
    step = models.PositiveSmallIntegerField(default=0)  # ladder steps taken
    next_step_at = models.DateTimeField(null=True, blank=True, db_index=True)
    outcome = models.CharField(max_length=12, blank=True)  # rules.OUTCOMES
    visited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "meter", "rule", "window_start"], name="alarm_once"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.rule}"

    @property
    def outcome_label(self) -> str:
        from minsheng.eldercare.rules import OUTCOMES

        return OUTCOMES.get(self.outcome, "")


class AlarmEvent(models.Model):
    """One step in an alarm's life (raised, notified, acknowledged, ticket, escalated,
    downgraded, outcome …); appended, never changed."""

    alarm = models.ForeignKey(Alarm, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    action = models.CharField(max_length=20)
    by = models.CharField(max_length=80)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["alarm", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.alarm_id} {self.action}"
