"""Who may make which move on a ticket, and when: the transition table (derived from the
declarations in `tickets.actions`) and each action's preconditions.

Reads only (a ticket's co-handlers, extension requests and last rating); `tickets.workflow`
applies these rules when it changes a ticket.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.citizens.models import Resident
from minsheng.orgs.access import standing_of
from minsheng.orgs.models import Unit
from minsheng.sla import deadlines
from minsheng.sla.models import DeadlinePolicy
from minsheng.taxonomy.models import RequestType
from minsheng.tickets.actions import COMMANDS
from minsheng.tickets.models import (
    CoHandler,
    ExtensionRequest,
    Satisfaction,
    Ticket,
    Urgency,
)
from minsheng.tickets.names import Action


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str | None  # None: the status stays
    roles: frozenset[str]


# Derived from the declarations in tickets.actions; receiving is intake's, not a move.
TRANSITIONS: dict[str, Move] = {
    c.action: Move(frozenset(c.sources), c.target, frozenset(c.roles))
    for c in COMMANDS
    if c.action != Action.RECEIVE
}
# 二次派单 is for units with units below them that handle the matter: not streets and below.
DELEGATING_KINDS = frozenset(
    {Unit.Kind.CITY, Unit.Kind.DISTRICT, Unit.Kind.DEPARTMENT, Unit.Kind.ENTERPRISE}
)
LEADER_REVIEW = frozenset({Action.LEADER_APPROVE_EXTENSION, Action.LEADER_REFUSE_EXTENSION})


class WorkflowError(Exception):
    """The move is not allowed, or its input is incomplete; the message is for the user."""


@dataclass(frozen=True)
class Actor:
    """Who acts: a member of staff, the resident, or the system."""

    label: str
    user: User | None = None
    kind: str = "staff"


SYSTEM = Actor(label="系统", kind="system")


def resident_actor(resident: Resident) -> Actor:
    """The resident acting for themselves (rating, filing on the phone page)."""
    return Actor(label=f"诉求人（尾号{resident.phone[-4:]}）", kind="resident")


def as_actor(by: User | Actor) -> Actor:
    if isinstance(by, Actor):
        return by
    return Actor(label=(by.get_full_name() or by.username)[:60], user=by)


def roles_of(by: User | Actor, ticket: Ticket) -> frozenset[str]:
    """The roles `by` holds over this ticket."""
    actor = as_actor(by)
    if actor.kind != "staff" or actor.user is None:
        return frozenset({actor.kind})
    standing = standing_of(actor.user)
    roles = set(standing.centre_roles)
    if ticket.unit_id is not None and ticket.unit is not None:
        roles |= standing.roles_over([ticket.unit])
    if ticket.sub_unit_id is not None and ticket.sub_unit is not None:  # 二次派单
        roles |= standing.roles_over([ticket.sub_unit])
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
        and precondition(action, ticket, now, by=by) is None
    ]


def precondition(
    action: str, ticket: Ticket, now: datetime, *, by: User | Actor | None = None
) -> str | None:
    """Why the action cannot be taken on this ticket now, or None."""
    if action == Action.ANSWER and ticket.request_type != RequestType.CONSULT:
        return "只有咨询类诉求可以直接办结。"
    if action == Action.RETURN and ticket.return_by and now > ticket.return_by:
        when = timezone.localtime(ticket.return_by).strftime("%Y-%m-%d %H:%M")
        return f"退单须在派单后 1 个工作日内提出（截至 {when}），现已超过，请按时限办理。"
    if action in (Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION):
        pending = pending_extension(ticket)
        if not pending:
            return "没有待审批的延期申请。"
        if pending.needs_leader and pending.leader_at is None:
            return "该延期申请须先经承办单位负责人审核。"
    if action in LEADER_REVIEW:
        pending = pending_extension(ticket)
        if not pending or not pending.needs_leader or pending.leader_at is not None:
            return "没有待单位负责人审核的延期申请。"
    # The scan chases only what is late; the centre may chase by hand at any time.
    scan = by is None or as_actor(by).kind == "system"
    if action in (Action.URGE, Action.ESCALATE) and scan and ticket.due_state(now) != "overdue":
        return "工单尚未超期，无需催办或督办。"
    if action in (Action.COHANDLER_ACCEPT, Action.COHANDLER_REPLY):
        if by is None:
            return None
        if not my_cohandlers(by, ticket, action):
            return (
                "您所在的协办单位已签收。"
                if action == Action.COHANDLER_ACCEPT
                else "请先签收协办任务；已反馈的不能重复反馈。"
            )
    if action == Action.REQUEST_EXTENSION:
        if pending_extension(ticket):
            return "已有延期申请在审批中。"
        if ticket.resolve_by and now > ticket.resolve_by:
            return "已超过办结时限，不能再申请延期。"
    if action in (Action.PAUSE, Action.REQUEST_PAUSE):
        return _pause_rule(action, ticket)
    if action in (Action.APPROVE_PAUSE, Action.REFUSE_PAUSE) and not ticket.pause_requested_at:
        return "没有待审批的暂停计时申请。"
    if action == Action.DELEGATE:
        main = ticket.unit
        if main is None or main.kind not in DELEGATING_KINDS:
            return "只有区、职能部门等主办单位可以二次派单。"
        actor = as_actor(by) if by is not None else None
        if actor is not None and (
            actor.user is None or not standing_of(actor.user).roles_over([main])
        ):
            return "只有主办单位可以二次派单。"
    if action == Action.RESUME and not ticket.paused_since:
        return "当前没有暂停计时。"
    if action == Action.REOPEN and last_satisfaction(ticket) != Satisfaction.UNSATISFIED:
        return "只有群众不满意的工单才能重办。"
    return None


def _pause_rule(action: str, ticket: Ticket) -> str | None:
    """Pausing: where the policy allows it, directly or on the centre's approval."""
    if ticket.paused_since:
        return "已在暂停计时中。"
    policy = policy_of(ticket)
    if not policy.allow_pause:
        return "该类诉求的时限规则不允许暂停计时。"
    if ticket.pause_requested_at:
        when = timezone.localtime(ticket.pause_requested_at).strftime("%m-%d %H:%M")
        return f"已于 {when} 申请暂停计时，等待热线中心审批。"
    if action == Action.PAUSE and policy.pause_needs_approval:
        return "该类诉求暂停计时须经热线中心批准，请先申请暂停计时。"
    if action == Action.REQUEST_PAUSE and not policy.pause_needs_approval:
        return "该类诉求可直接暂停计时，无需申请。"
    return None


def my_cohandlers(by: User | Actor, ticket: Ticket, action: str) -> list[CoHandler]:
    """The co-handling rows `by` may act on: unaccepted ones to accept, accepted ones to report."""
    actor = as_actor(by)
    if actor.user is None:
        return []
    standing = standing_of(actor.user)
    rows = ticket.cohandlers.select_related("unit")
    if action == Action.COHANDLER_ACCEPT:
        rows = rows.filter(accepted_at__isnull=True)
    else:
        rows = rows.filter(accepted_at__isnull=False, replied_at__isnull=True)
    return [co for co in rows.order_by("added_at", "pk") if standing.roles_over([co.unit])]


def pending_extension(ticket: Ticket) -> ExtensionRequest | None:
    return ticket.extensions.filter(decision=ExtensionRequest.Decision.PENDING).first()


def last_satisfaction(ticket: Ticket) -> str | None:
    visit = ticket.events.filter(action=Action.VISIT).order_by("-seq").first()
    return visit.data.get("satisfaction") if visit else None


def policy_of(ticket: Ticket) -> DeadlinePolicy:
    return deadlines.policy_for(ticket.category.policy, urgent=ticket.urgency == Urgency.URGENT)
