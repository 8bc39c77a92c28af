"""Group commit: requests that arrive together in one process are written in one transaction.

A thread that finds no batch being written leads: it takes everything queued (up to `limit`),
writes it with one call and hands each thread its own result. Threads that arrive meanwhile
wait; when the batch is done, the first of them leads the next. No thread waits for a timer,
so a lone request is written at once, and under load the batches grow by themselves (the way
PostgreSQL groups WAL flushes). docs/api.md ("Throughput") has the measurements.
"""

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

logger = logging.getLogger(__name__)

In = TypeVar("In")
Out = TypeVar("Out")


class BatchFailed(Exception):
    """The batch this request was in could not be written; nothing of it was stored."""


class _Slot(Generic[In, Out]):
    __slots__ = ("done", "error", "item", "result", "wake")

    def __init__(self, item: In) -> None:
        self.item = item
        self.wake = threading.Event()  # set once: the result is in, or this thread leads next
        self.done = False
        self.result: Out | None = None
        self.error: BaseException | None = None


class GroupCommit(Generic[In, Out]):
    """Runs `write(items) -> results` (one result per item, same order) over whatever
    requests are waiting. `write` should do all its work in one transaction: if it raises,
    every request of that batch gets BatchFailed and may be retried on its own."""

    def __init__(self, write: Callable[[list[In]], Sequence[Out]], *, limit: int = 32) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self._write = write
        self._limit = limit
        self._lock = threading.Lock()
        self._queue: list[_Slot[In, Out]] = []
        self._busy = False  # a batch is being written, or its successor has been woken to lead

    def run(self, item: In) -> Out:
        """Write `item` in the next batch and return its result (BatchFailed if that failed)."""
        slot: _Slot[In, Out] = _Slot(item)
        with self._lock:
            self._queue.append(slot)
            leads = not self._busy
            self._busy = True
        if not leads:
            slot.wake.wait()
        if not slot.done:
            self._lead()  # this slot heads the queue, so the batch includes it
        if slot.error is not None:
            raise BatchFailed(str(slot.error)) from slot.error
        return slot.result  # type: ignore[return-value]

    def _lead(self) -> None:
        with self._lock:
            batch = self._queue[: self._limit]
            del self._queue[: self._limit]
        try:
            results = self._write([s.item for s in batch])
            if len(results) != len(batch):
                raise RuntimeError(f"{len(results)} results for a batch of {len(batch)}")
            for s, result in zip(batch, results, strict=True):
                s.result = result
        except BaseException as error:
            logger.warning("a batch of %d failed: %r", len(batch), error)
            for s in batch:
                s.error = error
            if not isinstance(error, Exception):
                raise
        finally:
            for s in batch:
                s.done = True
                s.wake.set()
            with self._lock:
                if self._queue:
                    self._queue[0].wake.set()  # not done: it wakes to lead
                else:
                    self._busy = False
