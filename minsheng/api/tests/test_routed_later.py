"""Tickets other systems file wait for the worker, which sends the receipt and routes them."""

import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from minsheng.dispatch import queries, routing
from minsheng.dispatch.models import DispatchRule, Target
from minsheng.notifications.models import Notification
from minsheng.tickets import notices, workflow
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


def _only_the_second_waits_for_a_dispatcher(numbers: list[str]) -> None:
    statuses = {t.number: (t.status, t.awaiting_route) for t in Ticket.objects.all()}
    assert statuses == {
        numbers[0]: (Status.DISPATCHED, False),
        numbers[1]: (Status.RECEIVED, False),
        numbers[2]: (Status.DISPATCHED, False),
    }


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


def test_without_the_classifier_tickets_get_their_receipts_and_wait_for_a_dispatcher(
    partner: Any,
    new_ticket_body: dict[str, Any],
    noise_rule: DispatchRule,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    for _ in range(3):
        partner.post("/tickets", new_ticket_body)

    def model_store_down(requests: Any) -> list[float]:
        # A failed query: on PostgreSQL it aborts the transaction it runs in.
        with connection.cursor() as cursor:
            cursor.execute("SELECT blob FROM triage_model_store_that_is_gone")
        return [1.0] * len(requests)

    monkeypatch.setattr(routing, "agreements", model_store_down)
    with caplog.at_level(logging.ERROR, logger="minsheng.dispatch.routing"):
        assert routing.route_waiting() == 3

    assert "the classifier failed" in caplog.text
    assert "waiting tickets failed" not in caplog.text  # the batch itself went through
    assert not Ticket.objects.filter(awaiting_route=True).exists()
    assert Ticket.objects.filter(status=Status.RECEIVED).count() == 3
    assert Notification.objects.filter(kind="receipt").count() == 3


def test_a_ticket_the_rules_cannot_decide_waits_for_a_dispatcher_and_the_others_are_routed(
    partner: Any,
    new_ticket_body: dict[str, Any],
    noise_rule: DispatchRule,
    classifier_says: Callable[[float], None],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    numbers = [partner.post("/tickets", new_ticket_body).json()["number"] for _ in range(3)]
    classifier_says(0.95)
    real = queries.decide

    def breaks_on_the_second(ticket: Ticket, book: Any = None) -> Any:
        if ticket.number == numbers[1]:
            raise ValueError("a rule's polygon is corrupt")
        return real(ticket, book)

    monkeypatch.setattr(queries, "decide", breaks_on_the_second)
    with caplog.at_level(logging.ERROR, logger="minsheng.dispatch.routing"):
        assert routing.route_waiting() == 3

    _only_the_second_waits_for_a_dispatcher(numbers)
    assert "deciding" in caplog.text
    assert Notification.objects.filter(kind="receipt").count() == 3


def test_a_ticket_that_breaks_its_batch_is_let_go_with_its_receipt_and_the_others_are_routed(
    partner: Any,
    new_ticket_body: dict[str, Any],
    noise_rule: DispatchRule,
    classifier_says: Callable[[float], None],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    numbers = [partner.post("/tickets", new_ticket_body).json()["number"] for _ in range(3)]
    classifier_says(0.95)
    real = notices.received_many

    def cannot_queue_with_the_second(tickets: list[Ticket]) -> None:
        if any(t.number == numbers[1] for t in tickets):
            raise ValueError("the outbox refused a receipt")
        real(tickets)

    monkeypatch.setattr(notices, "received_many", cannot_queue_with_the_second)
    with caplog.at_level(logging.ERROR, logger="minsheng.dispatch.routing"):
        assert routing.route_waiting() == 3

    _only_the_second_waits_for_a_dispatcher(numbers)
    assert "a batch of 3 waiting tickets failed" in caplog.text
    assert f"could not route ticket {Ticket.objects.get(number=numbers[1]).pk}" in caplog.text
    assert Notification.objects.filter(kind="receipt").count() == 3  # the let-go one too


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


@pytest.mark.django_db(transaction=True)
def test_a_worker_step_that_fails_is_logged_and_the_round_goes_on(
    partner: Any,
    new_ticket_body: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    partner.post("/tickets", new_ticket_body)
    routing.route_waiting()  # its receipt is queued

    def queue_unreadable(**kwargs: Any) -> int:
        raise ConnectionError("the queue cannot be read")

    monkeypatch.setattr(routing, "route_waiting", queue_unreadable)
    with (
        caplog.at_level(logging.ERROR, logger="minsheng.worker"),
        pytest.raises(CommandError, match="routing"),
    ):
        call_command("worker", "--batch")

    assert "worker step routing failed" in caplog.text
    assert Notification.objects.get(kind="receipt").state == Notification.State.SENT


def test_tickets_of_people_are_routed_at_once_and_never_wait(
    make_ticket: Callable[..., Ticket],
) -> None:
    assert not make_ticket().awaiting_route
