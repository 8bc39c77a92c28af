from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from minsheng.dispatch import rules
from minsheng.tickets.models import Urgency


class Target(models.TextChoices):
    """Where a rule sends the ticket."""

    UNIT = rules.TARGET_UNIT, _("指定单位")
    STREET = rules.TARGET_STREET, _("所在街道乡镇（直派）")
    DISTRICT = rules.TARGET_DISTRICT, _("所在区（兜底）")


class DispatchRule(models.Model):
    """A rule of the dispatch catalogue (派单规则): conditions, then where the ticket goes.

    Rules are tried by `order`; the first whose every condition holds decides. Only
    `dispatch.routing` writes them, recording each change as a RuleChange.
    """

    order = models.PositiveIntegerField("顺序", default=0)
    name = models.CharField("规则名称", max_length=100, unique=True)
    is_active = models.BooleanField("启用", default=True)
    # Conditions: an empty one matches anything.
    categories = models.ManyToManyField(
        "taxonomy.Category", verbose_name="分类", blank=True, related_name="+"
    )
    request_types = models.JSONField("诉求类型", default=list, blank=True)
    places = models.ManyToManyField(
        "orgs.Unit", verbose_name="所在区域", blank=True, related_name="+"
    )
    polygon = models.JSONField("划定范围 (GeoJSON, WGS-84)", null=True, blank=True)
    time_from = models.TimeField("时段起", null=True, blank=True)
    time_to = models.TimeField("时段止", null=True, blank=True)
    weekdays = models.JSONField("星期", default=list, blank=True)  # 0 = Monday
    keywords = models.TextField("关键词", blank=True, help_text="以 | 分隔，含任一即可")
    # Actions.
    target = models.CharField("主办单位", max_length=10, choices=Target.choices)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name="指定主办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    fallback_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name="地点不明时派往",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cohandlers = models.ManyToManyField(
        "orgs.Unit", verbose_name="协办单位", blank=True, related_name="+"
    )
    policy = models.ForeignKey(
        "sla.DeadlinePolicy",
        verbose_name="时限规则",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    priority = models.CharField(
        "紧急程度", max_length=8, choices=Urgency.choices, blank=True, help_text="留空则不变"
    )
    note = models.TextField("说明", blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "派单规则"
        verbose_name_plural = "派单规则"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class RuleChange(models.Model):
    """One change to the rules (规则变更记录): who, when, the rule before and after. Append-only."""

    class Kind(models.TextChoices):
        CREATED = "created", _("新建")
        UPDATED = "updated", _("修改")
        MOVED = "moved", _("调整顺序")

    rule = models.ForeignKey(
        DispatchRule, null=True, on_delete=models.SET_NULL, related_name="changes"
    )
    rule_name = models.CharField("规则名称", max_length=100)
    kind = models.CharField("变更", max_length=10, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    by_label = models.CharField("操作人", max_length=60)
    at = models.DateTimeField("时间")
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)

    class Meta:
        verbose_name = "规则变更记录"
        verbose_name_plural = "规则变更记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.rule_name}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValidationError("规则变更记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValidationError("规则变更记录只能追加，不能删除。")


class RuleSetVersion(models.Model):
    """One row whose token changes with every rule change, so every web process recompiles."""

    token = models.CharField(max_length=32)
    number = models.PositiveIntegerField("版本", default=0)
    changed_at = models.DateTimeField("修改时间")

    class Meta:
        verbose_name = "规则版本"
        verbose_name_plural = "规则版本"

    def __str__(self) -> str:
        return f"v{self.number}"


class UnitStrategy(models.Model):
    """How a unit hands a dispatched ticket to one of its handlers (分办)."""

    class Strategy(models.TextChoices):
        LEADER = "leader", _("由单位负责人指定")
        ROUND_ROBIN = "round_robin", _("轮流分配")
        LEAST_OPEN = "least_open", _("在办最少者优先")
        BY_GRID = "by_grid", _("按网格（所在网格的承办人）")

    unit = models.OneToOneField(
        "orgs.Unit", verbose_name="单位", on_delete=models.CASCADE, related_name="+"
    )
    strategy = models.CharField(
        "分办方式", max_length=12, choices=Strategy.choices, default=Strategy.LEADER
    )
    # The round-robin cursor: the handler who got the last ticket.
    last_handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = "单位分办方式"
        verbose_name_plural = "单位分办方式"

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_strategy_display()}"
