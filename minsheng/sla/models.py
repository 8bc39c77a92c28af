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
    pause_needs_approval = models.BooleanField(
        "暂停计时须审批",
        default=False,
        help_text="承办单位申请暂停计时，经热线中心批准后才停止计时",
    )
    reopen_workdays = models.PositiveIntegerField(
        "重办时限（工作日）",
        null=True,
        blank=True,
        help_text="重办时给原单位的较短办结时限；不填则按原时限重新计算",
    )
    extension_needs_leader = models.BooleanField(
        "延期须单位负责人先审核", default=False, help_text="先由单位负责人审核，再报热线中心审批"
    )
    escalate_workdays = models.PositiveIntegerField(
        "催办后督办（工作日）", default=2, help_text="催办后仍未办结，再过几个工作日报督办员督办"
    )
    visit_after_hours = models.PositiveIntegerField(
        "答复后回访（小时）",
        default=24,
        help_text="答复后多少小时进入回访任务，并向群众发送评价短信",
    )
    unrated_close_days = models.PositiveIntegerField(
        "未评价自动办结（天）",
        null=True,
        blank=True,
        default=7,
        help_text="答复后多少天群众仍未评价，按“未评价”办结；不填则留给话务员电话回访",
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
