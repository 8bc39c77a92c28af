"""Dispatch's write module: routes new tickets by the rules, assigns handlers by each unit's
strategy, and edits the rules themselves (each edit recorded and the rule version bumped)."""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time
from functools import partial
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.dispatch import queries, reasons, rules
from minsheng.dispatch.models import (
    DispatchRule,
    RuleChange,
    RuleSetVersion,
    Target,
    UnitStrategy,
)
from minsheng.orgs.models import Unit
from minsheng.sla.models import DeadlinePolicy
from minsheng.taxonomy.models import REQUEST_TYPE_INVALID, RequestType
from minsheng.tickets import notices, transitions, workflow
from minsheng.tickets.models import Status, Ticket, Urgency
from minsheng.tickets.transitions import WorkflowError
from minsheng.triage import places, suggest
from minsheng.triage.suggest import agreements

logger = logging.getLogger(__name__)
T = TypeVar("T")


class RuleError(ValueError):
    """A rule edit that cannot be saved; the message is for the user and nothing was written."""


@dataclass(frozen=True)
class Routed:
    """What `route_new` did with a ticket."""

    dispatched: bool
    reason: str
    decision: rules.Decision | None = None
    handler: User | None = None


# --- routing tickets -----------------------------------------------------------------------


@transaction.atomic
def route_new(
    ticket: Ticket,
    *,
    confidence: float,
    decision: rules.Decision | None = None,
    place_problem: str = "",
) -> Routed:
    """Dispatch a just-received ticket by the rules when its classification is confident enough.

    Otherwise, or when no rule applies, the ticket stays in the dispatcher's queue and its
    timeline says why (`workflow.hold`, a reason of `dispatch.reasons`). A failure to dispatch
    never undoes the intake. `decision`: the rules' decision, when the caller has made it
    already; `place_problem`: what place recognition reported, if it found no single place.
    """
    if ticket.status != Status.RECEIVED:
        return Routed(False, "工单已不在待派单状态。")
    decision = decision or queries.decide(ticket)
    threshold = settings.MINSHENG_AUTO_DISPATCH_CONFIDENCE
    where = _where(ticket)
    if decision.rule is None or decision.unit is None or confidence < threshold:
        code = reasons.why_waiting(
            rule_found=decision.rule is not None,
            unit_found=decision.unit is not None,
            has_place=ticket.place_id is not None or ticket.lon is not None,
            confidence=confidence,
            threshold=threshold,
            place_problem=place_problem or reasons.PLACE_PROBLEMS.get(where.problem, ""),
        )
        return _hold(ticket, code, decision, confidence, threshold, where)
    rule = decision.rule
    unit = Unit.objects.get(pk=decision.unit[0])
    extra: dict[str, Any] = {}
    notes = [f"自动派单：{rule.name}（{decision.why}）"]
    if where.problem == places.CONFLICT:
        notes.append(f"{where.detail}，按两者共同所属的{ticket.place}派单")
    if rule.policy is not None:
        extra["policy"] = DeadlinePolicy.objects.get(pk=rule.policy[0])
    if rule.priority and rule.priority != ticket.urgency:
        extra["urgency"] = rule.priority
    try:
        # A savepoint: a refused dispatch leaves the ticket received, intake intact.
        with transaction.atomic():
            workflow.dispatch(
                ticket,
                to=unit,
                cohandlers=list(Unit.objects.filter(pk__in=[pk for pk, _ in rule.cohandlers])),
                by=transitions.SYSTEM,
                rule=rule.name,
                note="；".join(notes),
                **extra,
            )
    except WorkflowError as error:
        waiting = reasons.Waiting(reasons.REFUSED, str(error))
        workflow.hold(ticket, reason=waiting.code, note=waiting.sentence)
        return Routed(False, str(error), decision)
    handler = assign_by_strategy(ticket)
    return Routed(True, decision.why, decision, handler)


def _where(ticket: Ticket) -> places.Resolved:
    """What the ticket's words and point say of its place, when they decided it (the channel
    did not choose it): why there is none, or that the two disagree."""
    if ticket.place_id is not None and ticket.lon is None:
        return places.Resolved(ticket.place)  # chosen by whoever filed it
    found = places.resolve(
        f"{ticket.title} {ticket.description}",
        address=ticket.address,
        lon=ticket.lon,
        lat=ticket.lat,
    )
    return found if found.unit == ticket.place else places.Resolved(ticket.place)


def _hold(
    ticket: Ticket,
    code: str,
    decision: rules.Decision,
    confidence: float,
    threshold: float,
    where: places.Resolved,
) -> Routed:
    """Record why the ticket waits; the classifier's top three when the category is unsure,
    the candidate places when the place is."""
    candidates: tuple[tuple[str, float], ...] = ()
    detail = decision.why if code == reasons.NO_RULE else ""
    data: dict[str, Any] = {}
    if code == reasons.UNCERTAIN_CATEGORY:
        guesses = suggest.classify(f"{ticket.title} {ticket.description}").categories[:3]
        candidates = tuple((str(g.category.name), round(g.confidence, 2)) for g in guesses)
        detail = f"置信度 {confidence:.2f}，低于自动派单阈值 {threshold:.2f}"
        data["candidates"] = [list(c) for c in candidates]
    elif code in (reasons.AMBIGUOUS_PLACE, reasons.OUTSIDE_CITY) and where.detail:
        detail = where.detail
        if where.candidates:
            data["places"] = list(where.candidates)
    waiting = reasons.Waiting(code, detail, candidates)
    workflow.hold(ticket, reason=code, note=waiting.sentence, data=data)
    return Routed(False, waiting.sentence, decision)


def route_waiting(*, limit: int = 200, batch: int = 50) -> int:
    """Send the receipt, classify and route tickets other systems filed (`awaiting_route`),
    oldest first; the worker calls this every round. Returns how many were taken.

    Tickets are claimed `batch` at a time under row locks (workers skip each other's), in one
    transaction with their receipts and routing: a worker that dies mid-batch leaves them all
    waiting for the next round. A batch that fails as a whole is retried ticket by ticket, and
    a ticket that cannot be routed is let go, waiting for a dispatcher, rather than retried
    forever.
    """
    taken = 0
    while taken < limit:
        claimed: list[int] = []
        try:
            with transaction.atomic():
                _route(_claim(min(batch, limit - taken), into=claimed))
        except Exception:
            if not claimed:
                raise  # the queue itself cannot be read: the worker logs it and comes back
            logger.exception("a batch of %d waiting tickets failed; one by one", len(claimed))
            for pk in claimed:
                _route_alone(pk)
        if not claimed:
            break
        taken += len(claimed)
    return taken


def _route(tickets: list[Ticket]) -> None:
    """Receipts first. The model and the rules are read once, and each ticket decided, in
    savepoints: what fails there is logged and leaves its tickets to the dispatcher, receipts
    sent. Then each ticket is routed in a savepoint, units in one order (their strategy rows
    stay locked till the batch commits), so two workers never wait for each other in a circle."""
    if not tickets:
        return
    notices.received_many(tickets)
    texts = [(f"{t.title} {t.description}", t.category) for t in tickets]
    confidences = _guarded("the classifier", lambda: agreements(texts)) or [0.0] * len(tickets)
    book = _guarded("reading the dispatch rules", queries.rulebook)
    decided = []
    for ticket, confidence in zip(tickets, confidences, strict=True):
        decision = None
        if book is not None:
            decision = _guarded(f"deciding {ticket}", partial(queries.decide, ticket, book))
        if decision is not None:
            decided.append((ticket, confidence, decision))
    decided.sort(key=lambda d: (d[2].unit[0] if d[2].unit else 0, d[0].pk))
    for ticket, agreement, decision in decided:
        confidence = queries.confidence(
            "resident", ticket=ticket, agreement=agreement, decision=decision
        )
        try:
            with transaction.atomic():
                route_new(ticket, confidence=confidence, decision=decision)
        except Exception:
            logger.exception("could not route %s; it waits for a dispatcher", ticket)


def _guarded(what: str, read: Callable[[], T]) -> T | None:
    """`read()` in a savepoint, so that a failed read leaves the batch's transaction usable;
    None, logged, if it fails."""
    try:
        with transaction.atomic():
            return read()
    except Exception:
        logger.exception("%s failed; the tickets concerned wait for a dispatcher", what)
        return None


def _route_alone(pk: int) -> None:
    """A ticket of a failed batch, on its own; if it fails again it is let go to the
    dispatcher, with its receipt."""
    try:
        with transaction.atomic():
            _route(_claim(1, pk=pk))
    except Exception:
        logger.exception("could not route ticket %s; it waits for a dispatcher", pk)
        with transaction.atomic():
            if workflow.let_go(pk):
                ticket = Ticket.objects.select_related("resident").get(pk=pk)
                notices.received(ticket, at=ticket.received_at)


def _claim(count: int, *, pk: int | None = None, into: list[int] | None = None) -> list[Ticket]:
    """Lock and take up to `count` waiting tickets (or the one with `pk`), oldest first; their
    ids also go `into` the caller's list, which outlives a rollback."""
    waiting = Ticket.objects.select_for_update(skip_locked=True).filter(awaiting_route=True)
    if pk is not None:
        waiting = waiting.filter(pk=pk)
    ids = list(waiting.order_by("pk").values_list("pk", flat=True)[:count])
    if into is not None:
        into.extend(ids)
    workflow.take_waiting(ids)
    return list(
        Ticket.objects.filter(pk__in=ids)
        .select_related("category__parent", "category__policy", "resident", "place")
        .order_by("pk")
    )


@transaction.atomic
def assign_by_strategy(ticket: Ticket) -> User | None:
    """Give a dispatched ticket to one handler of its unit, by the unit's strategy (分办).

    Returns the handler, or None when the unit's leader decides (the default) or nobody fits.
    """
    if ticket.unit is None or ticket.status not in (Status.DISPATCHED, Status.ACCEPTED):
        return None
    # Lock the unit's strategy row: concurrent tickets take their round-robin turns in order.
    strategy = UnitStrategy.objects.select_for_update().filter(unit=ticket.unit).first()
    if strategy is None or strategy.strategy == UnitStrategy.Strategy.LEADER:
        return None
    handlers = queries.handlers_of(ticket.unit)
    if not handlers:
        return None
    chosen: User | None
    if strategy.strategy == UnitStrategy.Strategy.ROUND_ROBIN:
        last = strategy.last_handler_id or 0
        chosen = next((h for h in handlers if h.pk > last), handlers[0])
    elif strategy.strategy == UnitStrategy.Strategy.LEAST_OPEN:
        work = queries.open_work(handlers)
        chosen = min(handlers, key=lambda h: (work[h.pk], h.pk))
    else:
        chosen = _grid_handler(ticket, handlers)
    if chosen is None:
        return None
    workflow.assign(ticket, to=chosen, by=transitions.SYSTEM)
    strategy.last_handler = chosen
    strategy.save(update_fields=["last_handler"])
    return chosen


def _grid_handler(ticket: Ticket, handlers: list[User]) -> User | None:
    """The handler whose grid (or community) holds the place; the least busy if several."""
    if ticket.place is None or ticket.unit is None:
        return None
    depth = queries.grid_depths(handlers, place=ticket.place, below=ticket.unit)
    if not depth:
        return None
    deepest = max(depth.values())
    candidates = [h for h in handlers if depth.get(h.pk) == deepest]
    work = queries.open_work(candidates)
    return min(candidates, key=lambda h: (work[h.pk], h.pk))


@transaction.atomic
def set_strategy(unit: Unit, strategy: str) -> UnitStrategy:
    """Choose how a unit assigns its tickets."""
    if strategy not in UnitStrategy.Strategy.values:
        raise RuleError("分办方式不正确。")
    row, _ = UnitStrategy.objects.update_or_create(unit=unit, defaults={"strategy": strategy})
    return row


# --- editing rules -------------------------------------------------------------------------


@transaction.atomic
def save_rule(rule: DispatchRule | None, data: dict[str, Any], *, by: User | None) -> DispatchRule:
    """Create a rule (placed before the trailing 兜底 rules) or change one; record the change.

    `data` holds the fields of the rule form, already cleaned. Raises RuleError, writing nothing.
    """
    clean = _validated(data)
    if queries.name_taken(clean["name"], exclude=rule.pk if rule else None):
        raise RuleError(f"已有名为“{clean['name']}”的规则。")
    before = snapshot(rule) if rule is not None else None
    many = {key: clean.pop(key) for key in ("categories", "places", "cohandlers")}
    creating = rule is None
    if rule is None:
        rule = DispatchRule()
    for key, value in clean.items():
        setattr(rule, key, value)
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError as error:
        raise RuleError(f"已有名为“{clean['name']}”的规则。") from error
    for key, values in many.items():
        getattr(rule, key).set(values)
    if creating:
        _place_new(rule)
    after = snapshot(rule)
    if before == after:
        return rule
    kind = RuleChange.Kind.CREATED if creating else RuleChange.Kind.UPDATED
    _record(rule, kind, by, before=before, after=after)
    return rule


@transaction.atomic
def move_rule(rule: DispatchRule, *, up: bool, by: User | None) -> None:
    """Move a rule one place up or down in the order."""
    ordered = list(DispatchRule.objects.select_for_update().order_by("order", "id"))
    i = next(k for k, r in enumerate(ordered) if r.pk == rule.pk)
    j = i - 1 if up else i + 1
    if not 0 <= j < len(ordered):
        raise RuleError("已经是第一条规则。" if up else "已经是最后一条规则。")
    old = ordered[i].order
    ordered[i], ordered[j] = ordered[j], ordered[i]
    _renumber(ordered)
    _record(ordered[j], RuleChange.Kind.MOVED, by, before={"order": old}, after={"order": j + 1})


def _place_new(rule: DispatchRule) -> None:
    ordered = list(DispatchRule.objects.select_for_update().exclude(pk=rule.pk))
    ordered.sort(key=lambda r: (r.order, r.pk))
    at = len(ordered)
    while at > 0 and queries.spec_of(ordered[at - 1]).is_catch_all:
        at -= 1
    if queries.spec_of(rule).is_catch_all:
        at = len(ordered)
    ordered.insert(at, rule)
    _renumber(ordered)


def _renumber(ordered: list[DispatchRule]) -> None:
    for position, r in enumerate(ordered, start=1):
        if r.order != position:
            r.order = position
            DispatchRule.objects.filter(pk=r.pk).update(order=position)


def _record(
    rule: DispatchRule,
    kind: str,
    by: User | None,
    *,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    label = (by.get_full_name() or by.username)[:60] if by is not None else "系统"
    now = timezone.now()
    RuleChange.objects.create(
        rule=rule,
        rule_name=rule.name,
        kind=kind,
        by=by,
        by_label=label,
        at=now,
        before=before,
        after=after,
    )
    # Every web process compares this token before matching and recompiles when it changed.
    version, _ = RuleSetVersion.objects.select_for_update().get_or_create(
        pk=1, defaults={"token": "", "changed_at": now}
    )
    version.token, version.number, version.changed_at = uuid.uuid4().hex, version.number + 1, now
    version.save()


def snapshot(rule: DispatchRule) -> dict[str, Any]:
    """The rule as JSON for the change history: names and codes, not just keys."""
    return {
        "name": rule.name,
        "order": rule.order,
        "is_active": rule.is_active,
        "categories": sorted(c.code for c in rule.categories.all()),
        "request_types": list(rule.request_types),
        "places": sorted(u.code for u in rule.places.all()),
        "polygon": rule.polygon,
        "time_from": rule.time_from.strftime("%H:%M") if rule.time_from else None,
        "time_to": rule.time_to.strftime("%H:%M") if rule.time_to else None,
        "weekdays": list(rule.weekdays),
        "keywords": rule.keywords,
        "target": rule.target,
        "unit": rule.unit.code if rule.unit else None,
        "fallback_unit": rule.fallback_unit.code if rule.fallback_unit else None,
        "cohandlers": sorted(u.code for u in rule.cohandlers.all()),
        "policy": rule.policy.code if rule.policy else None,
        "priority": rule.priority,
        "note": rule.note,
    }


def _validated(data: dict[str, Any]) -> dict[str, Any]:
    """The rule's fields from `data`, checked as the form checks them (for callers without one)."""
    name = (data.get("name") or "").strip()
    if not name:
        raise RuleError("请填写规则名称。")
    if len(name) > 100:
        raise RuleError("规则名称不能超过 100 字。")
    target = data.get("target") or ""
    if target not in Target.values:
        raise RuleError("请选择主办单位的确定方式。")
    unit = data.get("unit")
    if target == Target.UNIT and unit is None:
        raise RuleError("“指定单位”须选择主办单位。")
    for u in [unit, data.get("fallback_unit"), *data.get("cohandlers", [])]:
        if u is not None and (not u.is_active or u.kind == Unit.Kind.CENTRE):
            raise RuleError(f"{u.name}不是在用的承办单位。")
    time_from, time_to = data.get("time_from"), data.get("time_to")
    if (time_from is None) != (time_to is None):
        raise RuleError("时段须同时填写起止时间，或都不填。")
    if time_from is not None and time_from == time_to:
        raise RuleError("时段的起止时间不能相同。")
    request_types = list(dict.fromkeys(data.get("request_types") or []))
    if set(request_types) - set(RequestType.values):
        raise RuleError(str(REQUEST_TYPE_INVALID))
    weekdays = sorted({int(d) for d in data.get("weekdays") or []})
    if any(not 0 <= d <= 6 for d in weekdays):
        raise RuleError("星期不正确。")
    polygon = data.get("polygon") or None
    if polygon is not None and (error := rules.polygon_error(polygon)):
        raise RuleError(error)
    priority = data.get("priority") or ""
    if priority and priority not in Urgency.values:
        raise RuleError("紧急程度不正确。")
    keywords = "|".join(rules.parse_keywords(data.get("keywords") or ""))
    return {
        "name": name,
        "is_active": bool(data.get("is_active", True)),
        "categories": list(data.get("categories") or []),
        "request_types": request_types,
        "places": list(data.get("places") or []),
        "polygon": polygon,
        "time_from": _minute(time_from),
        "time_to": _minute(time_to),
        "weekdays": weekdays,
        "keywords": keywords,
        "target": target,
        "unit": unit if target == Target.UNIT else None,
        "fallback_unit": data.get("fallback_unit") if target != Target.UNIT else None,
        "cohandlers": list(data.get("cohandlers") or []),
        "policy": data.get("policy"),
        "priority": priority,
        "note": (data.get("note") or "").strip(),
    }


def _minute(value: time | None) -> time | None:
    return value.replace(second=0, microsecond=0) if value is not None else None
