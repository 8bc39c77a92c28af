"""Read side of the residents' pages: the catalogue and the map as pure snapshots, nearby open
requests, how often a phone or an address has filed today, and a ticket's public timeline."""

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext

from minsheng.orgs.models import Unit
from minsheng.residents import catalogue, places
from minsheng.residents.models import PendingPhoto
from minsheng.residents.progress import TEXT_SHOWN, PublicEvent
from minsheng.taxonomy.models import Category
from minsheng.tickets.models import Channel, Satisfaction, Ticket, TicketEvent
from minsheng.tickets.names import OPEN_STATUSES, Action
from minsheng.tickets.public import PUBLIC_LABELS
from minsheng.triage import places as triage_places

NEARBY_DAYS = 30
NEARBY_LIMIT = 300  # the most recent open tickets of the area that are compared


def place_conflict(address: str, lon: float, lat: float) -> str:
    """Why the typed address and the tapped point disagree (the street the words name is not
    the one the point lies in), in words for the resident; "" when they agree or the words
    name no place. The door reads both again and tells the dispatcher (`triage.places`)."""
    if not (address or "").strip():
        return ""
    found = triage_places.resolve(address, address=address, lon=lon, lat=lat)
    if found.problem != triage_places.CONFLICT or len(found.candidates) != 2:
        return ""
    said, tapped = found.candidates
    words = gettext("您填写的地址在%(said)s，地图选点却在%(tapped)s")
    return words % {"said": said, "tapped": tapped}


def leaves() -> list[catalogue.Leaf]:
    """Active leaves of the catalogue, in catalogue order, with their group's name."""
    rows = (
        Category.objects.filter(parent__isnull=False, is_active=True, parent__is_active=True)
        .select_related("parent")
        .order_by("parent__sort_order", "parent__code", "sort_order", "code")
    )
    return [
        catalogue.Leaf(
            pk=c.pk,
            code=c.code,
            name=c.name,
            group=c.parent.name,  # type: ignore[union-attr]
            keywords=tuple(k.strip() for k in c.keywords.split("|") if k.strip()),
            request_types=tuple(c.request_types or ()),
        )
        for c in rows
    ]


def leaf(pk: object) -> Category | None:
    """The active leaf with this id, or None."""
    try:
        number = int(str(pk))
    except ValueError:
        return None
    return (
        Category.objects.filter(pk=number, parent__isnull=False, is_active=True)
        .select_related("parent")
        .first()
    )


def areas() -> list[places.Area]:
    """Every active district, street, community … that has a usable boundary."""
    rows = Unit.objects.filter(
        kind__in=places.KINDS, is_active=True, boundary__isnull=False
    ).values_list("pk", "name", "kind", "path", "boundary")
    found = (places.area(*row) for row in rows)
    return [a for a in found if a is not None]


def streets() -> list[Unit]:
    """Streets and townships a resident may name when they do not use the map."""
    return list(
        Unit.objects.filter(kind__in=[Unit.Kind.STREET, Unit.Kind.TOWNSHIP], is_active=True)
        .select_related("parent")
        .order_by("path")
    )


def unit(pk: object) -> Unit | None:
    try:
        number = int(str(pk))
    except ValueError:
        return None
    return Unit.objects.filter(pk=number, is_active=True).first()


def nearby_open(*, place: Unit | None, address: str, now: datetime) -> list[Ticket]:
    """Open tickets of the last 30 days in the same street (or at the same address)."""
    area = place.ancestor_of_kind(Unit.Kind.STREET, Unit.Kind.TOWNSHIP) if place else None
    where = Q(place__path__startswith=(area or place).path) if place else Q(pk__in=[])
    if address:
        where |= Q(address=address)
    return list(
        Ticket.objects.filter(
            where, status__in=OPEN_STATUSES, received_at__gte=now - timedelta(days=NEARBY_DAYS)
        )
        .select_related("category")
        .order_by("-received_at")[:NEARBY_LIMIT]
    )


def open_ticket(number: str) -> Ticket | None:
    return Ticket.objects.filter(number=number, status__in=OPEN_STATUSES).first()


def filed_by_phone(phone: str, *, since: datetime) -> int:
    """Requests filed on the phone pages with this number since then."""
    return Ticket.objects.filter(
        channel=Channel.MOBILE, resident__phone=phone, received_at__gte=since
    ).count()


def filed_at_address(address: str, *, since: datetime) -> int:
    """Requests filed on the phone pages for this (normalised) address since then."""
    return Ticket.objects.filter(
        channel=Channel.MOBILE, address=address, received_at__gte=since
    ).count()


def pending_photo(token: str) -> PendingPhoto | None:
    return PendingPhoto.objects.filter(token=token).first() if token else None


def public_timeline(ticket: Ticket) -> list[PublicEvent]:
    """The events a resident sees on their ticket's page, in their words."""
    events = TicketEvent.objects.filter(ticket=ticket, action__in=list(PUBLIC_LABELS))
    shown = []
    for event in events.order_by("seq"):
        label, rating = PUBLIC_LABELS[Action(event.action)], ""
        if event.action == Action.VISIT:
            label = "电话回访" if event.actor_id else "您的评价"
            satisfaction = event.data.get("satisfaction")
            if satisfaction in Satisfaction.values:
                solved = "问题已解决" if event.data.get("resolved") else "问题未解决"
                rating = f"{Satisfaction(satisfaction).label}，{solved}"
        text = event.note if event.action in TEXT_SHOWN else ""
        shown.append(PublicEvent(label, event.at, text, rating))
    return shown
