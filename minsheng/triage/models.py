"""Trained models, the deployment's own place names, and dispatchers' corrections."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ModelVersion(models.Model):
    """A trained classifier (category and request type), stored pickled with its measured quality.

    Exactly one version is active at a time (`training.activate`); with none, predictions come
    from the catalogue alone (cold start).
    """

    created_at = models.DateTimeField("训练时间")
    blob = models.BinaryField("模型文件")
    sha256 = models.CharField(max_length=64)
    n_train = models.PositiveIntegerField("训练样本数", default=0)
    metrics = models.JSONField("评估结果", default=dict, blank=True)
    is_active = models.BooleanField("当前使用", default=False)
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "分类模型版本"
        verbose_name_plural = "分类模型版本"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="triage_one_active_model",
            )
        ]

    def __str__(self) -> str:
        return f"v{self.pk} {self.created_at:%Y-%m-%d %H:%M}"


class Place(models.Model):
    """A place name of the deployment (community, compound, road, landmark, river) and its unit."""

    class Kind(models.TextChoices):
        COMMUNITY = "community", _("社区")
        COMPOUND = "compound", _("小区")
        ROAD = "road", _("道路")
        LANDMARK = "landmark", _("地标")
        RIVER = "river", _("河道")
        OTHER = "other", _("其他")

    name = models.CharField("名称", max_length=60)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.COMPOUND)
    aliases = models.TextField("别名/旧称", blank=True, help_text="以 | 分隔")
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name="所属辖区", on_delete=models.CASCADE, related_name="+"
    )
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "地名"
        verbose_name_plural = "地名"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.split("|") if a.strip()]


class Correction(models.Model):
    """A dispatcher's choice where it differed from the suggestion: a training label."""

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name="工单", on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField("诉求文本")
    category = models.ForeignKey(
        "taxonomy.Category",
        verbose_name="确认分类",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    request_type = models.CharField("确认诉求类型", max_length=12, blank=True)
    place = models.ForeignKey(
        "orgs.Unit",
        verbose_name="确认地点",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name="确认承办单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    suggested = models.JSONField("当时的建议", default=dict, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "人工纠正"
        verbose_name_plural = "人工纠正"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.at:%Y-%m-%d}"
