"""Read side of dispatch: the compiled rules (cached per process, keyed by the rule version),
the samples the matcher reads from tickets, and the handlers a unit can assign to."""

import threading
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.dispatch import rules
from minsheng.dispatch.models import DispatchRule, RuleChange, RuleSetVersion
from minsheng.orgs.models import Membership, Role, Unit
from minsheng.taxonomy.models import Category, RequestType
from minsheng.tickets.models import Ticket
from minsheng.tickets.names import CLOCK_STATUSES
from minsheng.triage import suggest

_lock = threading.Lock()
_cache: dict[str, Any] = {"token": None, "book": None}
NEVER_EDITED = "never-edited"


def ordered_rules() -> QuerySet[DispatchRule]:
    """Every rule in the order it is tried, with what the list page shows."""
    return DispatchRule.objects.select_related("unit", "fallback_unit", "policy").prefetch_related(
        "categories", "places", "cohandlers"
    )


def current_token() -> str | None:
    return RuleSetVersion.objects.filter(pk=1).values_list("token", flat=True).first()


def rulebook() -> rules.RuleBook:
    """The active rules compiled; recompiled when another process (or this one) changed them.
    No version row yet means no rule was ever saved: the empty book is kept under that name."""
    token = current_token() or NEVER_EDITED
    if _cache["book"] is not None and _cache["token"] == token:
        return _cache["book"]
    book = rules.compile_rules(specs(DispatchRule.objects.filter(is_active=True)))
    with _lock:
        _cache.update(token=token, book=book)
    return book


def specs(rule_rows: QuerySet[DispatchRule]) -> list[rules.RuleSpec]:
    """The rules as plain data for the matcher."""
    rows = rule_rows.select_related("unit", "fallback_unit", "policy").prefetch_related(
        Prefetch("categories", Category.objects.only("id", "name")),
        Prefetch("places", Unit.objects.only("id", "name", "path")),
        Prefetch("cohandlers", Unit.objects.only("id", "name")),
    )
    return [spec_of(r) for r in rows]


def spec_of(r: DispatchRule) -> rules.RuleSpec:
    labels = dict(RequestType.choices)
    return rules.RuleSpec(
        id=r.pk,
        name=r.name,
        order=r.order,
        categories=tuple((c.pk, c.name) for c in r.categories.all()),
        request_types=tuple((t, str(labels.get(t, t))) for t in r.request_types),
        places=tuple((u.path, u.name) for u in r.places.all()),
        polygon=r.polygon or None,
        time_from=r.time_from,
        time_to=r.time_to,
        weekdays=tuple(r.weekdays),
        keywords=rules.parse_keywords(r.keywords),
        target=r.target,
        unit=_ref(r.unit),
        fallback_unit=_ref(r.fallback_unit),
        cohandlers=tuple((u.pk, u.name) for u in r.cohandlers.all()),
        policy=_ref(r.policy),
        priority=r.priority,
    )


def _ref(obj: Any) -> rules.Ref | None:
    return (obj.pk, str(obj.name)) if obj is not None else None


def places_of(place: Unit | None) -> tuple[rules.Place, ...]:
    """The units from the top down to `place`, read in one query by its path."""
    if place is None:
        return ()
    codes = [c for c in place.path.split("/") if c]
    chain = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    return tuple(
        rules.Place(id=u.pk, name=u.name, kind=u.kind, path=u.path)
        for code in codes
        if (u := chain.get(code)) is not None
    )


def sample(
    *,
    category: Category | None,
    request_type: str,
    place: Unit | None = None,
    text: str = "",
    at: datetime | None = None,
    lon: float | None = None,
    lat: float | None = None,
) -> rules.Sample:
    """A request as the matcher sees it."""
    group = category.parent if category is not None and category.parent_id else None
    return rules.Sample(
        category=_ref(category),
        group=_ref(group),
        request_type=request_type,
        places=places_of(place),
        text=text,
        at=timezone.localtime(at) if at is not None else None,
        lon=lon,
        lat=lat,
    )


def sample_of(ticket: Ticket) -> rules.Sample:
    return sample(
        category=ticket.category,
        request_type=ticket.request_type,
        place=ticket.place,
        text=f"{ticket.title}\n{ticket.description}\n{ticket.address}",
        at=ticket.received_at,
        lon=ticket.lon,
        lat=ticket.lat,
    )


def decide(ticket: Ticket, book: rules.RuleBook | None = None) -> rules.Decision:
    """Which rule routes this ticket, and why (by `book`, else the current rules)."""
    return (book or rulebook()).match(sample_of(ticket))


def confidence(
    chooser: str,
    *,
    ticket: Ticket,
    text: str = "",
    category: Category | None = None,
    agreement: float | None = None,
    decision: rules.Decision | None = None,
) -> float:
    """How sure the platform is of a new ticket's category and route: the one measure the
    dispatch rules compare with MINSHENG_AUTO_DISPATCH_CONFIDENCE (docs/dispatch.md).

    By who chose the category (`chooser`): "programme", sure; "dispatcher", not at all (left for
    a person); "agent" (the console, and batch import, whose importing agent vouches for the
    sheet), sure when a specific rule — not the 兜底 catch-all — names the unit; "resident" (and
    other systems), as sure as the classifier agrees with the choice (`agreement`, computed when
    not given)."""
    if chooser == "programme":
        return 1.0
    if chooser == "dispatcher":
        return 0.0
    if chooser == "agent":
        decision = decision or decide(ticket)
        specific = decision.rule is not None and not decision.rule.is_catch_all
        return 1.0 if specific and decision.unit is not None else 0.0
    if agreement is None:
        agreement = suggest.agreement(text, category or ticket.category)
    return agreement


def rule_data(rule: DispatchRule) -> dict[str, Any]:
    """A rule's fields as `routing.save_rule` and the rule form take them."""
    return {
        "name": rule.name,
        "is_active": rule.is_active,
        "categories": list(rule.categories.all()),
        "request_types": list(rule.request_types),
        "places": list(rule.places.all()),
        "polygon": rule.polygon,
        "time_from": rule.time_from,
        "time_to": rule.time_to,
        "weekdays": list(rule.weekdays),
        "keywords": rule.keywords,
        "target": rule.target,
        "unit": rule.unit,
        "fallback_unit": rule.fallback_unit,
        "cohandlers": list(rule.cohandlers.all()),
        "policy": rule.policy,
        "priority": rule.priority,
        "note": rule.note,
    }


def history(limit: int = 200) -> QuerySet[RuleChange]:
    return RuleChange.objects.select_related("by")[:limit]


def handlers_of(unit: Unit) -> list[User]:
    """Active handlers whose membership is in the unit itself, oldest account first."""
    return list(
        User.objects.filter(is_active=True, memberships__unit=unit, memberships__role=Role.HANDLER)
        .distinct()
        .order_by("pk")
    )


def open_work(users: Sequence[User]) -> dict[int, int]:
    """How many tickets each user holds that a unit is still working on."""
    counts = (
        Ticket.objects.filter(handler__in=users, status__in=CLOCK_STATUSES)
        .values("handler")
        .annotate(n=Count("pk"))
    )
    found = {row["handler"]: row["n"] for row in counts}
    return {u.pk: found.get(u.pk, 0) for u in users}


def grid_depths(users: Iterable[User], *, place: Unit, below: Unit) -> dict[int, int]:
    """For each user with a membership in a unit below `below` that contains `place`: its depth.

    A grid worker is a handler of the street and also a member of their grid or community.
    """
    prefixes = [p for p in _prefixes(place.path) if len(p) > len(below.path)]
    if not prefixes:
        return {}
    depth: dict[int, int] = {}
    rows = Membership.objects.filter(
        user__in=list(users), unit__path__in=prefixes, unit__is_active=True
    ).values_list("user_id", "unit__path")
    for user_id, path in rows:
        depth[user_id] = max(depth.get(user_id, 0), len(path))
    return depth


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def name_taken(name: str, *, exclude: int | None = None) -> bool:
    return DispatchRule.objects.filter(Q(name=name) & ~Q(pk=exclude)).exists()
