from django.db import models


class Resident(models.Model):
    """A person who has made requests (群众), known by phone number, stored once.

    The full number is shown only at the hotline centre; everyone else sees it masked.
    """

    phone = models.CharField("电话", max_length=20, unique=True)
    name = models.CharField("称呼", max_length=50, blank=True)
    created_at = models.DateTimeField("首次来电", auto_now_add=True)

    class Meta:
        verbose_name = "群众"
        verbose_name_plural = "群众"

    def __str__(self) -> str:
        from minsheng.citizens.masking import mask_phone

        return f"{self.name or '群众'} {mask_phone(self.phone)}"


class Reveal(models.Model):
    """One sight of personal data in full (a phone, an ID number) by a member of staff.

    Append-only: who saw what of whom, when and why. Every app that unmasks personal data
    records it here through `citizens.registry.record_reveal`.
    """

    user = models.ForeignKey(
        "accounts.User", verbose_name="查看人", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("信息类型", max_length=20)  # phone, id_number, address …
    subject = models.CharField("对象", max_length=120)  # "ticket:FZ2612030001", "household:17"
    reason = models.CharField("用途", max_length=200, blank=True)
    at = models.DateTimeField("查看时间", db_index=True)

    class Meta:
        verbose_name = "个人信息查看记录"
        verbose_name_plural = "个人信息查看记录"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.subject}"
