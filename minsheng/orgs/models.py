from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    """An organisation that receives or handles tickets (承办单位), from the city to a grid."""

    class Kind(models.TextChoices):
        CENTRE = "centre", _("12345热线中心")
        CITY = "city", _("市政府")
        DISTRICT = "district", _("区政府")
        STREET = "street", _("街道")
        TOWNSHIP = "township", _("乡镇")
        COMMUNITY = "community", _("社区")
        VILLAGE = "village", _("村")
        GRID = "grid", _("网格")
        DEPARTMENT = "department", _("职能部门")
        ENTERPRISE = "enterprise", _("公共服务企业")

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of codes ("3501/350102/350102001/"): a unit's subtree is one prefix query.
    path = models.CharField(max_length=255, editable=False, db_index=True)
    boundary = models.JSONField("辖区范围 (GeoJSON, WGS-84)", null=True, blank=True)
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.path = f"{self.parent.path if self.parent else ''}{self.code}/"
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def ancestor_of_kind(self, *kinds: str) -> "Unit | None":
        """The nearest unit of one of `kinds` on the way up, this one included."""
        unit: Unit | None = self
        while unit is not None and unit.kind not in kinds:
            unit = unit.parent
        return unit


class Role(models.TextChoices):
    """What a member does in their unit."""

    AGENT = "agent", _("话务员")
    DISPATCHER = "dispatcher", _("派单员")
    SUPERVISOR = "supervisor", _("督办员")
    HANDLER = "handler", _("承办人")
    LEADER = "leader", _("单位负责人")


CENTRE_ROLES = frozenset({Role.AGENT, Role.DISPATCHER, Role.SUPERVISOR})
UNIT_ROLES = frozenset({Role.HANDLER, Role.LEADER})


class Membership(models.Model):
    """A user's role in a unit. Centre roles belong to the 12345 centre unit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("角色", max_length=12, choices=Role.choices)

    class Meta:
        verbose_name = "成员"
        verbose_name_plural = "成员"
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"
