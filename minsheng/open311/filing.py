"""Open311's write module: a POSTed service request becomes one ticket on channel `api`.

Everything is checked before anything is written (`prepare`); then the resident, the ticket,
its token and its attribute answers are stored in one transaction through `intake.door`, with
the other requests that reached the process at the same time (`store_many`).
"""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from minsheng.accounts.models import ApiKey
from minsheng.intake import door
from minsheng.lib import rows
from minsheng.lib.groupcommit import BatchFailed, GroupCommit
from minsheng.open311 import mapping, params, queries
from minsheng.open311.formats import Open311Error
from minsheng.open311.models import RequestAttribute, Token
from minsheng.open311.params import AttributeSpec, Filing
from minsheng.taxonomy.models import Category, RequestType
from minsheng.tickets.models import Channel
from minsheng.tickets.transitions import Actor, WorkflowError
from minsheng.triage import queries as triage_queries


@dataclass(frozen=True)
class Receipt:
    """What the client is told: the ticket number, the token, the notice."""

    number: str
    token: str
    notice: str


@dataclass(frozen=True)
class Prepared:
    """A POSTed request, checked and ready to store: the door's request and Open311's parts."""

    key: ApiKey
    filing: Filing
    checked: door.Checked
    answers: dict[str, str | list[str]]


def file_request(form: Mapping[str, list[str]], *, key: ApiKey) -> Receipt:
    """File a POSTed request for the system that holds `key`; Open311Error if it is not valid.
    Requests that reach this process together are stored together (`lib.groupcommit`)."""
    prepared = prepare(form, key=key)
    try:
        return _group.run(prepared)
    except BatchFailed:  # the batch rolled back whole: this request is stored on its own
        try:
            return store_many([prepared])[0]
        except WorkflowError as error:
            raise Open311Error(400, str(error)) from error


def prepare(form: Mapping[str, list[str]], *, key: ApiKey) -> Prepared:
    """Check a POSTed request as storing it will, reading only (Open311Error if refused)."""
    filing = params.parse_filing(form)
    found = queries.service(filing.service_code)
    if found is None:
        raise Open311Error(404, f"service_code {filing.service_code} was not found")
    category, specs = found
    answers = params.check_answers(filing.raw_attributes, specs)
    request_type = params.request_type(
        filing.raw_attributes, allowed=category.request_types, all_types=RequestType.values
    )
    if filing.lat is not None and filing.lon is not None:
        area = triage_queries.polygon_index()  # one cached index per process
        if not area.contains(filing.lon, filing.lat):
            raise Open311Error(400, "lat and long are outside the city's jurisdiction")
    phone = filing.phone
    if not phone:
        assert filing.identity is not None  # parse_filing insists on one or the other
        phone = params.pseudonym_phone(settings.SECRET_KEY, key_id=key.pk, identity=filing.identity)
    request = door.Request(
        phone=phone,
        name=filing.name,
        channel=Channel.API,
        request_type=request_type,
        category=category,
        # The resident's own words, never the answers the filing appends below them.
        title=(filing.description or category.name)[:30],
        description=_description(filing, category, specs, answers),
        address=filing.address,
        lat=filing.lat,
        lon=filing.lon,
    )  # the door files it under the unit its point and its words give (triage.places)
    try:
        checked = door.prepare(request, by=_actor(key))
    except WorkflowError as error:
        raise Open311Error(400, str(error)) from error
    return Prepared(key, filing, checked, answers)


@transaction.atomic
def store_many(batch: list[Prepared]) -> list[Receipt]:
    """Store checked requests in one transaction: their tickets through the door (the worker
    routes them), then one insert each for their tokens and their attribute answers."""
    tickets = door.submit_many([p.checked for p in batch], route_later=True)
    now = timezone.now()
    tokens = [
        Token(
            token=secrets.token_hex(12),
            ticket=ticket,
            api_key=p.key,
            media_url=p.filing.media_url,
            address_id=p.filing.address_id,
            created_at=now,
        )
        for p, ticket in zip(batch, tickets, strict=True)
    ]
    rows.insert_many(tokens, match=["token"])
    RequestAttribute.objects.bulk_create(
        RequestAttribute(token=token, code=code, value=value)
        for p, token in zip(batch, tokens, strict=True)
        for code, value in p.answers.items()
    )
    receipts = []
    for p, ticket, token in zip(batch, tickets, tokens, strict=True):
        policy = p.checked.request.category.policy
        notice = mapping.service_notice(
            ticket.number,
            resolve_hours=policy.resolve_hours if policy else None,
            resolve_workdays=policy.resolve_workdays if policy else None,
            reachable=bool(p.filing.phone),
        )
        receipts.append(Receipt(number=ticket.number, token=token.token, notice=notice))
    return receipts


def _actor(key: ApiKey) -> Actor:
    return Actor(label=f"接口：{key.name}"[:60], kind="system")


_group: GroupCommit[Prepared, Receipt] = GroupCommit(
    store_many, limit=settings.MINSHENG_INTAKE_BATCH
)


def _description(
    filing: Filing,
    category: Category,
    specs: list[AttributeSpec],
    answers: dict[str, str | list[str]],
) -> str:
    """The resident's words, then the answers and links the handling unit needs to see."""
    text = filing.description or f"（{category.name}，未填写文字描述）"
    lines = []
    for spec in specs:
        if spec.code in answers:
            names = dict(spec.values)
            chosen = answers[spec.code]
            shown = [names.get(v, v) for v in ([chosen] if isinstance(chosen, str) else chosen)]
            lines.append(f"{spec.description or spec.code}：{'、'.join(shown)}")
    if filing.media_url:
        lines.append(f"图片或视频链接（未下载，请核实后打开）：{filing.media_url}")
    if filing.address_id:
        lines.append(f"地址编号：{filing.address_id}")
    if not filing.phone:
        lines.append("诉求人未留电话（Open311 匿名提交），无法电话回访。")
    if lines:
        text += mapping.TAIL + "\n".join(lines)
    if len(text) > params.MAX_DESCRIPTION:
        raise Open311Error(
            400,
            f"description and the attribute answers together may not exceed "
            f"{params.MAX_DESCRIPTION} characters",
        )
    return text
