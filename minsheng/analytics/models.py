"""Aggregates of the ticket stream (rebuilt by `refresh.py`), hotspots, 每月一题 and 未诉先办.

`unit_path` on every aggregate row is the path of the ticket's main handling unit when the row
was built: a unit reads the rows under its own path, the centre reads them all.
"""

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def _unit(name: str, **extra: Any) -> models.ForeignKey:
    return models.ForeignKey(
        "orgs.Unit",
        verbose_name=name,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        **extra,
    )


class DailyVolume(models.Model):
    """Tickets received per day and place, category, channel and request type."""

    day = models.DateField("日期")
    weekday = models.PositiveSmallIntegerField("星期")  # ISO: 1 = Monday
    district = _unit("区")
    street = _unit("街道（乡镇）")
    community = _unit("社区（村）")
    category = models.ForeignKey(
        "taxonomy.Category", on_delete=models.CASCADE, related_name="+", verbose_name="分类"
    )
    group = models.ForeignKey(
        "taxonomy.Category",
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="大类",
    )
    channel = models.CharField("渠道", max_length=10)
    request_type = models.CharField("诉求类型", max_length=12)
    unit_path = models.CharField(max_length=255, blank=True)
    count = models.PositiveIntegerField("件数")

    class Meta:
        verbose_name = "每日诉求量"
        verbose_name_plural = "每日诉求量"
        indexes = [
            models.Index(fields=["day", "unit_path"], name="volume_day_idx"),
            models.Index(fields=["unit_path", "day"], name="volume_unit_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.count}"


class HourlyVolume(models.Model):
    """Tickets received per day and hour of day, by street: the time-of-day profile."""

    day = models.DateField("日期")
    weekday = models.PositiveSmallIntegerField("星期")
    hour = models.PositiveSmallIntegerField("时")
    district = _unit("区")
    street = _unit("街道（乡镇）")
    unit_path = models.CharField(max_length=255, blank=True)
    count = models.PositiveIntegerField("件数")

    class Meta:
        verbose_name = "分时诉求量"
        verbose_name_plural = "分时诉求量"
        indexes = [models.Index(fields=["day", "unit_path"], name="hourly_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.hour}时 {self.count}"


class DailySatisfaction(models.Model):
    """Return-visit ratings per day of the visit, place and category group."""

    day = models.DateField("回访日期")
    district = _unit("区")
    street = _unit("街道（乡镇）")
    community = _unit("社区（村）")
    group = models.ForeignKey(
        "taxonomy.Category", null=True, on_delete=models.CASCADE, related_name="+"
    )
    unit_path = models.CharField(max_length=255, blank=True)
    satisfied = models.PositiveIntegerField("满意", default=0)
    basically = models.PositiveIntegerField("基本满意", default=0)
    unsatisfied = models.PositiveIntegerField("不满意", default=0)

    class Meta:
        verbose_name = "每日满意度"
        verbose_name_plural = "每日满意度"
        indexes = [models.Index(fields=["day", "unit_path"], name="satisfaction_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.satisfied}/{self.basically}/{self.unsatisfied}"


class OpenSnapshot(models.Model):
    """Open tickets at the last refresh: how many, how many due soon, how many overdue."""

    taken_at = models.DateTimeField("统计时间")
    district = _unit("区")
    street = _unit("街道（乡镇）")
    group = models.ForeignKey(
        "taxonomy.Category", null=True, on_delete=models.CASCADE, related_name="+"
    )
    unit_path = models.CharField(max_length=255, blank=True)
    open = models.PositiveIntegerField("在办", default=0)
    due_soon = models.PositiveIntegerField("临期", default=0)
    overdue = models.PositiveIntegerField("超期", default=0)

    class Meta:
        verbose_name = "在办快照"
        verbose_name_plural = "在办快照"

    def __str__(self) -> str:
        return f"{self.taken_at:%Y-%m-%d %H:%M} {self.open}"


class Hotspot(models.Model):
    """A cluster of similar requests, a surge against the baseline, or a recurring problem."""

    class Kind(models.TextChoices):
        CLUSTER = "cluster", _("相似诉求聚集")
        SURGE = "surge", _("诉求量激增")
        RECURRING = "recurring", _("反复出现的问题")

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    category = models.ForeignKey(
        "taxonomy.Category", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    area = _unit("区域")
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    first_at = models.DateTimeField("最早")
    last_at = models.DateTimeField("最近")
    size = models.PositiveIntegerField("件数")
    months = models.PositiveSmallIntegerField("出现月数", default=1)
    recent = models.PositiveIntegerField("近7日", default=0)
    baseline = models.FloatField("此前周均", default=0)
    score = models.FloatField("强度", default=0)
    detected_at = models.DateTimeField("发现时间")

    class Meta:
        verbose_name = "热点"
        verbose_name_plural = "热点"
        ordering = ["-score", "-size"]

    def __str__(self) -> str:
        return self.title


class HotspotTicket(models.Model):
    """A ticket behind a hotspot."""

    hotspot = models.ForeignKey(Hotspot, on_delete=models.CASCADE, related_name="members")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hotspot", "ticket"], name="hotspot_ticket_unique")
        ]

    def __str__(self) -> str:
        return f"{self.hotspot_id}:{self.ticket_id}"


class MonthlyTopic(models.Model):
    """每月一题: the root problem the city takes on this month."""

    month = models.DateField("月份", unique=True)  # the first day of the month
    title = models.CharField("题目", max_length=200)
    description = models.TextField("说明", blank=True)
    source_key = models.CharField("来源热点", max_length=120, blank=True)
    ticket_numbers = models.JSONField("相关工单", default=list)
    owners = models.ManyToManyField("orgs.Unit", verbose_name="责任单位", related_name="+")
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    adopted_at = models.DateTimeField("确定时间")

    class Meta:
        verbose_name = "每月一题"
        verbose_name_plural = "每月一题"
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.title}"

    @property
    def progress(self) -> int:
        """The mean progress of the topic's actions, in per cent."""
        values = [a.progress for a in self.actions.all()]
        return round(sum(values) / len(values)) if values else 0


class TopicAction(models.Model):
    """One action of a monthly topic, with its owner and progress."""

    topic = models.ForeignKey(MonthlyTopic, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField("措施", max_length=200)
    owner = _unit("责任单位")
    progress = models.PositiveSmallIntegerField(
        "进度（%）", default=0, validators=[MaxValueValidator(100)]
    )
    note = models.TextField("进展说明", blank=True)
    updated_at = models.DateTimeField("更新时间")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "措施"
        verbose_name_plural = "措施"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class ProactiveTask(models.Model):
    """未诉先办: the ticket filed from a hotspot; one per hotspot key, however often clicked."""

    hotspot_key = models.CharField(max_length=120, unique=True)
    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = "未诉先办任务"
        verbose_name_plural = "未诉先办任务"

    def __str__(self) -> str:
        return self.hotspot_key
