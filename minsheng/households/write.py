"""Every write of the households programme, each in one transaction.

Clues from every door end in `add_clue`; a clue about a household without an open case opens
an identification case, whose steps are filed as proactive tickets through `intake.door` and
answered through `tickets.workflow` when the step is done.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.citizens.registry import record_reveal
from minsheng.households import procedure, queries, rules
from minsheng.households.catalogue import BY_CODE
from minsheng.households.models import (
    MONITORED,
    Case,
    Clue,
    Household,
    HouseholdStatus,
    Measure,
    Member,
    MonthAccount,
    Parameters,
    Payment,
    StatusEvent,
    Step,
)
from minsheng.intake import door
from minsheng.notifications import delivery
from minsheng.notifications.models import Notification
from minsheng.orgs.models import Unit
from minsheng.sla.deadlines import official_calendar
from minsheng.taxonomy.loading import ensure
from minsheng.tickets import workflow
from minsheng.tickets.models import Channel, Status, Ticket, Urgency
from minsheng.tickets.transitions import Actor, WorkflowError

PROGRAMME = Actor(label="防返贫监测", kind="system")
logger = logging.getLogger(__name__)


class Refused(Exception):
    """Nothing was written; the message says why, in Chinese."""


def _who(by: User | str) -> str:
    if isinstance(by, str):
        return by[:60]
    return (by.get_full_name() or by.get_username())[:60]


# --- register ------------------------------------------------------------------------------


@dataclass
class MemberIn:
    name: str
    id_number: str
    relation: str = "户主"
    birth_year: int | None = None
    labour: str = rules.LABOUR_FULL
    disability: str = ""
    illness: str = ""
    schooling: str = ""


@dataclass
class HouseholdIn:
    code: str
    village: Unit
    head_name: str
    phone: str = ""
    residence_village: Unit | None = None
    status: str = HouseholdStatus.GENERAL
    members: list[MemberIn] = field(default_factory=list)


@transaction.atomic
def register(rows: list[HouseholdIn], *, by: User | str, at: datetime | None = None) -> int:
    """Create or update households and their members (an import: all rows or none)."""
    at = at or timezone.now()
    for row in rows:
        household, created = Household.objects.update_or_create(
            code=row.code,
            defaults={
                "village": row.village,
                "head_name": row.head_name,
                "phone": row.phone,
                "residence_village": row.residence_village,
            },
        )
        if created or household.status != row.status:
            _set_status(household, row.status, by=by, at=at, note="登记导入")
        for m in row.members:
            Member.objects.update_or_create(
                id_number=m.id_number,
                defaults={
                    "household": household,
                    "name": m.name,
                    "relation": m.relation,
                    "birth_year": m.birth_year,
                    "labour": m.labour,
                    "disability": m.disability,
                    "illness": m.illness,
                    "schooling": m.schooling,
                },
            )
    return len(rows)


def _set_status(
    household: Household, status: str, *, by: User | str, at: datetime, note: str
) -> None:
    StatusEvent.objects.create(household=household, status=status, at=at, by=_who(by), note=note)
    Household.objects.filter(pk=household.pk).update(status=status)
    household.refresh_from_db(fields=["status"])


@dataclass
class MonthsIn:
    household: Household
    months: list[rules.Month] = field(default_factory=list)


@transaction.atomic
def save_accounts(batches: list[MonthsIn], *, by: User | str) -> int:
    """Monthly accounts of many households (a file: all or none); a month entered is replaced."""
    for batch in batches:
        save_months(batch.household, batch.months)
    logger.info("monthly accounts saved by %s: %d households", _who(by), len(batches))
    return sum(len(b.months) for b in batches)


@transaction.atomic
def save_months(household: Household, months: list[rules.Month]) -> None:
    for m in months:
        MonthAccount.objects.update_or_create(
            household=household,
            month=m.month,
            defaults={f: getattr(m, f) for f in rules.Month.__dataclass_fields__ if f != "month"},
        )


@transaction.atomic
def save_parameters(jurisdiction: Unit, params: rules.Params, *, by: User | str) -> Parameters:
    """Create or replace a jurisdiction's parameters for one year, after the rules' checks."""
    problems = rules.params_problems(params)
    if problems:
        raise Refused("；".join(problems))
    fields = {f: getattr(params, f) for f in rules.Params.__dataclass_fields__ if f != "year"}
    row, _ = Parameters.objects.update_or_create(
        jurisdiction=jurisdiction, year=params.year, defaults=fields
    )
    logger.info("parameters %s %s saved by %s", jurisdiction.code, params.year, _who(by))
    return row


@transaction.atomic
def reveal_ids(household: Household, *, user: User, reason: str) -> list[Member]:
    """The members with their full ID numbers, each reveal recorded in the same transaction."""
    if not reason.strip():
        raise Refused("查看完整身份证号须填写事由")
    members = list(household.members.all())
    for m in members:
        record_reveal(
            user=user, kind="id_number", subject=f"户{household.code}·{m.name}", reason=reason
        )
    return members


# --- clues ---------------------------------------------------------------------------------


@dataclass
class ClueIn:
    village: Unit
    source: str
    text: str
    cause: str = ""
    household: Household | None = None
    member: Member | None = None
    feed: str = ""
    name: str = ""
    phone: str = ""
    amount: Decimal | None = None
    checklist: list[str] = field(default_factory=list)
    flagged: bool = True
    ticket: Ticket | None = None


def find_household(village: Unit, *, name: str, phone: str) -> Household | None:
    """The registered household a self-report is about: same phone, or same head in the village."""
    if phone:
        found = Household.objects.filter(phone=phone).first()
        if found:
            return found
    return Household.objects.filter(village=village, head_name=name).first() if name else None


@transaction.atomic
def add_clue(data: ClueIn, *, by: User | str, at: datetime | None = None) -> Clue:
    """Keep a clue; merge it into the household's open clue; open identification when due.

    A self-report about nobody registered opens a provisional household (待建档) so the
    village's home check has something to check.
    """
    at = at or timezone.now()
    text = (data.text or "").strip()
    if not text:
        raise Refused("请填写遇到的困难")
    household = data.household
    if household is None and data.source in (Clue.Source.SELF, Clue.Source.HOTLINE):
        household = find_household(data.village, name=data.name, phone=data.phone)
        if household is None:
            household = _provisional(data, at=at, by=by)
    clue = Clue(
        household=household,
        member=data.member,
        village=household.village if household else data.village,
        source=data.source,
        feed=data.feed,
        cause=data.cause or rules.guess_cause(text),
        name=data.name[:40],
        phone=data.phone[:20],
        text=text[:500],
        amount=data.amount,
        checklist=data.checklist,
        flagged=data.flagged,
        received_at=at,
        ticket=data.ticket,
    )
    opening = False
    if household is not None and data.flagged:
        running = household.cases.filter(state=Case.State.OPEN).first()
        head = Clue.objects.filter(household=household, merged_into=None, flagged=True).first()
        if running is not None or household.status in MONITORED:
            # Merged: the household is already being checked or followed.
            clue.merged_into = head
            clue.case = running if running and running.kind == procedure.IDENTIFY else None
        else:
            opening = True
    clue.save()
    if opening and household is not None:
        clue.case = open_case(
            household,
            kind=procedure.IDENTIFY,
            cause=clue.cause,
            by=by,
            at=at,
            green=clue.cause in ("disaster", "accident"),
        )
        clue.save(update_fields=["case"])
    return clue


def _provisional(data: ClueIn, *, at: datetime, by: User | str) -> Household:
    n = Household.objects.filter(code__startswith=f"{data.village.code}-S").count() + 1
    household = Household.objects.create(
        code=f"{data.village.code}-S{n:04d}",
        village=data.village,
        head_name=(data.name or "待核实")[:40],
        phone=data.phone[:20],
    )
    _set_status(household, HouseholdStatus.GENERAL, by=by, at=at, note="自主申报，待建档")
    return household


def recompute(*, today: date | None = None, by: str = "收支监测") -> int:
    """Month-end recompute: every household with accounts, neither monitored nor in a case,
    whose accounts now meet a trigger becomes a clue (one transaction per household)."""
    today = today or timezone.localdate()
    made = 0
    rows = (
        Household.objects.filter(months__isnull=False)
        .exclude(status__in=MONITORED)
        .exclude(cases__state=Case.State.OPEN)
        .distinct()
        .select_related("village")
    )
    for household in rows.iterator(chunk_size=500):
        found = queries.flags_for(household, today)
        if not found:
            continue
        add_clue(
            ClueIn(
                village=household.village,
                household=household,
                source=Clue.Source.ACCOUNTS,
                cause="illness" if rules.FLAG_MEDICAL in found else "other",
                text="；".join(rules.FLAG_LABELS[f] for f in found),
            ),
            by=by,
        )
        made += 1
    return made


# --- cases and steps -----------------------------------------------------------------------


def open_case(
    household: Household,
    *,
    kind: str,
    cause: str,
    by: User | str,
    at: datetime,
    green: bool = False,
    target: str = "",
) -> Case:
    """Open identification or elimination with its deadlines, and file its first step."""
    if household.cases.filter(state=Case.State.OPEN).exists():
        raise Refused("该户已有办理中的认定或消除程序")
    params = queries.params_for(household, at.year)
    if kind == procedure.ELIMINATE:
        failing = queries.elimination_failures(household, at.date(), params=params)
        if failing:
            raise Refused("不能启动风险消除：" + "；".join(rules.CHECK_LABELS[f] for f in failing))
    due = procedure.deadlines(
        timezone.localdate(at),
        official_calendar(),
        home_check_workdays=params.home_check_workdays,
        decision_workdays=params.decision_workdays,
    )
    case = Case.objects.create(
        household=household,
        kind=kind,
        cause=cause,
        target=target,
        green_channel=green,
        opened_at=at,
        home_check_due=due.home_check,
        decision_due=due.decision,
    )
    _start_step(case, procedure.HOME_CHECK, at=at)
    return case


@transaction.atomic
def open_elimination(household: Household, *, by: User | str, at: datetime | None = None) -> Case:
    last = household.cases.filter(kind=procedure.IDENTIFY, state=Case.State.APPROVED).first()
    return open_case(
        household,
        kind=procedure.ELIMINATE,
        cause=last.cause if last else "other",
        by=by,
        at=at or timezone.now(),
    )


def _start_step(case: Case, kind: str, *, at: datetime) -> Step:
    limits = procedure.Due(case.home_check_due, case.decision_due, False)
    params = queries.params_for(case.household, at.year)
    due = procedure.step_due(
        kind,
        timezone.localdate(at),
        limits,
        official_calendar(),
        notice_days=params.notice_days,
    )
    step = Step.objects.create(case=case, kind=kind, due=due, started_at=at)
    step.ticket = _file(step)
    step.save(update_fields=["ticket"])
    return step


def _file(step: Step) -> Ticket:
    """The step as a proactive ticket to the unit that must act (no ID numbers in its text)."""
    from minsheng.households.apps import STEP_CATEGORY

    case = step.case
    household = case.household
    place = household.lives_in
    kind = procedure.STEPS[step.kind]
    unit = {
        "village": place,
        "township": place.ancestor_of_kind(Unit.Kind.TOWNSHIP, Unit.Kind.STREET),
        "county": place.ancestor_of_kind(Unit.Kind.DISTRICT, Unit.Kind.CITY),
    }[kind.level] or place
    label = case.get_kind_display()
    return door.submit(
        door.Request(
            category=ensure(STEP_CATEGORY),
            channel=Channel.PROACTIVE,
            title=f"{label}·{kind.label}：{household.code}",
            description=(
                f"防返贫{label}，户编号 {household.code}（{place.name}），"
                f"请于 {step.due:%Y-%m-%d} 前完成“{kind.label}”。"
                + ("绿色通道：先帮扶后认定。" if case.green_channel else "")
            ),
            urgency=Urgency.URGENT
            if case.green_channel and step.kind == "home_check"
            else "normal",
            place=place,
            chooser="programme",
            unit=unit,
            note=f"{kind.label}（时限 {step.due:%Y-%m-%d}）",
        ),
        by=PROGRAMME,
    )


@dataclass
class StepResult:
    passed: bool
    note: str = ""
    authorised: bool = False
    rigid_resolved: bool | None = None
    guarantees: bool | None = None
    water: bool | None = None
    target: str = ""


@transaction.atomic
def complete_step(
    step: Step, result: StepResult, *, by: User | str, at: datetime | None = None
) -> Case:
    """Record the step's outcome, answer its ticket, and start the next step or decide."""
    at = at or timezone.now()
    step = Step.objects.select_for_update().select_related("case__household").get(pk=step.pk)
    case = step.case
    if step.done_at is not None or case.state != Case.State.OPEN:
        raise Refused("该步骤已经办结")
    params = queries.params_for(case.household, at.year)
    if step.kind == procedure.HOME_CHECK:
        if result.authorised:
            case.authorised_at = case.authorised_at or at
        for name in ("rigid_resolved", "guarantees", "water"):
            if getattr(result, name) is not None:
                setattr(case, name, getattr(result, name))
        if result.target:
            case.target = result.target
    reason = procedure.refusal(
        case.kind,
        step.kind,
        authorised=case.authorised_at is not None,
        notice_started=timezone.localdate(step.started_at)
        if step.kind == procedure.NOTICE
        else None,
        today=timezone.localdate(at),
        days=params.notice_days,
    )
    if reason and result.passed:
        raise Refused(reason)
    if not result.passed and not result.note.strip():
        raise Refused("未通过时须写明理由（将告知申请人）")
    if (
        case.kind == procedure.IDENTIFY
        and result.passed
        and step.kind == procedure.COUNTY_APPROVAL
        and case.target not in MONITORED
    ):
        raise Refused("请在入户核实时选择拟认定的监测对象类型")
    step.done_at, step.done_by, step.passed, step.note = (
        at,
        _who(by),
        result.passed,
        result.note[:300],
    )
    step.save()
    _answer(step, by=by, at=at)
    case.save()
    if not result.passed:
        _decide(case, approved=False, reason=result.note, by=by, at=at)
        return case
    done = list(case.steps.filter(done_at__isnull=False).values_list("kind", flat=True))
    following = procedure.next_step(case.kind, done)
    if following is None:
        _decide(case, approved=True, reason=result.note, by=by, at=at)
    else:
        _start_step(case, following, at=at)
    return case


@transaction.atomic
def note_step(step: Step, note: str) -> None:
    """Keep on an open step why an answer on its ticket could not complete it."""
    Step.objects.filter(pk=step.pk, done_at__isnull=True).update(note=note[:300])


def _answer(step: Step, *, by: User | str, at: datetime) -> None:
    """Answer the step's ticket as the person who did the step (签收 + 答复), when they hold a
    unit role over it; otherwise the unit answers it on the ticket page, as any other ticket."""
    ticket = step.ticket
    if ticket is None or isinstance(by, str):
        return
    ticket.refresh_from_db()
    # A timeline never runs ahead of the clock, even for a step dated later (the demo's walks).
    at = min(at, timezone.now())
    text = f"{step.get_kind_display()}：{'通过' if step.passed else '未通过'}。{step.note}".strip()
    try:
        if ticket.status == Status.DISPATCHED:
            workflow.accept(ticket, by=by, at=at)
            ticket.refresh_from_db()
        if ticket.status == Status.ACCEPTED:
            workflow.reply(ticket, by=by, text=text, at=at)
    except WorkflowError as error:
        logger.info(
            "step %s done; its ticket %s left to its unit: %s", step.pk, ticket.number, error
        )


def _decide(case: Case, *, approved: bool, reason: str, by: User | str, at: datetime) -> None:
    household = case.household
    if approved and case.kind == procedure.ELIMINATE:
        failing = queries.elimination_failures(household, at.date())
        if failing:
            raise Refused("不能标注风险消除：" + "；".join(rules.CHECK_LABELS[f] for f in failing))
    case.state = Case.State.APPROVED if approved else Case.State.REFUSED
    case.decided_at, case.reason = at, reason[:300]
    case.save()
    if approved:
        status = case.target if case.kind == procedure.IDENTIFY else HouseholdStatus.ELIMINATED
        _set_status(household, status, by=by, at=at, note=case.get_kind_display())
    _tell_applicant(case, at=at)


def _tell_applicant(case: Case, *, at: datetime) -> None:
    """The result of an identification goes back to the household by SMS, with the reason
    when refused (甘肃: within 5 working days of the home check)."""
    household = case.household
    if case.kind != procedure.IDENTIFY or not household.phone:
        return
    if case.state == Case.State.APPROVED:
        body = f"您家已纳入防返贫监测（{case.get_target_display()}），村里将与您商定帮扶措施。"
    else:
        body = f"您家的防返贫监测申报经核实未纳入。理由：{case.reason}。如有异议可拨打12345。"
    delivery.enqueue(
        [
            delivery.Message(
                kind="households_result",
                channel=Notification.Channel.SMS,
                body=body,
                dedupe_key=f"households-case-{case.pk}",
                phone=household.phone,
            )
        ],
        at=at,
    )


# --- help ----------------------------------------------------------------------------------


@transaction.atomic
def add_measure(
    household: Household,
    *,
    kind: str,
    start: date,
    by: User | str,
    end: date | None = None,
    expected_income: Decimal = Decimal(0),
    note: str = "",
    department: str = "",
    at: datetime | None = None,
) -> Measure:
    if kind not in BY_CODE:
        raise Refused("请选择目录中的帮扶措施")
    if end is not None and end < start:
        raise Refused("结束日期不能早于开始日期")
    return Measure.objects.create(
        household=household,
        kind=kind,
        department=department or BY_CODE[kind].department,
        start=start,
        end=end,
        expected_income=expected_income,
        note=note[:200],
        created_at=at or timezone.now(),
        created_by=_who(by),
    )


@transaction.atomic
def add_payment(
    household: Household,
    *,
    fund: str,
    amount: Decimal,
    paid_on: date,
    by: User | str,
    note: str = "",
) -> Payment:
    if amount <= 0:
        raise Refused("金额须大于零")
    return Payment.objects.create(
        household=household,
        fund=fund,
        amount=amount,
        paid_on=paid_on,
        note=note[:200],
        created_by=_who(by),
    )
