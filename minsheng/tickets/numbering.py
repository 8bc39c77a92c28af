"""Ticket numbers quoted to residents: city prefix, date, and a per-day sequence (FZ2611270001).

One statement creates the day's counter row or bumps it, and reads the value back. Inside the
intake's transaction its row lock would be held until that transaction commits, queueing every
concurrent intake behind it; on PostgreSQL the number is therefore drawn on a connection of its
own that commits at once (MINSHENG_NUMBERING_OWN_CONNECTION). An intake that then rolls back
leaves a gap in the day's numbers; numbers are never issued twice. SQLite has one writer at a
time anyway and draws inside the transaction, so its numbers stay dense.
"""

import threading
from datetime import datetime

import psycopg
from django.conf import settings
from django.db import connection
from django.utils import timezone

_NEXT = (
    'INSERT INTO "tickets_ticketsequence" ("key", "last") VALUES (%s, %s) '
    'ON CONFLICT ("key") DO UPDATE SET "last" = "tickets_ticketsequence"."last" + %s '
    'RETURNING "last"'
)
_own = threading.local()


def next_number(at: datetime) -> str:
    """Issue the next number of the day, for a ticket stored in the caller's transaction."""
    return next_numbers(at, 1)[0]


def next_numbers(at: datetime, count: int) -> list[str]:
    """Issue the day's next `count` numbers with one statement, in order."""
    key = f"{settings.MINSHENG_CITY_PREFIX}{timezone.localtime(at):%y%m%d}"
    params: list[str | int] = [key, count, count]
    if connection.vendor == "postgresql" and settings.MINSHENG_NUMBERING_OWN_CONNECTION:
        last = _draw_on_own_connection(params)
    else:
        with connection.cursor() as cursor:
            cursor.execute(_NEXT, params)
            (last,) = cursor.fetchone()
    return [f"{key}{n:04d}" for n in range(last - count + 1, last + 1)]


def close() -> None:
    """Close this thread's numbering connection, if it has one (threads that end, tests)."""
    own = getattr(_own, "connection", None)
    if own is not None:
        own.close()
        _own.connection = None


def _draw_on_own_connection(params: list[str | int]) -> int:
    for attempt in (1, 2):
        own = _connection()
        try:
            return int(own.execute(_NEXT, params).fetchone()[0])  # type: ignore[index]
        except psycopg.OperationalError:
            own.close()  # the server restarted or dropped us: reconnect once
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _connection() -> psycopg.Connection:
    """This thread's numbering connection, opened with the same parameters as Django's.

    Its commits need not wait for the disk (synchronous_commit off): the ticket that uses a
    number commits later on the same server, and flushing that commit flushes the earlier
    counter update with it, so no stored ticket's number can be issued again after a crash.
    """
    own = getattr(_own, "connection", None)
    if own is None or own.closed:
        params = connection.get_connection_params()
        params["options"] = f"{params.get('options', '')} -c synchronous_commit=off".strip()
        own = psycopg.connect(**params, autocommit=True)
        _own.connection = own
    return own
