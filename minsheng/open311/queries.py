"""Open311's read side: every read of tickets for Open311 goes through `public_requests`.

All tickets are public through Open311, but only the fields `mapping` derives; the resident is
read only to mask their name inside texts.
"""

from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from minsheng.open311 import mapping
from minsheng.open311.models import ServiceAttribute, Token
from minsheng.open311.params import AttributeSpec, Filters
from minsheng.orgs.models import Unit
from minsheng.taxonomy.models import Category, RequestType
from minsheng.tickets.models import Ticket, TicketEvent
from minsheng.tickets.names import OPEN_STATUSES

REMEMBER_SECONDS = 5
ROW_FIELDS = {
    "pk": "pk",
    "number": "number",
    "status": "status",
    "request_type": "request_type",
    "service_code": "category__code",
    "service_name": "category__name",
    "description": "description",
    "reply": "reply",
    "address": "address",
    "lat": "lat",
    "lon": "lon",
    "unit_name": "unit__name",
    "resolve_by": "resolve_by",
    "received_at": "received_at",
    "merged_into": "merged_into__number",
    "media_url": "open311__media_url",
    "address_id": "open311__address_id",
    "resident_name": "resident__name",
}


def city() -> Unit | None:
    """The one jurisdiction: the city at the top of the unit tree."""
    return Unit.objects.filter(kind=Unit.Kind.CITY, parent__isnull=True).order_by("path").first()


def jurisdiction_ids() -> set[str]:
    """The values of jurisdiction_id that name this city: its division code or number prefix."""
    ids = {settings.MINSHENG_CITY_PREFIX.lower()}
    top = city()
    if top is not None:
        ids.add(top.code.lower())
    return ids


def _leaves() -> QuerySet[Category]:
    return Category.objects.filter(
        parent__isnull=False, is_active=True, parent__is_active=True
    ).select_related("parent", "policy")


def services() -> list[dict[str, Any]]:
    """Every leaf of the dispatch catalogue as an Open311 service, in catalogue order."""
    leaves = _leaves().annotate(
        has_attributes=Exists(ServiceAttribute.objects.filter(category=OuterRef("pk")))
    )
    return [
        mapping.service(
            code=c.code,
            name=c.name,
            description=c.description,
            keywords=c.keywords,
            group=c.parent.name,  # type: ignore[union-attr]  # leaves have a parent
            metadata=c.has_attributes,
        )
        for c in leaves.order_by("parent__sort_order", "parent__code", "sort_order", "code")
    ]


def service(code: str) -> tuple[Category, list[AttributeSpec]] | None:
    """The leaf with this service code and its attributes, or None; remembered per process
    for REMEMBER_SECONDS, as every POST asks it (an administrator's edit shows within that)."""
    slot = f"open311-service:{code}"
    found = caches["process"].get(slot)
    if found is None:
        found = _service(code)
        if found is not None:
            caches["process"].set(slot, found, REMEMBER_SECONDS)
    return found


def _service(code: str) -> tuple[Category, list[AttributeSpec]] | None:
    category = _leaves().filter(code=code).first()
    if category is None:
        return None
    specs = [
        AttributeSpec(
            code=a.code,
            datatype=a.datatype,
            required=a.required,
            variable=a.variable,
            description=a.description,
            values=tuple((v["key"], v["name"]) for v in a.values or []),
        )
        for a in ServiceAttribute.objects.filter(category=category).order_by("order", "code")
    ]
    return category, specs


def service_definition(code: str) -> dict[str, Any] | None:
    """The spec's service definition: the service code and its attributes in order."""
    category = _leaves().filter(code=code).first()
    if category is None:
        return None
    attributes = ServiceAttribute.objects.filter(category=category).order_by("order", "code")
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": a.variable,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": a.datatype_description or None,
                "order": a.order,
                "description": a.description,
                "values": [{"key": v["key"], "name": v["name"]} for v in a.values or []],
            }
            for a in attributes
        ],
    }


def number_for_token(token: str) -> str | None:
    """The ticket number a token stands for, or None."""
    return Token.objects.filter(token=token).values_list("ticket__number", flat=True).first()


def public_requests(filters: Filters) -> list[dict[str, Any]]:
    """The requests matching the filters, newest first, one page, as Open311 shows them."""
    # The spec: a list of ids overrides every other filter.
    tickets = (
        Ticket.objects.filter(number__in=filters.ids)
        if filters.ids
        else _filtered(Ticket.objects.all(), filters)
    ).order_by("-received_at", "-pk")
    first = (filters.page - 1) * filters.page_size
    return _render(tickets[first : first + filters.page_size], extensions=filters.extensions)


def public_request(number: str, *, extensions: bool = False) -> dict[str, Any] | None:
    """One request by its ticket number, or None."""
    found = _render(Ticket.objects.filter(number=number), extensions=extensions)
    return found[0] if found else None


def _filtered(tickets: QuerySet[Ticket], filters: Filters) -> QuerySet[Ticket]:
    tickets = tickets.filter(received_at__gte=filters.start, received_at__lte=filters.end)
    if filters.service_codes:
        tickets = tickets.filter(category__code__in=filters.service_codes)
    if set(filters.statuses) == {"open"}:
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    elif set(filters.statuses) == {"closed"}:
        tickets = tickets.exclude(status__in=OPEN_STATUSES)
    if filters.bbox:
        min_lon, min_lat, max_lon, max_lat = filters.bbox
        tickets = tickets.filter(
            lon__gte=min_lon, lon__lte=max_lon, lat__gte=min_lat, lat__lte=max_lat
        )
    if filters.q:
        # A report's text is private, so it must not be found by its words either.
        tickets = tickets.filter(
            (Q(description__icontains=filters.q) & ~Q(request_type=RequestType.REPORT))
            | Q(address__icontains=filters.q)
            | Q(category__name__icontains=filters.q)
        )
    return tickets


def _render(tickets: QuerySet[Ticket], *, extensions: bool) -> list[dict[str, Any]]:
    last_event = TicketEvent.objects.filter(ticket=OuterRef("pk")).order_by("-seq").values("at")
    values = tickets.annotate(updated_at=Subquery(last_event[:1])).values(
        *ROW_FIELDS.values(), "updated_at"
    )
    rows = []
    for value in values:
        fields = {name: value[source] for name, source in ROW_FIELDS.items()}
        pk, resident_name = fields.pop("pk"), fields.pop("resident_name")
        names = (resident_name,) if resident_name else ()
        rows.append((pk, mapping.Row(**fields, updated_at=value["updated_at"], names=names)))
    if not extensions:
        return [mapping.request(row) for _, row in rows]
    events = _public_events([pk for pk, _ in rows])
    return [
        {
            **mapping.request(row),
            "detailed_status": mapping.detailed_status(row.status),
            "notes": mapping.notes(row, events.get(pk, [])),
        }
        for pk, row in rows
    ]


def _public_events(ticket_ids: list[int]) -> dict[int, list[mapping.Event]]:
    events: dict[int, list[mapping.Event]] = {}
    found = (
        TicketEvent.objects.filter(ticket_id__in=ticket_ids, action__in=list(mapping.PUBLIC_LABELS))
        .order_by("ticket_id", "seq")
        .values_list("ticket_id", "action", "to_status", "at", "note", "unit__name", "data")
    )
    for ticket_id, action, to_status, at, note, unit_name, data in found:
        satisfaction = data.get("satisfaction") if isinstance(data, dict) else None
        events.setdefault(ticket_id, []).append(
            mapping.Event(action, to_status, at, note, unit_name, satisfaction)
        )
    return events
