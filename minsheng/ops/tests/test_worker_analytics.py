"""A slow dashboard refresh never holds up the loop, and the worker stops within seconds of
SIGTERM while one runs (security review, finding 1)."""

import signal
import threading
import time
from typing import Any

import pytest

from minsheng.ops.management.commands import worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_routing_goes_on_while_the_analytics_refresh_runs_and_sigterm_ends_it_quickly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    refreshing, release = threading.Event(), threading.Event()
    rounds: list[float] = []

    def slow_refresh(**kwargs: Any) -> None:
        refreshing.set()
        release.wait(120)  # an hour-long clustering, as far as the loop can tell

    def count_round(**kwargs: Any) -> int:
        rounds.append(time.monotonic())
        return 0

    monkeypatch.setattr(worker.refresh, "refresh_all", slow_refresh)
    monkeypatch.setattr(worker.routing, "route_waiting", count_round)
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # handle() runs in a thread here
    command = worker.Command()
    options = {"batch": False, "interval": 0.05, "scan_interval": 3600.0, "limit": 10}
    thread = threading.Thread(target=command.handle, kwargs=options)
    thread.start()
    try:
        assert refreshing.wait(30)
        started = len(rounds)
        deadline = time.monotonic() + 30
        while len(rounds) < started + 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(rounds) >= started + 5  # rounds went on while the refresh held

        asked = time.monotonic()
        command.stop(signal.SIGTERM, None)
        thread.join(20)
        assert not thread.is_alive()
        assert time.monotonic() - asked < 10  # the refresh was left to roll back, not awaited
    finally:
        release.set()
        command.running = False
        thread.join(20)
