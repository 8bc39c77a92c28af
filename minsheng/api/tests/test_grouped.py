"""New tickets posted together are written together (idempotency.Grouped), on both databases.

The first request's write is held until the others have queued, so the second batch holds
them all: real threads, real transactions (transaction=True).
"""

import json
import threading
import time
from typing import Any

import pytest
from django.db import connection

from minsheng.api import api as api_module
from minsheng.api import idempotency
from minsheng.api.models import IdempotencyRecord
from minsheng.tickets import chain
from minsheng.tickets.models import Ticket, TicketEvent


class HeldFirstBatch:
    """Wraps the batch writer: records batch sizes, holds the first until `others` queued,
    and fails the batch number `fail` (1-based) after writing it."""

    def __init__(self, perform_many: Any, *, others: int, fail: int | None = None) -> None:
        self.perform_many, self.others, self.fail = perform_many, others, fail
        self.sizes: list[int] = []

    def __call__(self, items: list[Any]) -> Any:
        if not self.sizes:
            deadline = time.monotonic() + 10
            while len(api_module._filing._group._queue) < self.others:
                assert time.monotonic() < deadline, "the other requests never queued"
                time.sleep(0.005)
        self.sizes.append(len(items))
        results = self.perform_many(items)
        if len(self.sizes) == self.fail:
            raise RuntimeError("the batch fails after its inserts: all of it rolls back")
        return results


def _post_together(partner: Any, bodies: list[tuple[dict[str, Any], str]]) -> list[Any]:
    responses: list[Any] = [None] * len(bodies)
    errors: list[BaseException] = []

    def post(i: int) -> None:
        try:
            body, key = bodies[i]
            responses[i] = partner.post("/tickets", body, key=key)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    first = threading.Thread(target=post, args=(0,))
    first.start()
    time.sleep(0.2)  # the first leads and is held; the others queue behind it
    threads = [threading.Thread(target=post, args=(i,)) for i in range(1, len(bodies))]
    for thread in threads:
        thread.start()
    for thread in [first, *threads]:
        thread.join(20)
    assert errors == []
    return responses


def _bodies(new_ticket_body: dict[str, Any], count: int) -> list[tuple[dict[str, Any], str]]:
    return [
        ({**new_ticket_body, "phone": f"1391111{i:04d}", "description": f"夜里施工噪音 第{i}件"},
         f"key-{i}")
        for i in range(count)
    ]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_tickets_queued_together_are_one_batch_and_each_gets_its_own_ticket(
    partner: Any, new_ticket_body: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = HeldFirstBatch(api_module._filing._perform_many, others=9)
    monkeypatch.setattr(api_module._filing, "_perform_many", held)
    bodies = _bodies(new_ticket_body, 8)
    bodies += [bodies[3], bodies[3]]  # a retry of one of them, twice, in the same batch

    responses = _post_together(partner, bodies)

    # The first alone; then the other seven new ones together. The two retries of key-3 in
    # that batch wait for it to commit and replay its answer.
    assert held.sizes == [1, 7]
    assert [r.status_code for r in responses] == [201] * 10
    answers = [json.loads(r.content) for r in responses]
    assert answers[8] == answers[9] == answers[3]
    numbers = [a["number"] for a in answers[:8]]
    assert len(set(numbers)) == 8
    assert Ticket.objects.count() == 8
    assert IdempotencyRecord.objects.count() == 8
    for body, answer in zip(bodies[:8], answers[:8], strict=True):
        ticket = Ticket.objects.select_related("resident").get(number=answer["number"])
        assert ticket.description == body[0]["description"]
        assert ticket.resident.phone == body[0]["phone"]
        assert ticket.channel == "api"
        assert ticket.awaiting_route
        event = TicketEvent.objects.get(ticket=ticket)
        assert event.hash == chain.digest(chain.event_content(event), "")


@pytest.mark.django_db(transaction=True)
def test_a_failed_batch_writes_nothing_and_its_requests_are_then_written_one_by_one(
    partner: Any, new_ticket_body: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = HeldFirstBatch(api_module._filing._perform_many, others=5, fail=2)
    monkeypatch.setattr(api_module._filing, "_perform_many", held)

    responses = _post_together(partner, _bodies(new_ticket_body, 6))

    assert held.sizes[:2] == [1, 5]
    assert [r.status_code for r in responses] == [201] * 6
    assert len({json.loads(r.content)["number"] for r in responses}) == 6
    assert Ticket.objects.count() == 6
    assert IdempotencyRecord.objects.count() == 6


@pytest.mark.django_db
def test_a_refused_request_never_joins_a_batch_and_gets_its_own_answer(
    partner: Any, new_ticket_body: Any
) -> None:
    response = partner.post("/tickets", {**new_ticket_body, "phone": "12"})

    assert response.status_code == 422
    assert json.loads(response.content)["code"] == "rejected"
    assert Ticket.objects.count() == 0
    assert IdempotencyRecord.objects.count() == 0


@pytest.mark.django_db
def test_a_retry_is_replayed_from_its_batch_without_writing_anything(
    partner: Any, new_ticket_body: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = partner.post("/tickets", new_ticket_body, key="retry-me")

    def alone(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the retry should not have needed the one-by-one path")

    monkeypatch.setattr(idempotency, "respond", alone)
    again = partner.post("/tickets", new_ticket_body, key="retry-me")

    assert again.status_code == 201
    assert again.content == first.content
    assert again[idempotency.REPLAYED_HEADER] == "true"
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_each_answer_of_a_batch_is_in_its_own_requests_language(
    partner: Any, new_ticket_body: Any
) -> None:
    from django.utils import translation

    from minsheng.api import actions, queries
    from minsheng.api.schemas import TicketIn

    caller = queries.caller_for_token(partner.raw_key)
    body = TicketIn(**new_ticket_body)
    with translation.override("zh-hans"):
        chinese = actions.Filing(caller, actions.ticket_request(caller, body))
    with translation.override("en"):
        english = actions.Filing(caller, actions.ticket_request(caller, body))
        answers = actions.file_tickets([chinese, english])  # led by the English request

    assert [a[1]["status_label"] for a in answers] == ["已受理", "Received"]
