"""Each API action: who acts, the permission check, and the workflow call it makes.

The workflow decides; this module only turns a validated body into its call and its refusals
into statuses: 403 when the acting party holds no role for the move (the same TRANSITIONS table
the workflow applies), 409 when the workflow refuses it for the ticket's state or a rule.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation

from minsheng.accounts.models import User
from minsheng.api import queries
from minsheng.api.errors import ApiError
from minsheng.api.queries import Caller
from minsheng.api.schemas import (
    ActionIn,
    AssignIn,
    CohandlerIn,
    DecisionIn,
    DeclineIn,
    DispatchIn,
    ExtensionIn,
    MergeIn,
    NoteIn,
    RateIn,
    ReasonIn,
    RequiredNoteIn,
    TextIn,
    TicketIn,
    ticket_out,
)
from minsheng.feedback import visits
from minsheng.intake import submissions
from minsheng.tickets import workflow
from minsheng.tickets.models import Ticket
from minsheng.tickets.workflow import TRANSITIONS, Action, Actor, WorkflowError

By = User | Actor
Perform = Callable[[Ticket, Any, By, Caller], object]


@dataclass(frozen=True)
class Endpoint:
    """One POST /tickets/{number}/<path>: its body, the action the workflow checks, the call."""

    path: str
    action: str
    body: type[ActionIn]
    perform: Perform
    summary: str


def _dispatch(t: Ticket, d: DispatchIn, by: By, caller: Caller) -> None:
    workflow.dispatch(
        t,
        to=queries.unit_by_code(d.unit, field="unit"),
        cohandlers=[queries.unit_by_code(c, field="cohandlers") for c in d.cohandlers],
        category=queries.category_by_code(d.category) if d.category else None,
        note=d.note,
        by=by,
    )


def _rate(t: Ticket, d: RateIn, by: By, caller: Caller) -> None:
    agent = by.user if isinstance(by, Actor) else by
    visits.rate(t, satisfaction=d.satisfaction, resolved=d.resolved, comment=d.comment, agent=agent)


def _merge(t: Ticket, d: MergeIn, by: By, caller: Caller) -> None:
    workflow.merge(t, into=queries.ticket_for(caller, d.into), note=d.note, by=by)


def _assign(t: Ticket, d: AssignIn, by: By, caller: Caller) -> None:
    workflow.assign(t, to=queries.member_by_username(d.to, field="to"), by=by)


ENDPOINTS = [
    Endpoint("dispatch", Action.DISPATCH, DispatchIn, _dispatch, "派单"),
    Endpoint(
        "cohandlers",
        Action.ADD_COHANDLER,
        CohandlerIn,
        lambda t, d, by, c: workflow.add_cohandler(
            t, unit=queries.unit_by_code(d.unit, field="unit"), note=d.note, by=by
        ),
        "增派协办（吹哨报到）",
    ),
    Endpoint(
        "accept",
        Action.ACCEPT,
        NoteIn,
        lambda t, d, by, c: workflow.accept(t, note=d.note, by=by),
        "签收",
    ),
    Endpoint(
        "return",
        Action.RETURN,
        ReasonIn,
        lambda t, d, by, c: workflow.send_back(t, reason=d.reason, by=by),
        "退单",
    ),
    Endpoint(
        "reject-return",
        Action.REJECT_RETURN,
        RequiredNoteIn,
        lambda t, d, by, c: workflow.reject_return(t, note=d.note, by=by),
        "驳回退单",
    ),
    Endpoint(
        "extension-request",
        Action.REQUEST_EXTENSION,
        ExtensionIn,
        lambda t, d, by, c: workflow.request_extension(t, until=d.until, reason=d.reason, by=by),
        "申请延期",
    ),
    Endpoint(
        "extension-decision",
        Action.APPROVE_EXTENSION,  # the refusal needs the same roles
        DecisionIn,
        lambda t, d, by, c: workflow.decide_extension(t, approve=d.approve, note=d.note, by=by),
        "审批延期",
    ),
    Endpoint(
        "pause",
        Action.PAUSE,
        ReasonIn,
        lambda t, d, by, c: workflow.pause(t, reason=d.reason, by=by),
        "暂停计时",
    ),
    Endpoint(
        "resume",
        Action.RESUME,
        NoteIn,
        lambda t, d, by, c: workflow.resume(t, note=d.note, by=by),
        "恢复计时",
    ),
    Endpoint(
        "reply",
        Action.REPLY,
        TextIn,
        lambda t, d, by, c: workflow.reply(t, text=d.text, by=by),
        "答复",
    ),
    Endpoint(
        "answer",
        Action.ANSWER,
        TextIn,
        lambda t, d, by, c: workflow.answer(t, text=d.text, by=by),
        "直接办结（咨询）",
    ),
    Endpoint("rate", Action.VISIT, RateIn, _rate, "回访评价"),
    Endpoint(
        "close",
        Action.CLOSE,
        NoteIn,
        lambda t, d, by, c: workflow.close(t, note=d.note, by=by),
        "办结",
    ),
    Endpoint(
        "reopen",
        Action.REOPEN,
        RequiredNoteIn,
        lambda t, d, by, c: workflow.reopen(t, note=d.note, by=by),
        "重办",
    ),
    Endpoint("merge", Action.MERGE, MergeIn, _merge, "合并"),
    Endpoint(
        "decline",
        Action.DECLINE,
        DeclineIn,
        lambda t, d, by, c: workflow.decline(t, referral=d.referral, by=by),
        "不予受理",
    ),
    Endpoint(
        "note",
        Action.NOTE,
        TextIn,
        lambda t, d, by, c: workflow.add_note(t, text=d.text, by=by),
        "备注",
    ),
    Endpoint("assign", Action.ASSIGN, AssignIn, _assign, "指定经办人"),
]


def actor_for(caller: Caller, body: ActionIn, action: str) -> By:
    """The named member acting through the key, or the key itself (a system actor).

    Rating without a member is the resident's own rating relayed by the system; only a key
    bound to no unit may relay it, so a unit can never rate its own work.
    """
    if body.acting_user:
        user = queries.acting_member(caller, body.acting_user)
        if action == Action.VISIT:
            return user
        return Actor(
            label=f"{user.get_full_name() or user.username}（经{caller.key.name}）"[:60], user=user
        )
    if action == Action.VISIT:
        if caller.is_bound:
            raise ApiError(
                403, "forbidden", "限定单位的密钥不能代群众评价；请由话务员（acting_user）回访。"
            )
        return Actor(label=f"诉求人（经{caller.key.name}）"[:60], kind="resident")
    return caller.actor


def perform(
    endpoint: Endpoint, caller: Caller, number: str, body: ActionIn
) -> tuple[int, dict[str, Any]]:
    """Check who acts, run the workflow, and return the ticket as it now stands."""
    ticket = queries.ticket_for(caller, number)
    by = actor_for(caller, body, endpoint.action)
    if not workflow.roles_of(by, ticket) & TRANSITIONS[endpoint.action].roles:
        who = "该工作人员" if body.acting_user else "接口密钥本身（系统）"
        hint = "" if body.acting_user else "；须由工作人员完成的操作请在 acting_user 中指定账号"
        raise ApiError(
            403,
            "forbidden",
            f"{who}没有对工单 {ticket.number} {Action(endpoint.action).label}的权限{hint}。",
        )
    try:
        endpoint.perform(ticket, body, by, caller)
    except WorkflowError as error:
        raise ApiError(409, "workflow_refused", str(error)) from error
    # The workflow copied the committed state onto `ticket`; relations reload as read.
    return 200, ticket_out(ticket, full_phone=caller.sees_phone)


def file_ticket(caller: Caller, body: TicketIn) -> tuple[int, dict[str, Any]]:
    """File a new ticket through intake, as the key's system."""
    data = ticket_data(caller, body)
    ticket = submissions.submit(data, by=caller.actor, route_later=True)
    return 201, ticket_out(ticket, full_phone=caller.sees_phone)


def ticket_data(caller: Caller, body: TicketIn) -> dict[str, Any]:
    """The new ticket's data for intake, checked as intake will (422 if refused)."""
    data = body.model_dump()
    data["category"] = queries.category_by_code(body.category)
    data["place"] = queries.unit_by_code(body.place, field="place") if body.place else None
    try:
        submissions.check(data, by=caller.actor)
    except WorkflowError as error:
        raise ApiError(422, "rejected", str(error)) from error
    return data


@dataclass(frozen=True)
class Filing:
    """A checked new ticket (`ticket_data`) waiting to be filed with others, and the language
    its answer is in (the batch is written in another request's thread)."""

    caller: Caller
    data: dict[str, Any]
    language: str = field(default_factory=translation.get_language)


def file_tickets(batch: list[Filing]) -> list[tuple[int, dict[str, Any]]]:
    """File tickets that arrived together in one transaction."""
    tickets = submissions.submit_many([(f.data, f.caller.actor) for f in batch])
    answers = []
    for filing, ticket in zip(batch, tickets, strict=True):
        with translation.override(filing.language):
            answers.append((201, ticket_out(ticket, full_phone=filing.caller.sees_phone)))
    return answers
