"""Answers for the whole site that no view gives: refused input, and failures in the format
each kind of client reads (HTML for people, JSON for the API, Open311's error list)."""

from collections.abc import Callable
from urllib.parse import parse_qsl

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape

from minsheng.open311.formats import render_errors

NUL_MESSAGE = "请求中含有空字符（NUL），无法受理；请检查地址或所填内容。"
ENCODING_MESSAGE = "请求内容不是合法的 UTF-8 编码，无法受理。"
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


class RefuseUnreadable:
    """A NUL character or bytes that are not UTF-8, in the address, the query or a form, are
    refused with 400 before any view.

    PostgreSQL cannot store a NUL (the query failed with a 500) and Django would store broken
    UTF-8 as U+FFFD; no honest client sends either. JSON bodies are the API's own to check.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = _refusal(request)
        if refusal:
            return answer(request, 400, "bad_request", refusal)
        return self.get_response(request)


def _refusal(request: HttpRequest) -> str | None:
    query = request.META.get("QUERY_STRING", "")
    if "\x00" in request.path or "%00" in query:
        return NUL_MESSAGE
    if not _utf8(query.encode("latin-1", "replace")):
        return ENCODING_MESSAGE
    if request.method != "POST":
        return None
    if request.content_type == "application/x-www-form-urlencoded":
        try:
            body = request.body
        except Exception:  # too big …: the view answers that itself
            return None
        if b"%00" in body or b"\x00" in body:
            return NUL_MESSAGE
        return None if _utf8(body) else ENCODING_MESSAGE
    if request.content_type == "multipart/form-data":
        try:
            fields = request.POST.lists()
        except Exception:  # too many fields, a broken form …: the view answers those itself
            return None
        if any("\x00" in k or "\x00" in v for k, values in fields for v in values):
            return NUL_MESSAGE
    return None


def _utf8(raw: bytes) -> bool:
    """Whether a query string or form body decodes to UTF-8, escapes and all."""
    try:
        parse_qsl(raw.decode("utf-8"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return False
    return True


class ContentSecurityPolicy:
    """The Content-Security-Policy header (settings.MINSHENG_CSP) on every page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.MINSHENG_CSP)
        return response
