"""Batch import of offline requests (说事箱、说事站、网格员): mappings, batches, imported rows."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from minsheng.tickets.models import Channel


class ImportMapping(models.Model):
    """How a foreign spreadsheet's columns and values become our fields (导入映射).

    `columns`: {source column: field or [fields]}; `values`: {field: {source value: our value,
    "*": fallback}}; `defaults`: {field: value} for fields no column gives. See docs/intake.md.
    """

    name = models.CharField("名称", max_length=60, unique=True)
    description = models.TextField("说明", blank=True)
    channel = models.CharField(
        "渠道",
        max_length=10,
        choices=[(c.value, c.label) for c in (Channel.OFFLINE, Channel.GRID, Channel.API)],
        default=Channel.OFFLINE,
    )
    columns = models.JSONField("列对应", default=dict)
    values = models.JSONField("取值对应", default=dict, blank=True)
    defaults = models.JSONField("默认值", default=dict, blank=True)
    date_formats = models.JSONField(
        "日期格式", default=list, blank=True, help_text='例如 ["%m/%d/%Y %I:%M:%S %p"]'
    )
    # Rows without a phone number are filed under one placeholder resident per mapping.
    placeholder_phone = models.CharField("无电话时的占位号码", max_length=12, default="0000000009")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "导入映射"
        verbose_name_plural = "导入映射"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from minsheng.intake import mapping

        problems = mapping.spec_problems(
            columns=self.columns,
            values=self.values,
            defaults=self.defaults,
            date_formats=self.date_formats,
            placeholder_phone=self.placeholder_phone,
        )
        if problems:
            raise ValidationError(problems)


class ImportBatch(models.Model):
    """One clean file imported at once (导入批次). Failed uploads leave no batch."""

    file_name = models.CharField("文件名", max_length=200)
    file_hash = models.CharField("文件摘要 (SHA-256)", max_length=64, unique=True)
    mapping = models.ForeignKey(
        ImportMapping,
        verbose_name="映射",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="batches",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("导入时间")
    row_count = models.PositiveIntegerField("数据行数")
    imported_count = models.PositiveIntegerField("新建工单数")
    skipped_count = models.PositiveIntegerField("已导入而跳过的行数", default=0)

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.uploaded_at:%Y-%m-%d %H:%M})"


class ImportRow(models.Model):
    """A row that became a ticket; its natural key makes a second import of it a no-op."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="rows")
    row_number = models.PositiveIntegerField("行号")
    key = models.CharField("行摘要", max_length=64, unique=True)
    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.PROTECT, related_name="import_row"
    )

    class Meta:
        verbose_name = "导入行"
        verbose_name_plural = "导入行"
        ordering = ["batch", "row_number"]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number}"
