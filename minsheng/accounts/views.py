"""A member of staff's own account: switching the second factor on and off."""

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minsheng.accounts import twofactor
from minsheng.accounts.models import User


class CodeForm(forms.Form):
    code = forms.CharField(label=_("动态验证码"), max_length=8)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """两步验证: start (a QR code to scan), confirm with a first code, or switch off."""
    user = cast(User, request.user)  # login_required
    step = request.POST.get("step", "")
    form = CodeForm(request.POST if step in ("confirm", "disable") else None)
    if step == "start" and not twofactor.active(user):
        twofactor.start(user)
        return redirect("two_factor")
    if step == "confirm" and form.is_valid():
        if twofactor.confirm(user, form.cleaned_data["code"]):
            messages.success(request, _("两步验证已开启：以后登录时还需输入动态验证码。"))
            return redirect("two_factor")
        form.add_error("code", _("验证码不正确，请输入身份验证器上当前显示的 6 位数字。"))
    if step == "disable" and form.is_valid():
        if twofactor.disable(user, form.cleaned_data["code"]):
            messages.success(request, _("两步验证已关闭。"))
            return redirect("two_factor")
        form.add_error("code", _("验证码不正确，两步验证未关闭。"))
    active = twofactor.active(user)
    pending = None if active else twofactor.pending(user)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "active": active,
            "pending": pending,
            "qr": twofactor.qr_svg(pending) if pending else "",
            "form": form,
        },
        status=400 if form.is_bound and form.errors else 200,
    )
