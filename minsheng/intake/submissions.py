"""Intake's write module: a call becomes a resident record and a ticket, in one transaction."""

import logging
from typing import Any

from django.db import transaction

from minsheng.accounts.models import User
from minsheng.citizens import registry
from minsheng.citizens.masking import normalise_phone
from minsheng.citizens.models import Resident
from minsheng.dispatch import routing
from minsheng.taxonomy.models import RequestType
from minsheng.tickets import receiving, steps, workflow
from minsheng.tickets.models import Channel, Ticket, Urgency
from minsheng.tickets.receiving import NewRequest
from minsheng.tickets.transitions import Actor, WorkflowError
from minsheng.triage import training
from minsheng.triage.suggest import agreement, suggest

logger = logging.getLogger(__name__)


def submit(
    data: dict[str, Any],
    *,
    by: User | Actor,
    confidence: float = 0.0,
    route_later: bool = False,
) -> Ticket:
    """Record a request from any channel's cleaned data; answer a consultation at once.

    `by` is the agent, or for other channels an Actor: the resident, or a system named by its key.
    `confidence` is how sure the caller is of the category (1.0: a person chose it; a classifier's
    probability otherwise); at or above MINSHENG_AUTO_DISPATCH_CONFIDENCE the dispatch rules send
    the ticket on without a human, else it waits for the dispatcher (docs/dispatch.md).
    `route_later` (other systems' channels) leaves classifying and routing to the worker, so
    the intake itself is a handful of inserts (docs/api.md, "Throughput").

    Everything is checked first: WorkflowError when the phone or the request is not acceptable,
    and nothing written. The writes then join the caller's transaction.
    """
    phone = check(data, by=by)
    with transaction.atomic(savepoint=False):
        resident = registry.remember(phone=phone, name=_name(data))
        (ticket,) = receiving.receive_many(
            [_request(data, resident, by)],
            at=data.get("received_at"),  # batch import: the sheet's own date; None means now
            route_later=route_later,
        )
        answer = (data.get("answer") or "").strip()
        if answer and data["request_type"] == RequestType.CONSULT:
            workflow.answer(ticket, text=answer, by=by)
        elif not route_later:
            routing.route_new(ticket, confidence=confidence)
    return ticket


def submit_many(requests: list[tuple[dict[str, Any], User | Actor]]) -> list[Ticket]:
    """Record requests from other systems that arrived together, in the caller's transaction:
    the same statements as for one. The worker routes them (`route_later`); all are checked
    before any is written."""
    phones = [check(data, by=by) for data, by in requests]
    with transaction.atomic(savepoint=False):
        residents = registry.remember_many(
            (phone, _name(data)) for phone, (data, _) in zip(phones, requests, strict=True)
        )
        return receiving.receive_many(
            [
                _request(data, residents[phone], by)
                for phone, (data, by) in zip(phones, requests, strict=True)
            ],
            route_later=True,
        )


def check(data: dict[str, Any], *, by: User | Actor) -> str:
    """Refuse (WorkflowError) what `submit` would refuse, writing nothing; else the phone."""
    phone = normalise_phone(data["phone"])
    if not phone:
        raise WorkflowError("请输入正确的电话号码")
    steps.check_new(
        by=by,
        category=data["category"],
        request_type=data["request_type"],
        urgency=data.get("urgency") or Urgency.NORMAL,
        title=data.get("title") or "",
        description=data["description"],
        address=data.get("address") or "",
    )
    return phone


def _name(data: dict[str, Any]) -> str:
    return (data.get("name") or "").strip()


def _request(data: dict[str, Any], resident: Resident, by: User | Actor) -> NewRequest:
    return NewRequest(
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


def learn_from(ticket: Ticket, *, by: User) -> None:
    """Where the agent chose otherwise than the classifier suggested, keep it as a label.

    A training label is a by-product: if it cannot be kept, the ticket stands and it is logged.
    """
    try:
        with transaction.atomic():
            _learn(ticket, by=by)
    except Exception:
        logger.exception("could not keep the agent's choice for %s as a training label", ticket)


def suggested_confidence(data: dict[str, Any]) -> float:
    """How sure the classifier is of the category a resident chose (`triage.suggest.agreement`)."""
    return agreement(f"{data.get('title') or ''} {data.get('description') or ''}", data["category"])


def _learn(ticket: Ticket, *, by: User) -> None:
    suggestion = suggest(
        f"{ticket.title} {ticket.description}",
        address=ticket.address,
        lat=ticket.lat,
        lon=ticket.lon,
        exclude=ticket.pk,
    )
    training.record_correction(
        ticket,
        by=by,
        category=ticket.category,
        request_type=ticket.request_type,
        place=ticket.place,
        suggested=suggestion.as_record(),
    )
