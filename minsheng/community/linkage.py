"""Five-party linkage (五方联动): a request that arises in a community is offered first to the
lowest level able to solve it — the building's volunteer steward, then the grid worker, the
community, the street's department — each with a short deadline; it moves up when the deadline
passes (the worker's step `climb_due`) or when the level says it cannot.

The ticket itself is dispatched once, to the grid (or the community) through the one door, so
the 12345 loop's clocks, 催办/督办 and assessment run as for any ticket; the hand-overs between
levels are the ticket's own timeline events: the first offer is the dispatch note, every later
one an assignment (`workflow.assign`, by the programme) to a person of the next level, and a
level that cannot solve it first says why in a note. The level that replies settles it.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.community import queries, rules
from minsheng.community.models import Building, Handover, Head, Linkage, Stairwell
from minsheng.intake import door
from minsheng.notifications import delivery
from minsheng.notifications.models import Notification
from minsheng.orgs.access import standing_of
from minsheng.orgs.models import Membership, Role, Unit
from minsheng.taxonomy.models import Category
from minsheng.tickets import workflow
from minsheng.tickets.models import Status, Ticket
from minsheng.tickets.names import Action
from minsheng.tickets.transitions import Actor, WorkflowError

logger = logging.getLogger(__name__)
R = rules
CLOCK = (Status.DISPATCHED, Status.ACCEPTED)


@dataclass(frozen=True)
class Origin:
    """Where a request arose, and who raised it."""

    community: Unit
    grid: Unit | None = None
    building: Building | None = None
    stairwell: Stairwell | None = None
    room: str = ""
    reporter: Head | None = None
    source: str = Linkage.Source.HEAD


def level_unit(linkage: Linkage, level: str) -> Unit | None:
    """The staff unit that acts at a level (None for the steward, or a grid not known)."""
    if level == R.GRID:
        return linkage.grid
    if level == R.COMMUNITY:
        return linkage.community
    if level == R.STREET:
        return linkage.community.ancestor_of_kind(Unit.Kind.STREET, Unit.Kind.TOWNSHIP)
    return None


def works_at(user: User, linkage: Linkage) -> bool:
    """Whether the user is a member of the unit at the linkage's level (only that level may
    say it cannot solve it; a unit above waits for its turn)."""
    unit = level_unit(linkage, linkage.level)
    return unit is not None and unit.path in standing_of(user).unit_roles


def person_at(unit: Unit | None) -> User | None:
    """Who takes the request at a staff level: the unit's first handler (else its leader)."""
    if unit is None:
        return None
    rows = (
        Membership.objects.filter(
            unit=unit, role__in=(Role.HANDLER, Role.LEADER), user__is_active=True
        )
        .select_related("user")
        .order_by("role", "user__username")  # handler before leader
    )
    first = rows.first()
    return first.user if first else None


def steward_for(origin: Origin, at: datetime | None = None) -> Head | None:
    """The volunteer steward of the building (else of the grid), not the reporter: the first
    one on duty now by their roster, else the first one."""
    if origin.building is None:
        return None
    found = Head.objects.filter(role=Head.Role.STEWARD, is_active=True)
    if origin.reporter is not None:
        found = found.exclude(pk=origin.reporter.pk)
    near = Q(building=origin.building)
    if origin.building.grid_id:
        near |= Q(building__isnull=True, grid_id=origin.building.grid_id)
    # The building's own stewards before the grid's (nulls last), then the oldest.
    candidates = list(
        found.filter(near)
        .prefetch_related("duties")
        .order_by(F("building_id").asc(nulls_last=True), "pk")
    )
    local = timezone.localtime(at or timezone.now())
    for head in candidates:
        if queries.on_duty(head, local):
            return head
    return candidates[0] if candidates else None


def start(
    origin: Origin,
    *,
    category: Category,
    title: str,
    text: str,
    by: Actor,
    address: str = "",
    lon: float | None = None,
    lat: float | None = None,
    phone: str = "",
    name: str = "",
    at: datetime | None = None,
) -> Linkage:
    """File the request through the door to the lowest staff unit and offer it to the lowest
    level that has somebody; WorkflowError (nothing written) when it cannot be received."""
    now = at or timezone.now()
    steward = steward_for(origin, now)
    unit = origin.grid or origin.community
    with transaction.atomic():
        probe = Linkage(community=origin.community, grid=origin.grid)
        level, skipped = _first_level(probe, R.STEWARD if steward else R.GRID)
        offered = steward.name if (steward and level == R.STEWARD) else ""
        note = (
            f"五方联动：先交{R.LEVEL_NAMES[level]}{offered}处理，"
            f"{R.LEVEL_HOURS[level]} 小时内未解决自动上交。"
        )
        (ticket,) = door.submit_many(
            [
                (
                    door.Request(
                        category=category,
                        title=title[:100],
                        description=text,
                        channel="offline" if origin.source == Linkage.Source.STATION else "grid",
                        request_type="help",
                        phone=phone,
                        name=name,
                        address=address[:200],
                        lon=lon,
                        lat=lat,
                        place=unit,
                        chooser="programme",
                        received_at=now,
                    ),
                    by,
                )
            ],
            route_later=False,
        )
        workflow.dispatch(ticket, to=unit, by=by, note=note, at=now)
        linkage = Linkage.objects.create(
            ticket=ticket,
            source=origin.source,
            community=origin.community,
            grid=origin.grid,
            building=origin.building,
            stairwell=origin.stairwell,
            room=origin.room,
            reporter=origin.reporter,
            steward=steward if level == R.STEWARD else None,
            level=level,
            level_since=now,
            level_due=R.due_at(level, now),
            created_at=now,
        )
        for gone in skipped:
            _handover(linkage, "", gone, Handover.Reason.NOBODY, now)
        _handover(linkage, "", level, Handover.Reason.OFFERED, now, to_label=offered)
        if level == R.STEWARD and steward is not None:
            _sms(steward.phone, f"linkage:{linkage.pk}:steward", _steward_text(linkage, steward))
        else:
            _assign(linkage, level, f"五方联动：交{R.LEVEL_NAMES[level]}办理", now)
    return linkage


def steward_answers(
    linkage: Linkage, *, head: Head, solved: bool, text: str, at: datetime | None = None
) -> None:
    """The steward says it is solved (the grid worker then checks and replies) or cannot be."""
    now = at or timezone.now()
    text = rules.cell_text(text, "处理情况", 500)
    with transaction.atomic():
        linkage = Linkage.objects.select_for_update().get(pk=linkage.pk)
        if linkage.level != R.STEWARD or linkage.steward_id != head.pk:
            raise rules.RuleError("这件事现在不在您这里办理。")
        if linkage.state != Linkage.State.OPEN or linkage.steward_answered_at:
            raise rules.RuleError("这件事已经有了结果。")
        if not solved:
            _climb(linkage, Handover.Reason.DECLINED, now, note=text)
            return
        linkage.steward_answer, linkage.steward_answered_at = text, now
        linkage.level_due = None  # the grid worker checks it; the steward's clock stops
        linkage.save(update_fields=["steward_answer", "steward_answered_at", "level_due"])
        label = "五方联动：志愿楼长报告已解决，请网格员核实后答复"
        if not _assign(linkage, R.GRID, label, now, level_up=False):
            _assign(linkage, R.COMMUNITY, label, now, level_up=False)


def cannot(linkage: Linkage, *, by: User, reason: str, at: datetime | None = None) -> None:
    """A staff level says it cannot solve it: a note in its name, then up one level."""
    now = at or timezone.now()
    reason = rules.cell_text(reason, "无法解决的原因", 300)
    with transaction.atomic():
        linkage = Linkage.objects.select_for_update().select_related("ticket").get(pk=linkage.pk)
        if linkage.state != Linkage.State.OPEN:
            raise rules.RuleError("联动已结束。")
        if not works_at(by, linkage):
            raise rules.RuleError(
                f"这件事现在由{R.LEVEL_NAMES[linkage.level]}办理，您不能替它上交。"
            )
        text = f"五方联动：{R.LEVEL_NAMES[linkage.level]}无法解决（{reason}），上交上一级。"
        workflow.add_note(linkage.ticket, by=by, text=text, at=min(now, timezone.now()))
        _climb(linkage, Handover.Reason.DECLINED, now, note=reason)


def climb_due(*, limit: int = 200, now: datetime | None = None) -> int:
    """The worker's step: every open linkage whose level's deadline passed moves up a level."""
    now = now or timezone.now()
    due = list(
        Linkage.objects.filter(state=Linkage.State.OPEN, level_due__lte=now)
        .order_by("level_due")
        .values_list("pk", flat=True)[:limit]
    )
    moved = 0
    for pk in due:
        try:
            with transaction.atomic():
                linkage = (
                    Linkage.objects.select_for_update(skip_locked=True)
                    .filter(pk=pk, state=Linkage.State.OPEN, level_due__lte=now)
                    .first()
                )
                if linkage is None:
                    continue
                _climb(linkage, Handover.Reason.DEADLINE, now)
                moved += 1
        except WorkflowError:
            logger.exception("linkage %s could not move up", pk)
    return moved


def on_ticket_event(sender: Any, ticket: Ticket, event: Any, **kwargs: Any) -> None:
    """A reply settles the linkage at its level; a ticket leaving the grid's hands ends it."""
    if ticket.channel not in ("grid", "offline"):
        return
    if event.action not in (Action.REPLY, Action.RETURN, Action.DISPATCH):
        return
    linkage = Linkage.objects.filter(ticket_id=ticket.pk, state=Linkage.State.OPEN).first()
    if linkage is None:
        return
    if event.action == Action.REPLY:
        level = linkage.level
        if level == R.STEWARD and not linkage.steward_answered_at:
            level = R.GRID  # a grid worker answered before the steward did
        linkage.state, linkage.settled_level = Linkage.State.SETTLED, level
        linkage.settled_at, linkage.level_due = event.at, None
    elif event.action == Action.RETURN:
        linkage.state, linkage.level_due = Linkage.State.LEFT, None
        _handover(linkage, linkage.level, "", Handover.Reason.DECLINED, event.at, note="退单")
    else:
        return
    linkage.save(update_fields=["state", "settled_level", "settled_at", "level_due"])


# --- internals ---------------------------------------------------------------------------------


def _first_level(linkage: Linkage, level: str | None) -> tuple[str, list[str]]:
    """The first level from `level` up that has someone; the ones skipped. Above the street
    there is always the street (its unit takes it even without a named person)."""
    skipped: list[str] = []
    while level is not None:
        if level == R.STEWARD or level == R.STREET:
            return level, skipped
        if person_at(level_unit(linkage, level)) is not None:
            return level, skipped
        skipped.append(level)
        level = R.next_level(level)
    return R.STREET, skipped


def _climb(linkage: Linkage, reason: str, now: datetime, *, note: str = "") -> None:
    ticket = Ticket.objects.get(pk=linkage.ticket_id)
    old = linkage.level
    above = R.next_level(old)
    if ticket.status not in CLOCK or above is None:
        linkage.state, linkage.level_due = Linkage.State.LEFT, None
        linkage.save(update_fields=["state", "level_due"])
        _handover(linkage, old, "", reason, now, note=note or "按热线流程继续督办")
        return
    level, skipped = _first_level(linkage, above)
    for gone in skipped:
        _handover(linkage, old, gone, Handover.Reason.NOBODY, now)
    linkage.level, linkage.level_since, linkage.level_due = level, now, R.due_at(level, now)
    linkage.save(update_fields=["level", "level_since", "level_due"])
    why = Handover(reason=reason).get_reason_display()
    label = f"五方联动：{R.LEVEL_NAMES[old]}{why}，转{R.LEVEL_NAMES[level]}"
    person = _assign(linkage, level, label, now)
    _handover(linkage, old, level, reason, now, to_label=str(person or ""), note=note)


def _assign(
    linkage: Linkage, level: str, label: str, now: datetime, *, level_up: bool = True
) -> User | None:
    """Give the ticket to the level's person (a timeline event by the programme) and tell them."""
    person = person_at(level_unit(linkage, level))
    if person is None:
        return None
    ticket = Ticket.objects.get(pk=linkage.ticket_id)
    if ticket.status not in CLOCK:
        return None
    # A timeline never runs ahead of the clock, even when the step is run for a later time.
    stamp = min(now, timezone.now())
    workflow.assign(ticket, to=person, by=Actor(label=label[:60], kind="system"), at=stamp)
    delivery.enqueue(
        [
            delivery.Message(
                kind="community",
                channel=Notification.Channel.INAPP,
                body=f"{label}：{ticket.number} {ticket.title}",
                dedupe_key=f"linkage:{linkage.pk}:{level}:{now.timestamp():.0f}",
                user=person,
                url=ticket.get_absolute_url(),
                ticket_number=ticket.number,
            )
        ],
        at=now,
    )
    return person


def _handover(
    linkage: Linkage,
    old: str,
    new: str,
    reason: str,
    at: datetime,
    *,
    to_label: str = "",
    note: str = "",
) -> None:
    Handover.objects.create(
        linkage=linkage,
        at=at,
        from_level=old,
        to_level=new,
        reason=reason,
        to_label=to_label[:80],
        note=note[:300],
    )


def _steward_text(linkage: Linkage, steward: Head) -> str:
    hours = R.LEVEL_HOURS[R.STEWARD]
    where = linkage.building.name if linkage.building else linkage.community.name
    return (
        f"【基层治理】{steward.name}您好，{where}有一件事请您先处理（{linkage.ticket.number}），"
        f"{hours} 小时内未处理将自动转网格员。请在手机“楼栋长工作台”查看。"
    )


def _sms(phone: str, key: str, body: str) -> None:
    delivery.enqueue(
        [
            delivery.Message(
                kind="community",
                channel=Notification.Channel.SMS,
                body=body,
                dedupe_key=key,
                phone=phone,
            )
        ]
    )
