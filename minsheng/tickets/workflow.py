"""How a ticket moves through the loop (接诉即办). The only code that changes Ticket.status.

Each function checks the move against TRANSITIONS and the actor's roles, changes the ticket under a
row lock, and appends a hash-chained TicketEvent, all in one transaction. A forbidden move raises
WorkflowError with a message for the user and writes nothing.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.orgs.access import standing_of
from minsheng.orgs.models import Unit
from minsheng.sla import deadlines
from minsheng.sla.models import DeadlinePolicy
from minsheng.taxonomy.models import Category
from minsheng.tickets import actions, files, notices, steps
from minsheng.tickets.models import (
    Attachment,
    ExtensionRequest,
    Satisfaction,
    Status,
    Ticket,
    Urgency,
)
from minsheng.tickets.names import CLOCK_STATUSES, OPEN_STATUSES, Action
from minsheng.tickets.steps import iso as _iso
from minsheng.tickets.steps import optional as _optional
from minsheng.tickets.steps import required as _required
from minsheng.tickets.transitions import (
    SYSTEM,
    TRANSITIONS,
    Actor,
    WorkflowError,
    as_actor,
    my_cohandlers,
    pending_extension,
    policy_of,
    precondition,
    roles_of,
)

# --- the write functions -------------------------------------------------------------------


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
    rule: str = "",
    policy: DeadlinePolicy | None = None,
    urgency: str | None = None,
    at: datetime | None = None,
) -> None:
    """Send the ticket to its main handling unit (派单), with co-handlers, and start its clocks.

    `rule` names the dispatch rule when the platform dispatched it without a human; `policy`
    overrides the category's deadline policy (an urgent ticket keeps the emergency policy) and
    `urgency` changes the ticket's urgency, both as that rule says.
    """
    t, actor, now = _begin(ticket, Action.DISPATCH, by, at)
    if not to.is_active or to.kind == Unit.Kind.CENTRE:
        raise WorkflowError("请选择一个在用的承办单位。")
    if t.status == Status.RETURNED and to.pk == t.unit_id:
        raise WorkflowError("退回的工单改派时须选择其他单位；如退单理由不成立，请驳回退单。")
    data: dict[str, Any] = {"unit": to.code}
    if rule:
        data["rule"] = rule
    if category is not None and category.pk != t.category_id:
        if not category.is_leaf or not category.allows(t.request_type):
            raise WorkflowError("改正的分类须是允许该诉求类型的小类。")
        data["category"] = [t.category.code, category.code]
        t.category = category
    if urgency is not None and urgency != t.urgency:
        if urgency not in Urgency.values:
            raise WorkflowError("紧急程度不正确。")
        data["urgency"] = [t.urgency, urgency]
        t.urgency = urgency
    t.unit, t.handler = to, None
    steps.start_clocks(t, now, data, policy=policy)
    added = steps.add_cohandlers(t, cohandlers, now)
    if added:
        data["cohandlers"] = added
    _finish(
        ticket, t, Action.DISPATCH, actor, now, unit=to, note=_optional(note, "派单说明"), data=data
    )
    notices.dispatched(t, at=now, cohandlers=added)


@transaction.atomic
def hold(
    ticket: Ticket,
    *,
    reason: str,
    note: str,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """Record why the dispatch rules left the ticket to a dispatcher (`reason`: a code of
    dispatch.reasons, counted on the dashboard; `note`: the sentence shown in the queue)."""
    t, actor, now = _begin(ticket, Action.HOLD, SYSTEM, at)
    _finish(ticket, t, Action.HOLD, actor, now, note=note, data={"reason": reason, **(data or {})})


@transaction.atomic
def add_cohandler(
    ticket: Ticket, *, unit: Unit, by: User | Actor, note: str = "", at: datetime | None = None
) -> None:
    """Summon another unit onto the ticket as co-handler (吹哨报到)."""
    t, actor, now = _begin(ticket, Action.ADD_COHANDLER, by, at)
    added = steps.add_cohandlers(t, [unit], now)
    if not added:
        raise WorkflowError("该单位已是主办或协办单位。")
    note, data = _optional(note, "说明"), {"cohandlers": added}
    _finish(ticket, t, Action.ADD_COHANDLER, actor, now, unit=unit, note=note, data=data)
    notices.dispatched(t, at=now, cohandlers=added, main=False)


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
    note = _required(note, "驳回理由")
    # The clocks start afresh: the old acceptance deadline passed during the review.
    data: dict[str, Any] = {"unit": t.unit.code if t.unit else None}
    steps.start_clocks(t, now, data)
    _finish(ticket, t, Action.REJECT_RETURN, actor, now, unit=t.unit, note=note, data=data)
    notices.dispatched(t, at=now, cohandlers=[])


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
        ticket=t,
        requested_by=actor.user,
        requested_at=now,
        new_resolve_by=until,
        reason=reason,
        needs_leader=policy_of(t).extension_needs_leader,
    )
    data = {"until": until.isoformat(), "needs_leader": extension.needs_leader}
    _finish(ticket, t, Action.REQUEST_EXTENSION, actor, now, unit=t.unit, note=reason, data=data)
    notices.extension_requested(t, extension.pk, needs_leader=extension.needs_leader, at=now)
    return extension


@transaction.atomic
def review_extension(
    ticket: Ticket, *, by: User | Actor, approve: bool, note: str = "", at: datetime | None = None
) -> None:
    """The unit's leader reviews a pending extension first, where the policy asks for it.

    Approval passes it on to the centre; refusal ends it and the deadline stays.
    """
    action = Action.LEADER_APPROVE_EXTENSION if approve else Action.LEADER_REFUSE_EXTENSION
    t, actor, now = _begin(ticket, action, by, at)
    extension = pending_extension(t)
    assert extension is not None  # guaranteed by the precondition
    note = _optional(note, "审核意见") if approve else _required(note, "驳回理由")
    extension.leader_by, extension.leader_at = actor.user, now
    fields = ["leader_by", "leader_at"]
    if not approve:
        extension.decision = ExtensionRequest.Decision.REFUSED
        extension.decided_by, extension.decided_at, extension.decision_note = actor.user, now, note
        fields += ["decision", "decided_by", "decided_at", "decision_note"]
    extension.save(update_fields=fields)
    data = {"extension": extension.pk}
    _finish(ticket, t, action, actor, now, unit=t.unit, note=note, data=data)
    if approve:
        notices.extension_requested(t, extension.pk, needs_leader=False, at=now)


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
    extension = pending_extension(t)
    assert extension is not None  # guaranteed by the precondition
    if approve and (t.resolve_by is None or extension.new_resolve_by <= t.resolve_by):
        raise WorkflowError("申请延至的时间已不晚于现在的办结时限，请驳回该申请。")
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
        t.urged_for = t.escalated_for = ""  # a new deadline: chase it afresh
    _finish(ticket, t, action, actor, now, unit=t.unit, note=note, data=data)
    if approve:
        notices.extended(t, extension.pk, at=now)


@transaction.atomic
def pause(ticket: Ticket, *, by: User | Actor, reason: str, at: datetime | None = None) -> None:
    """Stop the clock while waiting for the resident, where the policy allows it."""
    t, actor, now = _begin(ticket, Action.PAUSE, by, at)
    t.paused_since = now
    _finish(ticket, t, Action.PAUSE, actor, now, unit=t.unit, note=_required(reason, "暂停理由"))


@transaction.atomic
def resume(ticket: Ticket, *, by: User | Actor, note: str = "", at: datetime | None = None) -> None:
    """Restart the clock; the deadline moves by the pause (`steps.resumed_deadline`)."""
    t, actor, now = _begin(ticket, Action.RESUME, by, at)
    moved = steps.resumed_deadline(t, now)
    data = {"resolve_by": [_iso(t.resolve_by), _iso(moved)]}
    t.resolve_by, t.paused_since = moved, None
    t.urged_for = t.escalated_for = ""
    _finish(
        ticket, t, Action.RESUME, actor, now, unit=t.unit, note=_optional(note, "说明"), data=data
    )


@transaction.atomic
def reply(ticket: Ticket, *, by: User | Actor, text: str, at: datetime | None = None) -> None:
    """The unit answers the resident (答复): what was done, or why it cannot be."""
    t, actor, now = _begin(ticket, Action.REPLY, by, at)
    t.reply = _required(text, "答复内容")
    t.replied_at, t.paused_since = now, None
    # A pending request for more time lapses with the reply: left pending, it could be approved
    # after a reopen and move the new round's deadline back to a date chosen in the old one.
    lapsed = steps.lapse_extensions(t, now)
    data = {"lapsed_extensions": lapsed} if lapsed else None
    _finish(ticket, t, Action.REPLY, actor, now, unit=t.unit, note=t.reply, data=data)
    notices.replied(t, at=now)


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
    note = _optional(comment, "评价意见", limit=1000)
    data = {"satisfaction": satisfaction, "resolved": bool(resolved)}
    _finish(ticket, t, Action.VISIT, actor, now, unit=t.unit, note=note, data=data)
    if satisfaction == Satisfaction.UNSATISFIED:
        notices.unsatisfied(t, resolved=bool(resolved), at=now)


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
    steps.start_clocks(t, now, data, reopened=True)
    _finish(ticket, t, Action.REOPEN, actor, now, unit=t.unit, note=note, data=data)
    notices.dispatched(t, at=now, cohandlers=[])


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
    note, data = _optional(note, "说明"), {"into": target.number}
    _finish(ticket, t, Action.MERGE, actor, now, note=note, data=data)


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
def assign(ticket: Ticket, *, to: User, by: User | Actor, at: datetime | None = None) -> None:
    """Give the ticket to one handler of its main unit (分办), by the leader or a unit strategy."""
    t, actor, now = _begin(ticket, Action.ASSIGN, by, at)
    assert t.unit is not None
    if not standing_of(to).roles_over([t.unit]) & {"handler", "leader"}:
        raise WorkflowError(f"{to} 不是{t.unit.name}的承办人。")
    t.handler = to
    _finish(
        ticket, t, Action.ASSIGN, actor, now, unit=t.unit, note=str(to), data={"handler": to.pk}
    )


@transaction.atomic
def attach(
    ticket: Ticket, *, by: User | Actor, upload: UploadedFile, at: datetime | None = None
) -> Attachment:
    """Add a photo or document to the ticket (images and PDF, at most 10 MB)."""
    t, actor, now = _begin(ticket, Action.ATTACH, by, at)
    try:
        kind = files.check(upload)
    except ValueError as error:
        raise WorkflowError(str(error)) from error
    name = (upload.name or "附件")[-200:]
    upload = files.cleaned(upload, name, kind[0])  # a photo's EXIF (its GPS position) goes
    assert upload.size is not None  # files.check refused uploads without a size
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


@transaction.atomic
def urge_by_hand(
    ticket: Ticket, *, by: User | Actor, note: str, at: datetime | None = None
) -> None:
    """The centre chases the unit by hand (催办) with a note, late or not; on a missed deadline
    it is that deadline's 催办, so the scan does not chase it again."""
    _by_hand(ticket, Action.URGE, by, note, at)


@transaction.atomic
def escalate_by_hand(
    ticket: Ticket, *, by: User | Actor, note: str, at: datetime | None = None
) -> None:
    """A supervisor escalates by hand (督办) with a note: a 督办单 to the unit."""
    _by_hand(ticket, Action.ESCALATE, by, note, at)


def _by_hand(ticket: Ticket, action: str, by: User | Actor, note: str, at: datetime | None) -> None:
    t, actor, now = _begin(ticket, action, by, at)
    note = _required(note, f"{actions.label(action)}意见", limit=1000)
    data: dict[str, Any] = {"by_hand": True}
    if missed := steps.missed_deadline(t, now):
        data["deadline"] = t.urged_for = missed
        if action == Action.ESCALATE:
            t.escalated_for = missed
    _finish(ticket, t, action, actor, now, unit=t.unit, note=note, data=data)
    notices.pressed(t, kind=action, note=note, by=actor.label, at=now)


@transaction.atomic
def delegate(
    ticket: Ticket,
    *,
    by: User | Actor,
    to: Unit,
    until: datetime,
    note: str = "",
    at: datetime | None = None,
) -> None:
    """二次派单: the main unit passes the ticket to a unit below it with a deadline inside its
    own; the sub-unit sees and works it, the main unit stays answerable (and assessed)."""
    t, actor, now = _begin(ticket, Action.DELEGATE, by, at)
    steps.check_delegation(t, to, until, now)
    t.sub_unit, t.sub_resolve_by = to, until
    data = {"sub_unit": to.code, "until": until.isoformat()}
    note = _optional(note, "派单说明")
    _finish(ticket, t, Action.DELEGATE, actor, now, unit=to, note=note, data=data)
    notices.delegated(t, at=now)


# --- the worker's moves (by SYSTEM) and co-handlers' own clocks ------------------------------


@transaction.atomic
def urge(ticket: Ticket, *, deadline: str, at: datetime | None = None) -> bool:
    """Chase the unit (催办) once for a missed deadline ("accept@…"/"resolve@…").

    Returns False, writing nothing, when this deadline was chased already.
    """
    t, actor, now = _begin(ticket, Action.URGE, SYSTEM, at)
    if t.urged_for == deadline:
        return False
    t.urged_for = deadline
    kind = "签收" if deadline.startswith("accept") else "办结"
    note = f"已超过{kind}时限，请承办单位抓紧办理。"
    data = {"deadline": deadline}
    _finish(ticket, t, Action.URGE, actor, now, unit=t.unit, note=note, data=data)
    notices.urged(t, deadline, at=now)
    return True


@transaction.atomic
def escalate(ticket: Ticket, *, deadline: str, at: datetime | None = None) -> bool:
    """Report a chased ticket still late to the supervisors (督办); once per deadline."""
    t, actor, now = _begin(ticket, Action.ESCALATE, SYSTEM, at)
    if t.urged_for != deadline or t.escalated_for == deadline:
        return False
    t.escalated_for = deadline
    note = "催办后仍未办结，已报督办员督办。"
    data = {"deadline": deadline}
    _finish(ticket, t, Action.ESCALATE, actor, now, unit=t.unit, note=note, data=data)
    notices.escalated(t, deadline, at=now)
    return True


@transaction.atomic
def close_unrated(ticket: Ticket, *, at: datetime | None = None) -> None:
    """Close a replied ticket the resident never rated (未评价办结); assessment counts it apart."""
    t, actor, now = _begin(ticket, Action.CLOSE_UNRATED, SYSTEM, at)
    t.closed_at = now
    note = "群众超过回访期限未评价，按未评价办结。"
    data = {"no_rating": True}
    _finish(ticket, t, Action.CLOSE_UNRATED, actor, now, unit=t.unit, note=note, data=data)


@transaction.atomic
def cohandler_accept(ticket: Ticket, *, by: User | Actor, at: datetime | None = None) -> None:
    """A co-handling unit takes on its part (协办签收)."""
    t, actor, now = _begin(ticket, Action.COHANDLER_ACCEPT, by, at)
    co = my_cohandlers(actor, t, Action.COHANDLER_ACCEPT)[0]
    co.accepted_at = now
    co.save(update_fields=["accepted_at"])
    data = {"cohandler": co.unit.code}
    _finish(ticket, t, Action.COHANDLER_ACCEPT, actor, now, unit=co.unit, data=data)


@transaction.atomic
def cohandler_reply(
    ticket: Ticket, *, by: User | Actor, text: str, at: datetime | None = None
) -> None:
    """A co-handling unit reports back to the main unit what it did (协办反馈)."""
    t, actor, now = _begin(ticket, Action.COHANDLER_REPLY, by, at)
    co = my_cohandlers(actor, t, Action.COHANDLER_REPLY)[0]
    co.reply, co.replied_at = _required(text, "协办意见"), now
    co.save(update_fields=["reply", "replied_at"])
    data = {"cohandler": co.unit.code, "late": bool(co.resolve_by and now > co.resolve_by)}
    _finish(ticket, t, Action.COHANDLER_REPLY, actor, now, unit=co.unit, note=co.reply, data=data)


# --- internals -----------------------------------------------------------------------------


def _begin(
    ticket: Ticket, action: str, by: User | Actor, at: datetime | None
) -> tuple[Ticket, Actor, datetime]:
    """Lock the ticket row and check the move; returns the locked, fresh copy to change."""
    # Re-read under a row lock so two people cannot move the same ticket at once.
    t = Ticket.objects.select_for_update().get(pk=ticket.pk)
    actor, now = as_actor(by), at or timezone.now()
    move = TRANSITIONS[action]
    label = actions.label(action)
    if t.status not in move.sources:
        raise WorkflowError(f"工单 {t.number} 当前为“{t.get_status_display()}”，不能{label}。")
    if not roles_of(actor, t) & move.roles:
        raise WorkflowError(f"您没有对工单 {t.number} {label}的权限。")
    reason = precondition(action, t, now, by=actor)
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
    # Any change may move a clock: the deadline scan looks at a ticket with running clocks again.
    t.next_check_at = now if t.status in (*CLOCK_STATUSES, Status.REPLIED) else None
    t.save()
    steps.record(t, action, from_status, t.status, actor, now, unit=unit, note=note, data=data)
    # The caller's object now shows the committed state.
    for field in Ticket._meta.concrete_fields:
        setattr(ticket, field.attname, getattr(t, field.attname))
    ticket._state.fields_cache.clear()


# --- the engine's own fields: only the worker's steps call these ---------------------------


def take_waiting(ids: Iterable[int]) -> None:
    """The worker has claimed these tickets to route them: they no longer await routing."""
    Ticket.objects.filter(pk__in=list(ids)).update(awaiting_route=False)


def let_go(pk: int) -> bool:
    """A ticket the worker could not route is left to the dispatcher; False if another worker
    had taken it already."""
    return bool(Ticket.objects.filter(pk=pk, awaiting_route=True).update(awaiting_route=False))


def schedule_check(pk: int, at: datetime | None) -> None:
    """When the deadline scan looks at the ticket next (None: never, until it moves)."""
    Ticket.objects.filter(pk=pk).update(next_check_at=at)
