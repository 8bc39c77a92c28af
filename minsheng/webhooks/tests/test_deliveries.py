"""Deliveries: queued from new events without blocking anyone, signed, retried, recorded.

A real HTTP server on 127.0.0.1 receives them and checks every signature.
"""

import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.utils import timezone

from minsheng.tickets import workflow
from minsheng.tickets.models import TicketEvent
from minsheng.webhooks import deliveries, signing
from minsheng.webhooks.models import Delivery, EventCursor, Subscription

pytestmark = pytest.mark.django_db


class Receiver:
    """A partner's endpoint: verifies each signature; fails the first `failures` requests."""

    def __init__(self, secret: str, failures: int = 0) -> None:
        self.secret, self.failures = secret, failures
        self.received: list[dict[str, Any]] = []
        self.bad_signatures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                import json
                import time

                content = self.rfile.read(int(self.headers["Content-Length"]))
                signature = self.headers[signing.SIGNATURE_HEADER]
                if not signing.verify(receiver.secret, content, signature, now=time.time()):
                    receiver.bad_signatures += 1
                if receiver.failures > 0:
                    receiver.failures -= 1
                    self.send_response(503)
                else:
                    receiver.received.append(json.loads(content))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/minsheng"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver("partner-secret")
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


def subscribe(url: str, **extra: Any) -> Subscription:
    return Subscription.objects.create(
        name="区网格化平台", url=url, secret="partner-secret", **extra
    )


def test_new_events_are_queued_once_per_subscription(make_ticket: Any, receiver: Receiver) -> None:
    subscription = subscribe(receiver.url)
    ticket = make_ticket()

    assert deliveries.enqueue_new_events() == 1
    assert deliveries.enqueue_new_events() == 0
    delivery = Delivery.objects.get()
    assert delivery.subscription == subscription
    assert delivery.payload["type"] == "ticket.receive"
    assert delivery.payload["ticket"]["number"] == ticket.number
    assert "13812345678" not in str(delivery.payload)


def test_deliveries_are_signed_and_recorded(make_ticket: Any, receiver: Receiver) -> None:
    subscribe(receiver.url)
    make_ticket()
    deliveries.enqueue_new_events()

    counts = deliveries.deliver_due()

    assert counts == {"delivered": 1, "retrying": 0, "failed": 0}
    assert receiver.bad_signatures == 0
    assert receiver.received[0]["type"] == "ticket.receive"
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 204)


def test_a_failing_endpoint_gets_the_delivery_again_after_a_backoff(
    make_ticket: Any, receiver: Receiver
) -> None:
    receiver.failures = 1
    subscribe(receiver.url)
    make_ticket()
    deliveries.enqueue_new_events()

    first = deliveries.deliver_due()
    delivery = Delivery.objects.get()
    too_early = deliveries.deliver_due(now=timezone.now() + timedelta(seconds=10))
    retried = deliveries.deliver_due(now=delivery.next_attempt_at)

    assert first == {"delivered": 0, "retrying": 1, "failed": 0}
    assert delivery.last_status_code == 503
    assert too_early["delivered"] == 0
    assert retried == {"delivered": 1, "retrying": 0, "failed": 0}
    assert Delivery.objects.get().attempts == 2
    assert receiver.bad_signatures == 0
    assert [r["attempt"] for r in receiver.received] == [2]


def test_an_unreachable_endpoint_is_given_up_after_the_last_attempt(make_ticket: Any) -> None:
    subscribe("http://127.0.0.1:9/nothing-listens")
    make_ticket()
    deliveries.enqueue_new_events()
    Delivery.objects.update(attempts=signing.MAX_ATTEMPTS - 1)

    assert deliveries.deliver_due() == {"delivered": 0, "retrying": 0, "failed": 1}
    assert "ConnectionRefused" in Delivery.objects.get().last_error


def test_subscriptions_choose_their_events_and_units(
    make_ticket: Any, dispatcher: Any, city: Any, receiver: Receiver
) -> None:
    dispatches = subscribe(receiver.url, event_types=["dispatch"])
    water = subscribe(receiver.url)
    water.units.add(city["water"])
    ticket = make_ticket()
    workflow.dispatch(ticket, to=city["gudong"], by=dispatcher)
    other = make_ticket()
    workflow.dispatch(other, to=city["water"], by=dispatcher)

    deliveries.enqueue_new_events()

    assert Delivery.objects.filter(subscription=dispatches).count() == 2
    assert {d.payload["ticket"]["number"] for d in Delivery.objects.filter(subscription=water)} == {
        other.number
    }


def test_a_gap_in_event_ids_is_waited_for_then_passed(make_ticket: Any, receiver: Receiver) -> None:
    subscribe(receiver.url)
    make_ticket()
    first = TicketEvent.objects.get()
    EventCursor.objects.create(name=deliveries.CURSOR, last_event_id=first.pk - 2)
    now = timezone.now()

    waiting = deliveries.enqueue_new_events(now=now)
    passed = deliveries.enqueue_new_events(now=now + deliveries.GAP_GRACE)

    assert (waiting, passed) == (0, 1)
    assert EventCursor.objects.get().last_event_id == first.pk


def test_without_subscriptions_the_cursor_skips_ahead(make_ticket: Any) -> None:
    make_ticket()

    assert deliveries.enqueue_new_events() == 0
    assert EventCursor.objects.get().last_event_id == TicketEvent.objects.get().pk
