"""Ticket numbers: FZ + the Beijing date + a dense per-day sequence, unique under concurrency."""

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction

from conftest import at
from minsheng.tickets import numbering
from minsheng.tickets.models import TicketSequence

NUMBER = re.compile(r"^FZ(\d{6})(\d{4})$")


@pytest.mark.django_db
def test_numbers_are_the_prefix_the_date_and_four_digits():
    number = numbering.next_number(at(2026, 11, 27, 9, 30))
    assert number == "FZ2611270001"
    assert NUMBER.match(number)


@pytest.mark.django_db
def test_the_sequence_counts_up_within_a_day():
    day = at(2026, 3, 2, 0, 0)
    numbers = [numbering.next_number(day + timedelta(minutes=7 * i)) for i in range(12)]
    assert numbers == [f"FZ260302{i:04d}" for i in range(1, 13)]
    assert TicketSequence.objects.get(key="FZ260302").last == 12


@pytest.mark.django_db
def test_several_numbers_are_drawn_at_once_in_order():
    day = at(2026, 3, 2, 9, 0)
    assert numbering.next_number(day) == "FZ2603020001"
    assert numbering.next_numbers(day, 3) == ["FZ2603020002", "FZ2603020003", "FZ2603020004"]
    assert numbering.next_numbers(at(2026, 3, 4, 9, 0), 2) == ["FZ2603040001", "FZ2603040002"]
    assert numbering.next_number(day) == "FZ2603020005"


@pytest.mark.django_db
def test_the_sequence_restarts_the_next_day():
    assert numbering.next_number(at(2026, 3, 2, 23, 59, 59)) == "FZ2603020001"
    assert numbering.next_number(at(2026, 3, 2, 23, 59, 59)) == "FZ2603020002"
    assert numbering.next_number(at(2026, 3, 3, 0, 0, 0)) == "FZ2603030001"
    # an earlier day keeps its own count
    assert numbering.next_number(at(2026, 3, 2, 12, 0)) == "FZ2603020003"


@pytest.mark.django_db
def test_the_day_is_the_beijing_day_not_the_utc_one():
    # 16:30 UTC on 2 March is 00:30 on 3 March in Beijing
    assert numbering.next_number(datetime(2026, 3, 2, 16, 30, tzinfo=UTC)) == "FZ2603030001"
    assert numbering.next_number(datetime(2026, 3, 2, 15, 59, tzinfo=UTC)) == "FZ2603020001"


@pytest.mark.django_db
def test_received_tickets_take_numbers_of_their_day(make_ticket):
    first = make_ticket(at=at(2026, 2, 16, 8, 0))
    second = make_ticket(at=at(2026, 2, 16, 8, 1))
    next_day = make_ticket(at=at(2026, 2, 17, 8, 0))
    assert [first.number, second.number, next_day.number] == [
        "FZ2602160001",
        "FZ2602160002",
        "FZ2602170001",
    ]


@pytest.mark.django_db
def test_the_fifth_digit_appears_only_past_9999_a_day():
    TicketSequence.objects.create(key="FZ260302", last=9998)
    assert numbering.next_number(at(2026, 3, 2, 9, 0)) == "FZ2603029999"
    assert numbering.next_number(at(2026, 3, 2, 9, 0)) == "FZ26030210000"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("own_connection", [False, True])
def test_concurrent_callers_get_distinct_dense_numbers(settings, own_connection):
    """8 threads, each issuing 25 numbers in its own transactions, on whatever database runs.

    On PostgreSQL the upsert's row lock queues the callers (inside their transactions, or on
    the numbering connection of each thread); on SQLite the IMMEDIATE transactions serialise
    the writers. Either way: 200 distinct numbers, 1 to 200.
    """
    settings.MINSHENG_NUMBERING_OWN_CONNECTION = own_connection
    threads, per_thread = 8, 25
    day = at(2026, 11, 27, 10, 0)
    issued: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def work() -> None:
        try:
            start.wait()
            for _ in range(per_thread):
                with transaction.atomic():
                    number = numbering.next_number(day)
                with lock:
                    issued.append(number)
        except BaseException as error:  # reported below; a thread cannot fail the test itself
            errors.append(error)
        finally:
            numbering.close()
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not any(worker.is_alive() for worker in workers)
    assert errors == []
    assert len(issued) == threads * per_thread
    assert len(set(issued)) == len(issued)
    assert sorted(int(n[-4:]) for n in issued) == list(range(1, threads * per_thread + 1))
    assert {n[:8] for n in issued} == {"FZ261127"}
    assert TicketSequence.objects.get(key="FZ261127").last == threads * per_thread


def _number_then_fail(day):
    with transaction.atomic():
        numbering.next_number(day)
        raise RuntimeError("the intake failed after taking its number")


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_intake_leaves_a_gap_on_postgresql_and_none_on_sqlite(settings):
    """PostgreSQL draws on the numbering connection, which has committed before the intake
    rolls back; SQLite draws inside the intake's transaction."""
    settings.MINSHENG_NUMBERING_OWN_CONNECTION = True
    day = at(2026, 11, 27, 10, 0)
    try:
        with transaction.atomic():
            first = numbering.next_number(day)
        with pytest.raises(RuntimeError):
            _number_then_fail(day)
        with transaction.atomic():
            third = numbering.next_number(day)
    finally:
        numbering.close()
    gap = connection.vendor == "postgresql"
    assert (first, third) == ("FZ2611270001", "FZ2611270003" if gap else "FZ2611270002")


@pytest.mark.django_db(transaction=True)
def test_the_numbering_connection_reconnects_after_the_server_dropped_it(settings):
    settings.MINSHENG_NUMBERING_OWN_CONNECTION = True
    day = at(2026, 11, 27, 10, 0)
    try:
        assert numbering.next_number(day) == "FZ2611270001"
        if connection.vendor == "postgresql":
            own = numbering._connection()
            with connection.cursor() as cursor:  # as a server restart would
                cursor.execute("SELECT pg_terminate_backend(%s)", [own.info.backend_pid])
        assert numbering.next_number(day) == "FZ2611270002"
    finally:
        numbering.close()
