"""A county's parcel network (hub, stations, villages, bus lines and trips, van loops, costs)
and the day plans made on it. The network is edited by the county's logistics office; a plan
keeps the instance it was made from, so it can be re-checked and re-planned as it was."""

from django.conf import settings
from django.db import models


class Network(models.Model):
    """One county's 客货邮 network, owned by its logistics office (a unit)."""

    name = models.CharField("名称", max_length=80)
    office = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="物流办"
    )
    hub_name = models.CharField("县级共配中心", max_length=80)
    hub_lon = models.FloatField("中心经度")
    hub_lat = models.FloatField("中心纬度")
    costs = models.JSONField("费用参数", default=dict)
    outline = models.JSONField("县域轮廓", default=list, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "物流网络"
        verbose_name_plural = "物流网络"

    def __str__(self) -> str:
        return self.name


class Station(models.Model):
    """集士驿站: parcels per day through it, both directions."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="stations")
    code = models.CharField("编号", max_length=40)
    name = models.CharField("名称", max_length=80, blank=True)
    lon = models.FloatField("经度")
    lat = models.FloatField("纬度")
    capacity = models.PositiveIntegerField("日处理能力（件）")

    class Meta:
        verbose_name = "驿站"
        verbose_name_plural = "驿站"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["network", "code"], name="parcels_station_code")
        ]

    def __str__(self) -> str:
        return self.name or self.code


class Village(models.Model):
    """A village, the station that serves it by last mile, and today's parcels."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="villages")
    code = models.CharField("编号", max_length=40)
    name = models.CharField("名称", max_length=80, blank=True)
    lon = models.FloatField("经度")
    lat = models.FloatField("纬度")
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="villages", verbose_name="服务驿站"
    )
    down = models.PositiveIntegerField("今日下行件", default=0)
    up = models.PositiveIntegerField("今日上行件", default=0)

    class Meta:
        verbose_name = "村"
        verbose_name_plural = "村"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["network", "code"], name="parcels_village_code")
        ]

    def __str__(self) -> str:
        return self.name or self.code


class Line(models.Model):
    """A bus line: its stops are station codes in order from the hub."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="lines")
    code = models.CharField("编号", max_length=40)
    name = models.CharField("名称", max_length=80, blank=True)
    stops = models.JSONField("站点（驿站编号，由近及远）", default=list)

    class Meta:
        verbose_name = "公交线路"
        verbose_name_plural = "公交线路"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["network", "code"], name="parcels_line_code")
        ]

    def __str__(self) -> str:
        return self.name or self.code


class Trip(models.Model):
    """A timetabled trip: its spare cargo capacity and the loading limit per stop."""

    class Direction(models.TextChoices):
        OUT = "out", "出城（中心→驿站）"
        IN = "in", "进城（驿站→中心）"

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="trips")
    code = models.CharField("编号", max_length=40)
    direction = models.CharField("方向", max_length=3, choices=Direction.choices)
    departs = models.CharField("发车时间", max_length=5)
    spare = models.PositiveIntegerField("货舱余量（件）")
    load_limit = models.PositiveIntegerField("每站装卸上限（件）")

    class Meta:
        verbose_name = "班次"
        verbose_name_plural = "班次"
        ordering = ["line__code", "departs", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.departs}"


class Loop(models.Model):
    """A van loop (邮路) from the hub through these villages (codes), both directions."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="loops")
    code = models.CharField("编号", max_length=40)
    name = models.CharField("名称", max_length=80, blank=True)
    villages = models.JSONField("途经村（编号）", default=list)
    km = models.FloatField("里程（km）")
    vans_max = models.PositiveIntegerField("最多派车（辆）")

    class Meta:
        verbose_name = "邮路"
        verbose_name_plural = "邮路"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["network", "code"], name="parcels_loop_code")
        ]

    def __str__(self) -> str:
        return self.name or self.code


class Producer(models.Model):
    """物流促销: a producer in a village and what they sell (for harvest pickups)."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="producers")
    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="producers")
    name = models.CharField("名称", max_length=80)
    produce = models.CharField("农产品", max_length=80)
    value_per_parcel = models.DecimalField("每件货值（元）", max_digits=9, decimal_places=2)

    class Meta:
        verbose_name = "农产品生产者"
        verbose_name_plural = "农产品生产者"
        ordering = ["village__code", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.produce}）"


class Harvest(models.Model):
    """A harvest day: parcels to pick up from the producer that day, prioritised by value."""

    producer = models.ForeignKey(Producer, on_delete=models.CASCADE, related_name="harvests")
    day = models.DateField("日期")
    parcels = models.PositiveIntegerField("待收件数")

    class Meta:
        verbose_name = "采收日"
        verbose_name_plural = "采收日"
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["producer", "day"], name="parcels_harvest_once")
        ]

    def __str__(self) -> str:
        return f"{self.producer} {self.day}"


class Plan(models.Model):
    """A day plan: the instance it was made from, the solver's result, and what was cancelled."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="plans")
    day = models.DateField("日期")
    made_at = models.DateTimeField("制定时间", auto_now_add=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    replan_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replans"
    )
    cancelled = models.JSONField("取消的班次", default=list, blank=True)
    reason = models.CharField("重排原因", max_length=200, blank=True)
    instance = models.JSONField("算例")
    result = models.JSONField("方案")
    objective = models.DecimalField("成本（元）", max_digits=12, decimal_places=2)
    proven_optimal = models.BooleanField("已证明最优")
    gap = models.FloatField("相对间隙")
    seconds = models.FloatField("求解秒数")
    van_only = models.DecimalField("纯邮车成本", max_digits=12, decimal_places=2, null=True)
    greedy = models.DecimalField("公交优先规则成本", max_digits=12, decimal_places=2, null=True)

    class Meta:
        verbose_name = "日计划"
        verbose_name_plural = "日计划"
        ordering = ["-made_at"]

    def __str__(self) -> str:
        return f"{self.network} {self.day}"


class Incident(models.Model):
    """An exception sent to the logistics office as a ticket (through the intake door)."""

    class Kind(models.TextChoices):
        STATION_FULL = "station_full", "驿站超能力"
        TRIP_NOT_LOADED = "trip_not_loaded", "班次未装车"
        DEFERRED_TWICE = "deferred_twice", "包裹连续两日延后"

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="incidents")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, related_name="incidents")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    subject = models.CharField("对象", max_length=40)
    text = models.TextField("说明")
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField("发现时间", auto_now_add=True)

    class Meta:
        verbose_name = "物流异常"
        verbose_name_plural = "物流异常"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind", "subject"], name="parcels_incident_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject}"
