"""The deadline scan (督查督办): notices, 催办, 督办, return visits and unrated closes on time.

The worker calls `scan` every few seconds; `minsheng scan_deadlines` runs it once. Each ticket is
handled in its own transaction: the row is claimed (SKIP LOCKED on PostgreSQL; on SQLite the
IMMEDIATE transaction plus the `next_check_at <= now` re-check is the claim), its notices are put
in the outbox with unique keys, its moves go through the workflow, and `next_check_at` moves on —
all committed together, so a worker killed at any point leaves nothing half done.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from minsheng.feedback.links import rating_url
from minsheng.notifications.delivery import enqueue, to_unit
from minsheng.sla import deadlines
from minsheng.sla.calendar import WorkCalendar
from minsheng.sla.models import DeadlinePolicy
from minsheng.supervision.clocks import Clock, Rules, Step, plan
from minsheng.tickets import notices, queries, transitions, workflow
from minsheng.tickets.models import Status, Ticket, Urgency
from minsheng.tickets.transitions import WorkflowError

logger = logging.getLogger("minsheng.supervision")

TEXTS = {
    "accept_soon": "临期提醒：工单 {n}「{title}」签收时限为{at}，请及时签收。",
    "accept_missed": "超时提醒：工单 {n}「{title}」已超过签收时限{at}，请立即签收。",
    "resolve_soon": "临期提醒：工单 {n}「{title}」办结时限为{at}，请抓紧办理。",
    "overdue": "超期提醒：工单 {n}「{title}」已超过办结时限{at}。",
}


@dataclass
class ScanReport:
    checked: int = 0
    skipped: int = 0  # claimed by another worker meanwhile
    steps: dict[str, int] = field(default_factory=dict)


def scan(*, now: datetime | None = None, limit: int = 500) -> ScanReport:
    """Handle every ticket whose next check has come; returns what was done."""
    now = now or timezone.now()
    calendar = deadlines.official_calendar()
    policies = {p.pk: p for p in DeadlinePolicy.objects.all()}
    report = ScanReport()
    seen: set[int] = set()
    while True:
        ids = [
            pk
            for pk in queries.due_checks(now=now, limit=limit).values_list("pk", flat=True)
            if pk not in seen
        ]
        if not ids:
            return report
        for pk in ids:
            seen.add(pk)
            kinds = check(pk, now=now, calendar=calendar, policies=policies)
            if kinds is None:
                report.skipped += 1
                continue
            report.checked += 1
            for kind in kinds:
                report.steps[kind] = report.steps.get(kind, 0) + 1


def check(
    pk: int,
    *,
    now: datetime,
    calendar: WorkCalendar,
    policies: dict[int, DeadlinePolicy] | None = None,
) -> list[str] | None:
    """Apply the due steps of one ticket; None when another worker has it or it is not due."""
    with transaction.atomic():
        rows = Ticket.objects.filter(pk=pk, next_check_at__lte=now)
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        ticket = rows.select_related("category", "unit", "resident").first()
        if ticket is None:
            return None
        policy = _policy(ticket, policies or {})
        stale = timedelta(hours=getattr(settings, "MINSHENG_NOTICE_STALE_HOURS", 72))
        steps, next_at = plan(_clock(ticket), _rules(policy), calendar, now, stale=stale)
        done = [step.kind for step in steps if _apply(ticket, step, now, policy)]
        workflow.schedule_check(pk, next_at)
    return done


def _apply(ticket: Ticket, step: Step, now: datetime, policy: DeadlinePolicy) -> bool:
    key = f"t{ticket.pk}:{step.kind}:{step.deadline}"
    try:
        if step.kind == "urge":
            return workflow.urge(ticket, deadline=step.deadline, at=now)
        if step.kind == "escalate":
            return workflow.escalate(ticket, deadline=step.deadline, at=now)
        if step.kind == "unrated":
            if ticket.status != Status.REPLIED:
                return False
            workflow.close_unrated(ticket, at=now)
            return True
    except WorkflowError as error:  # the ticket moved on meanwhile: nothing to do
        logger.info("ticket %s: %s skipped: %s", ticket.number, step.kind, error)
        return False
    if step.kind == "visit":
        body = f"您的工单{ticket.number}已答复，请对办理结果进行评价：{rating_url(ticket)}"
        enqueue([notices.to_resident(ticket, kind="visit", body=body, key=key)], at=now)
        return True
    if ticket.unit is None:
        return False
    moment = ticket.accept_by if step.kind.startswith("accept") else ticket.resolve_by
    at = timezone.localtime(moment).strftime("%m月%d日%H:%M") if moment else ""
    body = TEXTS[step.kind].format(n=ticket.number, title=ticket.title, at=at)
    url = ticket.get_absolute_url()
    enqueue(
        to_unit(ticket.unit, kind=step.kind, body=body, key=key, url=url, number=ticket.number),
        at=now,
    )
    return True


def _policy(ticket: Ticket, policies: dict[int, DeadlinePolicy]) -> DeadlinePolicy:
    if ticket.urgency == Urgency.URGENT or ticket.category.policy_id not in policies:
        return transitions.policy_of(ticket)
    return policies[ticket.category.policy_id]


def _clock(ticket: Ticket) -> Clock:
    return Clock(
        status=ticket.status,
        started=ticket.dispatched_at,
        accept_by=ticket.accept_by,
        resolve_by=ticket.resolve_by,
        replied_at=ticket.replied_at,
        paused=ticket.paused_since is not None,
        urged_for=ticket.urged_for,
        escalated_for=ticket.escalated_for,
        round=ticket.reopen_count + 1,
    )


def _rules(policy: DeadlinePolicy) -> Rules:
    days = policy.unrated_close_days
    return Rules(
        soon=timedelta(hours=getattr(settings, "MINSHENG_DUE_SOON_HOURS", 24)),
        escalate_workdays=policy.escalate_workdays,
        visit_after=timedelta(hours=policy.visit_after_hours),
        unrated_after=timedelta(days=days) if days else None,
    )
