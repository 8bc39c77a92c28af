"""The work lists of a 12345 centre's day (工作清单): what each is, who has it, how it is read.

Every list reads tickets through `tickets.queries.visible_to`, so a unit sees only its own; each
is sorted by urgency (emergencies first, then the nearest or the longest-missed deadline).
The menu shows their counts, read in one aggregate query (`counts`).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models import Value as V
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.models import User
from minsheng.assessment.models import Appeal, Decision, Exclusion
from minsheng.citizens.masking import normalise_phone
from minsheng.desk.models import SavedFilter
from minsheng.orgs.access import Standing, standing_of
from minsheng.orgs.models import Unit
from minsheng.tickets import queries
from minsheng.tickets.models import (
    ExtensionRequest,
    Status,
    Ticket,
    TicketEvent,
    Urgency,
    overdue_q,
)
from minsheng.tickets.names import Action

CENTRE_DECIDES = frozenset({"dispatcher", "supervisor", "admin"})
# A list's rows show units by name: their boundaries (GeoJSON) are neither read nor decoded.
LIGHT = ("unit__boundary",)
LIGHTER = ("place__boundary", "sub_unit__boundary")


@dataclass(frozen=True)
class Worklist:
    key: str
    label: object
    hint: object
    roles: frozenset[str]  # who has the list ("admin": administrators)
    bulk: tuple[str, ...] = ()  # the declared actions offered on several tickets at once
    tickets: bool = True  # False: the appeals and exclusions of assessment


LISTS: tuple[Worklist, ...] = (
    Worklist(
        "dispatch", _("待派单"), _("新受理、待人工派单的工单；紧急的在前，其次受理最早的。"),
        frozenset({"dispatcher", "admin"}), (Action.DISPATCH,),
    ),
    Worklist(
        "extensions", _("待审延期"),
        _("承办单位的延期申请：单位负责人先审核的在其单位，其余由热线中心审批；时限最近的在前。"),
        frozenset({"dispatcher", "supervisor", "admin", "leader"}),
        (Action.APPROVE_EXTENSION, Action.LEADER_APPROVE_EXTENSION),
    ),
    Worklist(
        "pauses", _("待审暂停"),
        _("时限规则须经热线中心批准的暂停计时申请：批准后停止计时，或说明理由驳回；申请最早的在前。"),
        frozenset({"dispatcher", "supervisor", "admin"}),
        (Action.APPROVE_PAUSE, Action.REFUSE_PAUSE),
    ),
    Worklist(
        "unsatisfied", _("不满意待重办"),
        _("群众回访不满意的工单：确认重办，或说明理由后办结；回访最早的在前。"),
        frozenset({"dispatcher", "supervisor", "admin"}), (Action.REOPEN, Action.CLOSE),
    ),
    Worklist(
        "returns", _("退单待审"),
        _("承办单位退回的工单：改派其他单位，或驳回退单；退回最早的在前。"),
        frozenset({"dispatcher", "admin"}), (Action.DISPATCH, Action.REJECT_RETURN),
    ),
    Worklist(
        "visits", _("待回访"), _("已答复、到了回访时间的工单；等待最久的在前。"),
        frozenset({"agent", "supervisor", "admin"}),
    ),
    Worklist(
        "retries", _("回访重拨"),
        _("电话回访联系不上的工单：到了再拨时间的在前，注明已联系不上的次数。"),
        frozenset({"agent", "supervisor", "admin"}),
    ),
    Worklist(
        "overdue", _("超期"), _("签收或办结超过时限的工单，按单位计数；超期最久的在前。"),
        frozenset({"dispatcher", "supervisor", "admin", "leader"}),
        (Action.URGE, Action.ESCALATE),
    ),
    Worklist(
        "reviews", _("申诉/剔除待审"), _("承办单位的考核剔除申请和考核申诉，待热线中心审核。"),
        frozenset({"dispatcher", "supervisor", "admin"}), tickets=False,
    ),
)  # fmt: skip
BY_KEY = {w.key: w for w in LISTS}


def available(user: User) -> list[Worklist]:
    """The lists the user's roles open, in the order of the day."""
    roles = standing_of(user).all_roles
    return [w for w in LISTS if w.roles & roles]


def _urgent_first() -> Case:
    return Case(When(urgency=Urgency.URGENT, then=V(0)), default=V(1), output_field=IntegerField())


def _last_event_at(action: str) -> Subquery:
    events = TicketEvent.objects.filter(ticket=OuterRef("pk"), action=action).order_by("-seq")
    return Subquery(events.values("at")[:1])


def _extension_q(standing: Standing) -> Q:
    """Tickets with a pending extension the user decides now: the centre's once the unit's
    leader has reviewed it (or none was needed), a leader's while it waits for them."""
    pending = ExtensionRequest.objects.filter(
        ticket=OuterRef("pk"), decision=ExtensionRequest.Decision.PENDING
    )
    condition = Q(pk__in=[])
    if standing.all_roles & CENTRE_DECIDES:
        condition |= Q(Exists(pending.filter(Q(needs_leader=False) | Q(leader_at__isnull=False))))
    for path, roles in standing.unit_roles.items():
        if "leader" in roles:
            waiting = pending.filter(needs_leader=True, leader_at__isnull=True)
            condition |= Q(unit__path__startswith=path) & Q(Exists(waiting))
    return condition & Q(status=Status.ACCEPTED)


def _conditions(user: User, now: datetime) -> dict[str, Q]:
    standing = standing_of(user)
    return {
        "dispatch": Q(status=Status.RECEIVED),
        "extensions": _extension_q(standing),
        "unsatisfied": Q(status=Status.VISITED),
        "returns": Q(status=Status.RETURNED),
        "pauses": Q(status=Status.ACCEPTED, pause_requested_at__isnull=False),
        "retries": Q(status=Status.REPLIED, visit_attempts__gt=0),
        "overdue": overdue_q(now),
    }


def tickets(key: str, user: User, *, now: datetime | None = None) -> QuerySet[Ticket]:
    """The tickets of one list (not `reviews`), sorted by urgency."""
    now = now or timezone.now()
    if key == "visits":  # a ticket called without answer waits in 回访重拨 instead
        due = queries.visits_due(user, now=now).filter(visit_attempts=0)
        return due.select_related("place").defer(*LIGHT, "place__boundary").order_by("replied_at")
    base = queries.visible_to(user).select_related("place", "sub_unit").defer(*LIGHT, *LIGHTER)
    rows = queries.with_due(base.filter(_conditions(user, now)[key])).annotate(
        urgent_first=_urgent_first()
    )
    if key == "dispatch":
        return rows.order_by("urgent_first", "received_at")
    if key == "returns":
        rows = rows.annotate(returned_at=_last_event_at(Action.RETURN))
        return rows.order_by("urgent_first", "returned_at")
    if key == "unsatisfied":
        rows = rows.annotate(visited_at=_last_event_at(Action.VISIT))
        return rows.order_by("urgent_first", "visited_at")
    if key == "pauses":
        return rows.order_by("urgent_first", "pause_requested_at")
    if key == "retries":
        return rows.order_by("visit_retry_at", "urgent_first")
    if key == "extensions":
        return rows.order_by("urgent_first", "resolve_by")
    return rows.order_by(F("due_at").asc(), "urgent_first")  # overdue: the longest missed first


def reviews(user: User) -> tuple[QuerySet[Exclusion], QuerySet[Appeal]]:
    """The pending exclusion requests and appeals the user decides (oldest first)."""
    roles = standing_of(user).all_roles
    exclusions = Exclusion.objects.none()
    appeals = Appeal.objects.none()
    if roles & CENTRE_DECIDES:
        exclusions = Exclusion.objects.filter(decision=Decision.PENDING).select_related(
            "ticket", "unit"
        )
    if roles & {"supervisor", "admin"}:
        appeals = Appeal.objects.filter(decision=Decision.PENDING).select_related("period", "unit")
    return exclusions.order_by("requested_at"), appeals.order_by("filed_at")


def counts(user: User, lists: list[Worklist], *, now: datetime | None = None) -> dict[str, int]:
    """How many items each list holds: one aggregate over the visible tickets, and the reviews."""
    now = now or timezone.now()
    conditions = _conditions(user, now)
    wanted = {w.key for w in lists}
    found: dict[str, int] = {}
    aggregates = {k: Count("pk", filter=q) for k, q in conditions.items() if k in wanted}
    if aggregates:
        found.update(queries.visible_to(user).order_by().aggregate(**aggregates))
    if "visits" in wanted:
        found["visits"] = queries.visits_due(user, now=now).filter(visit_attempts=0).count()
    if "reviews" in wanted:
        exclusions, appeals = reviews(user)
        found["reviews"] = exclusions.count() + appeals.count()
    return found


def overdue_by_unit(tickets: QuerySet[Ticket]) -> list[dict[str, object]]:
    """The overdue count per main unit, the largest first."""
    rows = tickets.order_by().values("unit_id", "unit__name").annotate(n=Count("pk"))
    return [dict(row) for row in rows.order_by("-n", "unit__name")]


def filter_q(data: Mapping[str, Any], district: Unit | None) -> Q:
    """The condition of a list filter's cleaned data (`forms.ListFilterForm`; the search of all
    tickets too): words or a phone, status, category group, district, urgency, unit."""
    condition = Q()
    q = str(data.get("q") or "").strip()
    if q:
        words = (
            Q(number__iexact=q)
            | Q(title__icontains=q)
            | Q(description__icontains=q)
            | Q(address__icontains=q)
        )
        phone = normalise_phone(q)
        if phone:
            words |= Q(resident__phone=phone)
        if q.isdigit() and len(q) >= 4:
            words |= Q(resident__phone__endswith=q)
        condition &= words
    if data.get("status"):
        condition &= Q(status=data["status"])
    if data.get("group"):
        condition &= Q(category__parent_id=data["group"])
    if district is not None:
        condition &= Q(place__path__startswith=district.path) | Q(
            unit__path__startswith=district.path
        )
    if data.get("urgent"):
        condition &= Q(urgency=Urgency.URGENT)
    if data.get("unit"):
        condition &= Q(unit_id=data["unit"])
    return condition


def filtered(
    tickets: QuerySet[Ticket], data: Mapping[str, Any], district: Unit | None
) -> QuerySet[Ticket]:
    return tickets.filter(filter_q(data, district))


def saved_filters(user: User, key: str | None = None) -> QuerySet[SavedFilter]:
    """The user's own saved filters (all lists, or one), in the order of the lists then names."""
    rows = SavedFilter.objects.filter(user=user)
    return rows.filter(list_key=key) if key else rows


def _saved_data(query: str) -> dict[str, Any]:
    """A saved filter's values (cleaned by the list's form when it was saved)."""
    values = QueryDict(query)
    data: dict[str, Any] = {"q": values.get("q", "")[:100], "urgent": values.get("urgent") == "1"}
    for name in ("group", "district", "unit"):
        raw = values.get(name, "")
        data[name] = int(raw) if raw.isdigit() else None
    return data


def saved_counts(user: User, *, now: datetime | None = None) -> list[tuple[SavedFilter, int]]:
    """The user's saved filters on the lists they have, each with how many tickets it holds
    now: one aggregate over the visible tickets (and one count per saved filter of 待回访)."""
    keys = {w.key for w in available(user) if w.tickets}
    rows = [f for f in saved_filters(user) if f.list_key in keys]
    if not rows:
        return []
    now = now or timezone.now()
    data = {f.pk: _saved_data(f.query) for f in rows}
    districts: dict[int, Unit] = {}
    if any(d["district"] for d in data.values()):
        districts = {u.pk: u for u in Unit.objects.filter(kind=Unit.Kind.DISTRICT)}
    conditions = _conditions(user, now)
    aggregates: dict[str, Count] = {}
    found: dict[str, int] = {}
    for f in rows:
        q = filter_q(data[f.pk], districts.get(data[f.pk]["district"] or 0))
        if f.list_key in conditions:
            aggregates[f"s{f.pk}"] = Count("pk", filter=conditions[f.list_key] & q)
        else:  # 待回访: its own query
            found[f"s{f.pk}"] = tickets(f.list_key, user, now=now).filter(q).count()
    if aggregates:
        found.update(queries.visible_to(user).order_by().aggregate(**aggregates))
    return [(f, found.get(f"s{f.pk}", 0)) for f in rows]
