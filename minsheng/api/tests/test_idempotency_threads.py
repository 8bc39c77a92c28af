"""Concurrent duplicates: ten threads post the same key and body at once; one ticket results.

Real threads and real transactions (transaction=True), so on PostgreSQL the losers meet the
winner at the unique index; on SQLite they queue for the write lock.
"""

import threading
from typing import Any

import pytest
from django.db import connection

from minsheng.api.models import IdempotencyRecord
from minsheng.tickets.models import Ticket


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_duplicates_create_one_ticket_and_get_the_same_answer(
    partner: Any, new_ticket_body: Any
) -> None:
    barrier = threading.Barrier(10)
    results: list[tuple[int, bytes]] = []
    errors: list[BaseException] = []

    def post() -> None:
        try:
            barrier.wait()
            response = partner.post("/tickets", new_ticket_body, key="one-and-only")
            results.append((response.status_code, response.content))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Ticket.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1
    assert {status for status, _ in results} == {201}
    assert len({content for _, content in results}) == 1
    assert len(results) == 10
