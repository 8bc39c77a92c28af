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
