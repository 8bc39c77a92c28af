"""Helpers for the assessment tests: tickets taken through the loop at a frozen time."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine

from conftest import at
from minsheng.feedback import visits
from minsheng.tickets import workflow

PERIOD = "2026-10"


@pytest.fixture(autouse=True)
def _october() -> Iterator[None]:
    with time_machine.travel(at(2026, 10, 12, 9), tick=False):
        yield


@pytest.fixture
def handled(
    make_ticket: Callable[..., Any], dispatcher: Any, city: dict[str, Any]
) -> Callable[..., Any]:
    """A ticket dispatched to `unit`, accepted and answered by `by`, rated as given."""

    def make(
        unit: str, by: Any, satisfaction: str = "satisfied", resolved: bool = True, **kw: Any
    ) -> Any:
        ticket = make_ticket()
        workflow.dispatch(ticket, to=city[unit], by=dispatcher, **kw)
        workflow.accept(ticket, by=by)
        workflow.reply(ticket, by=by, text="已处理。")
        visits.rate(ticket, satisfaction=satisfaction, resolved=resolved)
        return ticket

    return make
