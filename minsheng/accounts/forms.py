"""The staff login form, throttled (accounts.throttle), with the second factor where a member
of staff has switched it on (accounts.twofactor)."""

import math
import time
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from minsheng.accounts import throttle, twofactor


def client_address(request: Any) -> str:
    # Behind a reverse proxy REMOTE_ADDR is the proxy; the deployment names the real header.
    header = getattr(settings, "MINSHENG_CLIENT_IP_HEADER", "") or "REMOTE_ADDR"
    return request.META.get(header, "").split(",")[0].strip() or "unknown"


class ThrottledLogin(AuthenticationForm):
    """Django's login form; a locked name or address is refused before the password is read,
    and an account with an authenticator also needs its current code."""

    code = forms.CharField(label=_("动态验证码"), required=False, max_length=8)

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        now = time.time()
        wait = throttle.locked_for(username, address, now=now)
        if wait > 0:
            raise forms.ValidationError(
                _("登录失败次数过多，账号已暂时锁定，请 %(minutes)s 分钟后再试。")
                % {"minutes": math.ceil(wait / 60)},
                code="locked",
            )
        try:
            cleaned = super().clean()
            self._second_factor()
        except forms.ValidationError:
            throttle.failed(username, address, now=now)
            raise
        throttle.succeeded(username)
        return cleaned

    def _second_factor(self) -> None:
        user = self.get_user()
        if user is None or not twofactor.active(user):
            return
        code = self.cleaned_data.get("code") or ""
        if not code.strip():
            raise forms.ValidationError(
                _("此账号已开启两步验证，请输入身份验证器上的 6 位动态验证码。"),
                code="code_missing",
            )
        if not twofactor.verify(user, code):
            raise forms.ValidationError(
                _("动态验证码不正确或已使用过，请输入身份验证器上当前显示的验证码。"),
                code="code_wrong",
            )
