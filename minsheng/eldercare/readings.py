"""The readings' write module: store what the meters send, once per (meter, time), and keep
only daily totals after the retention period.

An unknown meter or a malformed payload becomes a Problem row (counted, logged), never an
error for the other readings of the same batch. A meter with new readings is marked
(`dirty_from`) for the judge (alarms.judge_due), which re-reads its recent window, so a late or
out-of-order upload is judged as if it had come live.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from minsheng.eldercare import alarms, rows, rules
from minsheng.eldercare.alarms import TZ
from minsheng.eldercare.models import Alarm, DailyUse, Meter, Problem, Reading

logger = logging.getLogger("minsheng.eldercare")


# --- readings ---------------------------------------------------------------------------------


@dataclass
class IngestReport:
    stored: int = 0
    duplicates: int = 0
    unknown: int = 0  # messages for a meter not enrolled
    malformed: int = 0
    meters: set[int] = field(default_factory=set)


def ingest(
    messages: list[tuple[str, Any]], *, source: str, now: datetime | None = None
) -> IngestReport:
    """Store the readings of several messages (meter code, payload) in one transaction; an
    unknown meter or a malformed payload is recorded as a Problem, never stops the others."""
    now = now or timezone.now()
    report = IngestReport()
    meters = dict(
        Meter.objects.filter(
            code__in={code for code, _ in messages}, household__ended_at__isnull=True
        ).values_list("code", "pk")
    )
    problems, readings = [], []
    for code, body in messages:
        if code not in meters:
            report.unknown += 1
            problems.append(_problem(now, source, code, "未登记的表号", body))
            continue
        try:
            values = rows.read_payload(body)
        except ValueError as error:
            report.malformed += 1
            problems.append(_problem(now, source, code, str(error), body))
            continue
        readings += [
            Reading(meter_id=meters[code], at=v.at, value=v.value, received_at=now) for v in values
        ]
    with transaction.atomic():
        if problems:
            Problem.objects.bulk_create(problems)
            logger.warning("%s readings refused (%s unknown meters)", len(problems), report.unknown)
        if readings:
            # Counted for the report only; the unique constraint is what keeps each reading once.
            known = set(
                Reading.objects.filter(
                    meter_id__in={r.meter_id for r in readings}, at__in={r.at for r in readings}
                ).values_list("meter_id", "at")
            )
            new = {(r.meter_id, r.at) for r in readings} - known
            Reading.objects.bulk_create(readings, ignore_conflicts=True)
            report.stored = len(new)
            spans: dict[int, tuple[datetime, datetime]] = {}
            for r in readings:
                low, high = spans.get(r.meter_id, (r.at, r.at))
                spans[r.meter_id] = (min(low, r.at), max(high, r.at))
            for pk, (low, high) in sorted(spans.items()):
                Meter.objects.filter(pk=pk).update(
                    last_at=Greatest(Coalesce(F("last_at"), high), high),
                    last_received_at=now,
                    dirty_from=Least(Coalesce(F("dirty_from"), low), low),
                    version=F("version") + 1,
                )
            report.meters = set(spans)
            _meters_heard(set(spans), now)
    report.duplicates = len(readings) - report.stored
    return report


def _problem(now: datetime, source: str, code: str, reason: str, body: Any) -> Problem:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    return Problem(
        received_at=now,
        source=source,
        meter_code=code[:60],
        reason=reason[:200],
        payload=text[:500],
    )


def _meters_heard(pks: set[int], now: datetime) -> None:
    """A silent meter that speaks again: its alarm says so, the silence ends."""
    woke = list(
        Meter.objects.filter(pk__in=pks, silent_since__isnull=False).values_list("pk", flat=True)
    )
    if not woke:
        return
    Meter.objects.filter(pk__in=woke).update(silent_since=None)
    for alarm in Alarm.objects.filter(
        meter_id__in=woke, kind=Alarm.Kind.METER_SILENT, state=Alarm.State.OPEN
    ):
        alarms.record_event(alarm, "resumed", now, note="表具恢复上报")


# --- retention --------------------------------------------------------------------------------


def prune(*, limit: int = 200, now: datetime | None = None, days: int = 400) -> int:
    """Readings older than `days` leave only their daily totals (DailyUse); returns the
    meters pruned."""
    now = now or timezone.now()
    cutoff = (
        (now - timedelta(days=days))
        .astimezone(TZ)
        .replace(hour=0, minute=0, second=0, microsecond=0)
    )
    pruned = 0
    meters = list(
        Reading.objects.filter(at__lt=cutoff).values_list("meter_id", flat=True).distinct()[:limit]
    )
    for meter in Meter.objects.filter(pk__in=meters):
        with transaction.atomic():
            old = Reading.objects.filter(meter=meter, at__lt=cutoff + timedelta(days=1))
            points = [rules.Point(at, v) for at, v in old.values_list("at", "value")]
            scale = 1.0 if meter.kind == Meter.Kind.ELECTRICITY else rules.WATER_SCALE
            series = rules.steps(points, scale=scale)
            for day, use in rules.daily_use(series, tz=TZ).items():
                count = sum(1 for s in series if s.end.astimezone(TZ).date() == day)
                DailyUse.objects.get_or_create(
                    meter=meter, day=day, defaults={"use": use, "readings": count}
                )
            # keep the newest old reading so the next day's first step has its start
            keep = old.order_by("-at").values_list("pk", flat=True).first()
            Reading.objects.filter(meter=meter, at__lt=cutoff).exclude(pk=keep or 0).delete()
            pruned += 1
    return pruned
