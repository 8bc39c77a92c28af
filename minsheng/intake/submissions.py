"""Intake's write module: a call becomes a resident record and a ticket, in one transaction."""

from typing import Any

from django.db import transaction

from minsheng.accounts.models import User
from minsheng.citizens import registry
from minsheng.citizens.masking import normalise_phone
from minsheng.taxonomy.models import RequestType
from minsheng.tickets import workflow
from minsheng.tickets.models import Channel, Ticket, Urgency
from minsheng.tickets.workflow import Actor, WorkflowError


@transaction.atomic
def submit(data: dict[str, Any], *, by: User | Actor) -> Ticket:
    """Record a request from any channel's cleaned data; answer a consultation at once.

    `by` is the agent, or for other channels an Actor: the resident, or a system named by its key.

    Raises WorkflowError (nothing written) when the phone or the request is not acceptable.
    """
    phone = normalise_phone(data["phone"])
    if not phone:
        raise WorkflowError("请输入正确的电话号码")
    resident = registry.remember(phone=phone, name=(data.get("name") or "").strip())
    ticket = workflow.receive(
        channel=data.get("channel") or Channel.HOTLINE,
        request_type=data["request_type"],
        category=data["category"],
        resident=resident,
        title=data.get("title") or "",
        description=data["description"],
        urgency=data.get("urgency") or Urgency.NORMAL,
        address=data.get("address") or "",
        lon=data.get("lon"),
        lat=data.get("lat"),
        place=data.get("place"),
        by=by,
    )
    answer = (data.get("answer") or "").strip()
    if answer and data["request_type"] == RequestType.CONSULT:
        workflow.answer(ticket, text=answer, by=by)
    return ticket
