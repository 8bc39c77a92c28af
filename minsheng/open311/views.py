"""GeoReport v2 endpoints: parse the parameters, call queries or filing, render JSON or XML.

Every failure is answered in the spec's error format in the requested format, never as a page.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from minsheng.accounts import keys
from minsheng.open311 import filing, formats, params, queries
from minsheng.open311.formats import Open311Error

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this endpoint's interface last changed (discovery's `changeset`).
CHANGESET = "2026-11-27T00:00:00+08:00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _reply(value: Any, fmt: str, *, root: str, status: int = 200) -> HttpResponse:
    body = formats.render(value, fmt, root=root)
    return HttpResponse(body, content_type=formats.CONTENT_TYPES[fmt], status=status)


def _errors(error: Open311Error, fmt: str) -> HttpResponse:
    body = formats.render_errors(error.errors, fmt)
    return HttpResponse(body, content_type=formats.CONTENT_TYPES[fmt], status=error.http_status)


def endpoint(*methods: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Allow `methods`, check jurisdiction_id, answer every Open311Error in the spec's format."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            allowed = (*methods, "HEAD") if "GET" in methods else methods
            try:
                if request.method not in allowed:
                    error = Open311Error(405, f"{request.method} is not allowed here")
                    response = _errors(error, fmt)
                    response["Allow"] = ", ".join(allowed)
                    return response
                _check_text(request, kwargs)
                _check_jurisdiction(request)
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as error:
                return _errors(error, fmt)
            except (RequestDataTooBig, SuspiciousOperation):
                return _errors(Open311Error(400, "the request body is too large or malformed"), fmt)

        return wrapper

    return decorate


def _check_text(request: HttpRequest, kwargs: dict[str, Any]) -> None:
    # PostgreSQL cannot store or even compare text holding NUL; refuse it before any query.
    values = [*kwargs.values(), *request.GET.keys(), *request.POST.keys()]
    for source in (request.GET, request.POST):
        values += [v for name in source for v in source.getlist(name)]
    if any("\x00" in str(value) for value in values):
        raise Open311Error(400, "parameters may not contain NUL characters")


def _check_jurisdiction(request: HttpRequest) -> None:
    source = request.POST if request.method == "POST" else request.GET
    given = (source.get("jurisdiction_id") or request.GET.get("jurisdiction_id") or "").strip()
    if given and given.lower() not in queries.jurisdiction_ids():
        raise Open311Error(404, f"jurisdiction_id {given} was not found")


@endpoint("GET")
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """Where the endpoint is, which spec and formats it speaks, whom to ask for a key."""
    body = {
        "changeset": CHANGESET,
        "contact": "12345 政务服务便民热线中心，拨打 12345",
        "key_service": (
            "api_key 由热线中心的系统管理员签发（minsheng issue_api_key 名称 --scopes open311）"
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": request.build_absolute_uri(
                    reverse("open311:root", kwargs={"path": ""})
                ).rstrip("/"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return _reply(body, fmt, root="discovery")


@endpoint("GET")
def services(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """Every leaf of the dispatch catalogue."""
    return _reply(queries.services(), fmt, root="services")


@endpoint("GET")
def service_definition(request: HttpRequest, code: str, *, fmt: str) -> HttpResponse:
    """One service's attributes (its extra questions)."""
    definition = queries.service_definition(code)
    if definition is None:
        raise Open311Error(404, f"service_code {code} was not found")
    return _reply(definition, fmt, root="service_definition")


@csrf_exempt  # other systems authenticate with api_key, not with a browser session
@endpoint("GET", "POST")
def service_requests(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """GET: requests matching the filters. POST: file a new request."""
    if request.method == "POST":
        return _file(request, fmt)
    filters = params.parse_filters(request.GET, now=timezone.now())
    return _reply(queries.public_requests(filters), fmt, root="service_requests")


def _file(request: HttpRequest, fmt: str) -> HttpResponse:
    # Never parse JSON or XML from clients: the spec's POST is a form (or, per its Swagger,
    # query parameters with an empty body).
    has_body = request.META.get("CONTENT_LENGTH", "") not in ("", "0")
    if has_body and (request.content_type or "") not in FORM_TYPES:
        raise Open311Error(400, "the request body must be application/x-www-form-urlencoded")
    form = {name: request.GET.getlist(name) for name in request.GET}
    form = {**form, **{name: request.POST.getlist(name) for name in request.POST}}
    raw_key = (form.get("api_key") or [""])[-1].strip()
    key = keys.remembered(raw_key, scope="open311")
    if key is None:
        raise Open311Error(403, "api_key was not provided or is not valid for Open311")
    receipt = filing.file_request(form, key=key)
    body = [
        {
            "service_request_id": receipt.number,
            "token": receipt.token,
            "service_notice": receipt.notice,
        }
    ]
    return _reply(body, fmt, root="service_requests")


@endpoint("GET")
def service_request(request: HttpRequest, number: str, *, fmt: str) -> HttpResponse:
    """One request by its ticket number (a list of one, as the spec has it)."""
    extensions = request.GET.get("extensions", "").lower() in ("true", "1")
    found = queries.public_request(number, extensions=extensions)
    if found is None:
        raise Open311Error(404, f"service_request_id {number} was not found")
    return _reply([found], fmt, root="service_requests")


@endpoint("GET")
def token(request: HttpRequest, token: str, *, fmt: str) -> HttpResponse:
    """The service_request_id a token stands for."""
    number = queries.number_for_token(token)
    if number is None:
        raise Open311Error(404, f"token {token} was not found")
    body = [{"service_request_id": number, "token": token}]
    return _reply(body, fmt, root="service_requests")


def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any other path under /open311/v2/: a 404 in the spec's format, not an HTML page."""
    fmt = "xml" if path.endswith(".xml") else "json"
    return _errors(Open311Error(404, f"/open311/v2/{path} is not a GeoReport v2 method"), fmt)
