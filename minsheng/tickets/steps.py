"""Steps the workflow's moves share: checking text, starting clocks, adding co-handlers, and
appending a hash-chained event. Called only from `tickets.workflow`, inside its transactions.
"""

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.lib import rows
from minsheng.orgs.access import standing_of
from minsheng.orgs.models import Unit
from minsheng.sla import deadlines
from minsheng.sla.models import DeadlinePolicy
from minsheng.taxonomy.models import REQUEST_TYPE_INVALID, Category, RequestType
from minsheng.tickets import chain, files
from minsheng.tickets.actions import MAX_TEXT, RECEIVE_ROLES
from minsheng.tickets.models import (
    Attachment,
    CoHandler,
    ExtensionRequest,
    Status,
    Ticket,
    TicketEvent,
    Urgency,
)
from minsheng.tickets.names import CLOCK_STATUSES
from minsheng.tickets.signals import event_recorded
from minsheng.tickets.transitions import Actor, WorkflowError, as_actor, policy_of

# A phone return visit that reached no one (联系不上) is tried again this much later.
VISIT_RETRY_AFTER = timedelta(hours=2)

# Control characters other than tab and newline, and the bidirectional overrides and isolates
# (U+202A–U+202E, U+2066–U+2069) that make a title read backwards on screen.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def required(value: str, label: str, *, limit: int = MAX_TEXT) -> str:
    value = _INVISIBLE.sub("", value or "").strip()
    if not value:
        raise WorkflowError(f"请填写{label}。")
    if len(value) > limit:
        raise WorkflowError(f"{label}不能超过 {limit} 字（现有 {len(value)} 字）。")
    return value


def optional(value: str, label: str, *, limit: int = MAX_TEXT) -> str:
    return required(value, label, limit=limit) if (value or "").strip() else ""


TITLE_LENGTH = 30


def title_from(description: str) -> str:
    """A title taken from the description when none was given: its first paragraph (notes the
    centre appends, such as the emergency referral, follow a blank line), cut to 30 characters
    with an ellipsis rather than mid-way through the next paragraph."""
    first = " ".join(description.strip().split("\n\n", 1)[0].split())
    if len(first) <= TITLE_LENGTH:
        return first
    return first[: TITLE_LENGTH - 1].rstrip() + "…"


def check_new(
    *,
    by: User | Actor,
    category: Category,
    request_type: str,
    urgency: str,
    title: str,
    description: str,
    address: str,
) -> tuple[str, str, str]:
    """Refuse (WorkflowError) a request that cannot be received as it is; else its cleaned
    title, description and address. Reads only, so callers check before they write."""
    actor = as_actor(by)
    is_staff = actor.kind == "staff" and actor.user is not None
    if is_staff and not standing_of(actor.user).centre_roles & RECEIVE_ROLES:  # type: ignore[arg-type]
        raise WorkflowError("只有热线中心的工作人员可以受理诉求。")
    if not category.is_leaf or not category.is_active:
        raise WorkflowError("请选择派单目录中的具体小类。")
    if request_type not in RequestType.values:
        raise WorkflowError(str(REQUEST_TYPE_INVALID))
    if not category.allows(request_type):
        raise WorkflowError(f"“{category.name}”不受理{RequestType(request_type).label}类诉求。")
    if urgency not in Urgency.values:
        raise WorkflowError("紧急程度不正确。")
    description = required(description, "诉求内容")
    title = optional(title, "标题", limit=100) or title_from(description)
    return title, description, optional(address, "地址", limit=200)


def record(
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
    """Append the next event to the ticket's chain."""
    last = ticket.events.order_by("-seq").values_list("seq", "hash").first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, "")
    event = new_event(ticket, action, from_status, to_status, actor, at, unit=unit, note=note,
                      data=data, seq=seq, prev=prev)  # fmt: skip
    rows.insert(event)  # every step of every ticket passes here (lib/rows.py says why)
    event_recorded.send(sender=Ticket, ticket=ticket, event=event)
    return event


def new_event(
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
    seq: int = 1,
    prev: str = "",
) -> TicketEvent:
    """The event after `prev` (the first of a timeline by default), hashed, not yet stored."""
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
    return event


def resumed_deadline(t: Ticket, now: datetime) -> datetime:
    """Where the resolve-by deadline goes when the clock restarts after a pause.

    A deadline in working days moves by the working days the pause took (those after the day
    it began, up to the day it ended), so it stays at close of business on a working day; one
    in hours (emergencies, utilities) moves by the time the clock stood still.
    """
    assert t.resolve_by is not None and t.paused_since is not None  # noqa: PT018 - invariants
    if policy_of(t).resolve_workdays is None:
        return t.resolve_by + (now - t.paused_since)
    calendar = deadlines.official_calendar()
    paused = calendar.workdays_between(
        timezone.localtime(t.paused_since).date(), timezone.localtime(now).date()
    )
    local = timezone.localtime(t.resolve_by)
    day, _ = calendar.add_workdays(local.date(), paused)
    return datetime.combine(day, local.timetz())


def start_clocks(
    t: Ticket,
    now: datetime,
    data: dict[str, Any],
    *,
    reopened: bool = False,
    policy: DeadlinePolicy | None = None,
) -> None:
    if policy is not None and t.urgency != Urgency.URGENT:
        data["policy_override"] = policy.code
    else:
        policy = policy_of(t)
    calendar = deadlines.official_calendar()
    due = deadlines.compute(policy, start=now, calendar=calendar, reopened=reopened)
    t.dispatched_at, t.accepted_at, t.paused_since = now, None, None
    t.sub_unit, t.sub_resolve_by = None, None  # a new round: the main unit passes it on afresh
    # A return is asked for within one working day, and never after the ticket is due (an
    # emergency's 2 hours).
    t.return_by = min(deadlines.one_workday_after(now, calendar), due.resolve_by)
    t.urged_for = t.escalated_for = ""
    t.pause_requested_at, t.visit_attempts, t.visit_retry_at = None, 0, None
    t.accept_by, t.resolve_by, t.beyond_calendar = (
        due.accept_by,
        due.resolve_by,
        due.beyond_calendar,
    )
    data.update(policy=policy.code, accept_by=iso(due.accept_by), resolve_by=iso(due.resolve_by))
    if due.beyond_calendar:
        data["beyond_calendar"] = True


def add_cohandlers(t: Ticket, units: Iterable[Unit], now: datetime) -> list[str]:
    existing = set(t.cohandlers.values_list("unit_id", flat=True)) | {t.unit_id}
    added: list[str] = []
    due = None
    for unit in units:
        if unit.pk in existing or not unit.is_active or unit.kind == Unit.Kind.CENTRE:
            continue
        # Each co-handler gets its own clocks (吹哨报到), on the ticket's policy from now.
        due = due or deadlines.compute(policy_of(t), start=now)
        # A co-handler reports to the main unit, so its deadlines fall inside the main unit's.
        accept_by, resolve_by = due.accept_by, due.resolve_by
        if t.resolve_by is not None:
            resolve_by = min(resolve_by, t.resolve_by) if resolve_by else t.resolve_by
            accept_by = min(accept_by, resolve_by) if accept_by else accept_by
        CoHandler.objects.create(
            ticket=t, unit=unit, added_at=now, accept_by=accept_by, resolve_by=resolve_by
        )
        existing.add(unit.pk)
        added.append(unit.code)
    return added


def store_attachment(t: Ticket, upload: Any, by: Actor, now: datetime) -> Attachment:
    """Save an upload as the ticket's attachment, if `files.check` accepts its type and size."""
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
        uploaded_by=by.user,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


def beyond_calendar(moment: datetime) -> bool:
    """Whether a deadline falls past the published calendar (counted on weekdays only)."""
    return not deadlines.official_calendar().is_known(timezone.localtime(moment).date())


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def lapse_extensions(t: Ticket, now: datetime) -> list[int]:
    """Refuse the ticket's pending extension requests as lapsed; returns their ids."""
    pending = t.extensions.filter(decision=ExtensionRequest.Decision.PENDING)
    lapsed = list(pending.values_list("pk", flat=True))
    pending.update(
        decision=ExtensionRequest.Decision.REFUSED,
        decided_at=now,
        decision_note="已答复，延期申请自动失效。",
    )
    return lapsed


def deadline_key(kind: str, moment: datetime) -> str:
    """The name of one deadline ("accept@202612041700"), as the deadline scan writes it in
    `urged_for`/`escalated_for` (supervision.clocks.key_of)."""
    return f"{kind}@{timezone.localtime(moment):%Y%m%d%H%M}"


def missed_deadline(t: Ticket, now: datetime) -> str:
    """The deadline the running clock has missed (acceptance first), or ''."""
    if t.status not in CLOCK_STATUSES or t.paused_since is not None:
        return ""
    if t.status == Status.DISPATCHED and t.accept_by and t.accept_by < now:
        return deadline_key("accept", t.accept_by)
    if t.resolve_by and t.resolve_by < now:
        return deadline_key("resolve", t.resolve_by)
    return ""


def check_delegation(t: Ticket, to: Unit, until: datetime, now: datetime) -> None:
    """Refuse a 二次派单 to a unit not below the main unit, or with a deadline outside its own."""
    main = t.unit
    assert main is not None  # a ticket with running clocks has a main unit
    if not to.is_active or to.pk == main.pk or not to.path.startswith(main.path):
        raise WorkflowError(f"请选择{main.name}下属的在用单位。")
    if until <= now:
        raise WorkflowError("下级办理时限须晚于现在。")
    if t.resolve_by is not None and until > t.resolve_by:
        when = timezone.localtime(t.resolve_by).strftime("%Y-%m-%d %H:%M")
        raise WorkflowError(f"下级办理时限须在本单位的办结时限（{when}）之前。")
