"""The write module of inspection campaigns (排查整治), each change in one transaction.

A visit arrives once however often the inspector's phone resends it (`Visit.client_id`). Every
hazard it finds becomes a rectification ticket through `minsheng.intake.door`, straight to the
responsible unit; the re-inspection (复查) stands in for that ticket's return visit, so a
passed re-inspection closes it through the loop (`feedback.visits.rate`).
"""

import base64
import binascii
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.feedback import visits
from minsheng.intake import door
from minsheng.orgs.models import Unit
from minsheng.projects import queries, records, rules
from minsheng.projects.apps import HAZARD_CATEGORY
from minsheng.projects.models import (
    Answer,
    Campaign,
    ChecklistItem,
    Event,
    Hazard,
    Inspector,
    Target,
    Visit,
)
from minsheng.projects.records import keep_photo
from minsheng.projects.rules import RuleError
from minsheng.sla.deadlines import official_calendar
from minsheng.sla.models import DeadlinePolicy
from minsheng.taxonomy.loading import ensure
from minsheng.tickets.models import Channel, Satisfaction, Status
from minsheng.tickets.transitions import Actor

CAMPAIGN_MOVES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "start": (("planned",), "running", "开始排查"),
    "finish": (("running",), "finished", "结束排查"),
}
MAX_PHOTO_TEXT = 14_000_000  # a 10 MB photo as base64


def _label(by: User) -> str:
    return (by.get_full_name() or by.username)[:60]


def _event(by: User | Actor, action: str, label: str, *, note: str = "", **on: object) -> None:
    actor = by.label if isinstance(by, Actor) else _label(by)
    Event.objects.create(
        action=action, label=label, note=note[:500], actor=actor[:60], at=timezone.now(), **on
    )


@transaction.atomic
def create_campaign(
    *,
    unit: Unit,
    title: str,
    start: date,
    end: date,
    responsible: Unit,
    by: User,
    fix_workdays: int = 7,
) -> Campaign:
    title = (title or "").strip()
    if not title:
        raise RuleError("请填写行动名称。")
    if end < start:
        raise RuleError("结束日期不能早于开始日期。")
    if not 1 <= fix_workdays <= 120:
        raise RuleError("整改时限应在 1 到 120 个工作日之间。")
    campaign = Campaign.objects.create(
        unit=unit,
        title=title[:120],
        start=start,
        end=end,
        fix_workdays=fix_workdays,
        responsible=responsible,
        created_at=timezone.now(),
    )
    _event(by, "create", "创建行动", campaign=campaign)
    return campaign


@transaction.atomic
def add_item(
    campaign: Campaign,
    *,
    question: str,
    kind: str,
    choices: str = "",
    hazard_answers: str = "",
    hazard_type: str = "",
    photo_required: bool = False,
    responsible: Unit | None = None,
) -> ChecklistItem:
    """A checklist question; which answers are hazards, and who fixes them."""
    if kind not in ChecklistItem.Kind.values:
        raise RuleError("请选择答案类型。")
    if kind == "choice" and len(rules.options(choices)) < 2:
        raise RuleError("选项至少两个，用 | 分隔。")
    if hazard_answers and not hazard_type.strip():
        raise RuleError("请填写隐患类型。")
    return ChecklistItem.objects.create(
        campaign=campaign,
        order=campaign.items.count() + 1,
        question=(question or "").strip()[:120] or _missing("检查项"),
        kind=kind,
        choices=choices.strip()[:200],
        hazard_answers=hazard_answers.strip()[:200],
        hazard_type=hazard_type.strip()[:40],
        photo_required=photo_required,
        responsible=responsible,
    )


def _missing(label: str) -> str:
    raise RuleError(f"请填写{label}。")


@transaction.atomic
def add_inspector(campaign: Campaign, *, user: User, area: Unit) -> Inspector:
    if not area.path.startswith(campaign.unit.path):
        raise RuleError("排查片区应在行动的辖区内。")
    inspector, _ = Inspector.objects.get_or_create(campaign=campaign, user=user, area=area)
    return inspector


@transaction.atomic
def move_campaign(campaign: Campaign, action: str, *, by: User) -> None:
    target = rules.move(CAMPAIGN_MOVES, action, campaign.state)
    Campaign.objects.filter(pk=campaign.pk).update(state=target)
    _event(by, action, CAMPAIGN_MOVES[action][2], campaign=campaign)
    campaign.refresh_from_db()


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    errors: list[str]


@transaction.atomic
def import_targets(campaign: Campaign, rows: Iterable[Mapping[str, str]]) -> ImportResult:
    """Targets from rows of the campaign sheet (编号, 类型, 地址, 社区编码, 经度, 纬度); every row
    is checked first, and nothing is written if any is wrong."""
    areas = {u.code: u for u in Unit.objects.filter(path__startswith=campaign.unit.path)}
    parsed, errors = [], []
    for line, row in enumerate(rows, start=2):
        ref = (row.get("编号") or "").strip()
        kind = rules.TARGET_KINDS.get((row.get("类型") or "住户").strip())
        area = areas.get((row.get("社区编码") or "").strip())
        address = (row.get("地址") or "").strip()
        if not ref or not address:
            errors.append(f"第 {line} 行：缺少编号或地址。")
        elif kind is None:
            errors.append(f"第 {line} 行：类型应为住户、楼栋或商铺。")
        elif area is None:
            errors.append(f"第 {line} 行：社区编码不在{campaign.unit.name}辖区内。")
        else:
            try:
                lon = float(row["经度"]) if (row.get("经度") or "").strip() else None
                lat = float(row["纬度"]) if (row.get("纬度") or "").strip() else None
            except ValueError:
                errors.append(f"第 {line} 行：经纬度应为数字。")
                continue
            parsed.append((ref[:40], kind, address[:200], area, lon, lat))
    if errors:
        return ImportResult(0, 0, errors)
    created = updated = 0
    for ref, kind, address, area, lon, lat in parsed:
        _, made = Target.objects.update_or_create(
            campaign=campaign,
            ref=ref,
            defaults={"kind": kind, "address": address, "area": area, "lon": lon, "lat": lat},
        )
        created += made
        updated += not made
    return ImportResult(created, updated, [])


def _photo_bytes(text: str) -> bytes:
    """A photo sent as a data URL or plain base64 by the inspector's page."""
    if len(text) > MAX_PHOTO_TEXT:
        raise RuleError("照片太大。")
    if text.startswith("data:"):
        text = text.partition(",")[2]
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise RuleError("照片无法读取，请重新拍摄。") from error


def may_inspect(user: User, target: Target) -> bool:
    """An inspector of the target's area, or a manager of the campaign's jurisdiction."""
    if queries.manages(user, target.campaign.unit):
        return True
    return (
        Inspector.objects.filter(campaign_id=target.campaign_id, user=user)
        .filter(area__path__in=_ancestors(target.area.path))
        .exists()
    )


def _ancestors(path: str) -> list[str]:
    parts = path.strip("/").split("/")
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


@transaction.atomic
def record_visit(
    target: Target,
    *,
    client_id: str,
    outcome: str,
    answers: Mapping[int, str],
    photos: Mapping[int, str],
    at: datetime,
    by: User,
    note: str = "",
) -> tuple[Visit, bool]:
    """Record one visit, and the hazards it found as tickets; (visit, False) when this
    `client_id` arrived before (a resend after a lost answer), writing nothing more."""
    client_id = (client_id or "").strip()[:40]
    if len(client_id) < 8:
        raise RuleError("缺少记录编号。")
    known = Visit.objects.filter(client_id=client_id).first()
    if known is not None:
        return known, False
    campaign = target.campaign
    if campaign.state != Campaign.State.RUNNING:
        raise RuleError("行动不在排查期间。")
    if not may_inspect(by, target):
        raise RuleError("这户不在您的排查片区。")
    if outcome not in Visit.Outcome.values:
        raise RuleError("请选择排查结果。")
    items = list(campaign.items.all())
    checked: dict[int, str] = {}
    if outcome == Visit.Outcome.INSPECTED:
        for item in items:
            checked[item.pk] = rules.check_answer(item.kind, item.choices, answers.get(item.pk, ""))
            if item.photo_required and not photos.get(item.pk):
                raise RuleError(f"“{item.question}”须拍照。")
    now = timezone.now()
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                target=target,
                client_id=client_id,
                outcome=outcome,
                inspector=by,
                at=min(at, now),
                received_at=now,
                note=(note or "").strip()[:300],
            )
    except IntegrityError:  # the same visit, sent twice at once: the other one won
        return Visit.objects.get(client_id=client_id), False
    if target.outcome != Visit.Outcome.INSPECTED:
        Target.objects.filter(pk=target.pk).update(outcome=outcome)
    kept = [item for item in items if item.pk in checked]
    Answer.objects.bulk_create(
        Answer(
            visit=visit,
            item=item,
            value=checked[item.pk],
            photo=keep_photo(_photo_bytes(photos[item.pk])) if photos.get(item.pk) else None,
        )
        for item in kept
    )
    for item in kept:
        if rules.is_hazard(item.kind, item.hazard_answers, checked[item.pk]):
            _hazard(visit, item, checked[item.pk], by=by, past=at if at < now else None)
    return visit, True


def _hazard(
    visit: Visit, item: ChecklistItem, answer: str, *, by: User, past: datetime | None
) -> Hazard:
    target, campaign = visit.target, visit.target.campaign
    unit = item.responsible or campaign.responsible
    today = timezone.localdate(past) if past else timezone.localdate()
    due, _ = official_calendar().add_workdays(today, campaign.fix_workdays)
    hazard = Hazard.objects.create(
        campaign=campaign,
        target=target,
        visit=visit,
        item=item,
        kind=item.hazard_type or item.question[:40],
        answer=answer,
        unit=unit,
        found_on=today,
        due=due,
    )
    ticket = records.file_ticket(
        door.Request(
            category=ensure(HAZARD_CATEGORY),
            channel=Channel.GRID,
            chooser="programme",
            title=f"{hazard.kind}：{target.address}"[:100],
            description=(
                f"{campaign.title}入户排查发现隐患（{hazard.kind}）：{item.question}——{answer}。"
                f"地址：{target.address}。请于{due}前整改，整改后由排查人员复查。"
            ),
            address=target.address,
            lon=target.lon,
            lat=target.lat,
            place=target.area,
            unit=unit,
            note=f"排查整治隐患，整改时限 {due}",
        ),
        by=Actor(label=f"排查员：{_label(by)}"[:60], kind="system"),
        at=past,
        # The campaign's deadline, where a policy of that many working days exists.
        policy=DeadlinePolicy.objects.filter(resolve_workdays=campaign.fix_workdays)
        .order_by("pk")
        .first(),
    )
    Hazard.objects.filter(pk=hazard.pk).update(ticket=ticket)
    hazard.ticket = ticket
    _event(by, "hazard", "发现隐患", note=f"{hazard.kind} → {ticket.number}", hazard=hazard)
    return hazard


@transaction.atomic
def recheck(
    hazard: Hazard,
    *,
    passed: bool,
    photo: bytes | None,
    note: str,
    by: User,
    at: datetime | None = None,
) -> None:
    """The re-inspection (复查): passed, with a photo, closes the ticket and the hazard; failed
    sends the ticket back to the centre as unsatisfied, to be reopened."""
    hazard = Hazard.objects.select_for_update().get(pk=hazard.pk)
    if hazard.state != Hazard.State.OPEN:
        raise RuleError("这个隐患已经处理完毕。")
    if not may_inspect(by, hazard.target):
        raise RuleError("这户不在您的排查片区。")
    ticket = hazard.ticket
    if ticket is None or ticket.status != Status.REPLIED:
        raise RuleError("整改单位尚未答复整改结果，暂不能复查。")
    note = (note or "").strip()[:300]
    if passed:
        if not photo:
            raise RuleError("复查合格须上传整改后的照片。")
        kept = keep_photo(photo)
        visits.rate(
            ticket,
            satisfaction=Satisfaction.SATISFIED,
            resolved=True,
            comment=f"复查合格（{_label(by)}）{note}",
            at=at,
        )
        Hazard.objects.filter(pk=hazard.pk).update(
            state=Hazard.State.FIXED, fixed_on=timezone.localdate(at), recheck_photo=kept
        )
        _event(by, "fixed", "复查合格", note=note, hazard=hazard)
    else:
        visits.rate(
            ticket,
            satisfaction=Satisfaction.UNSATISFIED,
            resolved=False,
            comment=f"复查不合格（{_label(by)}）{note}",
            at=at,
        )
        _event(by, "recheck_failed", "复查不合格", note=note, hazard=hazard)


@transaction.atomic
def refuse(hazard: Hazard, *, reason: str, by: User) -> None:
    """The household refuses to fix the hazard: recorded with its reason (the ticket stays in
    the loop for the unit to answer)."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleError("请填写拒绝整改的原因。")
    if hazard.state != Hazard.State.OPEN:
        raise RuleError("这个隐患已经处理完毕。")
    if not may_inspect(by, hazard.target):
        raise RuleError("这户不在您的排查片区。")
    Hazard.objects.filter(pk=hazard.pk).update(state=Hazard.State.REFUSED, reason=reason[:300])
    _event(by, "refused", "拒绝整改", note=reason, hazard=hazard)
