"""What a resident is told of their ticket's progress: the steps and the words for each.

Plain rules over a ticket's status and its last rating; no database.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.feedback.models import Rating
from minsheng.tickets.models import Satisfaction, Status, Ticket
from minsheng.tickets.names import Action
from minsheng.tickets.public import PUBLIC_TEXT

UNSATISFIED_NOTE = gettext_lazy("您的意见已提交，热线中心将核实后安排重办")


@dataclass(frozen=True)
class Step:
    label: str | Promise
    state: str  # "done", "current" or ""
    note: str | Promise = ""


@dataclass(frozen=True)
class PublicEvent:
    label: str | Promise
    at: datetime
    text: str = ""
    rating: str = ""


STEPS = [
    gettext_lazy("已受理"),
    gettext_lazy("已派单"),
    gettext_lazy("办理中"),
    gettext_lazy("已答复"),
    gettext_lazy("已评价"),
    gettext_lazy("已办结"),
]
STEP_OF = {
    Status.RECEIVED: 0,
    Status.DISPATCHED: 1,
    Status.RETURNED: 1,
    Status.ACCEPTED: 2,
    Status.REPLIED: 3,
    Status.VISITED: 4,
    Status.CLOSED: 5,
}
# The resident also sees their own rating comment.
TEXT_SHOWN = PUBLIC_TEXT | {Action.VISIT}


def steps(ticket: Ticket, last_rating: Rating | None) -> list[Step]:
    current = STEP_OF.get(Status(ticket.status))
    if current is None:
        return []
    notes = {
        Status.RECEIVED: _("热线中心正在为您分派承办单位"),
        Status.DISPATCHED: _("等待承办单位签收"),
        Status.RETURNED: _("正在重新分派"),
        Status.ACCEPTED: _("承办单位正在办理"),
        Status.REPLIED: _("请您对办理结果进行评价"),
        Status.VISITED: UNSATISFIED_NOTE
        if last_rating and last_rating.satisfaction == Satisfaction.UNSATISFIED
        else _("热线中心正在核实"),
    }
    if ticket.reopen_count and ticket.status in (Status.DISPATCHED, Status.ACCEPTED):
        notes[Status(ticket.status)] += f"（第 {ticket.reopen_count + 1} 次办理）"
    steps = []
    for index, label in enumerate(STEPS):
        if index < current or ticket.status == Status.CLOSED:
            steps.append(Step(label, "done"))
        elif index == current:
            steps.append(Step(label, "current", notes.get(Status(ticket.status), "")))
        else:
            steps.append(Step(label, ""))
    return steps
