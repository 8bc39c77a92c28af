"""Veterans' affairs (退役军人事务): martyrs' records, families' requests and their candidates,
beneficiaries and the registers they are checked against, and the discrepancies found."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Bureau(models.Model):
    """A veterans' affairs bureau (退役军人事务局) and the county it serves ("" the whole city)."""

    unit = models.OneToOneField("orgs.Unit", on_delete=models.PROTECT, verbose_name="单位")
    county_code = models.CharField("服务区划代码", max_length=12, blank=True, db_index=True)

    class Meta:
        verbose_name = "退役军人事务局"
        verbose_name_plural = "退役军人事务局"
        ordering = ["county_code"]

    def __str__(self) -> str:
        return self.unit.name


class Reliability(models.TextChoices):
    ARCHIVE = "archive", _("档案核实")
    ROLL = "roll", _("烈士名录")
    CHRONICLE = "chronicle", _("地方志")
    ORAL = "oral", _("口述")
    OTHER = "other", _("其他")


class MartyrRecord(models.Model):
    """A martyr's record (烈士英名录条目): as written in the source, with aliases."""

    name = models.CharField("姓名", max_length=40, db_index=True)
    # "字:子明;乳名:狗娃;李明" — kind and name, separated by ";"
    aliases = models.CharField("别名（字、号、乳名、化名）", max_length=200, blank=True)
    native_place = models.CharField("籍贯（原文）", max_length=120, blank=True)
    native_code = models.CharField("籍贯今属区划代码", max_length=12, blank=True, db_index=True)
    native_today = models.CharField("籍贯今属", max_length=120, blank=True)
    birth_year = models.PositiveSmallIntegerField("出生年份", null=True, blank=True)
    death_year = models.PositiveSmallIntegerField("牺牲年份", null=True, blank=True)
    unit = models.CharField("生前部队", max_length=120, blank=True)
    death_place = models.CharField("牺牲地点", max_length=120, blank=True)
    burial_place = models.CharField("安葬地", max_length=120, blank=True)
    source = models.CharField("来源", max_length=120, blank=True)
    reliability = models.CharField(
        "可靠程度", max_length=12, choices=Reliability.choices, default=Reliability.ROLL
    )
    notes = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("录入时间")
    updated_at = models.DateTimeField("修改时间")

    class Meta:
        verbose_name = "烈士记录"
        verbose_name_plural = "烈士记录"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class RecordFile(models.Model):
    """A photo or document kept with a martyr's record."""

    record = models.ForeignKey(MartyrRecord, on_delete=models.CASCADE, related_name="files")
    file = models.FileField("文件", upload_to="veterans/%Y/%m/")
    title = models.CharField("说明", max_length=120, blank=True)
    uploaded_at = models.DateTimeField("上传时间")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title or str(self.file.name)


class Stage(models.TextChoices):
    """Where a family's request stands (寻亲进度)."""

    REGISTERED = "registered", _("已登记")
    VERIFYING = "verifying", _("核实中")
    CONFIRMED = "confirmed", _("已确认")
    NOTIFIED = "notified", _("已告知家属")
    ARRANGED = "arranged", _("已安排祭扫")


class FamilyRequest(models.Model):
    """A family's request to find a martyr (寻亲登记), filed through the door as a ticket."""

    class Channel(models.TextChoices):
        RESIDENT = "resident", _("居民自助登记")
        HOTLINE = "hotline", _("12345热线")
        STAFF = "staff", _("窗口登记")

    ancestor_names = models.CharField("烈士姓名（可多个，以；分隔）", max_length=120)
    native_place = models.CharField("籍贯（家属所记）", max_length=120, blank=True)
    birth_year = models.PositiveSmallIntegerField("出生年份", null=True, blank=True)
    death_year = models.PositiveSmallIntegerField("牺牲年份", null=True, blank=True)
    unit = models.CharField("部队", max_length=120, blank=True)
    story = models.TextField("家属讲述", blank=True)
    requester_name = models.CharField("登记人", max_length=40)
    relation = models.CharField("与烈士关系", max_length=20)
    resident = models.ForeignKey("citizens.Resident", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField("登记渠道", max_length=10, choices=Channel.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stage = models.CharField("进度", max_length=12, choices=Stage.choices, default=Stage.REGISTERED)
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "寻亲登记"
        verbose_name_plural = "寻亲登记"
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"寻亲登记 #{self.pk} {self.ancestor_names}"


class RequestEvent(models.Model):
    """One step in a request's history (append-only)."""

    request = models.ForeignKey(FamilyRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    action = models.CharField(max_length=24)
    by = models.CharField(max_length=80)
    note = models.TextField(blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d}"


class Candidate(models.Model):
    """A record proposed for a request, with its score and the reason per field."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("待核实")
        VERIFYING = "verifying", _("收集证据中")
        REVIEWING = "reviewing", _("待局审核")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("已排除")

    request = models.ForeignKey(FamilyRequest, on_delete=models.CASCADE, related_name="candidates")
    record = models.ForeignKey(MartyrRecord, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField("名次")
    score = models.FloatField("得分")
    weight = models.FloatField("匹配权重")
    reasons = models.JSONField("逐项理由", default=list)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    # The open step's ticket (evidence, review, notice or 祭扫), its deadline on the ticket.
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reject_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["request", "record"], name="veterans_one_candidate")
        ]

    def __str__(self) -> str:
        return f"{self.request_id} → {self.record_id}"


class Beneficiary(models.Model):
    """A beneficiary of preferential treatment (优抚对象) and the allowance paid."""

    class Kind(models.TextChoices):
        MARTYR_FAMILY = "martyr_family", _("烈士遗属")
        DISABLED = "disabled", _("伤残军人")
        DEMOBILISED = "demobilised", _("在乡老复员军人")
        OTHER = "other", _("其他优抚对象")

    name = models.CharField("姓名", max_length=40)
    id_number = models.CharField("身份证号", max_length=18, db_index=True)
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    county_code = models.CharField("所在县区代码", max_length=6, db_index=True)
    allowance = models.DecimalField("月补助金额（元）", max_digits=9, decimal_places=2)
    account = models.CharField("发放账户", max_length=32, blank=True)
    martyr = models.ForeignKey(
        MartyrRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    martyr_name = models.CharField("烈士姓名（申报）", max_length=40, blank=True)
    active = models.BooleanField("在发", default=True)

    class Meta:
        verbose_name = "优抚对象"
        verbose_name_plural = "优抚对象"
        ordering = ["county_code", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number", "county_code"], name="veterans_one_per_county"
            )
        ]

    def __str__(self) -> str:
        return self.name


class RegisterEntry(models.Model):
    """A line of an imported register: a death, a household move, a closed account, a payment."""

    class Kind(models.TextChoices):
        DEATH = "death", _("死亡登记")
        MOVE = "move", _("户籍迁移")
        CLOSED = "closed", _("销户账户")
        PAYMENT = "payment", _("发放记录")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    id_number = models.CharField(max_length=18, blank=True, db_index=True)
    account = models.CharField(max_length=32, blank=True, db_index=True)
    on = models.DateField()
    data = models.JSONField(default=dict)  # to_county, amount …
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.on}"


class Finding(models.Model):
    """A discrepancy found by a check (核查问题), worked as a ticket to the county's bureau."""

    class Outcome(models.TextChoices):
        CORRECTED = "corrected", _("已更正")
        CONFIRMED = "confirmed", _("核实无误")
        STOPPED = "stopped", _("已停发")

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.PROTECT, related_name="findings")
    kind = models.CharField("问题类型", max_length=20)
    key = models.CharField(max_length=80)  # what makes it the same finding on the next run
    evidence = models.JSONField(default=dict)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    found_at = models.DateTimeField("发现时间")
    outcome = models.CharField("处理结果", max_length=10, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(max_length=200, blank=True)
    settled_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "核查问题"
        verbose_name_plural = "核查问题"
        ordering = ["-found_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary", "kind", "key"], name="veterans_one_finding"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.beneficiary_id}"
