"""The steps' tickets in the loop. Back: a step's ticket answered or closed on the ticket page
completes the step. Ahead: reminders to the unit before a step's own deadline.

The unit that must act may work on the ticket page like on any other ticket. Its reply (答复),
or the ticket's closing (办结) when nobody replied through the household page, is read by
`rules.read_reply` and recorded through `write.complete_step`, in the transaction that writes
the ticket's event (docs/extending.md, "Back"). A step the reply cannot complete yet (the notice
has not run its days, no written authorisation before the data check …) stays open, with the
reason on the step; the reply itself stands.
"""

import logging
from typing import Any

from django.utils import timezone

from minsheng.households import procedure, rules, write
from minsheng.households.models import Case, HouseholdStatus, Step
from minsheng.notifications import delivery
from minsheng.sla.deadlines import official_calendar
from minsheng.tickets.models import Channel, Ticket
from minsheng.tickets.names import Action

logger = logging.getLogger(__name__)
ANSWERS = (Action.REPLY, Action.CLOSE)


def on_ticket_event(sender: Any, ticket: Ticket, event: Any, **kwargs: Any) -> None:
    if ticket.channel != Channel.PROACTIVE or event.action not in ANSWERS:
        return
    step = (
        Step.objects.filter(ticket=ticket, done_at__isnull=True)
        .select_related("case__household")
        .first()
    )
    if step is None:  # not a step, or already completed on the household page
        return
    text = ticket.reply or event.note or ""
    reading = rules.read_reply(text)
    home = step.kind == procedure.HOME_CHECK
    result = write.StepResult(
        passed=reading.passed,
        note=text[:300] if not reading.passed else f"工单答复：{text}"[:300],
        authorised=reading.authorised,
        target=(reading.target or _default_target(step)) if home else "",
        rigid_resolved=reading.rigid_resolved if home else None,
        guarantees=reading.guarantees if home else None,
        water=reading.water if home else None,
    )
    by = (event.actor_label or "承办单位")[:60]
    try:
        write.complete_step(step, result, by=by, at=event.at)
    except write.Refused as refused:
        write.note_step(step, f"工单 {ticket.number} 已答复，但本步骤未能办结：{refused}")
        logger.info("step %s left open after its ticket's %s: %s", step.pk, event.action, refused)


def _default_target(step: Step) -> str:
    """The type a home check proposes when the reply names none: 突发严重困难户 on the green
    channel, 脱贫不稳定户 for a former-poor household, else 边缘易致贫户."""
    case = step.case
    if case.kind != procedure.IDENTIFY:
        return ""
    if case.target:
        return case.target
    if case.green_channel:
        return HouseholdStatus.SUDDEN
    if case.household.status == HouseholdStatus.FORMER_POOR:
        return HouseholdStatus.UNSTABLE
    return HouseholdStatus.MARGINAL


# --- reminders -------------------------------------------------------------------------------


def remind(limit: int = 500) -> int:
    """The worker's step: an in-app reminder to the unit of every open step on its last working
    day or the one before ("soon"), and once more when it has passed ("late"), each once.

    The step's ticket runs on its category's deadline policy (the core sets a ticket's
    deadline), so the loop's own 催办 does not follow the step's legal date; this does."""
    today = timezone.localdate()
    calendar = official_calendar()
    horizon = calendar.add_workdays(today, 1)[0]
    sent = 0
    rows = (
        Step.objects.filter(
            done_at__isnull=True,
            case__state=Case.State.OPEN,
            ticket__isnull=False,
            due__lte=horizon,
        )
        .select_related("ticket__unit", "case__household")
        .order_by("due", "pk")[:limit]
    )
    for step in rows:
        kind = procedure.reminder(step.due, today, calendar)
        ticket = step.ticket
        if not kind or ticket is None or ticket.unit is None:
            continue
        when = "已超过时限" if kind == "late" else "即将到期"
        body = (
            f"防返贫{step.case.get_kind_display()}“{step.get_kind_display()}”"
            f"（户编号 {step.case.household.code}）{when}，时限 {step.due:%Y-%m-%d}。"
        )
        sent += delivery.enqueue(
            delivery.to_unit(
                ticket.unit,
                kind="households_step_due",
                body=body,
                key=f"households-step-{step.pk}-{kind}",
                url=ticket.get_absolute_url(),
                number=ticket.number,
            )
        )
    return sent
