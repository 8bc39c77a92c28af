from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.taxonomy.models import RequestType
from minsheng.tickets import names
from minsheng.tickets.names import CLOCK_STATUSES, OPEN_STATUSES


class Status(models.TextChoices):
    """The statuses of tickets.names with the words people read."""

    RECEIVED = names.Status.RECEIVED.value, _("已受理")
    DISPATCHED = names.Status.DISPATCHED.value, _("已派单")
    ACCEPTED = names.Status.ACCEPTED.value, _("办理中")
    RETURNED = names.Status.RETURNED.value, _("已退单")
    REPLIED = names.Status.REPLIED.value, _("已答复")
    VISITED = names.Status.VISITED.value, _("已回访")
    CLOSED = names.Status.CLOSED.value, _("已办结")
    MERGED = names.Status.MERGED.value, _("已合并")
    DECLINED = names.Status.DECLINED.value, _("不予受理")


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("12345热线")
    WEB = "web", _("网站")
    MOBILE = "mobile", _("手机端")
    API = "api", _("系统接口")
    OFFLINE = "offline", _("线下说事")
    GRID = "grid", _("网格上报")
    SENSOR = "sensor", _("物联感知")
    PROACTIVE = "proactive", _("主动治理")  # 未诉先办: raised by the centre from a hotspot


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")  # risk to life or property: the 2-hour emergency policy


class Satisfaction(models.TextChoices):
    """The resident's rating at the return visit (回访评价)."""

    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


def overdue_q(now: datetime) -> Q:
    """Overdue: a unit's running clock (not paused) past its acceptance or resolution deadline."""
    running = Q(status__in=CLOCK_STATUSES, paused_since__isnull=True)
    return running & (Q(resolve_by__lt=now) | Q(status=Status.DISPATCHED, accept_by__lt=now))


def due_soon_q(now: datetime) -> Q:
    """Due soon: the next deadline (acceptance while dispatched, else resolution) falls within
    MINSHENG_DUE_SOON_HOURS, and the ticket is not overdue."""
    soon = now + timedelta(hours=settings.MINSHENG_DUE_SOON_HOURS)
    running = Q(status__in=CLOCK_STATUSES, paused_since__isnull=True)
    due = Q(status=Status.DISPATCHED, accept_by__lt=soon) | Q(
        status=Status.ACCEPTED, resolve_by__lt=soon
    )
    return running & due & ~overdue_q(now)


class TicketQuerySet(models.QuerySet["Ticket"]):
    def overdue(self, now: datetime) -> "TicketQuerySet":
        return self.filter(overdue_q(now))

    def due_soon(self, now: datetime) -> "TicketQuerySet":
        return self.filter(due_soon_q(now))


class Ticket(models.Model):
    """A resident's request (诉求) and its handling record (工单).

    Only `tickets.workflow` changes `status` and the deadlines; each change appends a TicketEvent.
    """

    number = models.CharField("工单编号", max_length=24, unique=True)  # quoted to the resident
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    request_type = models.CharField("诉求类型", max_length=12, choices=RequestType.choices)
    category = models.ForeignKey(
        "taxonomy.Category", verbose_name="分类", on_delete=models.PROTECT, related_name="+"
    )
    urgency = models.CharField(
        "紧急程度", max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    resident = models.ForeignKey(
        "citizens.Resident",
        verbose_name="诉求人",
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,  # ticket_resident_idx leads with it
    )
    title = models.CharField("标题", max_length=100)
    description = models.TextField("诉求内容", max_length=4000)
    address = models.CharField("地址", max_length=200, blank=True)
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    place = models.ForeignKey(
        "orgs.Unit",
        verbose_name="所在区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.RECEIVED, editable=False
    )
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name="主办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,  # ticket_unit_status_idx leads with it
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
    )
    # 二次派单: the unit below the main unit that handles the ticket for it, and its deadline
    # (inside the main unit's); the main unit stays answerable and is the one assessed.
    sub_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name="下级承办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    sub_resolve_by = models.DateTimeField("下级办理时限", null=True, blank=True, editable=False)
    received_at = models.DateTimeField("受理时间")
    dispatched_at = models.DateTimeField("派单时间", null=True, blank=True)
    accept_by = models.DateTimeField("签收时限", null=True, blank=True)
    accepted_at = models.DateTimeField("签收时间", null=True, blank=True)
    resolve_by = models.DateTimeField("办结时限", null=True, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    beyond_calendar = models.BooleanField("超出已发布日历", default=False)
    paused_since = models.DateTimeField("暂停计时自", null=True, blank=True)
    return_by = models.DateTimeField("退单时限", null=True, blank=True)  # 1 working day
    # A pause waiting for the centre's approval, where the policy asks for it (申请暂停计时).
    pause_requested_at = models.DateTimeField("申请暂停计时", null=True, blank=True)
    # Phone return visits that reached no one (联系不上) in this round, and when to call again.
    visit_attempts = models.PositiveSmallIntegerField("回访联系不上次数", default=0)
    visit_retry_at = models.DateTimeField("再次回访时间", null=True, blank=True)
    # When the deadline scan must look at this ticket next (supervision); None: nothing pending.
    next_check_at = models.DateTimeField("下次检查", null=True, blank=True, editable=False)
    # The deadline ("accept@…" or "resolve@…") last chased (催办) and escalated (督办).
    urged_for = models.CharField(max_length=40, blank=True, editable=False)
    escalated_for = models.CharField(max_length=40, blank=True, editable=False)
    reply = models.TextField("答复内容", blank=True)
    reopen_count = models.PositiveSmallIntegerField("重办次数", default=0)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="并入工单",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="受理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Filed by another system and not yet classified and routed by the worker.
    awaiting_route = models.BooleanField(default=False, editable=False)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = "工单"
        verbose_name_plural = "工单"
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "resolve_by"], name="ticket_deadline_idx"),
            models.Index(fields=["unit", "status"], name="ticket_unit_status_idx"),
            models.Index(fields=["resident", "-received_at"], name="ticket_resident_idx"),
            # The worker's scan reads only tickets with a pending check; a partial index keeps it
            # independent of the number of open tickets (benchmarks/overdue_scan.py).
            models.Index(
                fields=["next_check_at"],
                condition=models.Q(next_check_at__isnull=False),
                name="ticket_next_check_idx",
            ),
            models.Index(
                fields=["resolve_by"],
                condition=models.Q(status__in=["dispatched", "accepted"]),
                name="ticket_clock_resolve_idx",
            ),
            models.Index(
                fields=["id"],
                condition=models.Q(awaiting_route=True),
                name="ticket_awaiting_route_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("ticket", args=[self.number])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def due_state(self, now: datetime | None = None) -> str:
        """'overdue', 'due_soon' or '': `overdue_q` and `due_soon_q` for one ticket in memory."""
        if self.status not in CLOCK_STATUSES or self.paused_since:
            return ""
        now = now or timezone.now()
        due = self.accept_by if self.status == Status.DISPATCHED else self.resolve_by
        if (self.resolve_by and self.resolve_by < now) or (due and due < now):
            return "overdue"
        if due and due < now + timedelta(hours=settings.MINSHENG_DUE_SOON_HOURS):
            return "due_soon"
        return ""


class CoHandler(models.Model):
    """A unit summoned to help the main unit (协办), e.g. a department called by a street."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="cohandlers")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="cohandling")
    added_at = models.DateTimeField("增派时间")
    accept_by = models.DateTimeField("签收时限", null=True, blank=True)
    accepted_at = models.DateTimeField("签收时间", null=True, blank=True)
    resolve_by = models.DateTimeField("反馈时限", null=True, blank=True)
    replied_at = models.DateTimeField("反馈时间", null=True, blank=True)
    reply = models.TextField("协办意见", blank=True)

    class Meta:
        verbose_name = "协办单位"
        verbose_name_plural = "协办单位"
        constraints = [
            models.UniqueConstraint(fields=["ticket", "unit"], name="cohandler_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.number} 协办 {self.unit}"


class ExtensionRequest(models.Model):
    """A unit's request for more time (延期申请); the deadline moves only when it is approved."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("未批准")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间")
    new_resolve_by = models.DateTimeField("申请延至")
    reason = models.TextField("延期理由", max_length=1000)
    # Where the policy asks for it, the unit's leader reviews first, then the centre decides.
    needs_leader = models.BooleanField("须单位负责人审核", default=False)
    leader_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    leader_at = models.DateTimeField("单位审核时间", null=True, blank=True)
    decision = models.CharField(
        "审批结果", max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.ticket.number} 延期至 {self.new_resolve_by:%Y-%m-%d}"


class TicketEvent(models.Model):
    """One step in a ticket's timeline (流转记录). Append-only and hash-chained.

    `hash` covers this event's content and the previous event's hash, so editing or deleting a
    past event breaks the chain; `minsheng verify_timeline` finds it. Assessment reads these rows.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField("序号")
    action = models.CharField("动作", max_length=24)
    from_status = models.CharField(max_length=10, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField("操作人", max_length=60)
    unit = models.ForeignKey(
        "orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField("说明", blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField("时间")
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "流转记录"
        verbose_name_plural = "流转记录"
        ordering = ["ticket", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "seq"], name="event_seq_unique"),
        ]
        indexes = [models.Index(fields=["action", "at"], name="event_action_at_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id}#{self.seq} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValidationError("流转记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValidationError("流转记录只能追加，不能删除。")


class TicketSequence(models.Model):
    """The last number issued per city prefix and day; makes ticket numbers unique and dense."""

    key = models.CharField(max_length=16, primary_key=True)  # e.g. FZ261127
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.last}"


def _attachment_path(instance: "Attachment", filename: str) -> str:
    import uuid

    return f"attachments/{instance.uploaded_at:%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


class Attachment(models.Model):
    """A file on a ticket: a photo of the site, a scanned letter. Served only to those who may
    see the ticket, never from a public URL."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path)
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=50)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_at = models.DateTimeField("上传时间")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.name
