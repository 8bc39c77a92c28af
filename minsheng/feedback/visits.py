"""Return visits (回访): a resident's rating is recorded, and a satisfied ticket closes."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.feedback.models import Rating
from minsheng.tickets import transitions, workflow
from minsheng.tickets.models import Satisfaction, Ticket


@transaction.atomic
def rate(
    ticket: Ticket,
    *,
    satisfaction: str,
    resolved: bool,
    comment: str = "",
    agent: User | None = None,
    at: datetime | None = None,
) -> Rating:
    """Record the rating, by the resident on the web or by an agent on a call.

    Satisfied or basically satisfied: the ticket closes. Unsatisfied: it waits for the centre,
    which confirms a reopen (重办) or closes it.
    """
    now = at or timezone.now()
    by = agent if agent is not None else transitions.resident_actor(ticket.resident)
    workflow.record_visit(
        ticket, by=by, satisfaction=satisfaction, resolved=resolved, comment=comment, at=now
    )
    rating = Rating.objects.create(
        ticket=ticket,
        satisfaction=satisfaction,
        resolved=resolved,
        comment=comment.strip(),
        via=Rating.Via.PHONE if agent else Rating.Via.WEB,
        round=ticket.reopen_count + 1,
        at=now,
    )
    if satisfaction != Satisfaction.UNSATISFIED:
        workflow.close(ticket, by=transitions.SYSTEM, note="群众评价满意，自动办结。", at=now)
    return rating
