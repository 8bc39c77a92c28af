from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """A day that breaks the weekday rule: a public holiday, or a make-up working day (调休上班).

    Seeded from the chinese-calendar package by `minsheng sync_calendar`; administrators add the
    next year each November/December when the State Council publishes it.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日")
        WORKDAY = "workday", _("调休上班")

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    name = models.CharField("名称", max_length=30, blank=True)

    class Meta:
        verbose_name = "工作日历"
        verbose_name_plural = "工作日历"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class CalendarYear(models.Model):
    """A year whose holidays and make-up days are known. Outside these, only weekdays count."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    source = models.CharField("来源", max_length=100, blank=True)

    class Meta:
        verbose_name = "已发布年度"
        verbose_name_plural = "已发布年度"
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class DeadlinePolicy(models.Model):
    """How long a unit has to accept (签收) and to finish (办结) a ticket of a category."""

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=60)
    accept_hours = models.PositiveIntegerField("签收时限（小时）", default=2)
    resolve_hours = models.PositiveIntegerField(
        "办结时限（小时）", null=True, blank=True, help_text="按自然小时计；与工作日二选一"
    )
    resolve_workdays = models.PositiveIntegerField(
        "办结时限（工作日）", null=True, blank=True, help_text="按工作日历计"
    )
    allow_pause = models.BooleanField(
        "可暂停计时", default=False, help_text="等待群众补充材料等情形下，经办人可暂停计时"
    )
    description = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "时限规则"
        verbose_name_plural = "时限规则"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resolve_hours__isnull=False)
                | models.Q(resolve_workdays__isnull=False),
                name="policy_has_resolution_time",
            )
        ]

    def __str__(self) -> str:
        return self.name
