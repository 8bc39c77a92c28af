"""The escalation ladder, without a database: which steps, in what order, how long each waits.

Family first (静安, Nagano): the elder, then each family contact in order, then the urgent
ticket to the community, then the street and the supervisor if the ticket is not taken. Staff
first, family copied (龙岗): the ticket and the family's SMS at once, then the street. An alarm
of severity 2 or more (a fall in the shower, both meters quiet) always starts with the ticket.
Nights and weekends are no different.
"""

from dataclasses import dataclass
from datetime import timedelta

FAMILY_FIRST = "family_first"
STAFF_FIRST = "staff_first"


@dataclass(frozen=True)
class Step:
    """One rung: `what` is elder, contact, ticket (with `copy`: the family told at once) or
    escalate; `contact` the order number of the contact told."""

    what: str
    contact: int | None = None
    copy: bool = False

    def code(self) -> str:
        if self.what == "ticket" and self.copy:
            return "ticket_copy"
        return f"{self.what}:{self.contact}" if self.contact is not None else self.what


def plan(mode: str, *, family: list[int], elder_phone: bool, severity: int) -> list[Step]:
    """The rungs for an alarm; `family` lists the family contacts' order numbers."""
    if mode == STAFF_FIRST or severity >= 2:
        return [Step("ticket", copy=True), Step("escalate")]
    rungs = [Step("elder")] if elder_phone else []
    rungs += [Step("contact", contact=n) for n in family]
    return [*rungs, Step("ticket"), Step("escalate")]


def wait(step: Step, *, step_minutes: int, escalate_minutes: int) -> timedelta | None:
    """How long to wait for an acknowledgement after `step` before the next; None: the last."""
    if step.what == "escalate":
        return None
    minutes = escalate_minutes if step.what == "ticket" else step_minutes
    return timedelta(minutes=minutes)


def as_codes(rungs: list[Step]) -> list[str]:
    return [r.code() for r in rungs]


def from_code(code: str) -> Step:
    what, _, n = code.partition(":")
    if what == "ticket_copy":
        return Step("ticket", copy=True)
    return Step(what, contact=int(n) if n else None)
