"""Answers for the whole site that no view gives: refused input, and failures in the format
each kind of client reads (HTML for people, JSON for the API, Open311's error list)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape

from minsheng.open311.formats import render_errors

NUL_MESSAGE = "请求中含有空字符（NUL），无法受理；请检查地址或所填内容。"
FAILED_MESSAGE = "服务暂时出错，请稍后重试；本次请求未被受理。"


def answer(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    """An error in the shape the client at this address reads."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code, "message": message, "errors": []}, status=status)
    if request.path.startswith("/open311/"):
        fmt = "xml" if request.path.endswith(".xml") else "json"
        content_type = "application/xml" if fmt == "xml" else "application/json"
        body = render_errors([(status, message)], fmt)
        return HttpResponse(body, status=status, content_type=f"{content_type}; charset=utf-8")
    # No template: this page must render while the database that base.html reads is down.
    page = (
        '<!doctype html><html lang="zh-Hans"><meta charset="utf-8"><title>民生 · 接诉即办</title>'
        f'<p>{escape(message)}</p><p><a href="/">返回首页</a></p></html>'
    )
    return HttpResponse(page, status=status)


class RefuseNul:
    """A NUL character in the address, the query or a form field is refused with 400.

    PostgreSQL cannot store one (the query fails with a 500 otherwise) and no honest client
    sends it; JSON bodies are checked by the API's own validation.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _carries_nul(request):
            return answer(request, 400, "bad_request", NUL_MESSAGE)
        return self.get_response(request)


def _carries_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or "\x00" in request.META.get("QUERY_STRING", ""):
        return True
    if any("\x00" in k or "\x00" in v for k, values in request.GET.lists() for v in values):
        return True
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        try:
            fields = request.POST.lists()
        except Exception:  # too many fields, too big …: the view answers those itself
            return False
        return any("\x00" in k or "\x00" in v for k, values in fields for v in values)
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the API and Open311 get their JSON (or XML) error, never Django's page."""
    return answer(request, 500, "server_error", FAILED_MESSAGE)
