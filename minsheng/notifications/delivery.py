"""The outbox's write module: enqueue messages with the change they report, send them later.

`enqueue` runs inside the caller's transaction; duplicates by `dedupe_key` are ignored, so a scan
that is retried or runs on two workers at once writes each message once. `send_due` is called
only by the worker: it claims rows (SKIP LOCKED on PostgreSQL, a lease column on both), sends
them outside any transaction, and retries failures with exponential backoff.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.notifications import backends
from minsheng.notifications.models import Notification
from minsheng.orgs.models import Membership, Unit

logger = logging.getLogger("minsheng.notifications")

MAX_ATTEMPTS = 6
BACKOFF = timedelta(minutes=1)  # 1, 2, 4, 8, 16 minutes between attempts
C = Notification.Channel


@dataclass(frozen=True)
class Message:
    """What to say to whom; becomes one Notification row."""

    kind: str
    channel: str
    body: str
    dedupe_key: str
    user: User | None = None
    unit: Unit | None = None
    phone: str = ""
    email: str = ""
    subject: str = ""
    url: str = ""
    ticket_number: str = ""


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0  # the gateway refused it, attempts used up
    expired: int = 0  # queued too long ago to be worth sending (MINSHENG_NOTICE_STALE_HOURS)
    keys: list[str] = field(default_factory=list)


def enqueue(messages: Iterable[Message], *, at: datetime | None = None) -> int:
    """Store messages in the outbox; those whose dedupe key exists already are skipped."""
    now = at or timezone.now()
    rows = [
        Notification(
            kind=m.kind,
            channel=m.channel,
            body=m.body,
            dedupe_key=m.dedupe_key[:200],
            user=m.user,
            unit=m.unit,
            phone=m.phone,
            email=m.email,
            subject=m.subject[:200],
            url=m.url[:300],
            ticket_number=m.ticket_number,
            # In-app notices need no gateway: they are delivered by being stored.
            state=Notification.State.SENT if m.channel == C.INAPP else Notification.State.QUEUED,
            sent_at=now if m.channel == C.INAPP else None,
            next_attempt_at=now,
            created_at=now,
        )
        for m in messages
        if m.channel != C.SMS or m.phone
        if m.channel != C.EMAIL or m.email
    ]
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def to_unit(
    unit: Unit,
    *,
    kind: str,
    body: str,
    key: str,
    url: str = "",
    number: str = "",
    roles: Iterable[str] = ("handler", "leader"),
) -> list[Message]:
    """An in-app notice for every handler and leader of `unit` (or the members in `roles`)."""
    members = User.objects.filter(
        memberships__unit=unit, memberships__role__in=list(roles), is_active=True
    ).distinct()
    return [
        Message(
            kind=kind,
            channel=C.INAPP,
            body=body,
            dedupe_key=f"{key}:u{user.pk}",
            user=user,
            unit=unit,
            url=url,
            ticket_number=number,
        )
        for user in members
    ]


def to_centre(
    roles: Iterable[str],
    *,
    kind: str,
    body: str,
    key: str,
    url: str = "",
    number: str = "",
    unit: Unit | None = None,
) -> list[Message]:
    """An in-app notice (and an e-mail where one is on file) for the centre staff in `roles`."""
    members = User.objects.filter(memberships__role__in=list(roles), is_active=True).distinct()
    messages = []
    for user in members:
        common: dict[str, Any] = {
            "kind": kind,
            "body": body,
            "user": user,
            "unit": unit,
            "url": url,
        }
        messages.append(
            Message(channel=C.INAPP, dedupe_key=f"{key}:u{user.pk}", ticket_number=number, **common)
        )
        if user.email:
            messages.append(
                Message(
                    channel=C.EMAIL,
                    dedupe_key=f"{key}:e{user.pk}",
                    email=user.email,
                    subject=body[:60],
                    ticket_number=number,
                    **common,
                )
            )
    return messages


def mark_read(user: User, *, ids: Iterable[int] | None = None, at: datetime | None = None) -> int:
    """Mark the user's in-app notices read: the given ones, or all."""
    notices = Notification.objects.filter(user=user, channel=C.INAPP, read_at__isnull=True)
    if ids is not None:
        notices = notices.filter(pk__in=list(ids))
    return notices.update(read_at=at or timezone.now())


# --- sending (the worker only) -------------------------------------------------------------


def send_due(*, now: datetime | None = None, limit: int = 100) -> SendReport:
    """Send queued SMS and e-mails whose time has come; each row is sent by one worker."""
    now = now or timezone.now()
    report = SendReport()
    stale_before = now - timedelta(hours=getattr(settings, "MINSHENG_NOTICE_STALE_HOURS", 72))
    for notice in _claim(now, limit):
        if notice.created_at < stale_before:
            _finish(notice, Notification.State.FAILED, now, error="过期未发送（积压超过时限）")
            report.expired += 1
            continue
        try:
            if notice.channel == C.SMS:
                backends.sms_backend().send(notice.phone, notice.body, key=notice.dedupe_key)
            else:
                backends.send_email(notice.email, notice.subject or notice.body[:60], notice.body)
        except backends.SendError as error:
            if notice.attempts >= MAX_ATTEMPTS:
                _finish(notice, Notification.State.FAILED, now, error=str(error))
                report.failed += 1
            else:
                retry_at = now + BACKOFF * 2 ** (notice.attempts - 1)
                Notification.objects.filter(pk=notice.pk).update(
                    next_attempt_at=retry_at, claimed_until=None, last_error=str(error)[:1000]
                )
                report.retried += 1
            continue
        _finish(notice, Notification.State.SENT, now)
        report.sent += 1
        report.keys.append(notice.dedupe_key)
    return report


def _claim(now: datetime, limit: int) -> list[Notification]:
    with transaction.atomic():
        due = Notification.objects.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
            state=Notification.State.QUEUED,
            next_attempt_at__lte=now,
        ).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        # The lease is the claim on SQLite too, where the IMMEDIATE transaction serialises this.
        # A claimed row returns to the queue after the lease if its worker died meanwhile.
        lease = timedelta(seconds=settings.MINSHENG_NOTICE_LEASE_SECONDS)
        Notification.objects.filter(pk__in=ids).update(
            claimed_until=now + lease, attempts=F("attempts") + 1
        )
    return list(Notification.objects.filter(pk__in=ids).order_by("next_attempt_at", "pk"))


def _finish(notice: Notification, state: str, now: datetime, *, error: str = "") -> None:
    Notification.objects.filter(pk=notice.pk, state=Notification.State.QUEUED).update(
        state=state,
        sent_at=now if state == Notification.State.SENT else None,
        claimed_until=None,
        last_error=error[:1000],
    )


# --- the daily e-mail digest per unit ------------------------------------------------------


def enqueue_digests(day: date, *, at: datetime | None = None) -> int:
    """One e-mail per unit member with an address: the unit's in-app notices of `day`."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time(0, 0), tzinfo=tz)
    notices = Notification.objects.filter(
        channel=C.INAPP,
        unit__isnull=False,
        created_at__gte=start,
        created_at__lt=start + timedelta(days=1),
    ).order_by("created_at")
    by_unit: dict[int, list[str]] = {}
    for unit_id, body in notices.values_list("unit_id", "body"):
        lines = by_unit.setdefault(unit_id, [])
        if body not in lines:
            lines.append(body)
    messages = []
    for unit in Unit.objects.filter(pk__in=list(by_unit)):
        lines = by_unit[unit.pk]
        body = "\n".join(
            [
                f"{unit.name} {day:%Y-%m-%d} 工单提醒（{len(lines)} 条）：",
                *(f"· {line}" for line in lines),
            ]
        )
        members = Membership.objects.filter(unit=unit, user__is_active=True).exclude(user__email="")
        for user_id, email in members.values_list("user_id", "user__email").distinct():
            messages.append(
                Message(
                    kind="digest",
                    channel=C.EMAIL,
                    body=body,
                    dedupe_key=f"digest:{unit.pk}:{day:%Y%m%d}:{user_id}",
                    unit=unit,
                    email=email,
                    subject=f"【12345】{unit.name} {day:%m月%d日}工单提醒汇总",
                )
            )
    with transaction.atomic():
        return enqueue(messages, at=at)
