"""Anchors: the timelines sealed outside the database, so that not even a key holder can
rewrite them unseen.

At intervals (`MINSHENG_ANCHOR_HOURS`) the worker appends one line to `MINSHENG_ANCHOR_FILE`:
the events appended since the last anchor, by id range, and their keyed root, chained to the
previous line's root. `verify_timeline` recomputes every anchored root from the database; an
event edited, deleted or slipped into an anchored range, or a line of the file removed or
changed, shows. Copy the file off the machine (write-once storage, another system's log) to
make it an anchor in fact.
"""

import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from minsheng.tickets import chain
from minsheng.tickets.models import TicketEvent

# Events younger than this are left to the next anchor: a transaction still open may yet
# commit an event with a lower id, which would then fall inside a sealed range.
SETTLE = timedelta(minutes=10)


@dataclass(frozen=True)
class Anchor:
    """One line of the anchor file: events with ids in (after, upto], sealed by `root`."""

    after: int
    upto: int
    events: int
    root: str
    prev_root: str
    at: str


def path() -> Path:
    return Path(settings.MINSHENG_ANCHOR_FILE)


def read() -> list[Anchor]:
    """The anchors written so far (none if there is no file yet)."""
    if not path().exists():
        return []
    lines = path().read_text(encoding="utf-8").splitlines()
    return [Anchor(**json.loads(line)) for line in lines if line.strip()]


def due(*, now: datetime | None = None) -> bool:
    """Whether the interval has passed since the last anchor (or there is none)."""
    now = now or timezone.now()
    written = read()
    if not written:
        return True
    last = datetime.fromisoformat(written[-1].at)
    return now - last >= timedelta(hours=settings.MINSHENG_ANCHOR_HOURS)


def anchor(*, now: datetime | None = None) -> Anchor | None:
    """Seal the events appended since the last anchor; None when there are none yet settled.
    Workers on several machines sharing the file take turns (an exclusive lock on it)."""
    now = now or timezone.now()
    path().parent.mkdir(parents=True, exist_ok=True)
    with path().open("a", encoding="utf-8") as file:
        fcntl.flock(file, fcntl.LOCK_EX)  # released when the file is closed
        line = _next(now)
        if line is not None:
            file.write(json.dumps(asdict(line), ensure_ascii=False) + "\n")
            file.flush()
            os.fsync(file.fileno())
    return line


def _next(now: datetime) -> Anchor | None:
    written = read()
    after = written[-1].upto if written else 0
    prev_root = written[-1].root if written else ""
    settled = TicketEvent.objects.filter(pk__gt=after, at__lt=now - SETTLE)
    upto = settled.aggregate(top=Max("pk"))["top"]
    if upto is None:
        return None
    events, root = _root(after, upto, prev_root)
    return Anchor(after, upto, events, root, prev_root, now.isoformat())


def anchor_due(**_: Any) -> Anchor | None:
    """The worker's step: anchor when the interval has passed."""
    return anchor() if due() else None


def problems() -> list[str]:
    """What the anchored roots say is wrong, in words; empty when every range still matches."""
    found, prev_root, after = [], "", 0
    for n, line in enumerate(read(), start=1):
        where = f"第 {n} 个锚点（{line.at[:10]}，事件 {line.after + 1}–{line.upto}）"
        if line.prev_root != prev_root or line.after != after:
            found.append(f"{where}与上一个锚点接不上：锚点文件被删改过。")
        events, root = _root(line.after, line.upto, line.prev_root)
        if root != line.root or events != line.events:
            found.append(
                f"{where}的数据库记录与锚定时不符（{line.events} 条，现为 {events} 条）："
                "其中有流转记录被修改、删除或插入。"
            )
        prev_root, after = line.root, line.upto
    return found


def _root(after: int, upto: int, prev_root: str) -> tuple[int, str]:
    rows = (
        TicketEvent.objects.filter(pk__gt=after, pk__lte=upto)
        .order_by("pk")
        .values_list("pk", "ticket_id", "seq", "hash")
    )
    count = 0

    def each() -> Iterator[tuple[int, int, int, str]]:
        nonlocal count
        for row in rows.iterator(chunk_size=5000):
            count += 1
            yield row

    root = chain.batch_root(prev_root, each())
    return count, root
