from typing import Any

import pytest

from minsheng.tickets import transitions, workflow


def test_the_leader_assigns_a_handler_of_the_unit(
    dispatched: Any, street_leader: Any, street_handler: Any
) -> None:
    workflow.assign(dispatched, to=street_handler, by=street_leader)

    assert dispatched.handler == street_handler
    assert dispatched.events.last().action == "assign"


def test_a_handler_of_another_unit_cannot_be_assigned(
    dispatched: Any, street_leader: Any, water_handler: Any
) -> None:
    events = dispatched.events.count()
    with pytest.raises(transitions.WorkflowError):
        workflow.assign(dispatched, to=water_handler, by=street_leader)
    dispatched.refresh_from_db()
    assert dispatched.handler is None
    assert dispatched.events.count() == events


def test_a_handler_cannot_assign(dispatched: Any, street_handler: Any) -> None:
    with pytest.raises(transitions.WorkflowError):
        workflow.assign(dispatched, to=street_handler, by=street_handler)


def test_a_new_dispatch_clears_the_handler(
    dispatched: Any, street_leader: Any, street_handler: Any, dispatcher: Any, city: Any
) -> None:
    workflow.assign(dispatched, to=street_handler, by=street_leader)
    workflow.send_back(dispatched, by=street_handler, reason="不属于本街道")
    workflow.dispatch(dispatched, to=city["guxi"], by=dispatcher, rule="兜底规则")

    assert dispatched.handler is None
    assert dispatched.events.last().data["rule"] == "兜底规则"
