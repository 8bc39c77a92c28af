"""Several tickets at once from a work list: each goes through the workflow on its own.

The same declared action, with the same values, is taken on each ticket in turn; every ticket
is its own transaction (the workflow function's), so one refusal leaves the others done, and
the outcome of each is reported.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from minsheng.accounts.models import User
from minsheng.desk.forms import ACTION_FORMS
from minsheng.orgs.models import Unit
from minsheng.tickets import actions, queries, workflow
from minsheng.tickets.transitions import WorkflowError

MAX_TICKETS = 200


@dataclass(frozen=True)
class Outcome:
    number: str
    ok: bool
    message: str


def run(
    user: User,
    action: str,
    numbers: Iterable[str],
    values: Mapping[str, Any],
    *,
    units: Sequence[Unit] = (),
) -> list[Outcome]:
    """Take `action` with `values` (the fields of its form) on each ticket; one outcome each."""
    form_class = ACTION_FORMS[action]
    command = actions.BY_ACTION[action]
    perform = getattr(workflow, command.function or "")
    label = actions.label(action)
    outcomes = []
    for number in list(dict.fromkeys(n.strip().upper() for n in numbers if n.strip()))[
        :MAX_TICKETS
    ]:
        ticket = queries.visible_to(user).filter(number=number).first()
        if ticket is None:
            outcomes.append(Outcome(number, False, _("找不到这张工单，或您无权查看。")))
            continue
        form = form_class(dict(values), ticket=ticket, user=user, units=units)
        if not form.is_valid():
            errors = " ".join(str(e) for errs in form.errors.values() for e in errs)
            outcomes.append(Outcome(number, False, errors))
            continue
        try:
            perform(ticket, by=user, **form.arguments())
        except WorkflowError as error:
            outcomes.append(Outcome(number, False, str(error)))
        else:
            outcomes.append(Outcome(number, True, _("%(action)s完成。") % {"action": label}))
    return outcomes
