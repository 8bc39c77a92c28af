"""The loop under random moves: hypothesis drives the workflow with every actor and any input.

Each example starts its own tickets on a fake clock (the `at=` of every workflow function) and
checks only those. Who may do what is modelled here from the cast, independently of
`orgs.access`, so a success the model forbids is a failure of the code, not of the model.
"""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from conftest import _member, at
from minsheng.feedback import visits
from minsheng.tickets import chain, queries, transitions, workflow
from minsheng.tickets.models import (
    CoHandler,
    ExtensionRequest,
    Satisfaction,
    Status,
    Ticket,
    TicketEvent,
)
from minsheng.tickets.names import Action
from minsheng.tickets.transitions import SYSTEM, WorkflowError

pytestmark = pytest.mark.django_db

STARTS = [
    at(2026, 3, 2, 9, 0),
    at(2026, 2, 12, 16, 0),
    at(2026, 9, 28, 9, 0),
    at(2026, 12, 24, 9, 0),
]
TEXTS = ["已处理，详见现场照片。", "", "   ", "办" * 4001]
UNITS = ["gudong", "dongjie", "guxi", "gulou", "water", "centre"]
PEOPLE = [
    "agent",
    "dispatcher",
    "supervisor",
    "street_handler",
    "street_leader",
    "water_handler",
    "guxi_handler",
    "district_leader",
    "admin_user",
]
ACTORS = [*PEOPLE, "resident", "system"]
# What each person holds, written out from the cast rather than read through orgs.access.
CENTRE = {"agent": {"agent"}, "dispatcher": {"dispatcher"}, "supervisor": {"supervisor"}}
UNIT_MEMBERS = {  # person -> (their unit, its role); the role reaches every unit below
    "street_handler": ("gudong", "handler"),
    "street_leader": ("gudong", "leader"),
    "water_handler": ("water", "handler"),
    "guxi_handler": ("guxi", "handler"),
    "district_leader": ("gulou", "leader"),
}
BELOW = {  # unit -> the units in its subtree (itself included), among those tickets go to
    "gulou": {"gulou", "gudong", "dongjie", "guxi"},
    "gudong": {"gudong", "dongjie"},
    "dongjie": {"dongjie"},
    "guxi": {"guxi"},
    "water": {"water"},
}
# The loop as the project states it, written out here rather than read from TRANSITIONS:
# action -> (statuses it starts from, status it leads to or None to stay, roles that may do it)
R, D, A, RT = Status.RECEIVED, Status.DISPATCHED, Status.ACCEPTED, Status.RETURNED
OPEN = {R, D, A, RT, Status.REPLIED, Status.VISITED}
LOOP = {
    "answer": ({R}, Status.CLOSED, {"agent", "dispatcher"}),
    "dispatch": ({R, RT}, D, {"dispatcher", "system"}),
    "add_cohandler": ({D, A}, None, {"dispatcher", "leader"}),
    "accept": ({D}, A, {"handler", "leader"}),
    "return": ({D}, RT, {"handler", "leader"}),
    "reject_return": ({RT}, D, {"dispatcher"}),
    "request_extension": ({A}, None, {"handler", "leader"}),
    "approve_extension": ({A}, None, {"dispatcher", "supervisor"}),
    "refuse_extension": ({A}, None, {"dispatcher", "supervisor"}),
    "pause": ({A}, None, {"handler", "leader"}),
    "resume": ({A}, None, {"handler", "leader"}),
    "reply": ({A}, Status.REPLIED, {"handler", "leader"}),
    "visit": ({Status.REPLIED}, Status.VISITED, {"agent", "resident"}),
    "close": ({Status.VISITED}, Status.CLOSED, {"dispatcher", "supervisor", "system"}),
    "reopen": ({Status.VISITED}, D, {"dispatcher", "supervisor"}),
    "merge": ({R, RT}, Status.MERGED, {"dispatcher"}),
    "decline": ({R, RT}, Status.DECLINED, {"agent", "dispatcher"}),
    "assign": ({D, A}, None, {"leader", "dispatcher", "system"}),
    "note": (OPEN, None, {"agent", "dispatcher", "supervisor", "handler", "leader", "cohandler"}),
}
# reject_return starts the clocks afresh (the old acceptance deadline passed during the review).
MOVES_DEADLINE = {
    Action.DISPATCH,
    Action.REOPEN,
    Action.APPROVE_EXTENSION,
    Action.RESUME,
    Action.REJECT_RETURN,
}
KINDS = {
    "noise": {"request_type": "complaint"},
    "consult": {"request_type": "consult"},
    "water": {"request_type": "help", "category": "water_cut"},
    "urgent": {"request_type": "complaint", "urgency": "urgent"},
    "policy": {"request_type": "consult", "category": "policy"},
}


def _rows(pk: int) -> tuple:
    """Everything a move may write about one ticket."""
    return (
        Ticket.objects.filter(pk=pk).values().get(),
        list(TicketEvent.objects.filter(ticket_id=pk).values_list("seq", "hash")),
        list(CoHandler.objects.filter(ticket_id=pk).values_list("unit_id", flat=True)),
        list(ExtensionRequest.objects.filter(ticket_id=pk).values()),
    )


def test_the_loop_keeps_its_rules_under_random_moves(
    city,
    catalogue,
    make_ticket,
    agent,
    dispatcher,
    supervisor,
    street_handler,
    street_leader,
    water_handler,
    guxi_handler,
    admin_user,
):
    district_leader = _member("wu", "吴区长", city["gulou"], "leader")
    people = {
        "agent": agent,
        "dispatcher": dispatcher,
        "supervisor": supervisor,
        "street_handler": street_handler,
        "street_leader": street_leader,
        "water_handler": water_handler,
        "guxi_handler": guxi_handler,
        "district_leader": district_leader,
        "admin_user": admin_user,
    }
    unit_name = {unit.pk: name for name, unit in city.items()}
    handler_of = {
        "gudong": "street_handler",
        "dongjie": "street_leader",
        "guxi": "guxi_handler",
        "water": "water_handler",
        "gulou": "district_leader",
    }

    class Loop(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.now = STARTS[0]
            self.tickets: list[int] = []
            self.model: dict[int, dict] = {}  # pk -> what this test believes about the ticket
            self.stats = stats

        # --- actors and their roles, as the test understands them --------------------------

        def actor(self, who: str, t: Ticket):
            if who == "resident":
                return transitions.resident_actor(t.resident)
            if who == "system":
                return SYSTEM
            return people[who]

        def expected_roles(self, who: str, t: Ticket) -> set[str]:
            if who in ("resident", "system"):
                return {who}
            roles = set(CENTRE.get(who, set()))
            if who in UNIT_MEMBERS:
                home, role = UNIT_MEMBERS[who]
                reach = BELOW[home]
                if t.unit_id and unit_name[t.unit_id] in reach:
                    roles.add(role)
                if any(
                    unit_name[u] in reach for u in t.cohandlers.values_list("unit_id", flat=True)
                ):
                    roles.add("cohandler")
            return roles

        def expected_visible(self, who: str) -> set[int]:
            home, _ = UNIT_MEMBERS[who]
            seen = set()
            for pk in self.tickets:
                t = Ticket.objects.get(pk=pk)
                units = {t.unit_id, *t.cohandlers.values_list("unit_id", flat=True)} - {None}
                if any(unit_name[u] in BELOW[home] for u in units):
                    seen.add(pk)
            return seen

        # --- rules ----------------------------------------------------------------------

        @initialize(start=st.sampled_from(STARTS))
        def begin(self, start):
            self.now = start

        @precondition(lambda self: len(self.tickets) < 5)
        @rule(kind=st.sampled_from(sorted(KINDS)))
        def receive(self, kind):
            fields = dict(KINDS[kind])
            if "category" in fields:
                fields["category"] = catalogue[fields["category"]]
            t = make_ticket(at=self.now, **fields)
            self.tickets.append(t.pk)
            self.model[t.pk] = {
                "status": Status.RECEIVED,
                "events": 1,
                "resolve_by": None,
                "satisfaction": None,
            }

        @rule(minutes=st.sampled_from([1, 30, 60 * 5, 60 * 26, 60 * 24 * 4, 60 * 24 * 12]))
        def advance(self, minutes):
            self.now += timedelta(minutes=minutes)

        @precondition(lambda self: self.tickets)
        @rule(
            index=st.integers(0, 4),
            pick=st.integers(0, 99),
            fitting=st.booleans(),
            first=st.integers(0, len(ACTORS) - 1),
            text=st.sampled_from(TEXTS),
            unit=st.sampled_from(UNITS),
            other=st.integers(0, 4),
            hours=st.sampled_from([-24, 0, 1, 72, 24 * 30]),
            approve=st.booleans(),
            satisfaction=st.sampled_from([*Satisfaction.values, "great"]),
        )
        def anything(
            self, index, pick, fitting, first, text, unit, other, hours, approve, satisfaction
        ):
            """One move with any input, tried by everyone in turn: most are refused, and a
            refused move must write nothing. Half the time the move fits the ticket's status,
            so that it is the role, the input or the precondition that must refuse it."""
            pk = self.tickets[index % len(self.tickets)]
            status = self.model[pk]["status"]
            actions = sorted(a for a, (src, _, _) in LOOP.items() if status in src or not fitting)
            if not actions:  # a finished ticket: nothing fits
                actions = sorted(LOOP)
            action = actions[pick % len(actions)]
            for who in ACTORS[first:] + ACTORS[:first]:
                self.attempt(
                    Ticket.objects.get(pk=pk),
                    action,
                    who,
                    text=text,
                    unit=unit,
                    hours=hours,
                    approve=approve,
                    other=self.tickets[other % len(self.tickets)],
                    satisfaction=satisfaction,
                )

        @precondition(lambda self: self.tickets)
        @rule(
            index=st.integers(0, 4),
            choices=st.lists(st.integers(0, 5), min_size=1, max_size=8),
            unit=st.sampled_from(UNITS[:5]),
            satisfaction=st.sampled_from(Satisfaction.values),
        )
        def onward(self, index, choices, unit, satisfaction):
            """A few moves the loop would make next, each by the person who would make it."""
            pk = self.tickets[index % len(self.tickets)]
            for choice in choices:
                self.now += timedelta(hours=1)
                self.next_move(Ticket.objects.get(pk=pk), choice, unit, satisfaction)

        def next_move(self, t, choice, unit, satisfaction):
            s, owner = t.status, handler_of.get(unit_name.get(t.unit_id), "street_handler")
            text, hours = TEXTS[0], [72, 1, 24 * 30][choice % 3]
            d, sup = "dispatcher", "supervisor"
            if s == Status.RECEIVED:
                last = (
                    (Action.ANSWER, "agent") if t.request_type == "consult" else (Action.MERGE, d)
                )
                options = [
                    (Action.DISPATCH, d),
                    (Action.DISPATCH, "system"),
                    (Action.DISPATCH, d),
                    (Action.DECLINE, "agent"),
                    (Action.DISPATCH, d),
                    last,
                ]
            elif s == Status.DISPATCHED:
                options = [
                    (Action.ACCEPT, owner),
                    (Action.ACCEPT, owner),
                    (Action.RETURN, owner),
                    (Action.ADD_COHANDLER, d),
                    (Action.ACCEPT, owner),
                    (Action.ASSIGN, d),
                ]
            elif s == Status.RETURNED:
                options = [
                    (Action.DISPATCH, d),
                    (Action.REJECT_RETURN, d),
                    (Action.MERGE, d),
                    (Action.DISPATCH, d),
                    (Action.DECLINE, d),
                    (Action.REJECT_RETURN, d),
                ]
            elif s == Status.ACCEPTED and t.paused_since:
                options = [
                    (Action.RESUME, owner),
                    (Action.RESUME, owner),
                    (Action.REPLY, owner),
                    (Action.REQUEST_EXTENSION, owner),
                    (Action.REPLY, owner),
                    (Action.RESUME, owner),
                ]
            elif s == Status.ACCEPTED and t.extensions.filter(decision="pending").exists():
                options = [
                    (Action.APPROVE_EXTENSION, d),
                    (Action.REFUSE_EXTENSION, sup),
                    (Action.APPROVE_EXTENSION, sup),
                    (Action.REPLY, owner),
                    (Action.APPROVE_EXTENSION, d),
                    (Action.REFUSE_EXTENSION, d),
                ]
            elif s == Status.ACCEPTED:
                options = [
                    (Action.PAUSE, owner),
                    (Action.REQUEST_EXTENSION, owner),
                    (Action.REPLY, owner),
                    (Action.REQUEST_EXTENSION, owner),
                    (Action.REPLY, owner),
                    (Action.PAUSE, owner),
                ]
            elif s == Status.REPLIED:
                options = [(Action.VISIT, "resident"), (Action.VISIT, "agent")] * 3
            elif s == Status.VISITED:
                options = [
                    (Action.REOPEN, d),
                    (Action.CLOSE, sup),
                    (Action.REOPEN, sup),
                    (Action.CLOSE, "system"),
                    (Action.REOPEN, d),
                    (Action.CLOSE, d),
                ]
            else:
                return
            action, who = options[choice]
            if action == Action.ASSIGN:  # to a handler of the ticket's own unit
                unit = unit_name[t.unit_id]
            others = [pk for pk in self.tickets if pk != t.pk] or [t.pk]
            self.attempt(
                t,
                action,
                who,
                text=text,
                unit=unit,
                hours=hours,
                approve=action == Action.APPROVE_EXTENSION,
                other=others[0],
                satisfaction=satisfaction,
            )

        # --- one attempt, and what must hold after it -------------------------------------

        def call(self, t, action, by, *, text, unit, hours, approve, other, satisfaction):
            now, target = self.now, city[unit]
            if action == Action.ANSWER:
                workflow.answer(t, by=by, text=text, at=now)
            elif action == Action.DISPATCH:
                workflow.dispatch(
                    t, to=target, by=by, cohandlers=[city["water"]] if hours == 1 else (), at=now
                )
            elif action == Action.ADD_COHANDLER:
                workflow.add_cohandler(t, unit=target, by=by, at=now)
            elif action == Action.ACCEPT:
                workflow.accept(t, by=by, note=text if hours == 0 else "", at=now)
            elif action == Action.RETURN:
                workflow.send_back(t, by=by, reason=text, at=now)
            elif action == Action.REJECT_RETURN:
                workflow.reject_return(t, by=by, note=text, at=now)
            elif action == Action.REQUEST_EXTENSION:
                until = (t.resolve_by or now) + timedelta(hours=hours)
                workflow.request_extension(t, by=by, until=until, reason=text, at=now)
            elif action in (Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION):
                workflow.decide_extension(
                    t, by=by, approve=action == Action.APPROVE_EXTENSION, note=text, at=now
                )
            elif action == Action.PAUSE:
                workflow.pause(t, by=by, reason=text, at=now)
            elif action == Action.RESUME:
                workflow.resume(t, by=by, at=now)
            elif action == Action.REPLY:
                workflow.reply(t, by=by, text=text, at=now)
            elif action == Action.VISIT:
                if by is SYSTEM or satisfaction not in Satisfaction.values:
                    workflow.record_visit(
                        t, by=by, satisfaction=satisfaction, resolved=True, at=now
                    )
                else:
                    visits.rate(
                        t,
                        satisfaction=satisfaction,
                        resolved=approve,
                        at=now,
                        agent=None if getattr(by, "kind", "") == "resident" else by,
                    )
            elif action == Action.CLOSE:
                workflow.close(t, by=by, at=now)
            elif action == Action.REOPEN:
                workflow.reopen(t, by=by, note=text, at=now)
            elif action == Action.MERGE:
                workflow.merge(t, into=Ticket.objects.get(pk=other), by=by, at=now)
            elif action == Action.DECLINE:
                workflow.decline(t, by=by, referral=text, at=now)
            elif action == Action.ASSIGN:
                to = people[handler_of.get(unit, "street_handler")]
                workflow.assign(t, to=to, by=by, at=now)
            else:
                workflow.add_note(t, by=by, text=text, at=now)

        def attempt(self, t, action, who, **inputs):
            by = self.actor(who, t)
            before = _rows(t.pk)
            other_before = _rows(inputs["other"])
            roles = self.expected_roles(who, t)
            model = self.model[t.pk]
            had_reply = bool(t.reply)
            try:
                self.call(t, action, by, **inputs)
            except WorkflowError:
                self.stats["refused"] += 1
                assert _rows(t.pk) == before, f"refused {action} by {who} wrote something"
                assert _rows(inputs["other"]) == other_before
                return
            self.stats["done"] += 1
            self.stats[action] += 1
            sources, _, allowed = LOOP[action]
            # the model agrees the move was allowed
            assert before[0]["status"] in sources, (action, before[0]["status"])
            assert roles & allowed, f"{who} ({roles}) may not {action}"
            if action == Action.ANSWER:
                assert t.request_type == "consult"
            if action == Action.CLOSE:
                assert had_reply
            if action == Action.REOPEN:
                assert model["satisfaction"] == Satisfaction.UNSATISFIED
            if action == Action.MERGE:
                assert inputs["other"] != t.pk
                assert Ticket.objects.get(pk=inputs["other"]).status in OPEN
            if action == Action.REQUEST_EXTENSION:
                assert before[0]["resolve_by"] is not None
                assert self.now <= before[0]["resolve_by"]
                assert before[0]["resolve_by"] < before[0]["resolve_by"] + timedelta(
                    hours=inputs["hours"]
                )
            # exactly the events of this move were appended, from the status it had
            events = list(
                TicketEvent.objects.filter(ticket_id=t.pk, seq__gt=model["events"]).order_by("seq")
            )
            expected = [action]
            if action == Action.VISIT and events[-1].action == Action.CLOSE:
                assert events[0].data["satisfaction"] != Satisfaction.UNSATISFIED
                expected.append(Action.CLOSE)
            assert [e.action for e in events] == expected
            status = model["status"]
            for event in events:
                assert event.from_status == status
                assert event.to_status == (LOOP[event.action][1] or status)
                assert event.at == self.now
                status = event.to_status
                if event.action == Action.VISIT:
                    model["satisfaction"] = event.data["satisfaction"]
            t.refresh_from_db()
            assert t.status == status
            if t.resolve_by != model["resolve_by"]:
                assert action in MOVES_DEADLINE, f"{action} moved the deadline"
            if action == Action.APPROVE_EXTENSION:
                assert t.resolve_by > model["resolve_by"], "an extension moved the deadline back"
            if action == Action.RESUME:
                assert t.resolve_by >= model["resolve_by"]
            model.update(
                status=status, events=model["events"] + len(events), resolve_by=t.resolve_by
            )

        # --- invariants -------------------------------------------------------------------

        @invariant()
        def tickets_are_as_the_model_says(self):
            for pk in self.tickets:
                t = Ticket.objects.get(pk=pk)
                model = self.model[pk]
                assert t.status == model["status"]
                assert t.resolve_by == model["resolve_by"]
                events = list(TicketEvent.objects.filter(ticket_id=pk).order_by("seq"))
                assert len(events) == model["events"]
                assert events[-1].to_status == t.status
                assert chain.first_break(events) is None
                if t.status == Status.CLOSED:
                    assert t.reply.strip()
                    assert t.closed_at is not None
                if t.status in (Status.DISPATCHED, Status.ACCEPTED):
                    assert t.unit_id is not None
                    assert t.resolve_by is not None
                    assert t.accept_by is not None

        @invariant()
        def unit_people_see_exactly_their_units_tickets(self):
            if not self.tickets:
                return
            for who in UNIT_MEMBERS:
                seen = set(
                    queries.visible_to(people[who])
                    .filter(pk__in=self.tickets)
                    .values_list("pk", flat=True)
                )
                assert seen == self.expected_visible(who), who

    stats: dict[str, int] = {"done": 0, "refused": 0}
    for action in LOOP:
        stats[action] = 0
    run_state_machine_as_test(
        Loop,
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    # the machine did explore: moves were made and refused, and the loop was walked round
    assert stats["done"] > 50
    assert stats["refused"] > 50
    walked = [
        a for a in (Action.DISPATCH, Action.ACCEPT, Action.REPLY, Action.VISIT) if stats[a] > 0
    ]
    assert walked == [Action.DISPATCH, Action.ACCEPT, Action.REPLY, Action.VISIT]
