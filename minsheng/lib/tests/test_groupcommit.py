"""lib.groupcommit with real threads: who leads, what each thread gets back, failures."""

import threading
import time

import pytest

from minsheng.lib.groupcommit import BatchFailed, GroupCommit


class Held:
    """A write function whose first call waits until `release()`, recording every batch."""

    def __init__(self, *, fail_batch: int | None = None) -> None:
        self.batches: list[list[int]] = []
        self.entered = threading.Event()  # the first write has begun
        self.gate = threading.Event()
        self.fail_batch = fail_batch

    def __call__(self, items: list[int]) -> list[int]:
        self.entered.set()
        if not self.batches:
            self.gate.wait(5)
        self.batches.append(items)
        if len(self.batches) == self.fail_batch:
            raise RuntimeError("disk full")
        return [item * 10 for item in items]


def _run_all(group: GroupCommit[int, int], items: list[int]) -> tuple[dict, list[threading.Thread]]:
    outcome: dict[int, object] = {}

    def one(item: int) -> None:
        try:
            outcome[item] = group.run(item)
        except BatchFailed as error:
            outcome[item] = error

    threads = [threading.Thread(target=one, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    return outcome, threads


def _one_then_the_rest(write: Held, group: GroupCommit[int, int], rest: list[int]) -> tuple:
    """Item 1 leads and is held at the gate; `rest` queue behind it; then the gate opens.
    Returns what item 1 got, and what each of the rest got."""
    first, first_threads = _run_all(group, [1])
    assert write.entered.wait(5)
    outcome, threads = _run_all(group, rest)
    deadline = time.monotonic() + 5
    while len(group._queue) < len(rest) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert len(group._queue) == len(rest)
    write.gate.set()
    for thread in first_threads + threads:
        thread.join(5)
    return first, outcome


def test_a_lone_request_is_written_at_once_in_its_own_thread() -> None:
    seen = []
    group = GroupCommit(lambda items: seen.append(threading.get_ident()) or [len(items)])
    assert group.run(7) == 1
    assert seen == [threading.get_ident()]


def test_requests_arriving_during_a_write_form_the_next_batch_and_each_gets_its_own_result() -> (
    None
):
    write = Held()
    group = GroupCommit(write, limit=32)
    first, rest = _one_then_the_rest(write, group, list(range(2, 12)))

    assert write.batches[0] == [1]
    assert sorted(write.batches[1]) == list(range(2, 12))
    assert {**first, **rest} == {i: i * 10 for i in range(1, 12)}


def test_a_batch_is_at_most_the_limit_and_the_rest_follow() -> None:
    write = Held()
    group = GroupCommit(write, limit=4)
    _, outcome = _one_then_the_rest(write, group, list(range(2, 12)))

    assert [len(b) for b in write.batches] == [1, 4, 4, 2]
    assert outcome == {i: i * 10 for i in range(2, 12)}


def test_a_failed_batch_fails_each_of_its_requests_and_the_next_batch_still_runs() -> None:
    write = Held(fail_batch=2)
    group = GroupCommit(write, limit=5)
    first, rest = _one_then_the_rest(write, group, list(range(2, 9)))

    failed = set(write.batches[1])
    assert len(failed) == 5
    assert first == {1: 10}
    for item in failed:
        assert isinstance(rest[item], BatchFailed)
        assert isinstance(rest[item].__cause__, RuntimeError)
    assert {i: rest[i] for i in rest if i not in failed} == {
        i: i * 10 for i in range(2, 9) if i not in failed
    }
    assert group._busy is False


def test_a_write_returning_the_wrong_number_of_results_fails_the_batch() -> None:
    group = GroupCommit(lambda items: [])
    with pytest.raises(BatchFailed, match="0 results for a batch of 1"):
        group.run(1)
    assert group._busy is False


def test_the_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        GroupCommit(lambda items: items, limit=0)
