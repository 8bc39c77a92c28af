from django.conf import settings
from django.db import models


class Article(models.Model):
    """An answer in the knowledge base (知识库条目), read to callers and used to close a
    consultation at first contact. Changed only through `knowledge.authoring`, which keeps a
    revision of every version."""

    title = models.CharField("标题", max_length=100)
    body = models.TextField("答复内容", max_length=4000)
    category = models.ForeignKey(
        "taxonomy.Category",
        verbose_name="分类",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    keywords = models.CharField("关键词", max_length=200, blank=True, help_text="以 | 分隔")
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间")
    updated_at = models.DateTimeField("更新时间")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更新人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField("版本", default=0)

    class Meta:
        verbose_name = "知识库条目"
        verbose_name_plural = "知识库条目"
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.title


class ArticleRevision(models.Model):
    """One saved version of an article: who changed it, when, and what it said."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField("版本")
    title = models.CharField("标题", max_length=100)
    body = models.TextField("答复内容")
    category = models.ForeignKey(
        "taxonomy.Category",
        verbose_name="分类",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    keywords = models.CharField("关键词", max_length=200, blank=True)
    is_active = models.BooleanField("启用")
    saved_at = models.DateTimeField("保存时间")
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="保存人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "知识库修订"
        verbose_name_plural = "知识库修订"
        ordering = ["article", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["article", "version"], name="revision_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"
