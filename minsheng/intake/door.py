"""The one door for new requests, and intake's write module.

Every channel — the agent's console, the residents' pages, Open311, the native API, batch
import, and the programmes (meter alarms, risk clues, campaign findings …) — is an adapter that
builds a `Request` and hands it in here. It is checked once (`check`), and one function writes
one or many (`submit_many`, grouped when they arrive together), so every ticket is numbered,
timed, routed, chased and assessed by the same loop.
"""

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from minsheng.accounts.models import User
from minsheng.citizens import registry
from minsheng.citizens.masking import NO_CONTACT, normalise_phone
from minsheng.citizens.models import Resident
from minsheng.dispatch import queries as dispatch_queries
from minsheng.dispatch import routing
from minsheng.orgs.models import Unit
from minsheng.taxonomy.models import Category, RequestType
from minsheng.tickets import receiving, steps, workflow
from minsheng.tickets.models import Channel, Ticket, Urgency
from minsheng.tickets.receiving import NewRequest
from minsheng.tickets.transitions import Actor, WorkflowError
from minsheng.triage import places, training
from minsheng.triage.suggest import suggest

logger = logging.getLogger(__name__)
BAD_PHONE = "请输入正确的电话号码"


@dataclass(frozen=True)
class Request:
    """One new request as a channel hands it in.

    `phone` empty: nobody to answer (a sensor's alarm, work the platform raises itself); the
    ticket is filed under the no-contact resident, sends no SMS and is never reachable from the
    resident pages — staff do its return visit. `chooser` says who chose the category, and so how
    sure the dispatch may be (`dispatch.queries.confidence`): "agent" (a specific dispatch rule
    must name the unit), "resident" (the classifier must agree), "programme" (sure). `unit`:
    send it straight to this unit (a programme that knows who must act) instead of asking the
    dispatch rules. `answer`: a consultation answered at first contact.
    """

    category: Category
    description: str
    channel: str = Channel.HOTLINE
    request_type: str = RequestType.HELP
    phone: str = ""
    name: str = ""
    title: str = ""
    urgency: str = Urgency.NORMAL
    address: str = ""
    lon: float | None = None
    lat: float | None = None
    place: Unit | None = None
    answer: str = ""
    received_at: datetime | None = None  # batch import: the sheet's own date; None: now
    chooser: str = "resident"
    unit: Unit | None = None
    note: str = ""  # the dispatch note when `unit` is given

    @property
    def text(self) -> str:
        return f"{self.title} {self.description}"

    @classmethod
    def of(cls, data: Mapping[str, Any], **fixed: Any) -> "Request":
        """A request from a form's or a body's cleaned values (keys it does not know are left)."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__ and v is not None}
        return cls(**{**known, **fixed})


def check(request: Request, *, by: User | Actor) -> str:
    """Refuse (WorkflowError) what `submit` would refuse, writing nothing; else the phone."""
    phone = normalise_phone(request.phone or NO_CONTACT)
    if not phone:
        raise WorkflowError(BAD_PHONE)
    steps.check_new(
        by=by,
        category=request.category,
        request_type=request.request_type,
        urgency=request.urgency or Urgency.NORMAL,
        title=request.title,
        description=request.description,
        address=request.address,
    )
    return phone


def submit(request: Request, *, by: User | Actor, route_later: bool = False) -> Ticket:
    """Receive one request, in one transaction, and answer or route it.

    `route_later` (other systems' channels) leaves the receipt, classifying and routing to the
    worker, so the intake itself is a handful of inserts (docs/api.md, "Throughput"). Everything
    is checked first: WorkflowError when it cannot be received, and nothing written.
    """
    with transaction.atomic():
        (ticket,) = submit_many([(request, by)], route_later=route_later)
        if request.answer.strip() and request.request_type == RequestType.CONSULT:
            workflow.answer(ticket, text=request.answer.strip(), by=by)
        elif request.unit is not None:
            workflow.dispatch(ticket, to=request.unit, by=by, note=request.note)
            ticket.refresh_from_db()
        elif not route_later:
            decision = dispatch_queries.decide(ticket)
            confidence = dispatch_queries.confidence(
                request.chooser, ticket=ticket, text=request.text, decision=decision
            )
            routing.route_new(ticket, confidence=confidence, decision=decision)
    return ticket


@dataclass(frozen=True)
class Checked:
    """A request `check` accepted, with its phone normalised and its place found: what
    `submit_many` writes without reading anything more about it."""

    request: Request
    by: User | Actor
    phone: str
    place: Unit | None


def prepare(request: Request, *, by: User | Actor) -> Checked:
    """Check a request and find its place, reading only (WorkflowError if refused). A door
    whose requests join a batch (`lib.groupcommit`) calls this in the request's own thread, so
    the batch's one writer does nothing but write."""
    return prepare_many([(request, by)])[0]


def prepare_many(requests: Sequence[tuple[Request, User | Actor]]) -> list[Checked]:
    """`prepare` for each, finding every place in one pass."""
    phones = [check(request, by=by) for request, by in requests]
    found = _places([request for request, _ in requests])
    return [
        Checked(request, by, phone, place)
        for (request, by), phone, place in zip(requests, phones, found, strict=True)
    ]


def submit_many(
    requests: Sequence[tuple[Request, User | Actor] | Checked], *, route_later: bool = True
) -> list[Ticket]:
    """Receive requests that arrived together, in the caller's transaction: every one is
    checked before any is written (those already `prepare`d are not read again), then one
    read of the residents, one numbering draw and one insert each for the tickets and their
    first events."""
    checked = iter(prepare_many([r for r in requests if not isinstance(r, Checked)]))
    ready = [r if isinstance(r, Checked) else next(checked) for r in requests]
    with transaction.atomic(savepoint=False):
        residents = registry.remember_many((c.phone, c.request.name.strip()) for c in ready)
        return receiving.receive_many(
            [_new(c, residents[c.phone]) for c in ready],
            at=ready[0].request.received_at if len(ready) == 1 else None,
            route_later=route_later,
        )


def _places(requests: list[Request]) -> list[Unit | None]:
    """The place of each request: the one its channel chose, else the unit its map point and
    the place named in its words give together (`triage.places`), else none."""
    open_ = [i for i, r in enumerate(requests) if r.place is None]
    found: list[Unit | None] = [r.place for r in requests]
    asked = [
        (requests[i].text, requests[i].address, requests[i].lon, requests[i].lat) for i in open_
    ]
    for i, resolved in zip(open_, places.resolve_many(asked), strict=True):
        found[i] = resolved.unit
    return found


def _new(checked: Checked, resident: Resident) -> NewRequest:
    request = checked.request
    return NewRequest(
        channel=request.channel,
        request_type=request.request_type,
        category=request.category,
        resident=resident,
        title=request.title,
        description=request.description,
        urgency=request.urgency or Urgency.NORMAL,
        address=request.address,
        lon=request.lon,
        lat=request.lat,
        place=checked.place,
        by=checked.by,
    )


def learn_from(ticket: Ticket, *, by: User) -> None:
    """Where the agent chose otherwise than the classifier suggested, keep it as a label.

    A training label is a by-product: if it cannot be kept, the ticket stands and it is logged.
    """
    try:
        with transaction.atomic():
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
    except Exception:
        logger.exception("could not keep the agent's choice for %s as a training label", ticket)
