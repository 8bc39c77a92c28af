"""Receiving (受理): a request becomes a numbered ticket with the first event of its timeline.

Re-exported by `tickets.workflow`, which callers know. Requests that arrive together (other
systems' channels, `lib.groupcommit`) are received together: the statements are the same
for one ticket or for many.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.citizens.models import Resident
from minsheng.lib import rows
from minsheng.orgs.models import Unit
from minsheng.taxonomy.models import Category
from minsheng.tickets import notices, numbering
from minsheng.tickets.models import Status, Ticket, Urgency
from minsheng.tickets.names import Action
from minsheng.tickets.signals import event_recorded
from minsheng.tickets.steps import check_new, new_event
from minsheng.tickets.transitions import Actor, as_actor


@dataclass
class NewRequest:
    """What a channel hands over for one new ticket."""

    channel: str
    request_type: str
    category: Category
    resident: Resident
    title: str
    description: str
    by: User | Actor
    urgency: str = Urgency.NORMAL
    address: str = ""
    lon: float | None = None
    lat: float | None = None
    place: Unit | None = None


def receive(*, at: datetime | None = None, route_later: bool = False, **request: object) -> Ticket:
    """Record a new request (受理): number it and open its timeline, in the caller's transaction
    (checked first: a refusal writes nothing). `request` holds NewRequest's fields.
    `route_later`: the worker classifies, dispatches and sends the receipt
    (`dispatch.routing.route_waiting`)."""
    return receive_many([NewRequest(**request)], at=at, route_later=route_later)[0]  # type: ignore[arg-type]


def receive_many(
    requests: list[NewRequest], *, at: datetime | None = None, route_later: bool = False
) -> list[Ticket]:
    """Receive every request (all checked before any is written), in order, at one time:
    one numbering draw and one insert each for the tickets and their first events."""
    now = at or timezone.now()
    tickets, actors = [], []
    for r in requests:
        actor = as_actor(r.by)
        title, description, address = check_new(
            by=actor,
            category=r.category,
            request_type=r.request_type,
            urgency=r.urgency,
            title=r.title,
            description=r.description,
            address=r.address,
        )
        actors.append(actor)
        tickets.append(
            Ticket(
                channel=r.channel,
                request_type=r.request_type,
                category=r.category,
                urgency=r.urgency,
                resident=r.resident,
                title=title,
                description=description,
                address=address,
                lon=r.lon,
                lat=r.lat,
                place=r.place,
                received_at=now,
                created_by=actor.user,
                awaiting_route=route_later,
            )
        )
    if not tickets:
        return []
    with transaction.atomic(savepoint=False):
        for ticket, number in zip(tickets, numbering.next_numbers(now, len(tickets)), strict=True):
            ticket.number = number
        rows.insert_many(tickets, match=["number"])
        events = [
            new_event(t, Action.RECEIVE, "", Status.RECEIVED, a, now, data={"channel": t.channel})
            for t, a in zip(tickets, actors, strict=True)
        ]
        rows.insert_many(events, match=["ticket_id", "seq"])
        for ticket, event in zip(tickets, events, strict=True):
            event_recorded.send(sender=Ticket, ticket=ticket, event=event)
        if not route_later:
            for ticket in tickets:
                notices.received(ticket, at=now)
    return tickets
