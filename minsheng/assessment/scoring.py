"""The only code that writes assessment data: policy versions, the fact table (and, through
`tallies`, its counts), snapshots, exclusions and appeals. Every function runs in one
transaction and raises AssessmentError (a message for the user) before writing anything when the
input or the person is wrong.
"""

import re
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.assessment import formulas, tallies
from minsheng.assessment.models import (
    KIND_GROUP,
    Appeal,
    Decision,
    Exclusion,
    Recompute,
    ScorePeriod,
    ScoreSnapshot,
    ScoringPolicy,
    TicketFact,
)
from minsheng.assessment.tallies import (  # the tallies' entry points, with the write side
    aggregate,  # noqa: F401
    aggregate_facts,  # noqa: F401
    rebuild_tallies,  # noqa: F401
)
from minsheng.orgs.access import standing_of
from minsheng.orgs.models import Unit
from minsheng.tickets import files
from minsheng.tickets.models import CoHandler, Ticket, TicketEvent

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
# Re-read this many event ids below the cursor each time: on PostgreSQL an id taken earlier may
# commit after a later one, and rebuilding a ticket's facts twice is harmless.
LAG = 1000
BATCH = 2000
GROUPS = ("street", "department", "enterprise")
WEIGHT_FIELDS = tuple(
    f"{g}_{r}" for g in GROUPS for r in ("response", "resolution", "satisfaction")
)
BOARD_FIELDS = ("red_list", "black_list", "red_min_score", "black_below_score")
POLICY_FIELDS = (
    *WEIGHT_FIELDS, "satisfied_weight", "basically_weight", "min_volume", "cohandling",
    *BOARD_FIELDS,
)  # fmt: skip


class AssessmentError(Exception):
    """Not allowed or not valid; the message is for the user."""


def check_period(value: str) -> str:
    value = (value or "").strip()
    if not PERIOD.match(value):
        raise AssessmentError(f"考核月份“{value}”格式不正确，应为 2026-10 这样的年-月。")
    return value


def _is_centre(user: User, *roles: str) -> bool:
    standing = standing_of(user)
    return standing.is_admin or bool(standing.centre_roles & set(roles))


def _text(value: str, label: str, limit: int = 2000) -> str:
    value = (value or "").strip()
    if not value:
        raise AssessmentError(f"请填写{label}。")
    if len(value) > limit:
        raise AssessmentError(f"{label}不能超过 {limit} 字（现有 {len(value)} 字）。")
    return value


# --- policy ------------------------------------------------------------------------------------


@transaction.atomic
def policy_in_force() -> ScoringPolicy:
    """The newest policy version; version 1 with the defaults (30/35/35) when there is none."""
    policy = ScoringPolicy.objects.order_by("-version").first()
    return policy or ScoringPolicy.objects.create(
        version=1, created_at=timezone.now(), note="默认规则"
    )


@transaction.atomic
def revise_policy(
    *, by: User, note: str, at: datetime | None = None, **values: Any
) -> ScoringPolicy:
    """Publish a new policy version: the previous one's values changed by `values`."""
    if not standing_of(by).is_admin:
        raise AssessmentError("只有系统管理员可以修改考核规则。")
    current = policy_in_force()
    fields = {name: getattr(current, name) for name in POLICY_FIELDS}
    for name, value in values.items():
        if name not in POLICY_FIELDS:
            raise AssessmentError(f"考核规则没有“{name}”这一项。")
        fields[name] = value
    try:
        for name in (*WEIGHT_FIELDS, "min_volume", *BOARD_FIELDS):
            fields[name] = int(fields[name])
            if fields[name] < 0:
                raise ValueError
        for name in ("satisfied_weight", "basically_weight"):
            fields[name] = Decimal(str(fields[name])).quantize(Decimal("0.01"))
    except (TypeError, ValueError, InvalidOperation) as error:
        raise AssessmentError("权重、名额和最少工单量须是不小于 0 的数。") from error
    for group in GROUPS:
        total = sum(fields[f"{group}_{r}"] for r in ("response", "resolution", "satisfaction"))
        if total != 100:
            raise AssessmentError(f"三率权重之和须为 100（现为 {total}）。")
    if not Decimal(0) <= fields["basically_weight"] <= fields["satisfied_weight"] <= Decimal(1):
        raise AssessmentError("满意、基本满意的计分须在 0 到 1 之间，且基本满意不高于满意。")
    if not fields["black_below_score"] <= fields["red_min_score"] <= 100:
        raise AssessmentError("红榜最低得分不能高于 100，黑榜得分线不能高于红榜最低得分。")
    if fields["cohandling"] not in ("main", "both"):
        raise AssessmentError("协办工单计入方式不正确。")
    return ScoringPolicy.objects.create(
        version=current.version + 1,
        created_at=at or timezone.now(),
        created_by=by,
        note=_text(note, "修订说明", limit=200),
        **fields,
    )


# --- the fact table ----------------------------------------------------------------------------


@transaction.atomic
def refresh_facts() -> int:
    """Rebuild the facts of every ticket with events since the cursor; returns how many."""
    cursor = tallies.lock_facts()
    top = TicketEvent.objects.aggregate(top=Max("pk"))["top"] or 0
    changed = (
        TicketEvent.objects.filter(pk__gt=max(cursor.last_event - LAG, 0), pk__lte=top)
        .values_list("ticket_id", flat=True)
        .distinct()
    )
    ids = sorted(set(changed))
    for start in range(0, len(ids), BATCH):
        rebuild_facts(ids[start : start + BATCH])
    cursor.last_event, cursor.refreshed_at = top, timezone.now()
    cursor.save()
    return len(ids)


@transaction.atomic
def rebuild_facts(ticket_ids: Iterable[int]) -> None:
    """Replace the facts of these tickets with what their timelines say now."""
    ids = list(ticket_ids)
    tallies.lock_facts()
    with tallies.retallied(ids):
        _rebuild(ids)


def _rebuild(ids: list[int]) -> None:
    timelines: dict[int, list[formulas.Event]] = {pk: [] for pk in ids}
    rows = TicketEvent.objects.filter(ticket_id__in=ids).order_by("ticket_id", "seq")
    for ticket_id, action, at, unit, data in rows.values_list(
        "ticket_id", "action", "at", "unit__code", "data"
    ):
        timelines[ticket_id].append(formulas.Event(action, at, unit, data or {}))
    units = dict(Unit.objects.values_list("code", "pk"))
    excluded = set(
        Exclusion.objects.filter(ticket_id__in=ids, decision=Decision.APPROVED).values_list(
            "ticket_id", "unit_id"
        )
    )
    TicketFact.objects.filter(ticket_id__in=ids).delete()
    new = []
    for ticket_id, events in timelines.items():
        for f in formulas.facts_from_timeline(events):
            unit_id = units.get(f.unit)
            if unit_id is None:
                continue
            new.append(
                TicketFact(
                    ticket_id=ticket_id,
                    unit_id=unit_id,
                    role=f.role,
                    period=f.period,
                    held=f.held,
                    accepted_in_time=f.accepted_in_time,
                    accepted_24h=f.accepted_24h,
                    responded=f.responded,
                    replied=f.replied,
                    replied_on_time=f.replied_on_time,
                    resolve_by=f.resolve_by,
                    rated=f.rated,
                    resolved=f.resolved,
                    satisfied=f.satisfaction == "satisfied",
                    basically=f.satisfaction == "basically",
                    no_rating=f.no_rating,
                    returned=f.returned,
                    reopened=f.reopened,
                    extended=f.extended,
                    excluded=(ticket_id, unit_id) in excluded,
                )
            )
    TicketFact.objects.bulk_create(new, batch_size=1000)


def _snapshots(period: ScorePeriod, as_of: datetime) -> list[ScoreSnapshot]:
    policy = period.policy
    counts = tallies.aggregate(
        period.period, roles=formulas.roles_for(policy.cohandling), as_of=as_of
    )
    units = Unit.objects.in_bulk(list(counts))
    snapshots: dict[int, ScoreSnapshot] = {}
    standings: dict[str, list[formulas.Standing]] = {g: [] for g in GROUPS}
    for unit_id, c in counts.items():
        group = KIND_GROUP.get(units[unit_id].kind)
        if group is None:
            continue  # districts, communities …: not ranked
        weights = policy.weights(group)
        r = formulas.rates(c, weights)
        s = ScoreSnapshot(
            period=period,
            unit_id=unit_id,
            group=group,
            rates=r,
            score=formulas.score(r, weights),
            **c,
        )
        snapshots[unit_id] = s
        standings[group].append(formulas.Standing(str(unit_id), s.score, c["volume"]))
    for rows in standings.values():
        for st in formulas.rank(
            rows,
            min_volume=policy.min_volume,
            red=policy.red_list,
            black=policy.black_list,
            red_min=policy.red_min_score,
            black_below=policy.black_below_score,
        ):
            snapshots[int(st.unit)].rank, snapshots[int(st.unit)].board = st.rank, st.board
    return list(snapshots.values())


@transaction.atomic
def compute(
    period: str, *, publish: bool = False, by: User | None = None, at: datetime | None = None
) -> ScorePeriod:
    """Compute a period's draft scores with the policy in force (and publish them if asked).

    A published period is frozen: only `recompute` changes it.
    """
    period = check_period(period)
    now = at or timezone.now()
    tallies.lock_facts()  # first, then the period: the one order every writer takes them in
    existing = ScorePeriod.objects.select_for_update().filter(period=period).first()
    if existing and existing.is_published:
        raise AssessmentError(
            f"{period} 的考核结果已发布，只能经申诉批准或重新计算命令（须写明理由）变更。"
        )
    refresh_facts()
    sp = existing or ScorePeriod(period=period, computed_at=now, policy=policy_in_force())
    sp.policy, sp.computed_at = policy_in_force(), now
    sp.save()
    sp.snapshots.all().delete()
    ScoreSnapshot.objects.bulk_create(_snapshots(sp, now))
    if publish:
        sp.state, sp.published_at, sp.published_by = ScorePeriod.State.PUBLISHED, now, by
        sp.save()
    return sp


@transaction.atomic
def recompute(
    period: str,
    *,
    reason: str,
    by: User | None = None,
    by_label: str = "",
    appeal: Appeal | None = None,
    at: datetime | None = None,
) -> Recompute:
    """Recompute a published period with its own policy version, recording who and why."""
    period = check_period(period)
    reason = _text(reason, "重新计算的理由")
    tallies.lock_facts()
    sp = ScorePeriod.objects.select_for_update().filter(period=period).first()
    if sp is None or not sp.is_published:
        raise AssessmentError(f"{period} 尚未发布考核结果，请用 compute_scores 试算。")
    now = at or timezone.now()
    refresh_facts()
    old = {s.unit.code: s.score for s in sp.snapshots.select_related("unit")}
    sp.snapshots.all().delete()
    new = ScoreSnapshot.objects.bulk_create(_snapshots(sp, now))
    codes = dict(Unit.objects.filter(pk__in=[s.unit_id for s in new]).values_list("pk", "code"))
    changes = {
        codes[s.unit_id]: [old.get(codes[s.unit_id]), s.score]
        for s in new
        if old.get(codes[s.unit_id]) != s.score
    }
    sp.computed_at = now
    sp.save(update_fields=["computed_at"])
    label = by_label or (by.get_full_name() or by.username if by else "系统")
    return Recompute.objects.create(
        period=sp, at=now, by=by, by_label=label[:60], reason=reason, appeal=appeal, changes=changes
    )


@transaction.atomic
def publish(period: str, *, by: User, at: datetime | None = None) -> ScorePeriod:
    """Freeze a computed draft as the period's published scores."""
    if not _is_centre(by, "supervisor"):
        raise AssessmentError("只有督办员或系统管理员可以发布考核结果。")
    sp = ScorePeriod.objects.select_for_update().filter(period=check_period(period)).first()
    if sp is None:
        raise AssessmentError(f"{period} 还没有试算结果。")
    if sp.is_published:
        raise AssessmentError(f"{period} 的考核结果已发布。")
    sp.state, sp.published_at, sp.published_by = (
        ScorePeriod.State.PUBLISHED,
        at or timezone.now(),
        by,
    )
    sp.save()
    return sp


# --- exclusions and appeals --------------------------------------------------------------------


def answers_for(ticket: Ticket, unit: Unit) -> bool:
    """The unit was the ticket's main unit at some point, or a co-handler."""
    return (
        ticket.unit_id == unit.pk
        or TicketEvent.objects.filter(
            ticket=ticket, action="dispatch", data__unit=unit.code
        ).exists()
        or CoHandler.objects.filter(ticket=ticket, unit=unit).exists()
    )


@transaction.atomic
def request_exclusion(
    ticket: Ticket,
    *,
    unit: Unit,
    by: User,
    reason: str,
    evidence: str,
    attachment: UploadedFile | None = None,
    at: datetime | None = None,
) -> Exclusion:
    """A unit asks the centre to take a ticket out of its rates, with its evidence."""
    if not standing_of(by).roles_over([unit]) & {"handler", "leader"}:
        raise AssessmentError(f"您不是{unit.name}的承办人或负责人，不能为其申请剔除。")
    if not answers_for(ticket, unit):
        raise AssessmentError(f"工单 {ticket.number} 不是{unit.name}承办的工单。")
    if reason not in Exclusion.Reason.values:
        raise AssessmentError("请选择剔除类型：不合理诉求或非本单位职责。")
    evidence = _text(evidence, "事实与依据")
    if Exclusion.objects.filter(
        ticket=ticket, unit=unit, decision__in=[Decision.PENDING, Decision.APPROVED]
    ).exists():
        raise AssessmentError(f"工单 {ticket.number} 已有待审核或已同意的剔除申请。")
    if attachment is not None:
        if not attachment.size or attachment.size > files.MAX_ATTACHMENT_BYTES:
            raise AssessmentError("佐证材料不能为空，且不能超过 10 MB。")
        attachment.seek(0)
        kind = files.sniff(attachment.read(16))
        attachment.seek(0)
        if kind is None:
            raise AssessmentError("佐证材料只能是 JPEG、PNG、GIF、WebP 图片或 PDF 文件。")
    exclusion = Exclusion(
        ticket=ticket,
        unit=unit,
        reason=reason,
        evidence=evidence,
        requested_by=by,
        requested_at=at or timezone.now(),
    )
    if attachment is not None:
        exclusion.attachment.save((attachment.name or "evidence")[-100:], attachment, save=False)
    exclusion.save()
    return exclusion


@transaction.atomic
def decide_exclusion(
    exclusion: Exclusion, *, by: User, approve: bool, note: str = "", at: datetime | None = None
) -> Exclusion:
    """The centre approves (the ticket leaves the unit's rates) or refuses an exclusion."""
    if not _is_centre(by, "dispatcher", "supervisor"):
        raise AssessmentError("只有热线中心的派单员、督办员可以审核剔除申请。")
    tallies.lock_facts()  # before the period rows compute() locks, as compute() does
    e = Exclusion.objects.select_for_update().get(pk=exclusion.pk)
    if e.decision != Decision.PENDING:
        raise AssessmentError("该剔除申请已审核过。")
    note = (note or "").strip() if approve else _text(note, "不同意的理由")
    e.decision = Decision.APPROVED if approve else Decision.REFUSED
    e.decided_by, e.decided_at, e.decision_note = by, at or timezone.now(), note[:2000]
    e.save()
    if approve:
        facts = TicketFact.objects.filter(ticket_id=e.ticket_id, unit_id=e.unit_id)
        with tallies.retallied([e.ticket_id]):
            facts.update(excluded=True)
        # Draft months show the effect at once; a published month changes only by appeal or
        # a recorded recompute.
        drafts = ScorePeriod.objects.filter(
            period__in=facts.values("period"), state=ScorePeriod.State.DRAFT
        )
        for period in drafts.values_list("period", flat=True):
            compute(period, at=e.decided_at)
    return e


@transaction.atomic
def file_appeal(
    period: str, *, unit: Unit, by: User, reason: str, at: datetime | None = None
) -> Appeal:
    """A unit appeals against its published score for a period."""
    if not standing_of(by).roles_over([unit]) & {"handler", "leader"}:
        raise AssessmentError(f"您不是{unit.name}的人员，不能为其申诉。")
    sp = ScorePeriod.objects.filter(period=check_period(period)).first()
    if sp is None or not sp.is_published:
        raise AssessmentError(f"{period} 的考核结果尚未发布，无需申诉。")
    if not sp.snapshots.filter(unit=unit).exists():
        raise AssessmentError(f"{unit.name}在 {period} 没有考核得分。")
    if Appeal.objects.filter(period=sp, unit=unit, decision=Decision.PENDING).exists():
        raise AssessmentError(f"{unit.name}对 {period} 已有待处理的申诉。")
    return Appeal.objects.create(
        period=sp,
        unit=unit,
        reason=_text(reason, "申诉理由"),
        filed_by=by,
        filed_at=at or timezone.now(),
    )


@transaction.atomic
def decide_appeal(
    appeal: Appeal, *, by: User, approve: bool, note: str, at: datetime | None = None
) -> Appeal:
    """The centre decides an appeal; approval recomputes the period and records why."""
    if not _is_centre(by, "supervisor"):
        raise AssessmentError("只有督办员或系统管理员可以处理申诉。")
    a = Appeal.objects.select_for_update().select_related("period", "unit").get(pk=appeal.pk)
    if a.decision != Decision.PENDING:
        raise AssessmentError("该申诉已处理过。")
    note = _text(note, "处理意见")
    now = at or timezone.now()
    a.decision = Decision.APPROVED if approve else Decision.REFUSED
    a.decided_by, a.decided_at, a.decision_note = by, now, note
    a.save()
    if approve:
        reason = f"{a.unit.name}申诉（#{a.pk}）经审核同意：{note}"
        recompute(a.period.period, reason=reason, by=by, appeal=a, at=now)
    return a
