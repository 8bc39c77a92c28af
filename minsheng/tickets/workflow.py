"""How a ticket moves through the loop (接诉即办). The only code that changes Ticket.status.

Each function checks the move against TRANSITIONS and the actor's roles, changes the ticket under a
row lock, and appends a hash-chained TicketEvent, all in one transaction. A forbidden move raises
WorkflowError with a message for the user and writes nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.citizens.models import Resident
from minsheng.orgs.access import standing_of
from minsheng.orgs.models import Unit
from minsheng.sla import deadlines
from minsheng.taxonomy.models import Category, RequestType
from minsheng.tickets import chain, files, numbering
from minsheng.tickets.models import (
    OPEN_STATUSES,
    Attachment,
    CoHandler,
    ExtensionRequest,
    Satisfaction,
    Status,
    Ticket,
    TicketEvent,
    Urgency,
)

MAX_TEXT = 4000


class Action(models.TextChoices):
    RECEIVE = "receive", "受理"
    ANSWER = "answer", "直接办结"
    DISPATCH = "dispatch", "派单"
    ADD_COHANDLER = "add_cohandler", "增派协办"
    ACCEPT = "accept", "签收"
    RETURN = "return", "退单"
    REJECT_RETURN = "reject_return", "驳回退单"
    REQUEST_EXTENSION = "request_extension", "申请延期"
    APPROVE_EXTENSION = "approve_extension", "批准延期"
    REFUSE_EXTENSION = "refuse_extension", "驳回延期"
    PAUSE = "pause", "暂停计时"
    RESUME = "resume", "恢复计时"
    REPLY = "reply", "答复"
    VISIT = "visit", "回访"
    CLOSE = "close", "办结"
    REOPEN = "reopen", "重办"
    MERGE = "merge", "合并"
    DECLINE = "decline", "不予受理"
    NOTE = "note", "备注"
    ATTACH = "attach", "上传附件"


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str | None  # None: the status stays
    roles: frozenset[str]


def _move(sources: Iterable[str], target: str | None, *roles: str) -> Move:
    return Move(frozenset(sources), target, frozenset(roles))


S = Status
ANYONE_ON_THE_TICKET = ("agent", "dispatcher", "supervisor", "handler", "leader", "cohandler")
# Roles: agent, dispatcher, supervisor (the 12345 centre); handler, leader (of the main unit);
# cohandler (of a co-handling unit); resident; system (scheduled jobs, the resident's own rating).
TRANSITIONS: dict[str, Move] = {
    Action.ANSWER: _move([S.RECEIVED], S.CLOSED, "agent", "dispatcher"),
    Action.DISPATCH: _move([S.RECEIVED, S.RETURNED], S.DISPATCHED, "dispatcher", "system"),
    Action.ADD_COHANDLER: _move([S.DISPATCHED, S.ACCEPTED], None, "dispatcher", "leader"),
    Action.ACCEPT: _move([S.DISPATCHED], S.ACCEPTED, "handler", "leader"),
    Action.RETURN: _move([S.DISPATCHED], S.RETURNED, "handler", "leader"),
    Action.REJECT_RETURN: _move([S.RETURNED], S.DISPATCHED, "dispatcher"),
    Action.REQUEST_EXTENSION: _move([S.ACCEPTED], None, "handler", "leader"),
    Action.APPROVE_EXTENSION: _move([S.ACCEPTED], None, "dispatcher", "supervisor"),
    Action.REFUSE_EXTENSION: _move([S.ACCEPTED], None, "dispatcher", "supervisor"),
    Action.PAUSE: _move([S.ACCEPTED], None, "handler", "leader"),
    Action.RESUME: _move([S.ACCEPTED], None, "handler", "leader"),
    Action.REPLY: _move([S.ACCEPTED], S.REPLIED, "handler", "leader"),
    Action.VISIT: _move([S.REPLIED], S.VISITED, "agent", "resident"),
    Action.CLOSE: _move([S.VISITED], S.CLOSED, "dispatcher", "supervisor", "system"),
    Action.REOPEN: _move([S.VISITED], S.DISPATCHED, "dispatcher", "supervisor"),
    Action.MERGE: _move([S.RECEIVED, S.RETURNED], S.MERGED, "dispatcher"),
    Action.DECLINE: _move([S.RECEIVED, S.RETURNED], S.DECLINED, "agent", "dispatcher"),
    Action.NOTE: _move(OPEN_STATUSES, None, *ANYONE_ON_THE_TICKET),
    Action.ATTACH: _move(OPEN_STATUSES, None, *ANYONE_ON_THE_TICKET),
}
RECEIVE_ROLES = frozenset({"agent", "dispatcher", "resident", "system"})


class WorkflowError(Exception):
    """The move is not allowed, or its input is incomplete; the message is for the user."""


@dataclass(frozen=True)
class Actor:
    """Who acts: a member of staff, the resident, or the system."""

    label: str
    user: User | None = None
    kind: str = "staff"


SYSTEM = Actor(label="系统", kind="system")


def resident_actor(ticket: Ticket) -> Actor:
    return Actor(label=f"诉求人（尾号{ticket.resident.phone[-4:]}）", kind="resident")


def _actor(by: User | Actor) -> Actor:
    if isinstance(by, Actor):
        return by
    return Actor(label=(by.get_full_name() or by.username)[:60], user=by)


def roles_of(by: User | Actor, ticket: Ticket) -> frozenset[str]:
    """The roles `by` holds over this ticket."""
    actor = _actor(by)
    if actor.kind != "staff" or actor.user is None:
        return frozenset({actor.kind})
    standing = standing_of(actor.user)
    roles = set(standing.centre_roles)
    if ticket.unit_id is not None and ticket.unit is not None:
        roles |= standing.roles_over([ticket.unit])
    if standing.unit_paths and standing.roles_over(
        co.unit for co in ticket.cohandlers.select_related("unit")
    ):
        roles.add("cohandler")
    return frozenset(roles)


def allowed_actions(by: User | Actor, ticket: Ticket, *, at: datetime | None = None) -> list[str]:
    """The actions `by` may take on this ticket now: exactly what the ticket page offers."""
    roles = roles_of(by, ticket)
    now = at or timezone.now()
    return [
        action
        for action, move in TRANSITIONS.items()
        if ticket.status in move.sources
        and roles & move.roles
        and _precondition(action, ticket, now) is None
    ]


def _precondition(action: str, ticket: Ticket, now: datetime) -> str | None:
    """Why the action cannot be taken on this ticket now, or None."""
    if action == Action.ANSWER and ticket.request_type != RequestType.CONSULT:
        return "只有咨询类诉求可以直接办结。"
    if action in (Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION) and not _pending(ticket):
        return "没有待审批的延期申请。"
    if action == Action.REQUEST_EXTENSION:
        if _pending(ticket):
            return "已有延期申请在审批中。"
        if ticket.resolve_by and now > ticket.resolve_by:
            return "已超过办结时限，不能再申请延期。"
    if action == Action.PAUSE:
        if ticket.paused_since:
            return "已在暂停计时中。"
        if not _policy(ticket).allow_pause:
            return "该类诉求的时限规则不允许暂停计时。"
    if action == Action.RESUME and not ticket.paused_since:
        return "当前没有暂停计时。"
    if action == Action.REOPEN and _last_satisfaction(ticket) != Satisfaction.UNSATISFIED:
        return "只有群众不满意的工单才能重办。"
    return None


def _pending(ticket: Ticket) -> ExtensionRequest | None:
    return ticket.extensions.filter(decision=ExtensionRequest.Decision.PENDING).first()


def _last_satisfaction(ticket: Ticket) -> str | None:
    visit = ticket.events.filter(action=Action.VISIT).order_by("-seq").first()
    return visit.data.get("satisfaction") if visit else None


def _policy(ticket: Ticket) -> Any:
    return deadlines.policy_for(ticket.category.policy, urgent=ticket.urgency == Urgency.URGENT)


def _required(value: str, label: str, *, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if not value:
        raise WorkflowError(f"请填写{label}。")
    if len(value) > limit:
        raise WorkflowError(f"{label}不能超过 {limit} 字（现有 {len(value)} 字）。")
    return value


def _optional(value: str, label: str, *, limit: int = MAX_TEXT) -> str:
    return _required(value, label, limit=limit) if (value or "").strip() else ""


# --- the write functions -------------------------------------------------------------------


@transaction.atomic
def receive(
    *,
    channel: str,
    request_type: str,
    category: Category,
    resident: Resident,
    title: str,
    description: str,
    by: User | Actor,
    urgency: str = Urgency.NORMAL,
    address: str = "",
    lon: float | None = None,
    lat: float | None = None,
    place: Unit | None = None,
    at: datetime | None = None,
) -> Ticket:
    """Record a new request (受理): number it and open its timeline."""
    actor, now = _actor(by), at or timezone.now()
    is_staff = actor.kind == "staff" and actor.user is not None
    if is_staff and not standing_of(actor.user).centre_roles & RECEIVE_ROLES:  # type: ignore[arg-type]
        raise WorkflowError("只有热线中心的话务员或派单员可以受理诉求。")
    if not category.is_leaf or not category.is_active:
        raise WorkflowError("请选择派单目录中的具体小类。")
    if request_type not in RequestType.values:
        raise WorkflowError("诉求类型不正确。")
    if not category.allows(request_type):
        raise WorkflowError(f"“{category.name}”不受理{RequestType(request_type).label}类诉求。")
    if urgency not in Urgency.values:
        raise WorkflowError("紧急程度不正确。")
    description = _required(description, "诉求内容")
    title = _optional(title, "标题", limit=100) or description[:30]
    ticket = Ticket.objects.create(
        number=numbering.next_number(now),
        channel=channel,
        request_type=request_type,
        category=category,
        urgency=urgency,
        resident=resident,
        title=title,
        description=description,
        address=_optional(address, "地址", limit=200),
        lon=lon,
        lat=lat,
        place=place,
        received_at=now,
        created_by=actor.user,
    )
    _record(ticket, Action.RECEIVE, "", Status.RECEIVED, actor, now, data={"channel": channel})
    return ticket


@transaction.atomic
def answer(ticket: Ticket, *, by: User | Actor, text: str, at: datetime | None = None) -> None:
    """Close a consultation at first contact (直接办结) with the answer given on the call."""
    t, actor, now = _begin(ticket, Action.ANSWER, by, at)
    t.reply = _required(text, "答复内容")
    t.replied_at = t.closed_at = now
    _finish(ticket, t, Action.ANSWER, actor, now, note=t.reply)


@transaction.atomic
def dispatch(
    ticket: Ticket,
    *,
    to: Unit,
    by: User | Actor,
    cohandlers: Iterable[Unit] = (),
    category: Category | None = None,
    note: str = "",
    at: datetime | None = None,
) -> None:
    """Send the ticket to its main handling unit (派单), with co-handlers, and start its clocks."""
    t, actor, now = _begin(ticket, Action.DISPATCH, by, at)
    if not to.is_active or to.kind == Unit.Kind.CENTRE:
        raise WorkflowError("请选择一个在用的承办单位。")
    if t.status == Status.RETURNED and to.pk == t.unit_id:
        raise WorkflowError("退回的工单改派时须选择其他单位；如退单理由不成立，请驳回退单。")
    data: dict[str, Any] = {"unit": to.code}
    if category is not None and category.pk != t.category_id:
        if not category.is_leaf or not category.allows(t.request_type):
            raise WorkflowError("改正的分类须是允许该诉求类型的小类。")
        data["category"] = [t.category.code, category.code]
        t.category = category
    t.unit = to
    _start_clocks(t, now, data)
    added = _add_cohandlers(t, cohandlers, now)
    if added:
        data["cohandlers"] = added
    _finish(
        ticket, t, Action.DISPATCH, actor, now, unit=to, note=_optional(note, "派单说明"), data=data
    )


@transaction.atomic
def add_cohandler(
    ticket: Ticket, *, unit: Unit, by: User | Actor, note: str = "", at: datetime | None = None
) -> None:
    """Summon another unit onto the ticket as co-handler (吹哨报到)."""
    t, actor, now = _begin(ticket, Action.ADD_COHANDLER, by, at)
    added = _add_cohandlers(t, [unit], now)
    if not added:
        raise WorkflowError("该单位已是主办或协办单位。")
    _finish(
        ticket,
        t,
        Action.ADD_COHANDLER,
        actor,
        now,
        unit=unit,
        note=_optional(note, "说明"),
        data={"cohandlers": added},
    )


@transaction.atomic
def accept(ticket: Ticket, *, by: User | Actor, note: str = "", at: datetime | None = None) -> None:
    """The main unit takes the ticket on (签收)."""
    t, actor, now = _begin(ticket, Action.ACCEPT, by, at)
    t.accepted_at = now
    _finish(ticket, t, Action.ACCEPT, actor, now, unit=t.unit, note=_optional(note, "说明"))


@transaction.atomic
def send_back(ticket: Ticket, *, by: User | Actor, reason: str, at: datetime | None = None) -> None:
    """The unit returns the ticket to the centre as not its own (退单), with its reason."""
    t, actor, now = _begin(ticket, Action.RETURN, by, at)
    _finish(ticket, t, Action.RETURN, actor, now, unit=t.unit, note=_required(reason, "退单理由"))


@transaction.atomic
def reject_return(
    ticket: Ticket, *, by: User | Actor, note: str, at: datetime | None = None
) -> None:
    """The centre finds the return unfounded and sends the ticket back to the same unit."""
    t, actor, now = _begin(ticket, Action.REJECT_RETURN, by, at)
    _finish(
        ticket, t, Action.REJECT_RETURN, actor, now, unit=t.unit, note=_required(note, "驳回理由")
    )


@transaction.atomic
def request_extension(
    ticket: Ticket, *, by: User | Actor, until: datetime, reason: str, at: datetime | None = None
) -> ExtensionRequest:
    """The unit asks for more time (延期申请) before the deadline; nothing moves until approved."""
    t, actor, now = _begin(ticket, Action.REQUEST_EXTENSION, by, at)
    if actor.user is None:
        raise WorkflowError("延期申请须由承办人提出。")
    reason = _required(reason, "延期理由", limit=1000)
    if t.resolve_by is None or until <= t.resolve_by:
        raise WorkflowError("申请延至的时间须晚于现在的办结时限。")
    extension = ExtensionRequest.objects.create(
        ticket=t, requested_by=actor.user, requested_at=now, new_resolve_by=until, reason=reason
    )
    _finish(
        ticket,
        t,
        Action.REQUEST_EXTENSION,
        actor,
        now,
        unit=t.unit,
        note=reason,
        data={"until": until.isoformat()},
    )
    return extension


@transaction.atomic
def decide_extension(
    ticket: Ticket,
    *,
    by: User | Actor,
    approve: bool,
    note: str = "",
    at: datetime | None = None,
) -> None:
    """The centre approves (the deadline moves) or refuses a pending extension request."""
    action = Action.APPROVE_EXTENSION if approve else Action.REFUSE_EXTENSION
    t, actor, now = _begin(ticket, action, by, at)
    extension = _pending(t)
    assert extension is not None  # guaranteed by the precondition
    note = _optional(note, "审批意见") if approve else _required(note, "驳回理由")
    extension.decision = (
        ExtensionRequest.Decision.APPROVED if approve else ExtensionRequest.Decision.REFUSED
    )
    extension.decided_by, extension.decided_at, extension.decision_note = actor.user, now, note
    extension.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
    data: dict[str, Any] = {"extension": extension.pk}
    if approve:
        data["resolve_by"] = [_iso(t.resolve_by), _iso(extension.new_resolve_by)]
        t.resolve_by = extension.new_resolve_by
        calendar = deadlines.official_calendar()
        t.beyond_calendar = t.beyond_calendar or not calendar.is_known(
            timezone.localtime(t.resolve_by).date()
        )
    _finish(ticket, t, action, actor, now, unit=t.unit, note=note, data=data)


@transaction.atomic
def pause(ticket: Ticket, *, by: User | Actor, reason: str, at: datetime | None = None) -> None:
    """Stop the clock while waiting for the resident, where the policy allows it."""
    t, actor, now = _begin(ticket, Action.PAUSE, by, at)
    t.paused_since = now
    _finish(ticket, t, Action.PAUSE, actor, now, unit=t.unit, note=_required(reason, "暂停理由"))


@transaction.atomic
def resume(ticket: Ticket, *, by: User | Actor, note: str = "", at: datetime | None = None) -> None:
    """Restart the clock; the deadline moves by the time it was paused."""
    t, actor, now = _begin(ticket, Action.RESUME, by, at)
    assert t.paused_since is not None
    assert t.resolve_by is not None
    moved = t.resolve_by + (now - t.paused_since)
    data = {"resolve_by": [_iso(t.resolve_by), _iso(moved)]}
    t.resolve_by, t.paused_since = moved, None
    _finish(
        ticket, t, Action.RESUME, actor, now, unit=t.unit, note=_optional(note, "说明"), data=data
    )


@transaction.atomic
def reply(ticket: Ticket, *, by: User | Actor, text: str, at: datetime | None = None) -> None:
    """The unit answers the resident (答复): what was done, or why it cannot be."""
    t, actor, now = _begin(ticket, Action.REPLY, by, at)
    t.reply = _required(text, "答复内容")
    t.replied_at, t.paused_since = now, None
    _finish(ticket, t, Action.REPLY, actor, now, unit=t.unit, note=t.reply)


@transaction.atomic
def record_visit(
    ticket: Ticket,
    *,
    by: User | Actor,
    satisfaction: str,
    resolved: bool,
    comment: str = "",
    at: datetime | None = None,
) -> None:
    """Record the return visit (回访): the resident's rating and whether it was solved."""
    t, actor, now = _begin(ticket, Action.VISIT, by, at)
    if satisfaction not in Satisfaction.values:
        raise WorkflowError("请选择满意、基本满意或不满意。")
    _finish(
        ticket,
        t,
        Action.VISIT,
        actor,
        now,
        unit=t.unit,
        note=_optional(comment, "评价意见", limit=1000),
        data={"satisfaction": satisfaction, "resolved": bool(resolved)},
    )


@transaction.atomic
def close(ticket: Ticket, *, by: User | Actor, note: str = "", at: datetime | None = None) -> None:
    """Close the ticket (办结) after its return visit."""
    t, actor, now = _begin(ticket, Action.CLOSE, by, at)
    if not t.reply:
        raise WorkflowError("工单还没有答复，不能办结。")
    t.closed_at = now
    _finish(ticket, t, Action.CLOSE, actor, now, unit=t.unit, note=_optional(note, "说明"))


@transaction.atomic
def reopen(ticket: Ticket, *, by: User | Actor, note: str, at: datetime | None = None) -> None:
    """The centre confirms the resident's dissatisfaction: the same unit handles it again (重办)."""
    t, actor, now = _begin(ticket, Action.REOPEN, by, at)
    note = _required(note, "重办意见")
    t.reopen_count += 1
    t.reply, t.replied_at = "", None
    data: dict[str, Any] = {"unit": t.unit.code if t.unit else None, "round": t.reopen_count + 1}
    _start_clocks(t, now, data)
    _finish(ticket, t, Action.REOPEN, actor, now, unit=t.unit, note=note, data=data)


@transaction.atomic
def merge(
    ticket: Ticket, *, into: Ticket, by: User | Actor, note: str = "", at: datetime | None = None
) -> None:
    """Fold a duplicate into another open ticket about the same matter (合并)."""
    t, actor, now = _begin(ticket, Action.MERGE, by, at)
    target = Ticket.objects.select_for_update().get(pk=into.pk)
    if target.pk == t.pk or target.status not in OPEN_STATUSES:
        raise WorkflowError("只能并入另一张未办结的工单。")
    t.merged_into, t.closed_at = target, now
    _finish(
        ticket,
        t,
        Action.MERGE,
        actor,
        now,
        note=_optional(note, "说明"),
        data={"into": target.number},
    )


@transaction.atomic
def decline(ticket: Ticket, *, by: User | Actor, referral: str, at: datetime | None = None) -> None:
    """Decline an out-of-scope request (不予受理) and tell the resident where to turn instead."""
    t, actor, now = _begin(ticket, Action.DECLINE, by, at)
    t.reply = _required(referral, "告知内容（引导群众的去处）")
    t.replied_at = t.closed_at = now
    _finish(ticket, t, Action.DECLINE, actor, now, note=t.reply)


@transaction.atomic
def add_note(ticket: Ticket, *, by: User | Actor, text: str, at: datetime | None = None) -> None:
    """Add a remark to the timeline (co-handlers' opinions, calls made); status unchanged."""
    t, actor, now = _begin(ticket, Action.NOTE, by, at)
    _finish(ticket, t, Action.NOTE, actor, now, note=_required(text, "备注内容"))


@transaction.atomic
def attach(
    ticket: Ticket, *, by: User | Actor, upload: UploadedFile, at: datetime | None = None
) -> Attachment:
    """Add a photo or document to the ticket (images and PDF, at most 10 MB)."""
    t, actor, now = _begin(ticket, Action.ATTACH, by, at)
    if not upload.size or upload.size > files.MAX_ATTACHMENT_BYTES:
        raise WorkflowError("附件不能为空，且不能超过 10 MB。")
    upload.seek(0)
    kind = files.sniff(upload.read(16))
    upload.seek(0)
    if kind is None:
        raise WorkflowError("只能上传 JPEG、PNG、GIF、WebP 图片或 PDF 文件。")
    name = (upload.name or "附件")[-200:]
    attachment = Attachment(
        ticket=t,
        name=name,
        content_type=kind[0],
        extension=kind[1],
        size=upload.size,
        uploaded_at=now,
        uploaded_by=actor.user,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    _finish(
        ticket,
        t,
        Action.ATTACH,
        actor,
        now,
        note=name,
        data={"attachment": attachment.pk, "size": upload.size},
    )
    return attachment


# --- internals -----------------------------------------------------------------------------


def _begin(
    ticket: Ticket, action: str, by: User | Actor, at: datetime | None
) -> tuple[Ticket, Actor, datetime]:
    """Lock the ticket row and check the move; returns the locked, fresh copy to change."""
    # Re-read under a row lock so two people cannot move the same ticket at once.
    t = Ticket.objects.select_for_update().get(pk=ticket.pk)
    actor, now = _actor(by), at or timezone.now()
    move = TRANSITIONS[action]
    label = Action(action).label
    if t.status not in move.sources:
        raise WorkflowError(f"工单 {t.number} 当前为“{t.get_status_display()}”，不能{label}。")
    if not roles_of(actor, t) & move.roles:
        raise WorkflowError(f"您没有对工单 {t.number} {label}的权限。")
    reason = _precondition(action, t, now)
    if reason:
        raise WorkflowError(reason)
    return t, actor, now


def _finish(
    ticket: Ticket,
    t: Ticket,
    action: str,
    actor: Actor,
    now: datetime,
    *,
    unit: Unit | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    from_status = t.status
    target = TRANSITIONS[action].target
    if target is not None:
        t.status = target
    t.save()
    _record(t, action, from_status, t.status, actor, now, unit=unit, note=note, data=data)
    # The caller's object now shows the committed state.
    for field in Ticket._meta.concrete_fields:
        setattr(ticket, field.attname, getattr(t, field.attname))
    ticket._state.fields_cache.clear()


def _record(
    ticket: Ticket,
    action: str,
    from_status: str,
    to_status: str,
    actor: Actor,
    at: datetime,
    *,
    unit: Unit | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> TicketEvent:
    last = ticket.events.order_by("-seq").values_list("seq", "hash").first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, "")
    event = TicketEvent(
        ticket=ticket,
        seq=seq,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor.user,
        actor_label=actor.label,
        unit=unit,
        note=note,
        data=data or {},
        at=at,
        prev_hash=prev,
    )
    event.hash = chain.digest(chain.event_content(event), prev)
    event.save()
    return event


def _start_clocks(t: Ticket, now: datetime, data: dict[str, Any]) -> None:
    policy = _policy(t)
    due = deadlines.compute(policy, start=now)
    t.dispatched_at, t.accepted_at, t.paused_since = now, None, None
    t.accept_by, t.resolve_by, t.beyond_calendar = (
        due.accept_by,
        due.resolve_by,
        due.beyond_calendar,
    )
    data.update(policy=policy.code, accept_by=_iso(due.accept_by), resolve_by=_iso(due.resolve_by))
    if due.beyond_calendar:
        data["beyond_calendar"] = True


def _add_cohandlers(t: Ticket, units: Iterable[Unit], now: datetime) -> list[str]:
    existing = set(t.cohandlers.values_list("unit_id", flat=True)) | {t.unit_id}
    added = []
    for unit in units:
        if unit.pk in existing or not unit.is_active or unit.kind == Unit.Kind.CENTRE:
            continue
        CoHandler.objects.create(ticket=t, unit=unit, added_at=now)
        existing.add(unit.pk)
        added.append(unit.code)
    return added


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
