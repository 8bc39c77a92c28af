from django.conf import settings
from django.db import models


class SavedFilter(models.Model):
    """A filter a member of staff saved on one of their work lists, under a name (常用筛选).

    `query` is the list's filter as a query string, cleaned by the list's filter form when it
    was saved and again each time it is used.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters"
    )
    list_key = models.CharField("工作清单", max_length=20)
    name = models.CharField("名称", max_length=20)
    query = models.CharField("筛选条件", max_length=500)
    created_at = models.DateTimeField("保存时间")

    class Meta:
        verbose_name = "常用筛选"
        verbose_name_plural = "常用筛选"
        ordering = ["list_key", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "list_key", "name"], name="saved_filter_name_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.list_key}: {self.name}"
