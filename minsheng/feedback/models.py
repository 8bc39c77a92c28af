from django.db import models
from django.utils.translation import gettext_lazy as _

from minsheng.tickets.models import Satisfaction


class Rating(models.Model):
    """A resident's rating of how a ticket was handled, one per return visit (回访评价)."""

    class Via(models.TextChoices):
        WEB = "web", _("群众网页评价")
        PHONE = "phone", _("电话回访")

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="ratings")
    satisfaction = models.CharField("满意度", max_length=12, choices=Satisfaction.choices)
    resolved = models.BooleanField("问题是否解决")
    comment = models.TextField("评价意见", blank=True, max_length=1000)
    via = models.CharField("回访方式", max_length=8, choices=Via.choices)
    round = models.PositiveSmallIntegerField("办理轮次", default=1)  # 2 after one reopen, …
    at = models.DateTimeField("评价时间")

    class Meta:
        verbose_name = "评价"
        verbose_name_plural = "评价"
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "round"], name="rating_once_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_satisfaction_display()}"
