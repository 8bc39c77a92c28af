"""The names of a ticket's statuses and of the actions taken on it: plain strings, no Django.

Every reader imports them from here — the models (with the labels people read), the
declarations of the actions (`tickets.actions`), the pure rules of the assessment and of the
deadline clocks, Open311's mapping — so a name is written once.
"""

from enum import StrEnum


class Status(StrEnum):
    RECEIVED = "received"
    DISPATCHED = "dispatched"
    ACCEPTED = "accepted"
    RETURNED = "returned"  # the unit says it is not theirs; the centre decides
    REPLIED = "replied"  # waiting for the return visit
    VISITED = "visited"  # rated; closes, or the centre reopens it if unsatisfied
    CLOSED = "closed"
    MERGED = "merged"
    DECLINED = "declined"  # out of scope, with a referral


OPEN_STATUSES = frozenset(
    {
        Status.RECEIVED,
        Status.DISPATCHED,
        Status.ACCEPTED,
        Status.RETURNED,
        Status.REPLIED,
        Status.VISITED,
    }
)
# While a unit holds the ticket its clocks run: these are the statuses that can be overdue.
CLOCK_STATUSES = frozenset({Status.DISPATCHED, Status.ACCEPTED})


class Action(StrEnum):
    RECEIVE = "receive"
    ANSWER = "answer"
    DISPATCH = "dispatch"
    HOLD = "hold"  # left for a dispatcher by the rules, with the reason
    ADD_COHANDLER = "add_cohandler"
    ACCEPT = "accept"
    RETURN = "return"
    REJECT_RETURN = "reject_return"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REFUSE_EXTENSION = "refuse_extension"
    PAUSE = "pause"
    REQUEST_PAUSE = "request_pause"  # where the policy asks for the centre's approval
    APPROVE_PAUSE = "approve_pause"  # the clock stops from this moment
    REFUSE_PAUSE = "refuse_pause"
    RESUME = "resume"
    REPLY = "reply"
    VISIT = "visit"
    VISIT_UNREACHED = "visit_unreached"  # a phone return visit that reached no one (联系不上)
    CLOSE = "close"
    REOPEN = "reopen"
    MERGE = "merge"
    DECLINE = "decline"
    NOTE = "note"
    ATTACH = "attach"
    ASSIGN = "assign"
    URGE = "urge"
    ESCALATE = "escalate"
    DELEGATE = "delegate"  # 二次派单: the main unit passes the ticket down to a unit below it
    CLOSE_UNRATED = "close_unrated"
    COHANDLER_ACCEPT = "cohandler_accept"
    COHANDLER_REPLY = "cohandler_reply"
    LEADER_APPROVE_EXTENSION = "leader_approve_extension"
    LEADER_REFUSE_EXTENSION = "leader_refuse_extension"
