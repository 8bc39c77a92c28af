from django.db import models
from django.utils import timezone


class KeyBinding(models.Model):
    """What an API key may reach beyond its scope: the units whose tickets it sees and whose
    members it may act for, and whether it sees residents' full phone numbers.

    A key without a binding, or bound to no unit, sees every ticket with phones masked.
    """

    api_key = models.OneToOneField(
        "accounts.ApiKey", verbose_name="接口密钥", on_delete=models.CASCADE, related_name="binding"
    )
    units = models.ManyToManyField(
        "orgs.Unit", verbose_name="限定单位", blank=True, related_name="+"
    )
    phone = models.BooleanField("可查看完整电话", default=False)

    class Meta:
        verbose_name = "密钥授权"
        verbose_name_plural = "密钥授权"

    def __str__(self) -> str:
        return str(self.api_key)


class IdempotencyRecord(models.Model):
    """The first successful response to a POST with this Idempotency-Key, replayed on retries.

    Written in the same transaction as the change it answers for, so the two commit together.
    """

    api_key = models.ForeignKey("accounts.ApiKey", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    # The exact bytes sent (jsonb would reorder keys, and a replay must be identical).
    response_json = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "幂等记录"
        verbose_name_plural = "幂等记录"
        constraints = [
            models.UniqueConstraint(fields=["api_key", "key"], name="idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.api_key_id}:{self.key} → {self.status}"
