"""Read side of tickets. Every view and API reads tickets through `visible_to`, so scoping holds."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, When
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.citizens.masking import NO_CONTACT, is_placeholder
from minsheng.orgs.access import standing_of
from minsheng.orgs.models import Unit
from minsheng.sla.deadlines import EMERGENCY_POLICY
from minsheng.sla.models import DeadlinePolicy
from minsheng.tickets.models import CoHandler, Status, Ticket, Urgency, overdue_q
from minsheng.tickets.names import CLOCK_STATUSES


def visible_to(user: User) -> QuerySet[Ticket]:
    """Tickets the user may see: all at the centre; else those of their units and units below."""
    standing = standing_of(user)
    return visible_in(None if standing.is_centre else standing.unit_paths)


def visible_in(unit_paths: Iterable[str] | None) -> QuerySet[Ticket]:
    """Every ticket (None), or those whose main unit or a co-handler is one of these units or
    below: what a member of them sees, or a system key bound to them."""
    tickets = Ticket.objects.select_related("category__parent", "unit", "resident")
    if unit_paths is None:
        return tickets
    condition = Q(pk__in=[])
    for path in unit_paths:
        condition |= (
            Q(unit__path__startswith=path)
            | Q(sub_unit__path__startswith=path)  # 二次派单 to this unit or one below it
            | Q(
                Exists(CoHandler.objects.filter(ticket=OuterRef("pk"), unit__path__startswith=path))
            )
        )
    return tickets.filter(condition)


def can_see_phone(user: User) -> bool:
    """Full phone numbers are for the hotline centre only; everyone else sees them masked."""
    return bool(standing_of(user).centre_roles)


def with_due(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Annotate `due_at`: the acceptance deadline until accepted, then the resolution deadline."""
    return tickets.annotate(
        due_at=Case(When(status=Status.DISPATCHED, then=F("accept_by")), default=F("resolve_by"))
    )


def dispatch_queue(user: User) -> QuerySet[Ticket]:
    """New and returned tickets waiting for the centre, oldest first."""
    return (
        visible_to(user)
        .filter(status__in=[Status.RECEIVED, Status.RETURNED])
        .order_by("received_at")
    )


def inbox(user: User) -> QuerySet[Ticket]:
    """The work of the user's units, the most urgent deadline first."""
    return with_due(
        visible_to(user).filter(status__in=[*CLOCK_STATUSES, Status.RETURNED, Status.REPLIED])
    ).order_by(F("due_at").asc(nulls_last=True), "received_at")


def overdue(user: User, *, now: datetime | None = None) -> QuerySet[Ticket]:
    """Tickets past their acceptance or resolution deadline while a unit holds them."""
    return with_due(visible_to(user).filter(overdue_q(now or timezone.now()))).order_by(
        "resolve_by"
    )


def visits_due(user: User, *, now: datetime | None = None) -> QuerySet[Ticket]:
    """Replied tickets whose return visit is due (回访任务): replied at least the policy's
    `visit_after_hours` ago and not yet rated, the longest waiting first."""
    now = now or timezone.now()
    condition = Q(pk__in=[])
    for policy in DeadlinePolicy.objects.all():
        ready = Q(replied_at__lte=now - timedelta(hours=policy.visit_after_hours))
        if policy.code == EMERGENCY_POLICY:
            condition |= ready & Q(urgency=Urgency.URGENT)
        condition |= ready & Q(category__policy=policy) & ~Q(urgency=Urgency.URGENT)
    return visible_to(user).filter(condition, status=Status.REPLIED).order_by("replied_at")


def due_checks(*, now: datetime | None = None, limit: int = 500) -> QuerySet[Ticket]:
    """Tickets the deadline scan must look at now (the worker's read; partial index)."""
    now = now or timezone.now()
    return Ticket.objects.filter(next_check_at__lte=now).order_by("next_check_at")[:limit]


def beyond_calendar(user: User) -> QuerySet[Ticket]:
    """Open tickets whose deadline was counted past the published calendar (weekdays only)."""
    return visible_to(user).filter(beyond_calendar=True, status__in=CLOCK_STATUSES)


def earlier_tickets(user: User, *, phone: str, limit: int = 20) -> QuerySet[Ticket]:
    """A caller's earlier tickets, for the agent on the call."""
    return visible_to(user).filter(resident__phone=phone).order_by("-received_at")[:limit]


def suggested_unit(ticket: Ticket) -> Unit | None:
    """The unit the catalogue suggests: the place's street or district, or a named department."""
    hint = ticket.category.handler_hint
    if hint in ("street", "district"):
        if ticket.place is None:
            return None
        kinds = (
            (Unit.Kind.STREET, Unit.Kind.TOWNSHIP) if hint == "street" else (Unit.Kind.DISTRICT,)
        )
        return ticket.place.ancestor_of_kind(*kinds)
    return Unit.objects.filter(code=hint, is_active=True).first() if hint else None


def awaiting_rating(number: str, *, reply_round: int) -> Ticket | None:
    """The ticket with this number if it still awaits the rating of its reply `reply_round`.

    The signed link of the return-visit SMS is the proof here: it names both.
    """
    ticket = Ticket.objects.filter(number=number).only("number", "status", "reopen_count").first()
    if ticket is None or ticket.status != Status.REPLIED or ticket.reopen_count + 1 != reply_round:
        return None
    return ticket


def for_resident(number: str, *, last4: str) -> Ticket | None:
    """The ticket with this number whose resident's phone ends in `last4`, else None.

    A resident has no account: the number and the phone's last four digits are their proof.
    """
    import hmac

    ticket = (
        Ticket.objects.select_related("category", "unit", "resident", "merged_into")
        .filter(number=number)
        .first()
    )
    phone = ticket.resident.phone if ticket else NO_CONTACT
    # Compare in constant time and do the same work whether or not the number exists.
    matches = hmac.compare_digest(phone[-4:], last4)
    # A placeholder's "last four digits" are public: such a ticket has no resident to prove it.
    return ticket if ticket is not None and matches and not is_placeholder(phone) else None


def proved_by_resident(number: str, proved: Iterable[str]) -> Ticket | None:
    """The ticket if the resident proved it earlier in this session (see `for_resident`)."""
    if number not in proved:
        return None
    return (
        Ticket.objects.select_related("category", "unit", "resident", "merged_into")
        .filter(number=number)
        .first()
    )
