"""一件事一次办: bundles as data, applications with one work item per department, proxies
(亲友代办), video pre-review slots and calls (远程视频预审), transfers to other regions (跨省通办).

States are named `state` (a ticket's `status` belongs to the loop); every change of an
application is also an append-only `Event`. Only `write.py`, `calls.py` and `transfers.py`
write these tables (the administrators edit bundles in the Django admin).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# --- bundles (data) -------------------------------------------------------------------------


class Bundle(models.Model):
    """一件事: several items from several departments, applied for with one form at one window."""

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    summary = models.TextField("说明", blank=True)
    window = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="受理窗口单位",
        help_text="综合窗口所在单位（如区政务服务中心）",
    )
    window_address = models.CharField("窗口地址", max_length=120, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "一件事"
        verbose_name_plural = "一件事"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """One item of a bundle, done by one department within its legal limit (working days)."""

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="items")
    code = models.SlugField("编码", max_length=40)
    name = models.CharField("事项", max_length=60)
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="办理部门"
    )
    materials = models.JSONField("所需材料", default=list, help_text="材料名称的列表")
    limit_workdays = models.PositiveSmallIntegerField("法定时限（工作日）")
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="needed_by", verbose_name="前置事项"
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "事项"
        verbose_name_plural = "事项"
        ordering = ["bundle", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "code"], name="services_item_code")
        ]

    def __str__(self) -> str:
        return f"{self.bundle.name}·{self.name}"


class Field(models.Model):
    """A question of the bundle's one combined form, asked once, mapped to the items needing it."""

    class Kind(models.TextChoices):
        TEXT = "text", _("文字")
        DATE = "date", _("日期")
        ID = "id", _("身份证号")
        CHOICE = "choice", _("选择")

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField("字段名", max_length=40)
    label = models.CharField("问题", max_length=60)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices, default=Kind.TEXT)
    choices = models.CharField("选项", max_length=200, blank=True, help_text="用“、”分隔")
    required = models.BooleanField("必填", default=True)
    items = models.ManyToManyField(Item, related_name="fields", verbose_name="用于事项")
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "表单字段"
        verbose_name_plural = "表单字段"
        ordering = ["bundle", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["bundle", "key"], name="services_field_key")]

    def __str__(self) -> str:
        return self.label


# --- proxies (亲友代办) --------------------------------------------------------------------------


class Authorisation(models.Model):
    """Who may act for whom, for which bundles, until when, on what evidence; revocable."""

    class Evidence(models.TextChoices):
        PHOTO = "photo", _("签字授权书照片")
        SMS = "sms", _("本人短信验证码确认")

    principal = models.ForeignKey(
        "citizens.Resident", on_delete=models.PROTECT, related_name="+", verbose_name="委托人"
    )
    principal_name = models.CharField("委托人姓名", max_length=40)
    proxy = models.ForeignKey(
        "citizens.Resident", on_delete=models.PROTECT, related_name="+", verbose_name="代办人"
    )
    proxy_name = models.CharField("代办人姓名", max_length=40)
    relation = models.CharField("关系", max_length=20)
    bundles = models.ManyToManyField(Bundle, related_name="+", verbose_name="可代办事项")
    valid_until = models.DateField("有效期至")
    evidence = models.CharField("凭证", max_length=6, choices=Evidence.choices)
    photo = models.BinaryField("授权书照片", null=True, blank=True)
    photo_type = models.CharField(max_length=40, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_tries = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField("生效时间", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_by = models.CharField("撤销人", max_length=60, blank=True)
    key = models.CharField(max_length=32, unique=True)  # the proxy's code, entered on the form
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "代办授权"
        verbose_name_plural = "代办授权"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.proxy_name}代{self.principal_name}"


# --- applications ------------------------------------------------------------------------------


class Application(models.Model):
    """One resident's application for a bundle: the parent of one work item per item."""

    class State(models.TextChoices):
        RUNNING = "running", _("办理中")
        FIXING = "fixing", _("待补正")
        DONE = "done", _("已办结")
        TRANSFERRED = "transferred", _("已转外地办理")

    number = models.CharField("申请编号", max_length=20, unique=True)
    bundle = models.ForeignKey(Bundle, on_delete=models.PROTECT, related_name="applications")
    resident = models.ForeignKey(
        "citizens.Resident", on_delete=models.PROTECT, related_name="+", verbose_name="申请人"
    )
    name = models.CharField("申请人姓名", max_length=40)
    answers = models.JSONField("表单内容", default=dict)
    proxy = models.ForeignKey(
        Authorisation, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.RUNNING)
    key = models.CharField(max_length=32, unique=True)  # the resident's progress link
    created_at = models.DateTimeField("申请时间")
    done_at = models.DateTimeField("办结时间", null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    origin = models.CharField("来源", max_length=120, blank=True)  # a transfer from another region
    inbound_key = models.CharField(max_length=40, blank=True, db_index=True)
    inbound_ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "申请"
        verbose_name_plural = "申请"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.number


class Work(models.Model):
    """One item of an application, worked by its department through a ticket of the loop."""

    class State(models.TextChoices):
        WAITING = "waiting", _("等待前置事项")
        RUNNING = "running", _("办理中")
        REJECTED = "rejected", _("待补正")
        DONE = "done", _("已办结")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="works")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    due = models.DateField("法定办结日", null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    material = models.CharField("需补正材料", max_length=60, blank=True)
    reason = models.CharField("补正说明", max_length=300, blank=True)

    class Meta:
        ordering = ["application", "item__order", "item__pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "item"], name="services_work_item")
        ]

    def __str__(self) -> str:
        return f"{self.application.number}·{self.item.name}"


class Upload(models.Model):
    """A photo of a material the resident supplied when fixing an item (cleaned, re-encoded)."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="uploads")
    material = models.CharField(max_length=60)
    data = models.BinaryField()
    content_type = models.CharField(max_length=40)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.material


class Event(models.Model):
    """The application's timeline; never updated or deleted. A proxy's act names both people."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    work = models.ForeignKey(
        Work, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(max_length=20)
    label = models.CharField(max_length=60)
    note = models.CharField(max_length=500, blank=True)
    actor = models.CharField(max_length=80)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.label} {self.at:%Y-%m-%d %H:%M}"


# --- video pre-review (远程视频预审) ------------------------------------------------------------


class Slot(models.Model):
    """A bookable time of a window's clerk for a video pre-review."""

    window = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField("开始时间")
    minutes = models.PositiveSmallIntegerField("时长（分钟）", default=20)
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="slot"
    )
    booked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "视频预审时段"
        verbose_name_plural = "视频预审时段"
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["window", "starts_at"], name="services_slot_time")
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"


class Review(models.Model):
    """The call of a booked slot: its room, the clerk's checklist and the result."""

    class Result(models.TextChoices):
        COMPLETE = "complete", _("材料齐全")
        MISSING = "missing", _("材料不全")

    slot = models.OneToOneField(Slot, on_delete=models.PROTECT, related_name="review")
    room = models.CharField(max_length=32, unique=True)
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked = models.JSONField(default=list)  # the materials seen in the call
    missing = models.JSONField(default=list)
    result = models.CharField(max_length=10, choices=Result.choices, blank=True)
    note = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.room


class Signal(models.Model):
    """One signalling message of a call (the SDP offer or answer with its ICE candidates, or a
    further candidate), stored until the other browser polls it."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="signals")
    sender = models.CharField(max_length=8)  # resident | clerk
    kind = models.CharField(max_length=10)  # offer | answer | ice | bye
    payload = models.TextField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.sender}:{self.kind}"


# --- cross-region transfer (跨省通办) --------------------------------------------------------


class Peer(models.Model):
    """Another region's system that speaks Open311 (another minsheng, or any other)."""

    name = models.CharField("名称", max_length=60)
    endpoint = models.URLField("Open311 地址", help_text="如 https://12345.example.cn/open311/v2/")
    api_key = models.CharField("api_key", max_length=120)
    service_code = models.CharField("服务编码", max_length=40, default="SV-TRANSFER")

    class Meta:
        verbose_name = "外地系统"
        verbose_name_plural = "外地系统"

    def __str__(self) -> str:
        return self.name


class Transfer(models.Model):
    """An application sent to a peer: the key makes retries safe; its status is polled back."""

    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已转出")
        CLOSED = "closed", _("对方已办结")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="transfers")
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=40, unique=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    remote_id = models.CharField(max_length=40, blank=True)
    remote_status = models.CharField(max_length=20, blank=True)
    remote_notes = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    polled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.key
