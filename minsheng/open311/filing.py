"""Open311's write module: a POSTed service request becomes one ticket on channel `api`.

Everything is checked before anything is written; then the resident, the ticket, its token and
its attribute answers are stored in one transaction through `intake.door`.
"""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from minsheng.accounts.models import ApiKey
from minsheng.intake import door
from minsheng.open311 import mapping, params, queries
from minsheng.open311.formats import Open311Error
from minsheng.open311.models import RequestAttribute, Token
from minsheng.open311.params import AttributeSpec, Filing
from minsheng.taxonomy.models import Category, RequestType
from minsheng.tickets.models import Channel
from minsheng.tickets.transitions import Actor, WorkflowError


@dataclass(frozen=True)
class Receipt:
    """What the client is told: the ticket number, the token, the notice."""

    number: str
    token: str
    notice: str


def file_request(form: Mapping[str, list[str]], *, key: ApiKey) -> Receipt:
    """File a POSTed request for the system that holds `key`; Open311Error if it is not valid."""
    filing = params.parse_filing(form)
    found = queries.service(filing.service_code)
    if found is None:
        raise Open311Error(404, f"service_code {filing.service_code} was not found")
    category, specs = found
    answers = params.check_answers(filing.raw_attributes, specs)
    request_type = params.request_type(
        filing.raw_attributes, allowed=category.request_types, all_types=RequestType.values
    )
    place_code = None
    if filing.lat is not None and filing.lon is not None:
        area = queries.city_area()
        if not area.contains(filing.lon, filing.lat):
            raise Open311Error(400, "lat and long are outside the city's jurisdiction")
        place_code = area.unit_at(filing.lon, filing.lat)
    description = _description(filing, category, specs, answers)
    return _store(filing, key, category, request_type, description, answers, place_code)


@transaction.atomic
def _store(
    filing: Filing,
    key: ApiKey,
    category: Category,
    request_type: str,
    description: str,
    answers: dict[str, str | list[str]],
    place_code: str | None,
) -> Receipt:
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
        description=description,
        address=filing.address,
        lat=filing.lat,
        lon=filing.lon,
        place=queries.unit(place_code) if place_code else None,
    )
    try:
        by = Actor(label=f"接口：{key.name}"[:60], kind="system")
        ticket = door.submit(request, by=by, route_later=True)
    except WorkflowError as error:
        raise Open311Error(400, str(error)) from error
    token = Token.objects.create(
        token=secrets.token_hex(12),
        ticket=ticket,
        api_key=key,
        media_url=filing.media_url,
        address_id=filing.address_id,
        created_at=timezone.now(),
    )
    RequestAttribute.objects.bulk_create(
        RequestAttribute(token=token, code=code, value=value) for code, value in answers.items()
    )
    policy = category.policy
    notice = mapping.service_notice(
        ticket.number,
        resolve_hours=policy.resolve_hours if policy else None,
        resolve_workdays=policy.resolve_workdays if policy else None,
        reachable=bool(filing.phone),
    )
    return Receipt(number=ticket.number, token=token.token, notice=notice)


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
