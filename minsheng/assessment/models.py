from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from minsheng.assessment.formulas import Weights
from minsheng.orgs.models import Unit

# Units are ranked only against units of their own group.
GROUP_KINDS: dict[str, tuple[str, ...]] = {
    "street": (Unit.Kind.STREET, Unit.Kind.TOWNSHIP),
    "department": (Unit.Kind.DEPARTMENT,),
    "enterprise": (Unit.Kind.ENTERPRISE,),
}
KIND_GROUP = {kind: group for group, kinds in GROUP_KINDS.items() for kind in kinds}


class Group(models.TextChoices):
    STREET = "street", _("街道（乡镇）")
    DEPARTMENT = "department", _("职能部门")
    ENTERPRISE = "enterprise", _("公共服务企业")


class Cohandling(models.TextChoices):
    MAIN = "main", _("只计主办单位")
    BOTH = "both", _("主办、协办单位都计入")


class ScoringPolicy(models.Model):
    """How scores are computed. Never edited in place: every change is a new version, and a
    published period keeps the version it was computed with."""

    version = models.PositiveIntegerField("版本", unique=True)
    created_at = models.DateTimeField("生效时间")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("修订说明", max_length=200, blank=True)
    street_response = models.PositiveSmallIntegerField("街道·响应率权重", default=30)
    street_resolution = models.PositiveSmallIntegerField("街道·解决率权重", default=35)
    street_satisfaction = models.PositiveSmallIntegerField("街道·满意率权重", default=35)
    department_response = models.PositiveSmallIntegerField("部门·响应率权重", default=30)
    department_resolution = models.PositiveSmallIntegerField("部门·解决率权重", default=35)
    department_satisfaction = models.PositiveSmallIntegerField("部门·满意率权重", default=35)
    enterprise_response = models.PositiveSmallIntegerField("企业·响应率权重", default=30)
    enterprise_resolution = models.PositiveSmallIntegerField("企业·解决率权重", default=35)
    enterprise_satisfaction = models.PositiveSmallIntegerField("企业·满意率权重", default=35)
    satisfied_weight = models.DecimalField("满意计分", max_digits=3, decimal_places=2, default=1)
    basically_weight = models.DecimalField(
        "基本满意计分", max_digits=3, decimal_places=2, default=0.8
    )
    min_volume = models.PositiveIntegerField("参与排名的最少工单量", default=5)
    cohandling = models.CharField(
        "协办工单计入", max_length=8, choices=Cohandling.choices, default=Cohandling.MAIN
    )
    red_list = models.PositiveSmallIntegerField("红榜名额", default=3)
    black_list = models.PositiveSmallIntegerField("黑榜名额", default=3)
    # A unit enters the red list only with at least this score, the black list only below
    # that one; each list also holds at most a third of its group (formulas.board_size).
    red_min_score = models.PositiveSmallIntegerField("红榜最低得分", default=90)
    black_below_score = models.PositiveSmallIntegerField("黑榜得分线（低于）", default=80)

    class Meta:
        verbose_name = "考核规则"
        verbose_name_plural = "考核规则"
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"考核规则 v{self.version}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValidationError("考核规则不能修改，只能发布新版本。")
        super().save(*args, **kwargs)

    def weights(self, group: str) -> Weights:
        return Weights(
            response=getattr(self, f"{group}_response"),
            resolution=getattr(self, f"{group}_resolution"),
            satisfaction=getattr(self, f"{group}_satisfaction"),
            satisfied=float(self.satisfied_weight),
            basically=float(self.basically_weight),
        )


class TicketFact(models.Model):
    """One ticket's facts for one unit (see formulas.Fact); rebuilt from the timeline by
    `scoring.refresh_facts`, aggregated in SQL by `scoring.compute`."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=4)
    period = models.CharField(max_length=7)
    held = models.BooleanField(default=True)
    accepted_in_time = models.BooleanField(default=False)
    accepted_24h = models.BooleanField(default=False)
    responded = models.BooleanField(default=False)
    replied = models.BooleanField(default=False)
    replied_on_time = models.BooleanField(default=False)
    resolve_by = models.DateTimeField(null=True)
    rated = models.BooleanField(default=False)
    resolved = models.BooleanField(default=False)
    satisfied = models.BooleanField(default=False)
    basically = models.BooleanField(default=False)
    no_rating = models.BooleanField(default=False)
    returned = models.BooleanField(default=False)
    reopened = models.BooleanField(default=False)
    extended = models.BooleanField(default=False)
    excluded = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "unit", "role"], name="fact_unique"),
        ]
        indexes = [
            # Covering: a drill-down reads one unit's month from the index alone (PostgreSQL;
            # SQLite ignores `include`).
            models.Index(
                fields=["period", "unit", "role", "ticket"],
                include=[
                    "held",
                    "excluded",
                    "accepted_24h",
                    "responded",
                    "replied",
                    "replied_on_time",
                    "resolve_by",
                    "rated",
                    "resolved",
                    "satisfied",
                    "basically",
                    "no_rating",
                    "returned",
                    "reopened",
                    "extended",
                ],
                name="fact_period_unit_cover_idx",
            ),
            # The facts still waiting for a reply: which of them are due depends on the moment
            # of computation, so `scoring.aggregate` counts them here when the tally can't say.
            models.Index(
                fields=["period", "unit", "role", "resolve_by"],
                name="fact_unreplied_idx",
                condition=models.Q(held=True, excluded=False, replied=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}/{self.unit_id}/{self.role} {self.period}"


class FactTally(models.Model):
    """The counts of the facts of one unit, month and role (计数汇总), kept equal to a GROUP BY
    over TicketFact by `scoring.rebuild_facts` (old rows subtracted, new rows added, in the same
    transaction), so `scoring.compute` sums a few rows per unit instead of every fact."""

    period = models.CharField(max_length=7)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=4)
    facts = models.IntegerField(default=0)  # every fact row, excluded or not
    excluded = models.IntegerField(default=0)
    dispatched = models.IntegerField(default=0)  # not excluded
    returned = models.IntegerField(default=0)  # not excluded
    volume = models.IntegerField(default=0)  # held, not excluded; every count below is of these
    replied = models.IntegerField(default=0)
    responded = models.IntegerField(default=0)
    accepted_24h = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    basically = models.IntegerField(default=0)
    no_rating = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    extended = models.IntegerField(default=0)
    pending = models.IntegerField(default=0)  # not replied, with a resolve_by
    # No pending fact has a later resolve_by (an upper bound: never lowered by a subtraction).
    # When the computation is later than this, every pending fact is due.
    pending_until = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "unit", "role"], name="tally_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.unit_id}/{self.role}: {self.facts}"


class FactCursor(models.Model):
    """How far `refresh_facts` has read the timeline (the last TicketEvent id); one row."""

    last_event = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"#{self.last_event}"


class ScorePeriod(models.Model):
    """One month's assessment: a draft until published, then frozen."""

    class State(models.TextChoices):
        DRAFT = "draft", _("试算")
        PUBLISHED = "published", _("已发布")

    period = models.CharField("考核月份", max_length=7, unique=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFT)
    policy = models.ForeignKey(ScoringPolicy, verbose_name="考核规则", on_delete=models.PROTECT)
    computed_at = models.DateTimeField("计算时间")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "考核期"
        verbose_name_plural = "考核期"
        ordering = ["-period"]

    def __str__(self) -> str:
        return self.period

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class ScoreSnapshot(models.Model):
    """A unit's score for a period with every count behind it (快照)."""

    period = models.ForeignKey(ScorePeriod, on_delete=models.CASCADE, related_name="snapshots")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    group = models.CharField("排名组", max_length=12, choices=Group.choices)
    dispatched = models.PositiveIntegerField(default=0)
    volume = models.PositiveIntegerField(default=0)
    excluded = models.PositiveIntegerField(default=0)
    responded = models.PositiveIntegerField(default=0)
    accepted_24h = models.PositiveIntegerField(default=0)
    due = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basically = models.PositiveIntegerField(default=0)
    no_rating = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    extended = models.PositiveIntegerField(default=0)
    rates = models.JSONField(default=dict)  # formulas.RATES → value or null
    score = models.FloatField("综合得分", null=True)
    rank = models.PositiveIntegerField("排名", null=True)
    board = models.CharField(max_length=5, blank=True)  # red, black or ""

    class Meta:
        verbose_name = "考核得分"
        verbose_name_plural = "考核得分"
        ordering = ["period", "group", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="snapshot_unique"),
        ]
        indexes = [models.Index(fields=["unit", "period"], name="snapshot_unit_idx")]

    def __str__(self) -> str:
        return f"{self.period} {self.unit} {self.score}"


class Recompute(models.Model):
    """Who recomputed a published period, why, and with what result (a recorded decision)."""

    period = models.ForeignKey(ScorePeriod, on_delete=models.PROTECT, related_name="recomputes")
    at = models.DateTimeField("时间")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_label = models.CharField("操作人", max_length=60)
    reason = models.TextField("理由")
    appeal = models.ForeignKey(
        "Appeal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changes = models.JSONField(default=dict)  # unit code → [old score, new score]

    class Meta:
        verbose_name = "重新计算记录"
        verbose_name_plural = "重新计算记录"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.period} {self.at:%Y-%m-%d %H:%M} {self.by_label}"


class Decision(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("未同意")


class Exclusion(models.Model):
    """A unit's request to take a ticket out of its rates (不合理诉求 / 非本单位职责); the
    centre decides. Approved ones leave the unit's rates; the ticket itself is untouched."""

    class Reason(models.TextChoices):
        UNREASONABLE = "unreasonable", _("不合理诉求")
        OUT_OF_DUTY = "out_of_duty", _("非本单位职责")

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, verbose_name="申请单位", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("剔除类型", max_length=14, choices=Reason.choices)
    evidence = models.TextField("事实与依据", max_length=2000)
    attachment = models.FileField("佐证材料", upload_to="exclusions/%Y/%m/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间")
    decision = models.CharField(
        "审核结果", max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_note = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = "剔除申请"
        verbose_name_plural = "剔除申请"
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_reason_display()}"


class Appeal(models.Model):
    """A unit's appeal (申诉) against its published score for a period."""

    period = models.ForeignKey(ScorePeriod, on_delete=models.PROTECT, related_name="appeals")
    unit = models.ForeignKey(
        Unit, verbose_name="申诉单位", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("申诉理由", max_length=2000)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField("申诉时间")
    decision = models.CharField(
        "处理结果", max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_note = models.TextField("处理意见", blank=True)

    class Meta:
        verbose_name = "考核申诉"
        verbose_name_plural = "考核申诉"
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return f"{self.period} {self.unit} 申诉"
