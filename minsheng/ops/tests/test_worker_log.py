"""The worker logs a round's sending once, however many batches a backlog takes (#13 defect
14: "sent 0, failed 200" five times at start)."""

import logging
from typing import Any

import pytest

from minsheng.notifications.delivery import SendReport
from minsheng.ops.management.commands import worker


def test_a_backlog_drained_in_batches_is_one_line_in_the_log(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    batches = [SendReport(expired=200)] * 5 + [SendReport(sent=3, expired=30)]
    calls: list[int] = []

    def send_due(*, limit: int, **kwargs: Any) -> SendReport:
        calls.append(limit)
        return batches[len(calls) - 1]

    monkeypatch.setattr(worker.delivery, "send_due", send_due)
    command = worker.Command()
    command.running, command.failed = True, []
    with caplog.at_level(logging.INFO, logger="minsheng.worker"):
        total = command.send(limit=200)
    assert len(calls) == 6  # drained: the last batch was not full
    assert (total.sent, total.expired, total.failed) == (3, 1030, 0)
    lines = [r.getMessage() for r in caplog.records if r.name == "minsheng.worker"]
    assert lines == [
        "sent 3, failed 0, retrying 0",
        "1030 queued messages were older than 72 hours and were not sent (expired, as after a "
        "long stop; the demo's history has such old messages)",
    ]


def test_a_quiet_round_logs_nothing(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(worker.delivery, "send_due", lambda **kwargs: SendReport())
    command = worker.Command()
    command.running, command.failed = True, []
    with caplog.at_level(logging.INFO, logger="minsheng.worker"):
        command.send(limit=200)
    assert not [r for r in caplog.records if r.name == "minsheng.worker"]
