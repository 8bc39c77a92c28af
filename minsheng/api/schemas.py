"""The API's request and response bodies (pydantic, via django-ninja) and the ticket's output."""

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field, create_model

from minsheng.citizens.masking import mask_name, mask_phone
from minsheng.taxonomy.models import RequestType
from minsheng.tickets.actions import Command
from minsheng.tickets.actions import Field as ActionField
from minsheng.tickets.models import Channel, Satisfaction, Status, Ticket, TicketEvent, Urgency


def _clean(value: str) -> str:
    # PostgreSQL text cannot hold NUL, and lone surrogates cannot be encoded: refuse both here
    # so they are a 422, never a database error.
    if "\x00" in value:
        raise ValueError("不能包含 NUL 字符")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError("含有无法编码的字符") from error
    return value.strip()


def _present(value: str) -> str:
    if not value:
        raise ValueError("不能为空")
    return value


def _aware(value: datetime) -> datetime:
    if not 2000 <= value.year <= 2100:
        raise ValueError("时间须在 2000 至 2100 年之间")
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def Text(limit: int) -> Any:
    """Optional text of at most `limit` characters, trimmed."""
    return Annotated[str, Field(max_length=limit), AfterValidator(_clean)]


def Required(limit: int) -> Any:
    """Text that must say something, at most `limit` characters, trimmed."""
    return Annotated[
        str, Field(min_length=1, max_length=limit), AfterValidator(_clean), AfterValidator(_present)
    ]


# TicketIn's texts as Text(n) and Required(n) make them, spelled out (a call is no type for mypy).
_Phone = Annotated[
    str, Field(min_length=1, max_length=30), AfterValidator(_clean), AfterValidator(_present)
]
_Description = Annotated[
    str, Field(min_length=1, max_length=4000), AfterValidator(_clean), AfterValidator(_present)
]
_Name = Annotated[str, Field(max_length=50), AfterValidator(_clean)]
_Title = Annotated[str, Field(max_length=100), AfterValidator(_clean)]
_Address = Annotated[str, Field(max_length=200), AfterValidator(_clean)]
Code = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]
Number = Annotated[str, Field(min_length=1, max_length=24, pattern=r"^[A-Za-z0-9-]+$")]
Username = Annotated[str, Field(min_length=1, max_length=150, pattern=r"^[\w.@+-]+$")]
When = Annotated[datetime, AfterValidator(_aware)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
ApiChannel = Literal["api", "web", "mobile", "offline", "grid", "sensor"]


class Body(Schema):
    model_config = ConfigDict(extra="forbid")


class TicketIn(Body):
    """A new request (诉求) from another system."""

    phone: _Phone = Field(description="诉求人电话")
    name: _Name = ""
    request_type: RequestType = Field(description="诉求类型")
    category: Code = Field(description="派单目录小类编码")
    title: _Title = ""
    description: _Description = Field(description="诉求内容")
    urgency: Urgency = Urgency.NORMAL
    address: _Address = ""
    lon: Longitude | None = None
    lat: Latitude | None = None
    place: Code | None = Field(None, description="所在区域的单位编码（街道、社区…）")
    channel: ApiChannel = Field("api", description="渠道；默认“系统接口”")


class ActionIn(Body):
    acting_user: Username | None = Field(
        None, description="代为操作的工作人员账号；须由工作人员完成的操作必填"
    )


def _annotation(spec: ActionField) -> tuple[Any, Any]:
    """The type and default of one declared value in an API body."""
    about = str(spec.label)
    if spec.kind == "text":
        if spec.required:
            return Required(spec.limit), Field(description=about)
        return Text(spec.limit), Field("", description=about)
    kinds: dict[str, tuple[Any, Any]] = {
        "unit": (Code, Field(description=f"{about}（单位编码）")),
        "units": (list[Code], Field(default_factory=list, max_length=20, description=about)),
        "category": (Code | None, Field(None, description=f"{about}（分类编码）")),
        "when": (When, Field(description=f"{about}（带时区，缺省按北京时间）")),
        "ticket": (Number, Field(description=f"{about}（工单编号）")),
        "member": (Username, Field(description=f"{about}（工作人员账号）")),
        "satisfaction": (Satisfaction, Field(description=about)),
        "flag": (bool, Field(description=about)),
    }
    return kinds[spec.kind]


def body_for(path: str, commands: Sequence[Command]) -> type[ActionIn]:
    """The body of POST /tickets/{number}/<path>: the declared fields of its actions (a field is
    required only where every action sharing the path requires it), and their choice flag."""
    specs: dict[str, ActionField] = {}
    for command in commands:
        for spec in command.fields:
            if spec.api and (spec.name not in specs or not spec.required):
                specs[spec.name] = spec  # the optional one wins: the decision's note
    fields = {name: _annotation(spec) for name, spec in specs.items()}
    for command in commands:
        if command.api_choice:
            fields[command.api_choice[0]] = (bool, Field(description="批准为 true，驳回为 false"))
    camel = "".join(part.title() for part in path.split("-"))
    return create_model(f"{camel}In", __base__=ActionIn, **fields)  # type: ignore[call-overload]  # fields built at run time


class ResidentOut(Schema):
    name: str
    phone: str


class CategoryOut(Schema):
    code: str
    name: str


class TicketOut(Schema):
    number: str
    status: Status
    status_label: str
    channel: Channel
    request_type: RequestType
    category: CategoryOut
    urgency: Urgency
    title: str
    description: str
    address: str
    lon: float | None
    lat: float | None
    place: str | None
    unit: str | None
    unit_name: str | None
    resident: ResidentOut
    received_at: datetime
    dispatched_at: datetime | None
    accept_by: datetime | None
    accepted_at: datetime | None
    resolve_by: datetime | None
    replied_at: datetime | None
    closed_at: datetime | None
    paused: bool
    beyond_calendar: bool
    reply: str
    reopen_count: int
    merged_into: str | None


class EventOut(Schema):
    seq: int
    action: str
    from_status: str
    to_status: str
    actor: str
    unit: str | None
    note: str
    at: datetime


class TicketDetailOut(TicketOut):
    events: list[EventOut]


class TicketPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[TicketOut]


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    code: str = Field(description="机器可读的错误代码")
    message: str = Field(description="给人看的中文说明")
    errors: list[FieldError] = Field(default_factory=list)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def ticket_out(ticket: Ticket, *, full_phone: bool) -> dict[str, Any]:
    """The ticket as the API shows it; phone and name masked unless the key may see them."""
    resident = ticket.resident
    return {
        "number": ticket.number,
        "status": ticket.status,
        # Status(...).label: get_status_display() rebuilds the choices dict on every call.
        "status_label": str(Status(ticket.status).label),
        "channel": ticket.channel,
        "request_type": ticket.request_type,
        "category": {"code": ticket.category.code, "name": ticket.category.name},
        "urgency": ticket.urgency,
        "title": ticket.title,
        "description": ticket.description,
        "address": ticket.address,
        "lon": ticket.lon,
        "lat": ticket.lat,
        "place": ticket.place.code if ticket.place_id and ticket.place else None,
        "unit": ticket.unit.code if ticket.unit_id and ticket.unit else None,
        "unit_name": ticket.unit.name if ticket.unit_id and ticket.unit else None,
        "resident": {
            "name": resident.name if full_phone else mask_name(resident.name),
            "phone": resident.phone if full_phone else mask_phone(resident.phone),
        },
        "received_at": _iso(ticket.received_at),
        "dispatched_at": _iso(ticket.dispatched_at),
        "accept_by": _iso(ticket.accept_by),
        "accepted_at": _iso(ticket.accepted_at),
        "resolve_by": _iso(ticket.resolve_by),
        "replied_at": _iso(ticket.replied_at),
        "closed_at": _iso(ticket.closed_at),
        "paused": ticket.paused_since is not None,
        "beyond_calendar": ticket.beyond_calendar,
        "reply": ticket.reply,
        "reopen_count": ticket.reopen_count,
        "merged_into": ticket.merged_into.number if ticket.merged_into is not None else None,
    }


def event_out(event: TicketEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "action": event.action,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "actor": event.actor_label,
        "unit": event.unit.code if event.unit_id and event.unit else None,
        "note": event.note,
        "at": _iso(event.at),
    }
