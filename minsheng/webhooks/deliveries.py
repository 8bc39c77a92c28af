"""Webhooks' write module: find new ticket events, queue deliveries, POST them with retries.

Pull-based: `enqueue_new_events` scans TicketEvent rows after its cursor, so a request that
changes a ticket never waits for a subscriber. `deliver_due` is called by the worker.
"""

import http.client
import logging
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.db import close_old_connections, connection, transaction
from django.db.models import Max
from django.utils import timezone

from minsheng.tickets.models import TicketEvent
from minsheng.webhooks import signing
from minsheng.webhooks.models import Delivery, EventCursor, Subscription

log = logging.getLogger(__name__)
CURSOR = "ticket_events"
# Longer than any ticket transaction: an id missing for this long was rolled back.
GAP_GRACE = timedelta(seconds=60)
# A claimed delivery is someone else's for this long; then a crashed worker's claim lapses.
LEASE = timedelta(minutes=5)
TIMEOUT_SECONDS = 10
PARALLEL_SENDS = 8


@transaction.atomic
def enqueue_new_events(*, now: datetime | None = None, batch: int = 1000) -> int:
    """Queue a delivery for every new event and every subscription that wants it; returns how
    many were queued. Safe to run from several workers: the cursor row is locked."""
    now = now or timezone.now()
    cursor, _ = EventCursor.objects.select_for_update().get_or_create(name=CURSOR)
    subscriptions = list(Subscription.objects.filter(is_active=True).prefetch_related("units"))
    if not subscriptions:
        # Nobody listens: skip ahead instead of reading the whole history later.
        cursor.last_event_id = TicketEvent.objects.aggregate(m=Max("pk"))["m"] or 0
        cursor.horizon_id, cursor.horizon_at = 0, None
        cursor.save()
        return 0
    if cursor.last_event_id == 0:
        # A new cursor starts just before the oldest event: ids need not start at 1.
        first = TicketEvent.objects.order_by("pk").values_list("pk", flat=True).first()
        cursor.last_event_id = (first or 1) - 1
    events = list(
        TicketEvent.objects.filter(pk__gt=cursor.last_event_id)
        .select_related("ticket__unit", "ticket__category", "unit")
        .prefetch_related("ticket__cohandlers__unit")
        .order_by("pk")[:batch]
    )
    settled = _settled(cursor, events, now)
    queued = [
        Delivery(subscription=s, event=e, payload=payload(e), next_attempt_at=now)
        for e in settled
        for s in subscriptions
        if s.wants(e.action) and e.at >= s.created_at and _in_scope(s, e)
    ]
    Delivery.objects.bulk_create(queued, ignore_conflicts=True)
    if settled:
        cursor.last_event_id = settled[-1].pk
    if cursor.horizon_id <= cursor.last_event_id:
        cursor.horizon_id, cursor.horizon_at = 0, None
    cursor.save()
    return len(queued)


def _settled(cursor: EventCursor, events: list[TicketEvent], now: datetime) -> list[TicketEvent]:
    """The events up to the first gap that may still fill; starts the clock on a new gap."""
    last = cursor.last_event_id
    expired = cursor.horizon_at is not None and now - cursor.horizon_at >= GAP_GRACE
    settled = []
    for event in events:
        # Every missing id below the horizon was issued before horizon_at: after the grace
        # period its transaction has rolled back, never to commit.
        if event.pk != last + 1 and not (expired and event.pk <= cursor.horizon_id):
            if cursor.horizon_at is None or cursor.horizon_id <= last:
                cursor.horizon_id, cursor.horizon_at = events[-1].pk, now
            break
        settled.append(event)
        last = event.pk
    return settled


def _in_scope(subscription: Subscription, event: TicketEvent) -> bool:
    paths = [u.path for u in subscription.units.all()]
    if not paths:
        return True
    ticket = event.ticket
    units = [co.unit for co in ticket.cohandlers.all()]
    if ticket.unit is not None:
        units.append(ticket.unit)
    return any(u.path.startswith(p) for u in units for p in paths)


def payload(event: TicketEvent) -> dict[str, Any]:
    """What a subscriber learns of an event: the step and the ticket's public facts.

    No personal data: the resident's phone and name are never sent.
    """
    ticket = event.ticket
    return {
        "type": f"ticket.{event.action}",
        "event": {
            "id": event.pk,
            "seq": event.seq,
            "action": event.action,
            "from_status": event.from_status,
            "to_status": event.to_status,
            "actor": event.actor_label,
            "unit": event.unit.code if event.unit else None,
            "note": event.note,
            "data": event.data,
            "at": event.at.isoformat(),
        },
        "ticket": {
            "number": ticket.number,
            "channel": ticket.channel,
            "request_type": ticket.request_type,
            "category": ticket.category.code,
            "unit": ticket.unit.code if ticket.unit else None,
            "title": ticket.title,
        },
    }


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def deliver_due(*, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """POST the deliveries that are due, in parallel; record each outcome and schedule retries.

    Returns counts of delivered, retrying and failed deliveries.
    """
    now = now or timezone.now()
    claimed = _claim(now, limit)
    if not claimed:
        return {"delivered": 0, "retrying": 0, "failed": 0}
    with ThreadPoolExecutor(max_workers=min(PARALLEL_SENDS, len(claimed))) as pool:
        outcomes = list(pool.map(_send, claimed))
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    for delivery, outcome in zip(claimed, outcomes, strict=True):
        counts[_record(delivery, outcome, timezone.now())] += 1
    return counts


@transaction.atomic
def _claim(now: datetime, limit: int) -> list[Delivery]:
    """Take due deliveries under a lease, skipping rows another worker holds."""
    skip = connection.features.has_select_for_update_skip_locked
    due = list(
        Delivery.objects.select_for_update(skip_locked=skip)
        .filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")[:limit]
    )
    for delivery in due:
        delivery.attempts += 1
        delivery.next_attempt_at = now + LEASE
    Delivery.objects.bulk_update(due, ["attempts", "next_attempt_at"])
    return list(Delivery.objects.filter(pk__in=[d.pk for d in due]).select_related("subscription"))


def _send(delivery: Delivery) -> Outcome:
    """One POST; any network failure is an outcome, never an exception."""
    subscription = delivery.subscription
    timestamp = int(time.time())
    content = signing.body(
        delivery.payload, delivery=delivery.pk, attempt=delivery.attempts, timestamp=timestamp
    )
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "minsheng-webhooks/1",
        signing.EVENT_HEADER: str(delivery.payload.get("type", "")),
        signing.DELIVERY_HEADER: str(delivery.pk),
        signing.TIMESTAMP_HEADER: str(timestamp),
        signing.SIGNATURE_HEADER: signing.sign(subscription.secret, content),
    }
    url = urlsplit(subscription.url)
    target = (url.path or "/") + (f"?{url.query}" if url.query else "")
    kind = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    try:
        conn = kind(url.hostname or "", url.port, timeout=TIMEOUT_SECONDS)
        try:
            conn.request("POST", target, body=content, headers=headers)
            response = conn.getresponse()
            response.read(4096)
            return Outcome(response.status, "" if response.status < 300 else response.reason)
        finally:
            conn.close()
    except (OSError, http.client.HTTPException) as error:
        return Outcome(None, f"{type(error).__name__}: {error}"[:300])


def _record(delivery: Delivery, outcome: Outcome, now: datetime) -> str:
    fields: dict[str, Any] = {
        "last_status_code": outcome.status_code,
        "last_error": outcome.error[:300],
    }
    if outcome.ok:
        fields.update(status=Delivery.Status.DELIVERED, delivered_at=now)
        result = "delivered"
    elif signing.gives_up(delivery.attempts):
        fields.update(status=Delivery.Status.FAILED)
        result = "failed"
    else:
        fields.update(next_attempt_at=now + signing.backoff(delivery.attempts))
        result = "retrying"
    Delivery.objects.filter(pk=delivery.pk).update(**fields)
    return result


def run_forever(*, interval: float = 1.0, stop: threading.Event | None = None) -> None:
    """The worker's loop: scan for events, deliver what is due, sleep; errors are logged."""
    stop = stop or threading.Event()
    while not stop.is_set():
        close_old_connections()
        try:
            enqueue_new_events()
            deliver_due()
        except Exception:
            log.exception("webhook delivery round failed; retrying next round")
        stop.wait(interval)


def redeliver(deliveries: Iterable[Delivery]) -> int:
    """Queue failed deliveries again (from the admin), with a fresh count of attempts."""
    return Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
        status=Delivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
