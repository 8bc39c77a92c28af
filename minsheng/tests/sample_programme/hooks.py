"""What the sample programme does at each extension point: it only records that it was called."""

import threading
from datetime import date, datetime
from typing import Any

from minsheng.accounts.models import User
from minsheng.orgs.models import Unit

CALLS: list[tuple[str, Any]] = []


def count(user: User) -> int:
    return 7


def panel(user: User, start: date, end: date, area: Unit | None) -> dict[str, Any] | None:
    return {"days": (end - start).days + 1}


def step(*, limit: int) -> int:
    CALLS.append(("step", limit))
    return 0


def enabled() -> bool:
    return True


def service(stop: threading.Event) -> None:
    CALLS.append(("service", None))
    stop.wait()


def demo(*, now: datetime, log: Any, password: str) -> None:
    CALLS.append(("demo", password))


def on_event(sender: Any, ticket: Any, event: Any, **kwargs: Any) -> None:
    CALLS.append(("event", (ticket.number, event.action)))


def sees_checks(user: Any) -> bool:
    """Of the roles the entry names, only members of staff whose name says so."""
    return "cgw" not in user.username
