"""The site's error pages: 400, 403, 404 and 500 in Chinese, in the layout, with the reason and a
way back; the API and Open311 keep their own formats (`middleware.answer`)."""

import logging
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from config.middleware import FAILED_MESSAGE, answer

log = logging.getLogger(__name__)
MACHINE_PREFIXES = ("/api/", "/open311/")
RESIDENT_PREFIX = "/m/"


def _for_machines(request: HttpRequest) -> bool:
    return request.path.startswith(MACHINE_PREFIXES)


def _back(request: HttpRequest) -> str | None:
    """The page the user came from, when it is on this site and not this page."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer:
        return None
    parts = urlsplit(referer)
    if parts.netloc and parts.netloc != request.get_host():
        return None
    if parts.path == request.path or not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _reason(exception: Exception | None) -> str:
    """The refusal's own words when a view gave some (our PermissionDenied messages are written
    for the user); Django's internal English messages are not shown."""
    if exception is None or not exception.args:
        return ""
    text = str(exception.args[0])
    return text if any("\u4e00" <= ch <= "\u9fff" for ch in text) else ""


def _page(
    request: HttpRequest, status: int, title: str, message: str, reason: str = ""
) -> HttpResponse:
    resident = request.path.startswith(RESIDENT_PREFIX)
    context: dict[str, Any] = {
        "layout": "m_base.html" if resident else "base.html",
        "status": status,
        "title": title,
        "message": message,
        "reason": reason,
        "back": _back(request),
        "home": RESIDENT_PREFIX if resident else "/",
        "login": status == 403 and not request.user.is_authenticated
        if hasattr(request, "user")
        else False,
    }
    return render(request, "error.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400."""
    message = _("请求无法受理，请检查地址或所填内容后重试。")
    if _for_machines(request):
        return answer(request, 400, "bad_request", message)
    return _page(request, 400, _("请求有误"), message)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403: the reason the view gave, if any."""
    message = _("您没有权限查看此页面或进行此操作。")
    if _for_machines(request):
        return answer(request, 403, "forbidden", _reason(exception) or message)
    return _page(request, 403, _("没有权限"), message, _reason(exception))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404. A ticket outside what the user may see is a 404 too, so say both."""
    message = _("页面不存在，或您没有权限查看。请检查地址，或从首页重新进入。")
    if _for_machines(request):
        return answer(request, 404, "not_found", _("资源不存在。"))
    return _page(request, 404, _("页面不存在"), message)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: most often a form left open past the session or opened twice."""
    return _page(
        request,
        403,
        _("页面已过期"),
        _("表单已过期或来源无法确认，本次提交未被受理。请返回上一页，刷新后重新提交。"),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the API and Open311 get their JSON (or XML) error. People get the layout
    without the menu: it renders from the template alone, with no query, since the failure may
    be the database's; if even that fails, a bare page."""
    if _for_machines(request):
        return answer(request, 500, "server_error", FAILED_MESSAGE)
    try:
        home = RESIDENT_PREFIX if request.path.startswith(RESIDENT_PREFIX) else "/"
        message = _("服务暂时出错，请稍后重试；本次请求未被受理。")
        body = render_to_string("error_500.html", {"message": message, "home": home})
    except Exception:  # the page of last resort
        log.exception("the 500 page failed to render")
        return answer(request, 500, "server_error", FAILED_MESSAGE)
    return HttpResponse(body, status=500)
