from django.db import models


class Follower(models.Model):
    """A resident who follows someone else's open request instead of filing it again (关注).

    Kept so they can be told of progress later; the phone lives in `citizens.Resident`.
    """

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name="工单", on_delete=models.CASCADE, related_name="followers"
    )
    resident = models.ForeignKey(
        "citizens.Resident",
        verbose_name="关注人",
        on_delete=models.PROTECT,
        related_name="following",
    )
    followed_at = models.DateTimeField("关注时间")

    class Meta:
        verbose_name = "关注"
        verbose_name_plural = "关注"
        ordering = ["-followed_at"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "resident"], name="follower_once"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} ← {self.resident_id}"


class PendingPhoto(models.Model):
    """A cleaned photo (no EXIF) waiting while the resident finishes the other steps.

    In the database so any web process can finish the request; removed when the request is filed
    or abandoned, and after a day in any case.
    """

    token = models.CharField(max_length=32, unique=True)
    name = models.CharField("文件名", max_length=100)
    content_type = models.CharField(max_length=20)
    data = models.BinaryField()
    created_at = models.DateTimeField("上传时间", db_index=True)

    class Meta:
        verbose_name = "待提交照片"
        verbose_name_plural = "待提交照片"

    def __str__(self) -> str:
        return self.name
