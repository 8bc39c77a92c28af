"""What the workflow tells people when a ticket moves: rows put in the notifications outbox.

Called by `tickets.workflow` inside its transaction, so a notice exists exactly when its move
does; the worker sends it later (never the web request). Phone numbers stay out of the text.
"""

from datetime import datetime
from itertools import groupby

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from minsheng.citizens.masking import is_placeholder
from minsheng.notifications.delivery import Message, enqueue, to_centre, to_unit
from minsheng.notifications.models import Notification
from minsheng.orgs.models import Unit
from minsheng.tickets.models import Ticket

SIGN = "【12345】"


def public_url(path: str) -> str:
    return f"{getattr(settings, 'MINSHENG_PUBLIC_URL', '').rstrip('/')}{path}"


def tracking_url(ticket: Ticket) -> str:
    """The resident's tracking page; it asks for the phone's last four digits."""
    return public_url(reverse("resident_ticket", args=[ticket.number]))


def to_resident(ticket: Ticket, *, kind: str, body: str, key: str) -> Message:
    return Message(
        kind=kind,
        channel=Notification.Channel.SMS,
        body=SIGN + body,
        dedupe_key=key,
        phone="" if is_placeholder(ticket.resident.phone) else ticket.resident.phone,
        ticket_number=ticket.number,
    )


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%m月%d日%H:%M") if moment else ""


def received(ticket: Ticket, *, at: datetime) -> None:
    """The resident's receipt: the number and the tracking link."""
    enqueue([_receipt(ticket)], at=at)


def received_many(tickets: list[Ticket]) -> None:
    """The receipts of tickets received earlier, each dated at its reception (one insert for
    the tickets received at the same moment, as those written together are)."""
    for at, same in groupby(tickets, key=lambda t: t.received_at):
        enqueue([_receipt(t) for t in same], at=at)


def _receipt(ticket: Ticket) -> Message:
    body = f"您反映的诉求已受理，工单编号{ticket.number}。查询进度：{tracking_url(ticket)}"
    return to_resident(ticket, kind="receipt", body=body, key=f"t{ticket.pk}:receipt")


def replied(ticket: Ticket, *, at: datetime) -> None:
    """The resident learns the unit has answered; the rating link follows with the visit."""
    body = f"您的工单{ticket.number}已由承办单位答复，请查看：{tracking_url(ticket)}"
    key = f"t{ticket.pk}:reply:r{ticket.reopen_count + 1}"
    enqueue([to_resident(ticket, kind="reply", body=body, key=key)], at=at)


def extended(ticket: Ticket, extension_id: int, *, at: datetime) -> None:
    """The resident is told the deadline moved (延期获批)."""
    body = f"您的工单{ticket.number}经批准延期办理，办结时限调整为{_local(ticket.resolve_by)}。"
    key = f"t{ticket.pk}:extension:{extension_id}"
    enqueue([to_resident(ticket, kind="extension", body=body, key=key)], at=at)


def dispatched(ticket: Ticket, *, at: datetime, cohandlers: list[str], main: bool = True) -> None:
    """The main unit (and new co-handlers) find the ticket in their notices."""
    url = ticket.get_absolute_url()
    stamp = at.strftime("%Y%m%d%H%M%S")
    messages = []
    if main and ticket.unit is not None:
        body = (
            f"新工单 {ticket.number}「{ticket.title}」待签收，签收时限{_local(ticket.accept_by)}。"
        )
        key = f"t{ticket.pk}:dispatch:{stamp}"
        messages += to_unit(
            ticket.unit, kind="dispatched", body=body, key=key, url=url, number=ticket.number
        )
    for unit in Unit.objects.filter(code__in=cohandlers):
        body = f"工单 {ticket.number}「{ticket.title}」请贵单位协办（吹哨报到），请及时签收。"
        key = f"t{ticket.pk}:cohandler:{unit.pk}"
        messages += to_unit(
            unit, kind="cohandler", body=body, key=key, url=url, number=ticket.number
        )
    enqueue(messages, at=at)


def urged(ticket: Ticket, deadline: str, *, at: datetime) -> None:
    """催办: the unit is chased the working day after a missed deadline."""
    if ticket.unit is None:
        return
    what = "签收" if deadline.startswith("accept") else "办结"
    body = f"催办：工单 {ticket.number}「{ticket.title}」已超过{what}时限，请抓紧办理。"
    messages = to_unit(
        ticket.unit,
        kind="urge",
        body=body,
        key=f"t{ticket.pk}:urge:{deadline}",
        url=ticket.get_absolute_url(),
        number=ticket.number,
    )
    enqueue(messages, at=at)


def escalated(ticket: Ticket, deadline: str, *, at: datetime) -> None:
    """督办: the supervisors (in-app, and by e-mail where they have one) and the unit."""
    unit = ticket.unit.name if ticket.unit else ""
    body = f"督办：工单 {ticket.number}（{unit}）催办后仍未办结，请督办。"
    key = f"t{ticket.pk}:escalate:{deadline}"
    url = ticket.get_absolute_url()
    messages = to_centre(
        ["supervisor"],
        kind="escalate",
        body=body,
        key=key,
        url=url,
        number=ticket.number,
        unit=ticket.unit,
    )
    if ticket.unit is not None:
        messages += to_unit(
            ticket.unit, kind="escalate", body=body, key=key, url=url, number=ticket.number
        )
    enqueue(messages, at=at)


def extension_requested(
    ticket: Ticket, extension_id: int, *, needs_leader: bool, at: datetime
) -> None:
    """Whoever decides next finds a pending extension request (待审延期) in their notices: the
    unit's leaders where the policy asks them first, else the centre's dispatchers and
    supervisors."""
    url = ticket.get_absolute_url()
    key = f"t{ticket.pk}:extension-request:{extension_id}"
    if needs_leader and ticket.unit is not None:
        body = f"延期待审核：工单 {ticket.number}「{ticket.title}」申请延期，请单位负责人审核。"
        messages = to_unit(
            ticket.unit, kind="extension_request", body=body, key=key, url=url,
            number=ticket.number, roles=("leader",),
        )  # fmt: skip
    else:
        unit = ticket.unit.name if ticket.unit else ""
        body = f"延期待审批：工单 {ticket.number}（{unit}）申请延期，请审批。"
        messages = to_centre(
            ["dispatcher", "supervisor"], kind="extension_request", body=body, key=key,
            url=url, number=ticket.number, unit=ticket.unit,
        )  # fmt: skip
    enqueue(messages, at=at)


def pause_requested(ticket: Ticket, *, at: datetime) -> None:
    """A unit's request to stop the clock reaches the centre's dispatchers and supervisors."""
    unit = ticket.unit.name if ticket.unit else ""
    body = f"暂停计时待审批：工单 {ticket.number}（{unit}）申请暂停计时，请审批。"
    messages = to_centre(
        ["dispatcher", "supervisor"], kind="pause_request", body=body,
        key=f"t{ticket.pk}:pause-request:{at:%Y%m%d%H%M%S%f}", url=ticket.get_absolute_url(),
        number=ticket.number, unit=ticket.unit,
    )  # fmt: skip
    enqueue(messages, at=at)


def unsatisfied(ticket: Ticket, *, resolved: bool, at: datetime) -> None:
    """A resident's 不满意 reaches the centre (to reopen or close) and the unit."""
    unit = ticket.unit.name if ticket.unit else ""
    outcome = "不满意" + ("" if resolved else "、问题未解决")
    body = f"群众{outcome}：工单 {ticket.number}（{unit}）「{ticket.title}」待重办或办结。"
    key = f"t{ticket.pk}:unsatisfied:r{ticket.reopen_count + 1}"
    url = ticket.get_absolute_url()
    messages = to_centre(
        ["dispatcher", "supervisor"], kind="unsatisfied", body=body, key=key, url=url,
        number=ticket.number, unit=ticket.unit,
    )  # fmt: skip
    if ticket.unit is not None:
        messages += to_unit(
            ticket.unit, kind="unsatisfied", body=body, key=key, url=url, number=ticket.number
        )
    enqueue(messages, at=at)


def pressed(ticket: Ticket, *, kind: str, note: str, by: str, at: datetime) -> None:
    """A 催办 or 督办 by hand reaches the handling unit (and a sub-unit handling it)."""
    word = "催办" if kind == "urge" else "督办"
    body = f"{word}：工单 {ticket.number}「{ticket.title}」，{by}：{note}"
    key = f"t{ticket.pk}:{kind}:hand:{at:%Y%m%d%H%M%S%f}"
    url = ticket.get_absolute_url()
    messages: list[Message] = []
    for unit in (ticket.unit, ticket.sub_unit):
        if unit is not None:
            messages += to_unit(unit, kind=kind, body=body, key=key, url=url, number=ticket.number)
    enqueue(messages, at=at)


def delegated(ticket: Ticket, *, at: datetime) -> None:
    """The sub-unit of a 二次派单 finds the ticket in its notices, with its own deadline."""
    if ticket.sub_unit is None:
        return
    parent = ticket.unit.name if ticket.unit else ""
    body = (
        f"二次派单：{parent}转来工单 {ticket.number}「{ticket.title}」，"
        f"请于{_local(ticket.sub_resolve_by)}前办理并反馈。"
    )
    key = f"t{ticket.pk}:delegate:{ticket.sub_unit.pk}:{at:%Y%m%d%H%M%S}"
    enqueue(
        to_unit(ticket.sub_unit, kind="dispatched", body=body, key=key,
                url=ticket.get_absolute_url(), number=ticket.number),
        at=at,
    )  # fmt: skip
