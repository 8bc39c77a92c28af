"""Each API action: who acts, the permission check, and the workflow call it makes.

The endpoints and their bodies are derived from the declared actions (`tickets.actions`). The
workflow decides; this module only turns a validated body into its call and its refusals into
statuses: 403 when the acting party holds no role for the move (the same TRANSITIONS table the
workflow applies), 409 when the workflow refuses it for the ticket's state or a rule.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils import translation

from minsheng.accounts.models import User
from minsheng.api import queries, schemas
from minsheng.api.errors import ApiError
from minsheng.api.queries import Caller
from minsheng.api.schemas import ActionIn, TicketIn, ticket_out
from minsheng.feedback import visits
from minsheng.intake import door
from minsheng.tickets import actions as declared
from minsheng.tickets import transitions, workflow
from minsheng.tickets.actions import COMMANDS, Command
from minsheng.tickets.models import Ticket
from minsheng.tickets.names import Action
from minsheng.tickets.transitions import TRANSITIONS, Actor, WorkflowError
from minsheng.triage import queries as triage_queries

By = User | Actor


@dataclass(frozen=True)
class Endpoint:
    """One POST /tickets/{number}/<path>: the declared actions it takes (two when the body's
    `api_choice` flag picks one) and the body derived from their fields."""

    path: str
    commands: tuple[Command, ...]
    body: type[ActionIn]
    summary: str

    def command_for(self, body: ActionIn) -> Command:
        for command in self.commands:
            if command.api_choice is None:
                return command
            name, value = command.api_choice
            if getattr(body, name) is value:
                return command
        raise AssertionError(f"no command of {self.path} matches the body")  # pragma: no cover


def _arguments(command: Command, body: ActionIn, caller: Caller) -> dict[str, Any]:
    """The workflow function's keywords: codes, numbers and usernames found as objects."""
    values: dict[str, Any] = {}
    for spec in command.fields:
        if not spec.api:
            continue
        value = getattr(body, spec.name)
        if spec.kind == "unit":
            value = queries.unit_by_code(value, field=spec.name)
        elif spec.kind == "units":
            value = [queries.unit_by_code(code, field=spec.name) for code in value]
        elif spec.kind == "category":
            value = queries.category_by_code(value) if value else None
        elif spec.kind == "ticket":
            value = queries.ticket_for(caller, value)
        elif spec.kind == "member":
            value = queries.member_by_username(value, field=spec.name)
        values[spec.keyword] = value
    return {**values, **command.fixed}


def _rate(ticket: Ticket, arguments: dict[str, Any], by: By) -> None:
    """The return visit goes through feedback, which keeps the rating and closes a satisfied
    ticket (the ticket page does the same)."""
    agent = by.user if isinstance(by, Actor) else by
    visits.rate(ticket, agent=agent, **arguments)


def _endpoints() -> list[Endpoint]:
    paths: dict[str, list[Command]] = {}
    for command in COMMANDS:
        if command.api_path:
            paths.setdefault(command.api_path, []).append(command)
    return [
        Endpoint(
            path, tuple(commands), schemas.body_for(path, commands), str(commands[0].api_summary)
        )
        for path, commands in paths.items()
    ]


ENDPOINTS = _endpoints()


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
    command = endpoint.command_for(body)
    by = actor_for(caller, body, command.action)
    if not transitions.roles_of(by, ticket) & TRANSITIONS[command.action].roles:
        who = "该工作人员" if body.acting_user else "接口密钥本身（系统）"
        hint = "" if body.acting_user else "；须由工作人员完成的操作请在 acting_user 中指定账号"
        raise ApiError(
            403,
            "forbidden",
            f"{who}没有对工单 {ticket.number} {declared.label(command.action)}的权限{hint}。",
        )
    arguments = _arguments(command, body, caller)
    try:
        if command.action == Action.VISIT:
            _rate(ticket, arguments, by)
        else:
            getattr(workflow, command.function or "")(ticket, by=by, **arguments)
    except WorkflowError as error:
        raise ApiError(409, "workflow_refused", str(error)) from error
    # The workflow copied the committed state onto `ticket`; relations reload as read.
    return 200, ticket_out(ticket, full_phone=caller.sees_phone)


def file_ticket(caller: Caller, body: TicketIn) -> tuple[int, dict[str, Any]]:
    """File a new ticket through intake, as the key's system."""
    checked = ticket_request(caller, body)
    ticket = door.submit(checked.request, by=caller.actor, route_later=True)
    return 201, ticket_out(ticket, full_phone=caller.sees_phone)


def ticket_request(caller: Caller, body: TicketIn) -> door.Checked:
    """The new ticket as the door takes it, checked and placed (422 if refused)."""
    point = (body.lon, body.lat) if body.lon is not None and body.lat is not None else None
    if point and not triage_queries.polygon_index().contains(*point):
        raise ApiError(
            422,
            "outside_city",
            f"坐标（经度 {body.lon}，纬度 {body.lat}）不在本市范围内；"
            "请核对经纬度（WGS-84）或不填坐标、只填地址。",
        )
    request = door.Request.of(
        body.model_dump(),
        category=queries.category_by_code(body.category),
        place=queries.unit_by_code(body.place, field="place") if body.place else None,
    )
    try:
        return door.prepare(request, by=caller.actor)
    except WorkflowError as error:
        raise ApiError(422, "rejected", str(error)) from error


@dataclass(frozen=True)
class Filing:
    """A checked new ticket (`ticket_request`) waiting to be filed with others, and the
    language its answer is in (the batch is written in another request's thread)."""

    caller: Caller
    checked: door.Checked
    language: str = field(default_factory=translation.get_language)


def file_tickets(batch: list[Filing]) -> list[tuple[int, dict[str, Any]]]:
    """File tickets that arrived together in one transaction."""
    tickets = door.submit_many([f.checked for f in batch])
    answers = []
    for filing, ticket in zip(batch, tickets, strict=True):
        with translation.override(filing.language):
            answers.append((201, ticket_out(ticket, full_phone=filing.caller.sees_phone)))
    return answers
