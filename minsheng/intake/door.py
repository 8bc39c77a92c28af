"""The one door for new requests: a channel builds a `Request` value and calls `submit`.

Programmes (meter alarms, risk clues, campaign findings …) come in here like every other
channel, so their tickets are numbered, timed, routed, chased and assessed by the same loop.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from minsheng.accounts.models import User
from minsheng.citizens.masking import NO_CONTACT
from minsheng.intake import submissions
from minsheng.orgs.models import Unit
from minsheng.taxonomy.models import Category, RequestType
from minsheng.tickets import workflow
from minsheng.tickets.models import Ticket, Urgency
from minsheng.tickets.transitions import Actor


@dataclass(frozen=True)
class Request:
    """One new request as a channel hands it in.

    `phone` empty: nobody to answer (a sensor's alarm, work the platform raises itself); the
    ticket is filed under the no-contact resident, sends no SMS and is never reachable from the
    resident pages — staff do its return visit. `confidence` is how sure the channel is of the
    category (1.0: a person or a programme chose it). `unit`: send it straight to this unit
    (a programme that knows who must act) instead of asking the dispatch rules.
    """

    channel: str
    category: Category
    description: str
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
    received_at: datetime | None = None
    confidence: float = 0.0
    unit: Unit | None = None
    note: str = ""  # the dispatch note when `unit` is given

    def as_data(self) -> dict[str, Any]:
        """The cleaned-data shape the channels' forms produce."""
        return {
            "channel": self.channel,
            "category": self.category,
            "request_type": self.request_type,
            "description": self.description,
            "phone": self.phone or NO_CONTACT,
            "name": self.name,
            "title": self.title,
            "urgency": self.urgency,
            "address": self.address,
            "lon": self.lon,
            "lat": self.lat,
            "place": self.place,
            "answer": self.answer,
            "received_at": self.received_at,
        }


def submit(request: Request, *, by: User | Actor) -> Ticket:
    """Receive one request and route it, in one transaction; WorkflowError (nothing written)
    when it cannot be received or sent to `request.unit`."""
    with transaction.atomic():
        if request.unit is None:
            return submissions.submit(request.as_data(), by=by, confidence=request.confidence)
        ticket = submissions.submit(request.as_data(), by=by, confidence=0.0)
        workflow.dispatch(ticket, to=request.unit, by=by, note=request.note)
        ticket.refresh_from_db()
        return ticket


def check(request: Request, *, by: User | Actor) -> None:
    """Refuse (WorkflowError) what `submit` would refuse, writing nothing."""
    submissions.check(request.as_data(), by=by)
