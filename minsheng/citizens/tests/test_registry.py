"""The resident record: one row per phone, kept by one statement on the common paths."""

import threading
from typing import Any

import pytest
from django.db import connection, transaction

from minsheng.citizens import registry
from minsheng.citizens.models import Resident


@pytest.mark.django_db
def test_the_first_contact_creates_the_resident_and_later_ones_find_it():
    first = registry.remember(phone="13812345678", name="张先生")
    again = registry.remember(phone="13812345678")

    assert again.pk == first.pk
    assert again.name == "张先生"  # a call without a name keeps the one we have
    assert again.created_at == first.created_at
    assert Resident.objects.count() == 1


@pytest.mark.django_db
def test_a_new_name_replaces_the_old_one():
    registry.remember(phone="13812345678", name="张先生")
    assert registry.remember(phone="13812345678", name="张建国").name == "张建国"
    assert Resident.objects.get().name == "张建国"


@pytest.mark.django_db
def test_many_callers_at_once_known_new_and_repeated():
    known = registry.remember(phone="13812345678", name="张先生")
    found = registry.remember_many(
        [("13812345678", ""), ("13900001111", "李女士"), ("13900001111", ""), ("13700002222", "")]
    )

    assert set(found) == {"13812345678", "13900001111", "13700002222"}
    assert found["13812345678"].pk == known.pk
    assert found["13812345678"].name == "张先生"
    assert found["13900001111"].name == "李女士"  # the name given once is kept
    assert Resident.objects.count() == 3
    assert Resident.objects.get(phone="13700002222").pk == found["13700002222"].pk


def _remember_then_fail() -> None:
    with transaction.atomic():
        registry.remember(phone="13812345678", name="张先生")
        raise RuntimeError("the intake failed")


@pytest.mark.django_db
def test_remembering_inside_a_failed_intake_leaves_nothing():
    with pytest.raises(RuntimeError):
        _remember_then_fail()
    assert not Resident.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_first_calls_at_the_same_moment_make_one_resident():
    threads = 6
    start = threading.Barrier(threads)
    found: list[int] = []
    errors: list[BaseException] = []

    def call() -> None:
        try:
            start.wait()
            with transaction.atomic():
                found.append(registry.remember(phone="13900001111").pk)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=call) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert errors == []
    assert len(found) == threads
    assert len(set(found)) == 1
    assert Resident.objects.count() == 1


@pytest.mark.django_db
def test_a_reveal_is_recorded_with_who_what_and_when(agent: Any) -> None:
    from minsheng.citizens.models import Reveal

    registry.record_reveal(user=agent, kind="phone", subject="ticket:FZ1", reason="回电")

    (seen,) = Reveal.objects.all()
    assert (seen.user, seen.kind, seen.subject, seen.reason) == (
        agent,
        "phone",
        "ticket:FZ1",
        "回电",
    )
    assert seen.at is not None
