"""How a ticket looks through Open311: status open/closed, public texts, the fields of a reply.

Pure rules (no database): `queries` hands in plain rows, these functions decide what is shown.
Residents' names, phones and e-mails never leave; phone-like numbers, e-mail addresses, flat
numbers and the resident's recorded name are masked in every free text and address; a report
(举报) keeps its text private.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from minsheng.citizens.masking import mask_name
from minsheng.open311.formats import iso
from minsheng.taxonomy.models import RequestType
from minsheng.tickets.models import Status
from minsheng.tickets.names import OPEN_STATUSES, Action
from minsheng.tickets.public import PUBLIC_LABELS, PUBLIC_TEXT

OPEN, CLOSED = "open", "closed"
# What the filing adds after the resident's own words; reads show only the words before it.
TAIL = "\n\n【Open311 补充信息】\n"
MASK = "***"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ID_CARD = re.compile(r"(?<![A-Za-z0-9])\d{17}[\dXx](?![A-Za-z0-9])")
# A run of seven or more digits (with spaces or dashes) not glued to letters: phone numbers,
# landlines, bank cards. Ticket numbers (FZ2611270001) start with letters and stay readable.
# A flat inside a building (3单元502室, 1201户) says where someone lives; the street number stays.
_FLAT = re.compile(r"\d+\s*单元\s*(?:\d+\s*(?:室|户|房)?)?|\d+\s*(?:室|户)")
_DIGITS = re.compile(r"(?<![A-Za-z0-9])\+?\d[\d\- ]{5,}\d(?![A-Za-z0-9])")

SATISFACTION = {"satisfied": "满意", "basically": "基本满意", "unsatisfied": "不满意"}
PROGRESS = {
    Status.RECEIVED: "已受理，正在分派承办单位",
    Status.DISPATCHED: "已派单，等待承办单位签收",
    Status.RETURNED: "正在重新分派承办单位",  # a return is the staff's business
    Status.ACCEPTED: "承办单位正在办理",
    Status.REPLIED: "承办单位已答复",
    Status.VISITED: "已回访，热线中心正在核实",
    Status.CLOSED: "已办结",
    Status.DECLINED: "不予受理",
}
AGENCY_SHOWN = frozenset(
    {Status.DISPATCHED, Status.ACCEPTED, Status.REPLIED, Status.VISITED, Status.CLOSED}
)
DEADLINE_SHOWN = frozenset({Status.DISPATCHED, Status.ACCEPTED})


def open_or_closed(status: str) -> str:
    """Open311 knows two statuses: every open status of the loop is open, the rest closed."""
    return OPEN if status in OPEN_STATUSES else CLOSED


def detailed_status(status: str) -> str:
    """The loop's own status (extension), a return shown as still dispatched."""
    return Status.DISPATCHED.value if status == Status.RETURNED else status


def redact(text: str, *, names: tuple[str, ...] = ()) -> str:
    """The text with e-mail addresses, ID and phone numbers, flats and given names masked."""
    text = _EMAIL.sub(MASK, text)
    text = _ID_CARD.sub(MASK, text)
    text = _FLAT.sub(MASK, text)
    text = _DIGITS.sub(
        lambda m: MASK if len(re.sub(r"\D", "", m.group())) >= 7 else m.group(), text
    )
    for name in names:
        if len(name) >= 2:
            text = text.replace(name, mask_name(name))
    return text


def public_text(text: str, *, names: tuple[str, ...] = ()) -> str | None:
    """A free text as Open311 shows it: the filing's tail cut off, personal data masked."""
    text = (text or "").split(TAIL, 1)[0].strip()
    return redact(text, names=names) or None


@dataclass(frozen=True)
class Row:
    """One ticket as the read side hands it over: only what Open311 may derive a reply from."""

    number: str
    status: str
    request_type: str
    service_code: str
    service_name: str
    description: str
    reply: str
    address: str
    lat: float | None
    lon: float | None
    unit_name: str | None
    resolve_by: datetime | None
    received_at: datetime
    updated_at: datetime | None
    merged_into: str | None = None
    media_url: str | None = None
    address_id: str | None = None
    # Used only to mask the resident's name in texts; never rendered.
    names: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class Event:
    """One event of a ticket's timeline, as plain values."""

    action: str
    to_status: str
    at: datetime
    note: str
    unit_name: str | None
    satisfaction: str | None


def status_notes(row: Row) -> str:
    """The public reply once there is one; else where the request stands."""
    if row.status == Status.MERGED:
        return f"已与相同问题的工单 {row.merged_into} 合并办理" if row.merged_into else "已合并办理"
    if row.reply and row.status in (Status.REPLIED, Status.VISITED, Status.CLOSED, Status.DECLINED):
        if row.request_type == RequestType.REPORT:
            return "已答复举报人，答复内容不公开"
        return public_text(row.reply, names=row.names) or PROGRESS[Status(row.status)]
    return PROGRESS.get(Status(row.status), "")


def request(row: Row, *, notice: str | None = None) -> dict[str, Any]:
    """A service request in the spec's fields, in the spec's order."""
    private = row.request_type == RequestType.REPORT
    return {
        "service_request_id": row.number,
        "status": open_or_closed(row.status),
        "status_notes": status_notes(row),
        "service_name": row.service_name,
        "service_code": row.service_code,
        "description": None if private else public_text(row.description, names=row.names),
        "agency_responsible": row.unit_name if row.status in AGENCY_SHOWN else None,
        "service_notice": notice,
        "requested_datetime": iso(row.received_at),
        "updated_datetime": iso(row.updated_at or row.received_at),
        "expected_datetime": iso(row.resolve_by) if row.status in DEADLINE_SHOWN else None,
        "address": redact(row.address, names=row.names) or None,
        "address_id": row.address_id or None,
        "zipcode": None,
        "lat": row.lat,
        "long": row.lon,
        "media_url": row.media_url or None,
    }


def notes(row: Row, events: list[Event]) -> list[dict[str, Any]]:
    """The public timeline (extension `notes`): time, what happened, open or closed after it."""
    shown = []
    for event in events:
        if event.action not in PUBLIC_LABELS:
            continue
        label = str(PUBLIC_LABELS[Action(event.action)])
        if event.action == Action.DISPATCH and event.unit_name:
            label = f"已派单至{event.unit_name}"
        elif event.action == Action.VISIT and event.satisfaction in SATISFACTION:
            label = f"回访评价：{SATISFACTION[event.satisfaction]}"
        elif event.action in PUBLIC_TEXT and row.request_type != RequestType.REPORT:
            text = public_text(event.note, names=row.names)
            label = f"{label}：{text}" if text else label
        shown.append(
            {
                "datetime": iso(event.at),
                "description": label,
                "status": open_or_closed(event.to_status),
            }
        )
    return shown


def service(
    *, code: str, name: str, description: str, keywords: str, group: str, metadata: bool
) -> dict[str, Any]:
    """A leaf of the dispatch catalogue as an Open311 service."""
    words = [w.strip() for w in (keywords or "").split("|") if w.strip()]
    return {
        "service_code": code,
        "service_name": name,
        "description": description or None,
        "metadata": metadata,
        "type": "realtime",
        "keywords": ",".join(words) or None,
        "group": group or None,
    }


def service_notice(
    number: str, *, resolve_hours: int | None, resolve_workdays: int | None, reachable: bool
) -> str:
    """What the resident is told on filing: the number, the deadline rule, how to follow it."""
    if resolve_workdays:
        rule = f"承办单位将在派单后 {resolve_workdays} 个工作日内办结（以工作日历为准）。"
    elif resolve_hours:
        rule = f"承办单位将在派单后 {resolve_hours} 小时内办结。"
    else:
        rule = ""
    follow = (
        "可凭工单编号和手机号后四位查询进度并评价。"
        if reachable
        else "未留电话，热线中心无法回访；请保存工单编号以便查询进度。"
    )
    return f"诉求已受理，工单编号 {number}。{rule}{follow}"
