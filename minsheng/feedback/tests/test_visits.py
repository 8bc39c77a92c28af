"""The return visit: satisfied closes the ticket; unsatisfied waits for the centre to decide."""

from typing import Any

import pytest
import time_machine

from conftest import at
from minsheng.feedback import visits
from minsheng.feedback.models import Rating
from minsheng.tickets import transitions, workflow
from minsheng.tickets.models import Satisfaction, Status


@pytest.fixture
def replied(dispatched: Any, street_handler: Any) -> Any:
    """The noise complaint, accepted and answered by 鼓东街道."""
    workflow.accept(dispatched, by=street_handler)
    workflow.reply(dispatched, by=street_handler, text="已约谈施工方，夜间停止施工。")
    return dispatched


def actions(ticket: Any) -> list[str]:
    return list(ticket.events.order_by("seq").values_list("action", flat=True))


@pytest.mark.parametrize("satisfaction", [Satisfaction.SATISFIED, Satisfaction.BASICALLY])
def test_a_satisfied_rating_closes_the_ticket(replied: Any, satisfaction: str) -> None:
    with time_machine.travel(at(2026, 11, 30, 10, 0), tick=False):
        rating = visits.rate(replied, satisfaction=satisfaction, resolved=True, comment=" 很好 ")

    replied.refresh_from_db()
    assert replied.status == Status.CLOSED
    assert replied.closed_at == at(2026, 11, 30, 10, 0)
    assert actions(replied)[-2:] == ["visit", "close"]
    assert (rating.satisfaction, rating.via, rating.round, rating.comment) == (
        satisfaction,
        Rating.Via.WEB,
        1,
        "很好",
    )


def test_an_unsatisfied_rating_leaves_the_ticket_visited_for_the_centre(replied: Any) -> None:
    visits.rate(replied, satisfaction=Satisfaction.UNSATISFIED, resolved=False, comment="还在施工")

    replied.refresh_from_db()
    assert replied.status == Status.VISITED
    assert replied.closed_at is None
    assert actions(replied)[-1] == "visit"
    assert Rating.objects.get(ticket=replied).satisfaction == Satisfaction.UNSATISFIED


def test_an_agent_rating_is_recorded_as_a_phone_visit_by_that_agent(
    replied: Any, agent: Any
) -> None:
    rating = visits.rate(replied, satisfaction=Satisfaction.SATISFIED, resolved=True, agent=agent)

    visit = replied.events.get(action="visit")
    assert rating.via == Rating.Via.PHONE
    assert visit.actor == agent
    assert visit.data == {"satisfaction": "satisfied", "resolved": True}


def test_a_rating_before_the_reply_is_refused_and_writes_nothing(dispatched: Any) -> None:
    with pytest.raises(transitions.WorkflowError, match="不能回访"):
        visits.rate(dispatched, satisfaction=Satisfaction.SATISFIED, resolved=True)

    assert not Rating.objects.exists()
    assert actions(dispatched) == ["receive", "dispatch"]


def test_an_unknown_satisfaction_is_refused_and_writes_nothing(replied: Any) -> None:
    with pytest.raises(transitions.WorkflowError, match="请选择满意"):
        visits.rate(replied, satisfaction="xyz", resolved=True)

    replied.refresh_from_db()
    assert replied.status == Status.REPLIED
    assert not Rating.objects.exists()


def test_after_a_reopen_the_second_round_is_rated_separately(
    replied: Any, dispatcher: Any, street_handler: Any
) -> None:
    visits.rate(replied, satisfaction=Satisfaction.UNSATISFIED, resolved=False, comment="还在施工")
    workflow.reopen(replied, by=dispatcher, note="核实仍在夜间施工，重办。")
    assert replied.status == Status.DISPATCHED
    workflow.accept(replied, by=street_handler)
    workflow.reply(replied, by=street_handler, text="已联合执法，工地停工整改。")

    second = visits.rate(replied, satisfaction=Satisfaction.SATISFIED, resolved=True)

    replied.refresh_from_db()
    assert replied.status == Status.CLOSED
    assert second.round == 2
    assert list(Rating.objects.order_by("round").values_list("round", "satisfaction")) == [
        (1, "unsatisfied"),
        (2, "satisfied"),
    ]
