from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A member of staff who signs in: agent, dispatcher, handler, leader, supervisor, admin.

    What a user may do comes from their memberships of units (orgs.Membership).
    """

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class ApiKey(models.Model):
    """A key that another system or channel uses to call minsheng (Open311, the native API).

    Only a SHA-256 hash of the secret is stored; the key is shown once, when it is issued.
    """

    class Scope(models.TextChoices):
        OPEN311 = "open311", "Open311"
        API = "api", "原生接口"
        # Acting for a member of staff (acting_user) is a grant of its own, never a default.
        ACT = "act", "代工作人员办理"

    name = models.CharField("系统名称", max_length=100, unique=True)
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField("权限范围", default=list)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("签发时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "接口密钥"
        verbose_name_plural = "接口密钥"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def allows(self, scope: str) -> bool:
        return self.is_active and scope in self.scopes


class SecondFactor(models.Model):
    """A member of staff's authenticator app (TOTP, RFC 6238): optional, asked at login once
    confirmed. Written only by `accounts.twofactor`."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="second_factor")
    secret = models.CharField(max_length=64, editable=False)  # base32
    confirmed_at = models.DateTimeField("启用时间", null=True, blank=True)
    last_step = models.BigIntegerField(default=0, editable=False)  # a code works only once

    class Meta:
        verbose_name = "两步验证"
        verbose_name_plural = "两步验证"

    def __str__(self) -> str:
        return f"{self.user} 的身份验证器"
