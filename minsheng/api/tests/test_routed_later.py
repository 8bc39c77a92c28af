"""Tickets other systems file wait for the worker, which sends the receipt and routes them."""

import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command

from minsheng.dispatch import routing
from minsheng.dispatch.models import DispatchRule, Target
from minsheng.notifications.models import Notification
from minsheng.tickets import workflow
from minsheng.tickets.models import Channel, Status, Ticket


@pytest.fixture
def noise_rule(catalogue: dict[str, Any]) -> DispatchRule:
    return routing.save_rule(
        None,
        {"name": "噪音直派街道", "categories": [catalogue["noise"]], "target": Target.STREET},
        by=None,
    )


@pytest.fixture
def classifier_says(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    """Fix how sure the classifier is of the chosen category (its quality is tested in triage)."""

    def says(confidence: float) -> None:
        monkeypatch.setattr(routing, "agreements", lambda requests: [confidence] * len(requests))

    return says


def _receipts(ticket: Ticket) -> int:
    return Notification.objects.filter(ticket_number=ticket.number, kind="receipt").count()


def test_an_api_ticket_is_acknowledged_at_once_and_routed_by_the_worker(
    partner: Any,
    new_ticket_body: dict[str, Any],
    noise_rule: DispatchRule,
    classifier_says: Callable[[float], None],
    city: dict[str, Any],
) -> None:
    response = partner.post("/tickets", new_ticket_body)
    assert response.status_code == 201
    assert response.json()["status"] == "received"
    ticket = Ticket.objects.get(number=response.json()["number"])
    assert ticket.awaiting_route
    assert ticket.channel == Channel.API
    assert _receipts(ticket) == 0

    classifier_says(0.95)
    assert routing.route_waiting() == 1
    assert routing.route_waiting() == 0  # taken once

    ticket.refresh_from_db()
    assert not ticket.awaiting_route
    assert ticket.status == Status.DISPATCHED
    assert ticket.unit == city["gudong"]
    assert "噪音直派街道" in ticket.events.get(action="dispatch").note
    assert _receipts(ticket) == 1


def test_an_unsure_ticket_stays_with_the_dispatcher_and_still_gets_its_receipt(
    partner: Any,
    new_ticket_body: dict[str, Any],
    noise_rule: DispatchRule,
    classifier_says: Callable[[float], None],
) -> None:
    number = partner.post("/tickets", new_ticket_body).json()["number"]
    classifier_says(0.3)
    routing.route_waiting()

    ticket = Ticket.objects.get(number=number)
    assert ticket.status == Status.RECEIVED
    assert not ticket.awaiting_route
    assert _receipts(ticket) == 1


def test_a_ticket_a_dispatcher_already_sent_on_is_left_as_it_is(
    partner: Any,
    new_ticket_body: dict[str, Any],
    noise_rule: DispatchRule,
    classifier_says: Callable[[float], None],
    dispatcher: Any,
    city: dict[str, Any],
) -> None:
    ticket = Ticket.objects.get(number=partner.post("/tickets", new_ticket_body).json()["number"])
    workflow.dispatch(ticket, to=city["water"], by=dispatcher)
    classifier_says(0.99)
    routing.route_waiting()

    ticket.refresh_from_db()
    assert ticket.unit == city["water"]
    assert ticket.events.filter(action="dispatch").count() == 1
    assert not ticket.awaiting_route


def test_a_ticket_that_cannot_be_routed_is_let_go_and_the_others_are_still_routed(
    partner: Any,
    new_ticket_body: dict[str, Any],
    noise_rule: DispatchRule,
    classifier_says: Callable[[float], None],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    first, second = (partner.post("/tickets", new_ticket_body).json()["number"] for _ in range(2))
    classifier_says(0.95)
    real = routing.route_new

    def fails_for_the_first(ticket: Ticket, **kwargs: Any) -> Any:
        if ticket.number == first:
            raise RuntimeError("rule engine fell over")
        return real(ticket, **kwargs)

    monkeypatch.setattr(routing, "route_new", fails_for_the_first)
    with caplog.at_level(logging.ERROR, logger="minsheng.dispatch.routing"):
        assert routing.route_waiting() == 2

    stuck, routed = Ticket.objects.get(number=first), Ticket.objects.get(number=second)
    assert (stuck.status, stuck.awaiting_route) == (Status.RECEIVED, False)
    assert (routed.status, routed.awaiting_route) == (Status.DISPATCHED, False)
    assert f"could not route {stuck}" in caplog.text
    assert _receipts(stuck) == _receipts(routed) == 1  # received all the same


def test_waiting_tickets_are_taken_a_batch_at_a_time_oldest_first_up_to_the_limit(
    partner: Any,
    new_ticket_body: dict[str, Any],
    noise_rule: DispatchRule,
    classifier_says: Callable[[float], None],
) -> None:
    numbers = [partner.post("/tickets", new_ticket_body).json()["number"] for _ in range(7)]
    classifier_says(0.95)

    assert routing.route_waiting(limit=5, batch=2) == 5
    waiting = set(Ticket.objects.filter(awaiting_route=True).values_list("number", flat=True))
    assert waiting == set(numbers[5:])
    assert Ticket.objects.filter(status=Status.DISPATCHED).count() == 5
    assert routing.route_waiting(batch=2) == 2
    assert Notification.objects.filter(kind="receipt").count() == 7


def test_a_batch_that_fails_outside_any_ticket_leaves_every_ticket_waiting(
    partner: Any,
    new_ticket_body: dict[str, Any],
    noise_rule: DispatchRule,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for _ in range(3):
        partner.post("/tickets", new_ticket_body)

    def model_store_down(requests: Any) -> list[float]:
        raise ConnectionError("the model store is unreachable")

    monkeypatch.setattr(routing, "agreements", model_store_down)
    with pytest.raises(ConnectionError):
        routing.route_waiting()

    assert Ticket.objects.filter(awaiting_route=True).count() == 3  # the next round takes them
    assert Notification.objects.filter(kind="receipt").count() == 0


@pytest.mark.django_db(transaction=True)  # the worker manages its own connections
def test_the_worker_routes_waiting_tickets_every_round(
    partner: Any,
    new_ticket_body: dict[str, Any],
    noise_rule: DispatchRule,
    classifier_says: Callable[[float], None],
) -> None:
    number = partner.post("/tickets", new_ticket_body).json()["number"]
    classifier_says(0.95)
    call_command("worker", "--batch")
    assert Ticket.objects.get(number=number).status == Status.DISPATCHED


def test_tickets_of_people_are_routed_at_once_and_never_wait(
    make_ticket: Callable[..., Ticket],
) -> None:
    assert not make_ticket().awaiting_route
