"""The community network's data: buildings and stairwells inside the grids, their heads and
sessions, five-party linkage on tickets, leaders' contact points and visits, stations and
their slips, consultation meetings and their resolutions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minsheng.community.rules import LEVEL_CHOICES


class Building(models.Model):
    """A residential building (楼栋) in a community and, where known, one of its grids."""

    code = models.CharField("楼栋编码", max_length=40, unique=True)
    name = models.CharField("楼栋名称", max_length=100)
    community = models.ForeignKey(
        "orgs.Unit", verbose_name="社区", on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        "orgs.Unit",
        verbose_name="网格",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField("地址", max_length=200, blank=True)
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    floors = models.PositiveSmallIntegerField("层数", null=True, blank=True)
    households = models.PositiveIntegerField("户数", default=0)

    class Meta:
        verbose_name = "楼栋"
        verbose_name_plural = "楼栋"
        ordering = ["community__path", "code"]

    def __str__(self) -> str:
        return self.name


class Stairwell(models.Model):
    """A stairwell unit (单元) of a building."""

    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="stairwells")
    number = models.PositiveSmallIntegerField("单元号")
    households = models.PositiveIntegerField("户数", default=0)

    class Meta:
        verbose_name = "单元"
        verbose_name_plural = "单元"
        ordering = ["building_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="stairwell_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.building.name}{self.number}单元"


class Head(models.Model):
    """A 网格长, 楼栋长, 单元长 or volunteer steward, and their area."""

    class Role(models.TextChoices):
        GRID = "grid", _("网格长")
        BUILDING = "building", _("楼栋长")
        STAIRWELL = "stairwell", _("单元长")
        STEWARD = "steward", _("志愿楼长")

    name = models.CharField("姓名", max_length=60)
    phone = models.CharField("手机号", max_length=20)
    role = models.CharField("职责", max_length=12, choices=Role.choices)
    community = models.ForeignKey(
        "orgs.Unit", verbose_name="社区", on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        "orgs.Unit",
        verbose_name="网格",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    building = models.ForeignKey(
        Building, verbose_name="楼栋", null=True, blank=True, on_delete=models.PROTECT
    )
    stairwell = models.ForeignKey(
        Stairwell, verbose_name="单元", null=True, blank=True, on_delete=models.PROTECT
    )
    is_active = models.BooleanField("在任", default=True)

    class Meta:
        verbose_name = "三长与志愿楼长"
        verbose_name_plural = "三长与志愿楼长"
        ordering = ["community__path", "role", "name"]
        constraints = [
            models.UniqueConstraint(fields=["phone", "role"], name="head_phone_role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"

    @property
    def area_label(self) -> str:
        if self.stairwell_id:
            return str(self.stairwell)
        if self.building_id:
            return str(self.building)
        return str(self.grid or self.community)


class Duty(models.Model):
    """One line of a head's duty roster (值班表): a weekday and hours."""

    head = models.ForeignKey(Head, on_delete=models.CASCADE, related_name="duties")
    weekday = models.PositiveSmallIntegerField("星期")  # 0 Monday … 6 Sunday
    starts = models.TimeField("开始")
    ends = models.TimeField("结束")

    class Meta:
        verbose_name = "值班"
        verbose_name_plural = "值班"
        ordering = ["head_id", "weekday", "starts"]

    def __str__(self) -> str:
        return f"{self.head.name} {self.label}"

    @property
    def label(self) -> str:
        return f"周{'一二三四五六日'[self.weekday]} {self.starts:%H:%M}-{self.ends:%H:%M}"


class Invitation(models.Model):
    """An invitation link sent by SMS to a head; only its token's hash is kept."""

    head = models.ForeignKey(Head, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The one-time code sent when the link is opened (hash), its expiry and wrong tries.
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"邀请 {self.head.name}"


class HeadSession(models.Model):
    """A head's phone session, tied to the head's role and area; revocable."""

    head = models.ForeignKey(Head, on_delete=models.CASCADE, related_name="sessions")
    key_hash = models.CharField(max_length=64, unique=True)
    role = models.CharField(max_length=12)
    area = models.CharField(max_length=120)
    created_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.head.name} 的手机登录"


class Linkage(models.Model):
    """Five-party linkage (五方联动) of one ticket: the level it is offered to now, until when,
    and the level that settled it."""

    class State(models.TextChoices):
        OPEN = "open", _("联动中")
        SETTLED = "settled", _("已解决")
        LEFT = "left", _("移交热线流程")

    class Source(models.TextChoices):
        HEAD = "head", _("三长上报")
        STATION = "station", _("驿站说事")

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.PROTECT, related_name="community_linkage"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    community = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(
        "orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    building = models.ForeignKey(Building, null=True, blank=True, on_delete=models.PROTECT)
    stairwell = models.ForeignKey(Stairwell, null=True, blank=True, on_delete=models.PROTECT)
    room = models.CharField("房号", max_length=20, blank=True)
    reporter = models.ForeignKey(
        Head, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    steward = models.ForeignKey(
        Head, null=True, blank=True, on_delete=models.PROTECT, related_name="offers"
    )
    steward_answer = models.TextField(blank=True)
    steward_answered_at = models.DateTimeField(null=True, blank=True)
    level = models.CharField(max_length=10, choices=LEVEL_CHOICES)
    level_since = models.DateTimeField()
    level_due = models.DateTimeField(null=True, blank=True, db_index=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    settled_level = models.CharField(max_length=10, choices=LEVEL_CHOICES, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "五方联动"
        verbose_name_plural = "五方联动"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"五方联动 {self.ticket_id}"


class Handover(models.Model):
    """One hand-over between levels of a linkage."""

    class Reason(models.TextChoices):
        OFFERED = "offered", _("首先交办")
        DEADLINE = "deadline", _("超时未办")
        DECLINED = "declined", _("本级无法解决")
        NOBODY = "nobody", _("该级无人")

    linkage = models.ForeignKey(Linkage, on_delete=models.CASCADE, related_name="handovers")
    at = models.DateTimeField()
    from_level = models.CharField(max_length=10, blank=True)
    to_level = models.CharField(max_length=10, blank=True)
    reason = models.CharField(max_length=10, choices=Reason.choices)
    to_label = models.CharField(max_length=80, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_level}→{self.to_level}"


class Leader(models.Model):
    """A leader (city, district, street) with a contact point (联点) and visits every N days."""

    class Level(models.TextChoices):
        CITY = "city", _("市级")
        DISTRICT = "district", _("区级")
        STREET = "street", _("街道")

    name = models.CharField("姓名", max_length=60)
    title = models.CharField("职务", max_length=60, blank=True)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_leader",
    )
    contact_point = models.ForeignKey(
        "orgs.Unit", verbose_name="联系点", on_delete=models.PROTECT, related_name="+"
    )
    every_days = models.PositiveSmallIntegerField("走访周期（天）", default=90)

    class Meta:
        verbose_name = "联点领导"
        verbose_name_plural = "联点领导"
        ordering = ["level", "name"]

    def __str__(self) -> str:
        return f"{self.get_level_display()}{self.title}{self.name}"


class Pairing(models.Model):
    """A household a leader visits (联户)."""

    leader = models.ForeignKey(Leader, on_delete=models.CASCADE, related_name="pairings")
    household = models.CharField("住户", max_length=60)
    address = models.CharField("地址", max_length=200)
    building = models.ForeignKey(Building, null=True, blank=True, on_delete=models.SET_NULL)
    since = models.DateField("结对日期")

    class Meta:
        ordering = ["leader_id", "pk"]

    def __str__(self) -> str:
        return f"{self.household}（{self.address}）"


class Visit(models.Model):
    """A visit logged from the phone: who was met, what was found."""

    pairing = models.ForeignKey(Pairing, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField("走访日期")
    people_met = models.CharField("见到的人", max_length=200)
    notes = models.TextField("走访情况", blank=True)
    photo = models.ImageField("照片", upload_to="community/visits/%Y/%m/", blank=True)
    logged_at = models.DateTimeField()

    class Meta:
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.pairing} {self.visited_on}"


class Problem(models.Model):
    """A problem found on a visit; always a ticket with the leader's name on it."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="problems")
    text = models.CharField("问题", max_length=500)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return self.text


class Station(models.Model):
    """A service station (红色驿站) or a place to raise matters (说事站/点/箱)."""

    class Kind(models.TextChoices):
        RED = "red", _("红色驿站")
        TALK = "talk", _("说事站")
        POINT = "point", _("说事点")
        BOX = "box", _("说事箱")

    code = models.CharField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    community = models.ForeignKey(
        "orgs.Unit", verbose_name="社区", on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField("地址", max_length=200)
    lon = models.FloatField("经度")
    lat = models.FloatField("纬度")
    services = models.CharField("服务", max_length=300, blank=True)
    hours = models.CharField("开放时间", max_length=100, blank=True)
    staff = models.CharField("值守人员", max_length=100, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "服务驿站"
        verbose_name_plural = "服务驿站"
        ordering = ["community__path", "code"]

    def __str__(self) -> str:
        return self.name


class Slip(models.Model):
    """A visit or a slip taken at a station; a request becomes a ticket (channel offline)."""

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="slips")
    at = models.DateTimeField()
    is_request = models.BooleanField("是诉求", default=True)
    text = models.TextField("内容")
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    taken_by = models.CharField("登记人", max_length=60)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.station_id} {self.at:%Y-%m-%d}"


class Meeting(models.Model):
    """A consultation meeting (院坝协商会)."""

    class State(models.TextChoices):
        PLANNED = "planned", _("筹备中")
        HELD = "held", _("已召开")
        PUBLISHED = "published", _("已公开")

    community = models.ForeignKey(
        "orgs.Unit", verbose_name="社区", on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField("议题", max_length=200)
    place = models.CharField("地点", max_length=200)
    held_at = models.DateTimeField("时间")
    convenor = models.CharField("召集人", max_length=60)
    participants = models.TextField("参会人员", blank=True)
    agenda = models.TextField("议程", blank=True)
    minutes = models.TextField("会议纪要", blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PLANNED)
    # Said aloud at the meeting; residents sign in on their phones with it.
    sign_code = models.CharField("签到码", max_length=6, blank=True)
    sign_misses = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "院坝协商会"
        verbose_name_plural = "院坝协商会"
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return self.topic


class Participant(models.Model):
    """A resident invited to a meeting (by SMS), or who signed in there."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="people")
    name = models.CharField("姓名", max_length=60, blank=True)
    phone = models.CharField("手机号", max_length=20)
    invited_at = models.DateTimeField(null=True, blank=True)
    signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "phone"], name="participant_unique"),
        ]

    def __str__(self) -> str:
        return self.name or self.phone[-4:]


class Resolution(models.Model):
    """A resolution of a meeting: an owner, a deadline and its ticket."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="resolutions")
    text = models.CharField("议定事项", max_length=500)
    owner = models.ForeignKey(
        "orgs.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField("完成时限")
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["meeting_id", "pk"]

    def __str__(self) -> str:
        return self.text
