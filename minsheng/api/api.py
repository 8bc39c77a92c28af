"""The native API (django-ninja): thin handlers that authenticate, parse, and call actions.

Every POST runs once per Idempotency-Key (`idempotency`: new tickets arriving together are
written together); every error has the ErrorOut shape.
"""

import json
import logging
from typing import Any, cast

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Header, NinjaAPI, Path, Query, Router, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from pydantic import Field

from minsheng.api import actions, idempotency, queries
from minsheng.api.auth import ScopedKey
from minsheng.api.errors import ApiError
from minsheng.api.queries import Caller
from minsheng.api.schemas import (
    Code,
    ErrorOut,
    TicketDetailOut,
    TicketIn,
    TicketOut,
    TicketPage,
    When,
    event_out,
    ticket_out,
)
from minsheng.lib.extensions import programmes, resolve
from minsheng.tickets.models import Status

NUMBER = Path(..., pattern=r"^[A-Za-z0-9-]{1,24}$", description="工单编号")
IDEMPOTENCY_KEY = Header(
    None, alias="Idempotency-Key", description="每个 POST 必填；同一键同一请求体只执行一次"
)
READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut, 503: ErrorOut}
WRITE_ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    415: ErrorOut,
    422: ErrorOut,
    503: ErrorOut,
}


log = logging.getLogger(__name__)


class JsonBody(Parser):
    """Bodies are JSON, declared as such, in UTF-8; anything else is refused, not guessed."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        kind = request.content_type or ""
        if kind != "application/json" and not kind.endswith("+json"):
            raise ApiError(
                415,
                "unsupported_media_type",
                "请求体须为 JSON，请设请求头 Content-Type: application/json"
                f"（收到的是 {kind or '空'}）。",
            )
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ApiError(400, "bad_encoding", "请求体不是合法的 UTF-8 编码，未受理。") from error
        return cast(dict[str, Any], json.loads(text))


api = NinjaAPI(
    title="民生 · 接诉即办 原生接口",
    version="1",
    description="工单的受理、查询与全部流转操作。说明见 docs/api.md。",
    urls_namespace="api",
    auth=ScopedKey("api"),
    parser=JsonBody(),
    docs_url=None,  # the docs page would load Swagger UI from a CDN; docs/api.md instead
)


def _error(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, error: ApiError) -> HttpResponse:
    return _error(request, error.http_status, error.body())


@api.exception_handler(AuthenticationError)
def _unauthorised(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    message = (
        "缺少或无效的接口密钥：请在 Authorization 请求头中提供 Bearer <密钥>"
        "（密钥须有该接口所需的权限，如 api）。"
    )
    return _error(request, 401, {"code": "unauthorized", "message": message, "errors": []})


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    errors = [
        {
            "field": ".".join(str(p) for p in e.get("loc", ()) if p not in ("payload",)),
            "message": str(e.get("msg", "")),
        }
        for e in error.errors
    ]
    fields = "、".join(e["field"] for e in errors if e["field"]) or "请求"
    message = f"请求内容不符合接口定义：{fields}。"
    return _error(request, 422, {"code": "invalid", "message": message, "errors": errors})


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    if isinstance(error.__cause__, ApiError):  # refused by JsonBody; ninja wraps it in a 400
        return _api_error(request, error.__cause__)
    if error.status_code == 400:
        message = "请求体不是合法的 JSON。"
        return _error(request, 400, {"code": "bad_request", "message": message, "errors": []})
    return _error(
        request, error.status_code, {"code": "error", "message": str(error), "errors": []}
    )


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _database_unreachable(request: HttpRequest, error: Exception) -> HttpResponse:
    # The transaction rolled back: nothing was written, and the same Idempotency-Key retries.
    log.warning("database unreachable during %s %s: %s", request.method, request.path, error)
    message = "数据库暂时不可用，本次请求未被受理；请稍后用同一 Idempotency-Key 重试。"
    response = _error(request, 503, {"code": "unavailable", "message": message, "errors": []})
    response["Retry-After"] = "5"
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    body = {"code": "not_found", "message": "找不到该资源，或本密钥无权查看。", "errors": []}
    return _error(request, 404, body)


class TicketFilters(Schema):
    status: Status | None = None
    category: Code | None = Field(None, description="分类编码（大类含其小类）")
    unit: Code | None = Field(None, description="主办单位编码（含下级单位）")
    since: When | None = Field(None, description="受理时间不早于")
    until: When | None = Field(None, description="受理时间早于")
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=200)


@api.post(
    "/tickets",
    response={201: TicketOut, **WRITE_ERRORS},
    summary="受理：新建工单",
    operation_id="create_ticket",
    tags=["工单"],
)
def create_ticket(
    request: HttpRequest, payload: TicketIn, idempotency_key: str | None = IDEMPOTENCY_KEY
) -> HttpResponse:
    caller: Caller = request.auth  # type: ignore[attr-defined]
    return _filing.respond(
        request,
        api_key=caller.key,
        key=idempotency_key,
        prepare=lambda: actions.Filing(caller, actions.ticket_request(caller, payload)),
        perform=lambda: actions.file_ticket(caller, payload),
    )


# New tickets arriving together in this process are written together (docs/api.md).
_filing = idempotency.Grouped(actions.file_tickets, limit=settings.MINSHENG_INTAKE_BATCH)


@api.get(
    "/tickets",
    response={200: TicketPage, **READ_ERRORS},
    summary="查询工单列表",
    operation_id="list_tickets",
    tags=["工单"],
)
def list_tickets(request: HttpRequest, filters: Query[TicketFilters]) -> dict[str, Any]:
    caller: Caller = request.auth  # type: ignore[attr-defined]
    tickets = queries.filtered(caller, **filters.model_dump(exclude={"page", "page_size"}))
    start = (filters.page - 1) * filters.page_size
    rows = tickets.order_by("-received_at", "-pk")[start : start + filters.page_size]
    return {
        "count": tickets.count(),
        "page": filters.page,
        "page_size": filters.page_size,
        "results": [ticket_out(t, full_phone=caller.sees_phone) for t in rows],
    }


@api.get(
    "/tickets/{number}",
    response={200: TicketDetailOut, **READ_ERRORS},
    summary="查看工单及流转记录",
    operation_id="get_ticket",
    tags=["工单"],
)
def get_ticket(request: HttpRequest, number: str = NUMBER) -> dict[str, Any]:
    caller: Caller = request.auth  # type: ignore[attr-defined]
    ticket = queries.ticket_for(caller, number)
    events = ticket.events.select_related("unit").order_by("seq")
    return {
        **ticket_out(ticket, full_phone=caller.sees_phone),
        "events": [event_out(e) for e in events],
    }


def _action_view(endpoint: actions.Endpoint) -> Any:
    body_type = endpoint.body

    def view(
        request: HttpRequest,
        payload: body_type,  # type: ignore[valid-type]
        number: str = NUMBER,
        idempotency_key: str | None = IDEMPOTENCY_KEY,
    ) -> HttpResponse:
        caller: Caller = request.auth  # type: ignore[attr-defined]
        return idempotency.respond(
            request,
            api_key=caller.key,
            key=idempotency_key,
            perform=lambda: actions.perform(endpoint, caller, number, payload),
        )

    view.__name__ = f"ticket_{endpoint.path.replace('-', '_')}"
    return view


for _endpoint in actions.ENDPOINTS:
    api.post(
        f"/tickets/{{number}}/{_endpoint.path}",
        response={200: TicketOut, **WRITE_ERRORS},
        summary=_endpoint.summary,
        operation_id=f"ticket_{_endpoint.path.replace('-', '_')}",
        tags=["流转"],
    )(_action_view(_endpoint))

# Programmes' endpoints, each a Router declared in its apps.py (docs/extending.md).
for _programme in programmes():
    if _programme.api_router:
        api.add_router("", cast(Router, resolve(_programme.api_router)))
