"""Veterans' write module: records, families' requests and their verification, beneficiary checks.

Every function writes in one transaction. Work for people enters the loop through
`intake.door` (a ticket to the bureau, with the deadline of its catalogue item) and is finished
through `tickets.workflow` (accept, reply) by the member of staff who did it; a request's steps
are kept as append-only `RequestEvent` rows.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.citizens import registry
from minsheng.citizens.masking import normalise_phone
from minsheng.intake import door
from minsheng.notifications import delivery
from minsheng.notifications.models import Notification
from minsheng.orgs.models import Unit
from minsheng.taxonomy import loading
from minsheng.tickets import files, workflow
from minsheng.tickets.models import Channel, Status, Ticket
from minsheng.tickets.transitions import Actor, WorkflowError
from minsheng.veterans import checks, queries, sheets
from minsheng.veterans.apps import CHECK_CATEGORY, SEARCH_CATEGORY
from minsheng.veterans.matching import Query
from minsheng.veterans.models import (
    Beneficiary,
    Bureau,
    Candidate,
    FamilyRequest,
    Finding,
    MartyrRecord,
    RecordFile,
    RegisterEntry,
    RequestEvent,
    Stage,
)
from minsheng.veterans.places import default_index

SYSTEM = Actor(label="退役军人事务", kind="system")
TOP = 10


def bureau_for(code: str = "") -> Unit:
    """The bureau serving a division code: the county's own, else the city-wide one."""
    bureaus = list(Bureau.objects.select_related("unit"))
    for bureau in sorted(bureaus, key=lambda b: -len(b.county_code)):
        if code.startswith(bureau.county_code):
            return bureau.unit
    raise WorkflowError("尚未设置退役军人事务局，请管理员在后台“退役军人事务局”中添加。")


# --- martyrs' records ----------------------------------------------------------------------


def _place(values: dict[str, Any]) -> dict[str, Any]:
    resolved = default_index().resolve(values.get("native_place", ""))
    values["native_code"] = resolved.codes[0] if resolved.codes else ""
    values["native_today"] = resolved.names[0] if resolved.names else ""
    return values


@transaction.atomic
def save_record(values: dict[str, Any], *, record: MartyrRecord | None = None) -> MartyrRecord:
    """Add or edit a martyr's record; its native place is resolved to today's division."""
    now = timezone.now()
    values = _place({k: v for k, v in values.items() if k not in ("id", "line")})
    if record is None:
        record = MartyrRecord(created_at=now)
    for key, value in values.items():
        setattr(record, key, value)
    record.updated_at = now
    record.save()
    return record


@transaction.atomic
def attach_file(record: MartyrRecord, *, upload: Any, title: str, by: User) -> RecordFile:
    """A photo or document kept with the record; its type is read from its content."""
    try:
        _, extension = files.check(upload)
    except ValueError as exc:
        raise WorkflowError(str(exc)) from exc
    upload.name = f"record-{record.pk}.{extension}"
    return RecordFile.objects.create(
        record=record, file=upload, title=title[:120], uploaded_at=timezone.now(), uploaded_by=by
    )


def import_records(name: str, content: bytes) -> tuple[int, list[str]]:
    """A sheet of records, all or nothing: (rows written, the problems per row)."""
    try:
        parsed = sheets.parse(name, content, sheets.RECORD_COLUMNS, ("name",), sheets.check_record)
    except sheets.SheetError as exc:
        return 0, [str(exc)]
    if parsed.errors:
        return 0, parsed.errors
    now = timezone.now()
    rows = []
    for values in parsed.rows:
        values = _place({k: v for k, v in values.items() if k not in ("id", "line")})
        rows.append(MartyrRecord(created_at=now, updated_at=now, **values))
    with transaction.atomic():
        MartyrRecord.objects.bulk_create(rows, batch_size=2000)
    return len(rows), []


# --- families' requests --------------------------------------------------------------------


def _event(
    request: FamilyRequest,
    action: str,
    by: User | Actor,
    note: str = "",
    ticket: Ticket | None = None,
) -> None:
    label = by.label if isinstance(by, Actor) else (by.get_full_name() or by.username)
    RequestEvent.objects.create(
        request=request, at=timezone.now(), action=action, by=label[:80], note=note, ticket=ticket
    )


def _file(
    title: str,
    text: str,
    *,
    channel: str,
    by: User | Actor,
    unit: Unit,
    phone: str = "",
    name: str = "",
    category: str = SEARCH_CATEGORY.code,
) -> Ticket:
    spec = SEARCH_CATEGORY if category == SEARCH_CATEGORY.code else CHECK_CATEGORY
    # The programme files the work and sends it to the bureau, in the name of who asked for it.
    who = by.label if isinstance(by, Actor) else (by.get_full_name() or by.username)
    by = Actor(label=f"退役军人事务（{who}）", kind="system")
    return door.submit(
        door.Request(
            category=loading.ensure(spec),
            title=title[:100],
            description=text,
            channel=channel,
            phone=phone,
            name=name,
            request_type=spec.request_types[0],
            chooser="programme",
            unit=unit,
            note="退役军人事务：由本局办理",
        ),
        by=by,
    )


@transaction.atomic
def register_request(
    values: dict[str, Any], *, channel: str, by: User | Actor, ticket: Ticket | None = None
) -> FamilyRequest:
    """A family's request: filed as a ticket to the bureau (or linked to the 12345 call's ticket
    the agent names), stored, and matched at once."""
    phone = normalise_phone(values.get("phone", ""))
    if not phone:
        raise WorkflowError("请填写正确的联系电话。")
    names_text = values["ancestor_names"].strip()
    if not names_text:
        raise WorkflowError("请填写烈士姓名。")
    if ticket is None:
        text = (
            f"烈士寻亲登记：寻找 {names_text}，籍贯 {values.get('native_place') or '不详'}，"
            f"登记人为烈士{values.get('relation', '')}。{values.get('story', '')}"
        )
        ticket = _file(
            f"烈士寻亲：{names_text}",
            text,
            channel=Channel.HOTLINE if channel == FamilyRequest.Channel.HOTLINE else Channel.MOBILE,
            by=by,
            unit=bureau_for(),
            phone=phone,
            name=values.get("requester_name", ""),
        )
    resident = registry.remember(phone=phone, name=values.get("requester_name", ""))
    request = FamilyRequest.objects.create(
        ancestor_names=names_text,
        native_place=values.get("native_place", ""),
        birth_year=values.get("birth_year"),
        death_year=values.get("death_year"),
        unit=values.get("unit", ""),
        story=values.get("story", ""),
        requester_name=values.get("requester_name", ""),
        relation=values.get("relation", ""),
        resident=resident,
        channel=channel,
        ticket=ticket,
        created_at=timezone.now(),
    )
    _event(request, "registered", by, ticket=ticket)
    propose(request)
    return request


def as_query(request: FamilyRequest) -> Query:
    from minsheng.veterans.names import split_names

    return Query(
        id=str(request.pk),
        names=tuple(split_names(request.ancestor_names)),
        native_place=request.native_place,
        birth_year=request.birth_year,
        death_year=request.death_year,
        unit=request.unit,
        notes=request.story,
    )


@transaction.atomic
def propose(request: FamilyRequest) -> int:
    """Match the request against every record again: untouched proposals are replaced by the
    new top ten; candidates being worked, confirmed or rejected stay, and a rejected record is
    never proposed again for this request."""
    kept = set(
        request.candidates.exclude(state=Candidate.State.PROPOSED).values_list(
            "record_id", flat=True
        )
    )
    request.candidates.filter(state=Candidate.State.PROPOSED).delete()
    matcher = queries.matcher()
    exclude = frozenset((str(request.pk), str(r)) for r in kept)
    found = matcher.match([as_query(request)], top=TOP, exclude=exclude)[str(request.pk)]
    Candidate.objects.bulk_create(
        Candidate(
            request=request,
            record_id=int(c.record),
            rank=c.rank,
            score=c.score,
            weight=c.weight,
            reasons=[f.__dict__ for f in c.fields],
        )
        for c in found
    )
    return len(found)


def _finish_step(ticket: Ticket | None, text: str, *, by: User) -> None:
    """The bureau's handler takes and answers the step's ticket."""
    if ticket is None:
        return
    ticket.refresh_from_db()
    if ticket.status == Status.DISPATCHED:
        workflow.accept(ticket, by=by)
    if ticket.status == Status.ACCEPTED:
        workflow.reply(ticket, by=by, text=text)


def _step(candidate: Candidate, title: str, text: str, *, by: User) -> Ticket:
    request = candidate.request
    record = candidate.record
    return _file(
        f"{title}：{record.name}（寻亲登记 #{request.pk}）",
        f"{text}\n烈士记录 #{record.pk} {record.name}，籍贯 {record.native_place}；"
        f"家属登记：{request.ancestor_names}，{request.native_place}。",
        channel=Channel.OFFLINE,
        by=by,
        unit=bureau_for(record.native_code),
    )


def _locked(candidate: Candidate, *states: str) -> Candidate:
    c = (
        Candidate.objects.select_for_update()
        .select_related("request", "record")
        .get(pk=candidate.pk)
    )
    if c.state not in states:
        raise WorkflowError(f"该候选当前为“{c.get_state_display()}”，不能进行此操作。")
    return c


@transaction.atomic
def start_verification(candidate: Candidate, *, by: User) -> Candidate:
    """Candidate → evidence to be collected: a ticket to the bureau of the record's county."""
    c = _locked(candidate, Candidate.State.PROPOSED)
    c.ticket = _step(
        c, "收集核实证据", "请调取档案、走访知情人，收集该烈士与登记家属关系的证据。", by=by
    )
    c.state = Candidate.State.VERIFYING
    c.save()
    FamilyRequest.objects.filter(pk=c.request_id, stage=Stage.REGISTERED).update(
        stage=Stage.VERIFYING
    )
    _event(c.request, "verifying", by, f"候选：{c.record.name}（#{c.record_id}）", c.ticket)
    return c


@transaction.atomic
def record_evidence(candidate: Candidate, *, text: str, by: User) -> Candidate:
    """Evidence collected: its ticket answered, and a review by the bureau filed."""
    if not text.strip():
        raise WorkflowError("请填写收集到的证据。")
    c = _locked(candidate, Candidate.State.VERIFYING)
    _finish_step(c.ticket, f"证据已收集：{text}", by=by)
    c.ticket = _step(c, "局审核确认", f"请审核证据并确认：{text}", by=by)
    c.state = Candidate.State.REVIEWING
    c.save()
    _event(c.request, "evidence", by, text, c.ticket)
    return c


@transaction.atomic
def confirm(candidate: Candidate, *, note: str, by: User) -> Candidate:
    """The bureau confirms: the family is told by SMS, and a 祭扫 arrangement is filed."""
    c = _locked(candidate, Candidate.State.REVIEWING)
    _finish_step(c.ticket, f"经审核确认：{note or '证据充分'}", by=by)
    c.state = Candidate.State.CONFIRMED
    request = c.request
    record = c.record
    _event(request, "confirmed", by, note, c.ticket)
    body = (
        f"【退役军人事务局】您登记寻找的{request.ancestor_names}，经核实为烈士{record.name}"
        f"（{record.native_today or record.native_place}），"
        f"{'安葬于' + record.burial_place + '，' if record.burial_place else ''}"
        "工作人员将与您联系安排祭扫。"
    )
    delivery.enqueue(
        [
            delivery.Message(
                kind="veterans_found",
                channel=Notification.Channel.SMS,
                body=body,
                dedupe_key=f"veterans:found:{c.pk}",
                phone=request.resident.phone,
            )
        ]
    )
    notice = _step(c, "告知家属", f"已短信告知家属：{body}", by=by)
    _finish_step(notice, "已短信告知家属。", by=by)
    _event(request, "notified", by, body, notice)
    c.ticket = _step(c, "祭扫安排", "请与家属商定祭扫时间、地点和陪同人员。", by=by)
    c.save()
    request.stage = Stage.NOTIFIED
    request.save(update_fields=["stage"])
    return c


@transaction.atomic
def arrange_memorial(candidate: Candidate, *, text: str, by: User) -> Candidate:
    """The 祭扫 is arranged: its ticket answered, the request at its last stage."""
    if not text.strip():
        raise WorkflowError("请填写祭扫安排（时间、地点）。")
    c = _locked(candidate, Candidate.State.CONFIRMED)
    _finish_step(c.ticket, f"祭扫安排：{text}", by=by)
    FamilyRequest.objects.filter(pk=c.request_id).update(stage=Stage.ARRANGED)
    _event(c.request, "arranged", by, text, c.ticket)
    return c


@transaction.atomic
def reject(candidate: Candidate, *, reason: str, by: User) -> Candidate:
    """Not the family's martyr: remembered, never proposed again for this request."""
    if not reason.strip():
        raise WorkflowError("请填写排除理由。")
    c = _locked(
        candidate, Candidate.State.PROPOSED, Candidate.State.VERIFYING, Candidate.State.REVIEWING
    )
    _finish_step(c.ticket, f"经核实排除：{reason}", by=by)
    c.state = Candidate.State.REJECTED
    c.reject_reason = reason[:200]
    c.save()
    _event(c.request, "rejected", by, f"{c.record.name}（#{c.record_id}）：{reason}")
    return c


# --- beneficiaries and registers -----------------------------------------------------------


def import_beneficiaries(name: str, content: bytes) -> tuple[int, list[str]]:
    """A county's beneficiary list, all or nothing; a known (ID, county) is updated."""
    try:
        parsed = sheets.parse(
            name,
            content,
            sheets.BENEFICIARY_COLUMNS,
            ("name", "id_number", "kind", "county_code"),
            sheets.check_beneficiary,
        )
    except sheets.SheetError as exc:
        return 0, [str(exc)]
    if parsed.errors:
        return 0, parsed.errors
    with transaction.atomic():
        for values in parsed.rows:
            values.pop("line")
            Beneficiary.objects.update_or_create(
                id_number=values.pop("id_number"),
                county_code=values.pop("county_code"),
                defaults=values,
            )
    return len(parsed.rows), []


def import_register(name: str, content: bytes) -> tuple[int, list[str]]:
    """Register lines (deaths, moves, closed accounts, payments), all or nothing."""
    try:
        parsed = sheets.parse(
            name, content, sheets.REGISTER_COLUMNS, ("kind", "date"), sheets.check_register
        )
    except sheets.SheetError as exc:
        return 0, [str(exc)]
    if parsed.errors:
        return 0, parsed.errors
    now = timezone.now()
    with transaction.atomic():
        RegisterEntry.objects.bulk_create(
            RegisterEntry(imported_at=now, **{k: v for k, v in values.items() if k != "line"})
            for values in parsed.rows
        )
    return len(parsed.rows), []


@transaction.atomic
def run_checks(*, now: datetime | None = None) -> int:
    """Check every active beneficiary; each new discrepancy becomes a ticket to the bureau of
    the beneficiary's county with its evidence. Returns the number of new findings."""
    now = now or timezone.now()
    people = [
        checks.Person(
            b.pk,
            b.name,
            b.id_number,
            b.kind,
            b.county_code,
            b.account,
            b.martyr_id,
            b.martyr_name,
            b.active,
        )
        for b in Beneficiary.objects.filter(active=True)
    ]
    entries = [
        checks.Entry(e.kind, e.on, e.id_number, e.account, e.data)
        for e in RegisterEntry.objects.all()
    ]
    martyrs = dict(MartyrRecord.objects.values_list("pk", "name"))
    known = set(Finding.objects.values_list("beneficiary_id", "kind", "key"))
    people_by_id = {b.pk: b for b in Beneficiary.objects.filter(active=True)}
    new = 0
    for found in checks.run(people, entries, martyrs):
        if (found.beneficiary, found.kind, found.key) in known:
            continue
        b = people_by_id[found.beneficiary]
        evidence = "；".join(f"{k}：{v}" for k, v in found.evidence.items())
        ticket = _file(
            f"优抚对象数据核查：{found.label}",
            f"优抚对象 {b.name}（{b.get_kind_display()}，身份证号 {checks.mask_id(b.id_number)}，"
            f"月补助 {b.allowance} 元）：{found.label}。{evidence}。请核实后更正、确认或停发。",
            channel=Channel.PROACTIVE,
            by=SYSTEM,
            unit=bureau_for(b.county_code),
            category=CHECK_CATEGORY.code,
        )
        Finding.objects.create(
            beneficiary=b,
            kind=found.kind,
            key=found.key[:80],
            evidence=found.evidence,
            ticket=ticket,
            found_at=now,
        )
        known.add((found.beneficiary, found.kind, found.key))
        new += 1
    return new


def run_checks_due(*, limit: int = 0) -> int:
    """The worker's daily check."""
    return run_checks()


@transaction.atomic
def settle(finding: Finding, *, outcome: str, note: str, by: User) -> Finding:
    """Record the outcome (corrected, confirmed, stopped); stopping ends the allowance."""
    if outcome not in Finding.Outcome.values:
        raise WorkflowError("请选择处理结果。")
    f = Finding.objects.select_for_update().select_related("beneficiary").get(pk=finding.pk)
    if f.outcome:
        raise WorkflowError("该问题已办结。")
    f.outcome, f.outcome_note, f.settled_at = outcome, note[:200], timezone.now()
    _finish_step(f.ticket, f"核查结果：{f.get_outcome_display()}。{note}", by=by)
    f.save()
    if outcome == Finding.Outcome.STOPPED:
        Beneficiary.objects.filter(pk=f.beneficiary_id).update(active=False)
    return f


@transaction.atomic
def reveal_id(beneficiary: Beneficiary, *, by: User) -> str:
    """The full ID number, for the bureau only, each sight recorded."""
    registry.record_reveal(
        user=by, kind="id_number", subject=f"优抚对象 #{beneficiary.pk}", reason="优抚对象数据核查"
    )
    return beneficiary.id_number


def bulk_records(rows: Iterable[dict[str, Any]]) -> int:
    """Records in bulk (the demo): native places resolved, one insert."""
    now = timezone.now()
    made = [MartyrRecord(created_at=now, updated_at=now, **_place(dict(r))) for r in rows]
    with transaction.atomic():
        MartyrRecord.objects.bulk_create(made, batch_size=2000)
    return len(made)
