"""The write module of project lists: every change here, each in one transaction, each change of
state also an `Event`. Campaigns are written by `minsheng.projects.inspections`.

Tickets enter through `minsheng.intake.door` and change through `minsheng.tickets.workflow`:
an overdue milestone files a 督办 ticket to the owner; a project settles its tickets by
replying on them with a reply that names the project.
"""

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.citizens import registry
from minsheng.citizens.masking import normalise_phone
from minsheng.citizens.models import Resident
from minsheng.intake import door
from minsheng.notifications import delivery
from minsheng.orgs.models import Unit
from minsheng.projects import rules
from minsheng.projects.apps import MILESTONE_CATEGORY
from minsheng.projects.models import (
    Disbursement,
    Evaluation,
    Event,
    Funding,
    Kpi,
    Milestone,
    Photo,
    Project,
    ProjectList,
    ProjectTicket,
    Proposal,
    Report,
    Support,
)
from minsheng.projects.rules import RuleError
from minsheng.residents import photos
from minsheng.sla.deadlines import official_calendar
from minsheng.sla.models import DeadlinePolicy
from minsheng.taxonomy.loading import ensure
from minsheng.tickets import workflow
from minsheng.tickets.models import Channel, Status, Ticket
from minsheng.tickets.transitions import Actor, WorkflowError

CHASER = Actor(label="民生实事督办", kind="system")
BAD_PHONE = "请输入正确的手机号码。"
MAX_PROPOSALS = 5  # per phone and list: a list is for many voices


def _actor(by: User | Actor) -> str:
    if isinstance(by, Actor):
        return by.label[:60]
    return (by.get_full_name() or by.username)[:60]


def _event(by: User | Actor, action: str, label: str, *, note: str = "", **on: object) -> Event:
    return Event.objects.create(
        action=action, label=label, note=note[:500], actor=_actor(by), at=timezone.now(), **on
    )


def _text(value: str, label: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleError(f"请填写{label}。")
    if len(value) > limit:
        raise RuleError(f"{label}不能超过 {limit} 字。")
    return value


def keep_photo(raw: bytes) -> Photo:
    """Clean an uploaded photo (re-encoded, metadata dropped) and keep it."""
    try:
        photo = photos.clean(raw)
    except photos.PhotoError as error:
        raise RuleError(str(error)) from error
    return Photo.objects.create(
        data=photo.data,
        content_type=photo.content_type,
        width=photo.width,
        height=photo.height,
        at=timezone.now(),
    )


def _resident(phone: str, name: str = "") -> Resident:
    number = normalise_phone(phone or "")
    if not number:
        raise RuleError(BAD_PHONE)
    return registry.remember(phone=number, name=(name or "").strip()[:40])


# --- lists and proposals -----------------------------------------------------------------------


@transaction.atomic
def open_list(*, unit: Unit, year: int, title: str, by: User) -> ProjectList:
    """Open a jurisdiction's list for a year: residents may now propose."""
    if ProjectList.objects.filter(unit=unit, year=year).exists():
        raise RuleError(f"{unit.name}{year}年的实事清单已经存在。")
    plist = ProjectList.objects.create(
        unit=unit,
        year=year,
        title=_text(title, "清单名称", 120),
        created_at=timezone.now(),
    )
    _event(by, "open", "开始征集", plist=plist)
    return plist


@transaction.atomic
def move_list(plist: ProjectList, action: str, *, by: User, note: str = "") -> None:
    """Submit for review, return for changes, or publish (公布)."""
    locked = ProjectList.objects.select_for_update().get(pk=plist.pk)
    target = rules.move(rules.LIST_MOVES, action, locked.state)
    if action == "publish" and not locked.projects.exists():
        raise RuleError("清单里还没有项目，不能公布。")
    changes: dict[str, object] = {"state": target}
    if target == ProjectList.State.PUBLISHED:
        changes["published_at"] = timezone.now()
        locked.proposals.filter(state=Proposal.State.OPEN).update(
            state=Proposal.State.DECLINED, answer="本年度未纳入清单，已转相关部门研究。"
        )
    ProjectList.objects.filter(pk=locked.pk).update(**changes)
    _event(by, action, rules.LIST_MOVES[action][2], note=note, plist=locked)
    plist.refresh_from_db()


@transaction.atomic
def propose(
    plist: ProjectList, *, title: str, text: str, phone: str, name: str = "", place: Unit | None
) -> Proposal:
    """A resident's proposal (群众点单), while the list is open."""
    if plist.state != ProjectList.State.DRAFTING:
        raise RuleError("这份清单已停止征集。")
    resident = _resident(phone, name)
    if plist.proposals.filter(resident=resident).count() >= MAX_PROPOSALS:
        raise RuleError(f"每个手机号在一份清单中最多提 {MAX_PROPOSALS} 条提议。")
    return Proposal.objects.create(
        plist=plist,
        title=_text(title, "标题", 100),
        text=_text(text, "内容", 2000),
        source=Proposal.Source.RESIDENT,
        resident=resident,
        place=place,
        created_at=timezone.now(),
    )


@transaction.atomic
def support(proposal: Proposal, *, phone: str) -> bool:
    """One resident supports a proposal (附议); False when this phone had already."""
    if proposal.plist.state != ProjectList.State.DRAFTING:
        raise RuleError("这份清单已停止征集。")
    resident = _resident(phone)
    _, made = Support.objects.get_or_create(
        proposal=proposal, resident=resident, defaults={"at": timezone.now()}
    )
    return made


@transaction.atomic
def add_candidate(
    plist: ProjectList,
    *,
    source: str,
    key: str,
    title: str,
    text: str,
    tickets: Iterable[Ticket],
    place: Unit | None = None,
) -> Proposal:
    """A hotspot or 每月一题 proposed as a candidate, its tickets attached; once per source."""
    proposal, made = Proposal.objects.get_or_create(
        plist=plist,
        source=source,
        source_key=key[:120],
        defaults={
            "title": title[:100],
            "text": text[:2000] or title[:100],
            "place": place,
            "created_at": timezone.now(),
        },
    )
    if made:
        proposal.tickets.set(list(tickets))
    return proposal


@transaction.atomic
def decide_proposal(proposal: Proposal, *, adopt: bool, answer: str, by: User) -> None:
    """Decline a proposal with an answer (adoption happens by making a project of it)."""
    if adopt:
        raise RuleError("请通过“立项”纳入提议。")
    Proposal.objects.filter(pk=proposal.pk).update(
        state=Proposal.State.DECLINED, answer=_text(answer, "答复", 300)
    )
    _event(by, "decline", "未纳入提议", note=proposal.title, plist=proposal.plist)


# --- projects ----------------------------------------------------------------------------------


@transaction.atomic
def add_project(
    plist: ProjectList,
    *,
    title: str,
    owner: Unit,
    by: User | Actor,
    summary: str = "",
    co_units: Iterable[Unit] = (),
    due: date | None = None,
    proposal: Proposal | None = None,
    number: int | None = None,
) -> Project:
    """Put a project on a list not yet published, from a proposal or not."""
    if plist.state == ProjectList.State.PUBLISHED:
        raise RuleError("清单已公布，不能再增加项目。")
    taken = set(plist.projects.values_list("number", flat=True))
    if number is None:
        number = max(taken, default=0) + 1
    elif number in taken:
        raise RuleError(f"序号 {number} 已被占用。")
    project = Project.objects.create(
        plist=plist,
        number=number,
        proposal=proposal,
        title=_text(title, "项目名称", 120),
        summary=_text(summary, "主要内容", 2000, required=False),
        owner=owner,
        due=due,
        created_at=timezone.now(),
    )
    project.co_units.set([u for u in co_units if u.pk != owner.pk])
    if proposal is not None:
        Proposal.objects.filter(pk=proposal.pk).update(
            state=Proposal.State.ADOPTED, answer=f"已纳入{plist.title}：{project.title}"
        )
        ProjectTicket.objects.bulk_create(
            [
                ProjectTicket(project=project, ticket=t, role=ProjectTicket.Role.PROMPTED)
                for t in proposal.tickets.all()
            ],
            ignore_conflicts=True,
        )
    _event(by, "add", "立项", note=project.title, project=project, plist=plist)
    return project


@transaction.atomic
def move_project(project: Project, action: str, *, by: User, note: str = "") -> None:
    """Start (开工), finish (完成) or cancel (撤销) a project."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    target = rules.move(rules.PROJECT_MOVES, action, locked.state)
    if action != "start" and locked.plist.state != ProjectList.State.PUBLISHED:
        raise RuleError("清单公布后才能完成或撤销项目。")
    today = timezone.localdate()
    changes: dict[str, object] = {"state": target}
    if action == "start":
        changes["started_on"] = today
    if action == "finish":
        if locked.milestones.filter(done_on__isnull=True).exists():
            raise RuleError("还有未完成的节点，不能完成项目。")
        changes["finished_on"] = today
    if action == "cancel":
        note = _text(note, "撤销理由", 500)
    Project.objects.filter(pk=locked.pk).update(**changes)
    _event(by, action, rules.PROJECT_MOVES[action][2], note=note, project=locked)
    project.refresh_from_db()


@transaction.atomic
def add_funding(project: Project, *, source: str, amount: object, by: User | Actor) -> Funding:
    funding = Funding.objects.create(
        project=project,
        source=_text(source, "资金来源", 40),
        amount=rules.money(amount, "金额"),
    )
    _event(by, "fund", "落实资金", note=f"{funding.source} {funding.amount} 元", project=project)
    return funding


@transaction.atomic
def disburse(funding: Funding, *, amount: object, on: date, note: str, by: User) -> Disbursement:
    """Pay out of a funding line; never more than the line holds."""
    value = rules.money(amount, "拨付金额")
    if value <= 0:
        raise RuleError("拨付金额应大于零。")
    locked = Funding.objects.select_for_update().get(pk=funding.pk)
    paid = sum((d.amount for d in locked.disbursements.all()), Decimal(0))
    if paid + value > locked.amount:
        raise RuleError(f"拨付合计将超过该来源的资金（{locked.amount} 元）。")
    row = Disbursement.objects.create(
        funding=locked, amount=value, on=on, note=_text(note, "用途", 200, required=False)
    )
    _event(by, "disburse", "资金拨付", note=f"{locked.source} {value} 元", project=locked.project)
    return row


@transaction.atomic
def set_kpi(
    project: Project,
    *,
    name: str,
    target: object,
    actual: object = 0,
    measure: str = "",
    by: User | Actor,
) -> Kpi:
    """Add a KPI, or update the one of that name (its actual, its target)."""
    name = _text(name, "指标名称", 80)
    kpi, _ = Kpi.objects.update_or_create(
        project=project,
        name=name,
        defaults={
            "target": rules.money(target, "目标值"),
            "actual": rules.money(actual, "完成值"),
            "measure": _text(measure, "计量单位", 10, required=False),
        },
    )
    _event(by, "kpi", "更新指标", note=f"{name}：{kpi.actual}/{kpi.target}", project=project)
    return kpi


@transaction.atomic
def add_milestone(project: Project, *, title: str, due: date, by: User | Actor) -> Milestone:
    if project.state in (Project.State.DONE, Project.State.CANCELLED):
        raise RuleError("项目已结束，不能再加节点。")
    milestone = Milestone.objects.create(project=project, title=_text(title, "节点", 100), due=due)
    _event(by, "milestone", "增加节点", note=f"{milestone.title}（{due}）", project=project)
    return milestone


@transaction.atomic
def finish_milestone(milestone: Milestone, *, by: User, on: date | None = None) -> None:
    """Mark a milestone done; its 督办 ticket, if the owner holds it, is answered."""
    if milestone.done_on is not None:
        raise RuleError("这个节点已经完成。")
    on = on or timezone.localdate()
    Milestone.objects.filter(pk=milestone.pk).update(done_on=on)
    _event(by, "milestone_done", "节点完成", note=milestone.title, project=milestone.project)
    if milestone.chase_ticket is not None:
        text = f"民生实事项目《{milestone.project.title}》节点“{milestone.title}”已于{on}完成。"
        _answer(milestone.chase_ticket, text=text, by=by, strict=False)
    milestone.refresh_from_db()


@transaction.atomic
def report(project: Project, *, text: str, by: User, photo: bytes | None = None) -> Report:
    """A progress report (进度报告), shown on the public page."""
    if project.state == Project.State.CANCELLED:
        raise RuleError("项目已撤销。")
    kept = keep_photo(photo) if photo else None
    return Report.objects.create(
        project=project,
        text=_text(text, "进展", 2000),
        photo=kept,
        by=_actor(by),
        at=timezone.now(),
    )


# --- tickets -----------------------------------------------------------------------------------


def _answer(ticket: Ticket, *, text: str, by: User, strict: bool = True) -> bool:
    """Accept (if need be) and reply through the workflow; False (or WorkflowError when
    `strict`) when the ticket is not the user's to answer."""
    ticket.refresh_from_db()
    try:
        if ticket.status == Status.DISPATCHED:
            workflow.accept(ticket, by=by, note="民生实事项目签收")
        workflow.reply(ticket, by=by, text=text)
    except WorkflowError:
        if strict:
            raise
        return False
    return True


@transaction.atomic
def link_ticket(project: Project, ticket: Ticket, *, role: str, by: User) -> ProjectTicket:
    """Record a ticket that prompted the project, or one the project will settle."""
    if role not in ProjectTicket.Role.values:
        raise RuleError("请选择关联方式。")
    link, made = ProjectTicket.objects.get_or_create(
        project=project, ticket=ticket, defaults={"role": role}
    )
    if not made:
        raise RuleError(f"工单 {ticket.number} 已关联到本项目。")
    label = ProjectTicket.Role(role).label
    _event(by, "link", "关联工单", note=f"{ticket.number}（{label}）", project=project)
    return link


@transaction.atomic
def settle(link: ProjectTicket, *, by: User, text: str = "") -> None:
    """Answer a ticket the project settles with a reply that names the project; the loop's
    return visit then closes it."""
    if link.settled_at is not None:
        raise RuleError("这张工单已经答复过。")
    project = link.project
    if project.state not in (Project.State.UNDERWAY, Project.State.DONE):
        raise RuleError("项目开工后才能据此答复工单。")
    reply = (
        f"您反映的问题已纳入{project.plist.year}年民生实事项目《{project.title}》"
        f"（牵头单位：{project.owner.name}）"
        + ("，项目已完成。" if project.state == Project.State.DONE else "，正在实施。")
        + (text or "").strip()
    )
    if link.ticket.status not in (Status.DISPATCHED, Status.ACCEPTED):
        raise RuleError(f"工单 {link.ticket.number} 当前不能答复。")
    _answer(link.ticket, text=reply, by=by)
    ProjectTicket.objects.filter(pk=link.pk).update(
        role=ProjectTicket.Role.SETTLES, settled_at=timezone.now()
    )
    _event(by, "settle", "答复工单", note=link.ticket.number, project=project)


def file_ticket(
    request: door.Request,
    *,
    by: Actor,
    at: datetime | None = None,
    policy: DeadlinePolicy | None = None,
) -> Ticket:
    """File work through the door straight to `request.unit`; `at` dates it in the past (the
    demo's history), `policy` replaces the category's deadline policy."""
    if at is None and policy is None:
        return door.submit(request, by=by)
    unit = request.unit
    assert unit is not None
    with transaction.atomic():
        (ticket,) = door.submit_many(
            [(replace(request, unit=None, received_at=at), by)], route_later=False
        )
        workflow.dispatch(ticket, to=unit, by=by, note=request.note, policy=policy, at=at)
    return ticket


# --- supervision -------------------------------------------------------------------------------


def chase_due(*, limit: int = 200, today: date | None = None) -> int:
    """The worker's step: tell owners of milestones due soon (in-app notice, once), and file a
    督办 ticket to the owner for each overdue milestone (once); returns how many it handled."""
    today = today or timezone.localdate()
    calendar = official_calendar()
    handled = 0
    open_ones = (
        Milestone.objects.filter(
            done_on__isnull=True,
            chase_ticket__isnull=True,
            project__state__in=[Project.State.PLANNED, Project.State.UNDERWAY],
            project__plist__state=ProjectList.State.PUBLISHED,
        )
        .select_related("project__owner", "project__plist")
        .order_by("due")[:limit]
    )
    for milestone in open_ones:
        state = rules.milestone_state(milestone.due, None, today, calendar)
        if state == "overdue":
            chase(milestone, today=today)
            handled += 1
        elif state == "soon" and milestone.reminded_on is None:
            _remind(milestone, today=today)
            handled += 1
    return handled


@transaction.atomic
def _remind(milestone: Milestone, *, today: date) -> None:
    project = milestone.project
    body = f"民生实事项目《{project.title}》节点“{milestone.title}”将于{milestone.due}到期。"
    delivery.enqueue(
        delivery.to_unit(
            project.owner,
            kind="project_milestone",
            body=body,
            key=f"projects-m{milestone.pk}-soon",
            url=reverse("projects:project", args=[project.pk]),
        )
    )
    Milestone.objects.filter(pk=milestone.pk).update(reminded_on=today)
    _event(CHASER, "remind", "到期提醒", note=milestone.title, project=project)


@transaction.atomic
def chase(milestone: Milestone, *, today: date | None = None) -> Ticket:
    """File the 督办 ticket for an overdue milestone, through the door, to the owner unit."""
    locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if locked.chase_ticket is not None:
        return locked.chase_ticket
    project = locked.project
    today = today or timezone.localdate()
    late = (today - locked.due).days
    ticket = file_ticket(
        door.Request(
            category=ensure(MILESTONE_CATEGORY),
            channel=Channel.PROACTIVE,
            chooser="programme",
            title=f"实事项目节点逾期：{project.title}"[:100],
            description=(
                f"{project.plist.title}第{project.number}项《{project.title}》的节点"
                f"“{locked.title}”应于{locked.due}完成，已逾期{late}天，请牵头单位"
                f"{project.owner.name}抓紧推进并答复。"
            ),
            unit=project.owner,
            place=project.owner,
            note="民生实事节点逾期督办",
        ),
        by=CHASER,
    )
    Milestone.objects.filter(pk=locked.pk).update(chase_ticket=ticket)
    _event(CHASER, "chase", "逾期督办", note=f"{locked.title} → {ticket.number}", project=project)
    milestone.refresh_from_db()
    return ticket


# --- residents' evaluation ----------------------------------------------------------------------


@transaction.atomic
def evaluate(project: Project, *, phone: str, score: str, comment: str = "") -> Evaluation:
    """A resident rates a finished project (群众评单); a second rating replaces the first."""
    if project.state != Project.State.DONE:
        raise RuleError("项目完成后才能评价。")
    if score not in Evaluation.Score.values:
        raise RuleError("请选择满意、基本满意或不满意。")
    resident = _resident(phone)
    evaluation, _ = Evaluation.objects.update_or_create(
        project=project,
        resident=resident,
        defaults={
            "score": score,
            "comment": _text(comment, "意见", 500, required=False),
            "at": timezone.now(),
        },
    )
    return evaluation
