from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to one recipient (通知): an SMS, an e-mail or an in-app notice.

    The row is the outbox: it is written in the same transaction as the change it reports, and
    only the worker sends it. `dedupe_key` is unique, so a retried scan never writes it twice.
    """

    class Channel(models.TextChoices):
        SMS = "sms", _("短信")
        EMAIL = "email", _("电子邮件")
        INAPP = "inapp", _("站内消息")

    class State(models.TextChoices):
        QUEUED = "queued", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    kind = models.CharField("类型", max_length=32)
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name="相关单位",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    phone = models.CharField("手机号", max_length=20, blank=True)
    email = models.EmailField("邮箱", blank=True)
    subject = models.CharField("标题", max_length=200, blank=True)
    body = models.TextField("内容")
    url = models.CharField("链接", max_length=300, blank=True)
    ticket_number = models.CharField("工单编号", max_length=24, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True)
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField("发送次数", default=0)
    next_attempt_at = models.DateTimeField("下次发送")
    claimed_until = models.DateTimeField(null=True, blank=True)  # a worker's lease
    created_at = models.DateTimeField("生成时间")
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    last_error = models.TextField("失败原因", blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state="queued"),
                name="notification_queue_idx",
            ),
            models.Index(
                fields=["user", "-created_at"],
                condition=models.Q(channel="inapp"),
                name="notification_inbox_idx",
            ),
            models.Index(fields=["unit", "created_at"], name="notification_unit_idx"),
            # The SMS of one ticket, shown on the staff ticket page.
            models.Index(
                fields=["ticket_number", "created_at"],
                condition=models.Q(channel="sms"),
                name="notification_ticket_sms_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.kind} {self.ticket_number}"
