"""Project lists (民生实事清单) and inspection campaigns (排查整治).

States are named `state` (a ticket's `status` belongs to the loop) and every change of one is
also an append-only `Event`. Only `minsheng.projects.records` writes these tables.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Photo(models.Model):
    """A cleaned photo (residents.photos.clean: re-encoded, no metadata, at most 1600 px)."""

    data = models.BinaryField()
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "照片"
        verbose_name_plural = "照片"

    def __str__(self) -> str:
        return f"照片 {self.pk}"


# --- project lists ---------------------------------------------------------------------------


class ProjectList(models.Model):
    """One jurisdiction's list of livelihood projects for one year."""

    class State(models.TextChoices):
        DRAFTING = "drafting", _("征集中")
        REVIEW = "review", _("审议中")
        PUBLISHED = "published", _("已公布")

    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=120)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFTING)
    created_at = models.DateTimeField("创建时间")
    published_at = models.DateTimeField("公布时间", null=True, blank=True)

    class Meta:
        verbose_name = "实事清单"
        verbose_name_plural = "实事清单"
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="projects_list_unit_year")
        ]

    def __str__(self) -> str:
        return self.title


class Proposal(models.Model):
    """A wish for the list: a resident's (群众点单) or a hotspot / 每月一题 with its tickets."""

    class Source(models.TextChoices):
        RESIDENT = "resident", _("群众提议")
        HOTSPOT = "hotspot", _("诉求热点")
        TOPIC = "topic", _("每月一题")
        STAFF = "staff", _("部门提出")

    class State(models.TextChoices):
        OPEN = "open", _("征集中")
        ADOPTED = "adopted", _("已纳入")
        DECLINED = "declined", _("未纳入")

    plist = models.ForeignKey(ProjectList, on_delete=models.PROTECT, related_name="proposals")
    title = models.CharField("标题", max_length=100)
    text = models.TextField("内容", max_length=2000)
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    source_key = models.CharField(max_length=120, blank=True)
    resident = models.ForeignKey(
        "citizens.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    place = models.ForeignKey(
        "orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tickets = models.ManyToManyField("tickets.Ticket", blank=True, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    answer = models.CharField("答复", max_length=300, blank=True)
    created_at = models.DateTimeField("提出时间")

    class Meta:
        verbose_name = "项目提议"
        verbose_name_plural = "项目提议"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plist", "source", "source_key"],
                condition=~models.Q(source_key=""),
                name="projects_proposal_source_once",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Support(models.Model):
    """One resident's support for one proposal (附议), once per phone."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    resident = models.ForeignKey("citizens.Resident", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "resident"], name="projects_support_once")
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}:{self.resident_id}"


class Project(models.Model):
    """A livelihood project on a list: who does it, with what money, to which targets."""

    class State(models.TextChoices):
        PLANNED = "planned", _("未开工")
        UNDERWAY = "underway", _("实施中")
        DONE = "done", _("已完成")
        CANCELLED = "cancelled", _("已撤销")

    plist = models.ForeignKey(ProjectList, on_delete=models.PROTECT, related_name="projects")
    number = models.PositiveSmallIntegerField("序号")
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    title = models.CharField("项目名称", max_length=120)
    summary = models.TextField("主要内容", max_length=2000, blank=True)
    owner = models.ForeignKey(
        "orgs.Unit", verbose_name="牵头单位", on_delete=models.PROTECT, related_name="+"
    )
    co_units = models.ManyToManyField(
        "orgs.Unit", verbose_name="配合单位", blank=True, related_name="+"
    )
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PLANNED)
    due = models.DateField("完成时限", null=True, blank=True)
    started_on = models.DateField("开工日期", null=True, blank=True)
    finished_on = models.DateField("完成日期", null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "实事项目"
        verbose_name_plural = "实事项目"
        ordering = ["plist", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plist", "number"], name="projects_number_in_list")
        ]

    def __str__(self) -> str:
        return self.title


class Funding(models.Model):
    """Money for a project from one source (中央、省、市、县级财政、社会资金 …), in yuan."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="fundings")
    source = models.CharField("资金来源", max_length=40)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.source} {self.amount}"


class Disbursement(models.Model):
    """Money paid out of a funding line (拨付)."""

    funding = models.ForeignKey(Funding, on_delete=models.PROTECT, related_name="disbursements")
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    on = models.DateField("拨付日期")
    note = models.CharField("用途", max_length=200, blank=True)

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.on} {self.amount}"


class Kpi(models.Model):
    """A performance target (绩效指标): e.g. households with a certificate, target 94,000."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField("指标", max_length=80)
    measure = models.CharField("计量单位", max_length=10, blank=True)
    target = models.DecimalField("目标值", max_digits=14, decimal_places=2)
    actual = models.DecimalField("完成值", max_digits=14, decimal_places=2, default=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} {self.actual}/{self.target}"


class Milestone(models.Model):
    """A dated step of a project; an overdue one is chased through the loop (`chase_ticket`)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField("节点", max_length=100)
    due = models.DateField("完成时限")
    done_on = models.DateField("完成日期", null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)  # the due-soon notice went out
    chase_ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return f"{self.title}（{self.due}）"


class Report(models.Model):
    """A progress report (进度报告), with an optional photo."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    text = models.TextField("进展", max_length=2000)
    photo = models.ForeignKey(Photo, null=True, blank=True, on_delete=models.PROTECT)
    by = models.CharField(max_length=60)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.at:%Y-%m-%d}"


class ProjectTicket(models.Model):
    """A ticket that prompted the project, or one the project settles (its reply names it)."""

    class Role(models.TextChoices):
        PROMPTED = "prompted", _("促成项目")
        SETTLES = "settles", _("由项目解决")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="links")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "ticket"], name="projects_ticket_once")
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.ticket_id}"


class Evaluation(models.Model):
    """A resident's rating of a finished project (群众评单), once per phone."""

    class Score(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASICALLY = "basically", _("基本满意")
        UNSATISFIED = "unsatisfied", _("不满意")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="evaluations")
    resident = models.ForeignKey("citizens.Resident", on_delete=models.PROTECT, related_name="+")
    score = models.CharField("满意度", max_length=12, choices=Score.choices)
    comment = models.CharField("意见", max_length=500, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "resident"], name="projects_rate_once")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.score}"


# --- inspection campaigns --------------------------------------------------------------------


class Campaign(models.Model):
    """A door-to-door inspection campaign (排查整治) in a jurisdiction."""

    class State(models.TextChoices):
        PLANNED = "planned", _("未开始")
        RUNNING = "running", _("排查中")
        FINISHED = "finished", _("已结束")

    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("名称", max_length=120)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    fix_workdays = models.PositiveSmallIntegerField("整改时限（工作日）", default=7)
    responsible = models.ForeignKey(
        "orgs.Unit",
        verbose_name="默认整改单位",
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PLANNED)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "排查整治行动"
        verbose_name_plural = "排查整治行动"
        ordering = ["-start", "pk"]

    def __str__(self) -> str:
        return self.title


class ChecklistItem(models.Model):
    """One question of the campaign's checklist; some answers are hazards."""

    class Kind(models.TextChoices):
        YESNO = "yesno", _("是/否")
        CHOICE = "choice", _("选项")
        NUMBER = "number", _("数字")
        TEXT = "text", _("文字")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    question = models.CharField("检查项", max_length=120)
    kind = models.CharField("答案类型", max_length=8, choices=Kind.choices)
    choices = models.CharField("选项（|分隔）", max_length=200, blank=True)
    hazard_answers = models.CharField("属于隐患的答案（|分隔）", max_length=200, blank=True)
    hazard_type = models.CharField("隐患类型", max_length=40, blank=True)
    photo_required = models.BooleanField("须拍照", default=False)
    responsible = models.ForeignKey(
        "orgs.Unit",
        verbose_name="整改单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["campaign", "order", "pk"]

    def __str__(self) -> str:
        return self.question


class Target(models.Model):
    """A household, building or shop to inspect."""

    class Kind(models.TextChoices):
        HOUSEHOLD = "household", _("住户")
        BUILDING = "building", _("楼栋")
        SHOP = "shop", _("商铺")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    ref = models.CharField("编号", max_length=40)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    address = models.CharField("地址", max_length=200)
    area = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    # The latest visit's outcome, kept here so the board counts without scanning visits.
    outcome = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["campaign", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "ref"], name="projects_target_ref")
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.address}"


class Inspector(models.Model):
    """A member of staff inspecting in one area of a campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="inspectors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "user", "area"], name="projects_inspector_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.area_id}"


class Visit(models.Model):
    """One visit to a target; `client_id` (made in the inspector's browser) makes a resend a
    no-op."""

    class Outcome(models.TextChoices):
        INSPECTED = "inspected", _("已排查")
        NOBODY = "nobody", _("无人在家")
        REFUSED = "refused", _("拒绝入户")

    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="visits")
    client_id = models.CharField(max_length=40, unique=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("排查时间")
    received_at = models.DateTimeField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.target_id} {self.outcome}"


class Answer(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(max_length=200)
    photo = models.ForeignKey(Photo, null=True, blank=True, on_delete=models.PROTECT)

    def __str__(self) -> str:
        return f"{self.item_id}={self.value}"


class Hazard(models.Model):
    """A hazard found at a target; fixed through its rectification ticket and a re-inspection."""

    class State(models.TextChoices):
        OPEN = "open", _("整改中")
        FIXED = "fixed", _("已整改")
        REFUSED = "refused", _("拒绝整改")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="hazards")
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="hazards")
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="hazards")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("隐患类型", max_length=40)
    answer = models.CharField(max_length=200)
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    found_on = models.DateField("发现日期")
    due = models.DateField("整改时限")
    fixed_on = models.DateField("整改完成日期", null=True, blank=True)
    recheck_photo = models.ForeignKey(
        Photo, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("拒绝整改原因", max_length=300, blank=True)

    class Meta:
        verbose_name = "隐患"
        verbose_name_plural = "隐患"
        ordering = ["-found_on", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.target_id}"


# --- the append-only log -----------------------------------------------------------------------


class Event(models.Model):
    """Every change of state, supervision step and settlement, never updated or deleted."""

    plist = models.ForeignKey(
        ProjectList, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    hazard = models.ForeignKey(
        Hazard, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(max_length=20)
    label = models.CharField(max_length=40)
    note = models.CharField(max_length=500, blank=True)
    actor = models.CharField(max_length=60)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.label} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("events are append-only")
