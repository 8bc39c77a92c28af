from django.db import models
from django.utils.translation import gettext_lazy as _

from minsheng.webhooks import signing


class Subscription(models.Model):
    """A system that wants ticket events POSTed to its URL (事件订阅), signed with its secret."""

    name = models.CharField("名称", max_length=100)
    url = models.URLField("推送地址", max_length=500)
    secret = models.CharField("签名密钥", max_length=128, default=signing.new_secret)
    # Event actions to send (e.g. "dispatch", "reply"); empty means every event.
    event_types = models.JSONField("事件类型", default=list, blank=True)
    # When set, only tickets whose main or co-handling unit lies in these units' subtrees.
    units = models.ManyToManyField(
        "orgs.Unit", verbose_name="限定单位", blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        "accounts.ApiKey",
        verbose_name="所属密钥",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "事件订阅"
        verbose_name_plural = "事件订阅"

    def __str__(self) -> str:
        return f"{self.name} → {self.url}"

    def wants(self, action: str) -> bool:
        return not self.event_types or action in self.event_types


class Delivery(models.Model):
    """One event sent to one subscription, with its attempts. Never two for the same pair."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("已放弃")

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey("tickets.TicketEvent", on_delete=models.PROTECT, related_name="+")
    payload = models.JSONField()
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试")
    last_status_code = models.PositiveSmallIntegerField("最近响应码", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "推送记录"
        verbose_name_plural = "推送记录"
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event"], name="delivery_once_per_event"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx")]

    def __str__(self) -> str:
        return f"{self.subscription.name} #{self.event_id} {self.status}"


class EventCursor(models.Model):
    """How far the scan for new ticket events has read (the outbox's high-water mark).

    Event ids are issued before commit, so a lower id can appear after a higher one; a gap is
    only passed once every id in it was issued longer ago than any transaction lasts.
    """

    name = models.CharField(max_length=32, primary_key=True)
    last_event_id = models.BigIntegerField(default=0)
    # The highest id seen when the current gap was first noticed, and when that was.
    horizon_id = models.BigIntegerField(default=0)
    horizon_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_event_id}"
