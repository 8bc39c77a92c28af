from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestType(models.TextChoices):
    """What the resident wants (诉求类型), per national 12345 guidance."""

    CONSULT = "consult", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("建议")
    PRAISE = "praise", _("表扬")


# The one wording of a request type that is missing or not one of RequestType.
REQUEST_TYPE_REQUIRED = _("请选择诉求类型。")
REQUEST_TYPE_INVALID = _("诉求类型不正确。")
REQUEST_TYPE_ERRORS = {"required": REQUEST_TYPE_REQUIRED, "invalid_choice": REQUEST_TYPE_INVALID}


class Category(models.Model):
    """An item of the dispatch catalogue (派单目录): a group, or a leaf under a group."""

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=60)
    parent = models.ForeignKey(
        "self",
        verbose_name="所属大类",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    policy = models.ForeignKey(
        "sla.DeadlinePolicy",
        verbose_name="默认时限",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    request_types = models.JSONField("允许的诉求类型", default=list, blank=True)
    # Who usually handles it: "street", "district" or a unit code; a hint for the dispatcher.
    handler_hint = models.CharField("承办建议", max_length=32, blank=True)
    keywords = models.TextField("关键词", blank=True, help_text="以 | 分隔")
    description = models.TextField("说明", blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "诉求分类"
        verbose_name_plural = "诉求分类"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent is not None else self.name

    @property
    def is_leaf(self) -> bool:
        return self.parent_id is not None

    def allows(self, request_type: str) -> bool:
        return not self.request_types or request_type in self.request_types
