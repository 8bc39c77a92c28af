from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from minsheng.open311.params import DATATYPES, LIST_TYPES, REQUEST_TYPE


class ServiceAttribute(models.Model):
    """An extra question of a catalogue leaf, published in its Open311 service definition."""

    class Datatype(models.TextChoices):
        STRING = "string", "单行文字"
        NUMBER = "number", "数字"
        DATETIME = "datetime", "日期时间"
        TEXT = "text", "多行文字"
        SINGLE = "singlevaluelist", "单选"
        MULTI = "multivaluelist", "多选"

    category = models.ForeignKey(
        "taxonomy.Category",
        verbose_name="诉求小类",
        on_delete=models.CASCADE,
        related_name="open311_attributes",
        limit_choices_to={"parent__isnull": False},
    )
    code = models.SlugField("编码", max_length=50)
    datatype = models.CharField("类型", max_length=16, choices=Datatype.choices)
    required = models.BooleanField("必填", default=False)
    # False: shown to the resident as information only, never answered (the spec's `variable`).
    variable = models.BooleanField("需要填写", default=True)
    description = models.CharField("问题", max_length=200)
    datatype_description = models.CharField("填写说明", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=1)
    values = models.JSONField(
        "选项",
        default=list,
        blank=True,
        help_text='单选、多选的选项：[{"key": "night", "name": "夜间"}, …]',
    )

    class Meta:
        verbose_name = "Open311 附加问题"
        verbose_name_plural = "Open311 附加问题"
        ordering = ["category", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="service_attribute_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.category.code} · {self.code}"

    def clean(self) -> None:
        if self.code == REQUEST_TYPE:
            raise ValidationError({"code": "request_type 已用于诉求类型，请换一个编码。"})
        if self.datatype not in DATATYPES:
            raise ValidationError({"datatype": "类型不正确。"})
        problem = _values_problem(self.values, listed=self.datatype in LIST_TYPES)
        if problem:
            raise ValidationError({"values": problem})


def _values_problem(values: Any, *, listed: bool) -> str:
    if not listed:
        return "只有单选、多选题可以设置选项。" if values else ""
    if not isinstance(values, list) or not values:
        return "单选、多选题至少需要一个选项。"
    keys = []
    for value in values:
        if not (
            isinstance(value, dict)
            and isinstance(value.get("key"), str)
            and isinstance(value.get("name"), str)
            and value["key"].strip()
            and value["name"].strip()
        ):
            return '每个选项须写成 {"key": "编码", "name": "名称"}。'
        keys.append(value["key"])
    return "选项编码不能重复。" if len(set(keys)) != len(keys) else ""


class Token(models.Model):
    """A request filed through Open311: the token that names it, the system that filed it, and
    what Open311 carries beyond the ticket (media link, address id).

    Tickets are numbered as they are filed, so a token resolves at once; it is kept so that
    `tokens/{token}` answers per the spec for clients that follow the token flow.
    """

    token = models.CharField(max_length=32, unique=True, editable=False)
    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.PROTECT, related_name="open311", editable=False
    )
    api_key = models.ForeignKey(
        "accounts.ApiKey", verbose_name="接口密钥", on_delete=models.PROTECT, related_name="+"
    )
    media_url = models.URLField("媒体链接", max_length=1000, blank=True)
    address_id = models.CharField("地址编号", max_length=100, blank=True)
    created_at = models.DateTimeField("提交时间")

    class Meta:
        verbose_name = "Open311 提交"
        verbose_name_plural = "Open311 提交"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.token} → {self.ticket.number}"


class RequestAttribute(models.Model):
    """A filed request's answer to one attribute of its service (a string or a list of keys)."""

    token = models.ForeignKey(Token, on_delete=models.PROTECT, related_name="attributes")
    code = models.CharField("编码", max_length=50)
    value = models.JSONField("回答")

    class Meta:
        verbose_name = "Open311 附加回答"
        verbose_name_plural = "Open311 附加回答"
        constraints = [
            models.UniqueConstraint(fields=["token", "code"], name="request_attribute_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.token.ticket.number} · {self.code}"
