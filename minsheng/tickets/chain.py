"""The hash chain of a ticket's timeline: each hash covers the event and its predecessor's hash.

The hashes are keyed (HMAC-SHA-256 with `MINSHENG_CHAIN_KEY`, a key the database does not
hold), so whoever can write the tables but not read the deployment's secrets cannot forge an
event or re-hash a chain after an edit. What a key holder could still do, the anchors written
outside the database show (`tickets.anchors`).
"""

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings

Sign = Callable[[str, str], str]


def content(
    *,
    ticket_id: int,
    seq: int,
    action: str,
    from_status: str,
    to_status: str,
    actor_id: int | None,
    actor_label: str,
    unit_id: int | None,
    note: str,
    data: dict[str, Any],
    at: datetime,
) -> str:
    """The canonical text of an event that its hash covers."""
    return json.dumps(
        [
            ticket_id,
            seq,
            action,
            from_status,
            to_status,
            actor_id,
            actor_label,
            unit_id,
            note,
            data,
            at.astimezone(UTC).isoformat(timespec="microseconds"),
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )


def digest(text: str, prev_hash: str) -> str:
    """The keyed hash of an event's canonical text after `prev_hash`."""
    return hmac.new(_key(), f"{prev_hash}\n{text}".encode(), hashlib.sha256).hexdigest()


def unkeyed_digest(text: str, prev_hash: str) -> str:
    """The hash before the chain was keyed (tickets migration 0010 re-signs such chains)."""
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()


def _key() -> bytes:
    return str(settings.MINSHENG_CHAIN_KEY).encode()


def batch_root(prev_root: str, rows: Iterable[tuple[int, int, int, str]]) -> str:
    """The keyed root of a run of events, each (id, ticket id, seq, hash) in id order, after
    the previous root: what an anchor seals."""
    mac = hmac.new(_key(), prev_root.encode(), hashlib.sha256)
    for pk, ticket_id, seq, hash_ in rows:
        mac.update(f"\n{pk}:{ticket_id}:{seq}:{hash_}".encode())
    return mac.hexdigest()


def event_content(event: Any) -> str:
    return content(
        ticket_id=event.ticket_id,
        seq=event.seq,
        action=event.action,
        from_status=event.from_status,
        to_status=event.to_status,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        unit_id=event.unit_id,
        note=event.note,
        data=event.data,
        at=event.at,
    )


def first_break(events: Iterable[Any], *, sign: Sign = digest) -> int | None:
    """The seq of the first event whose link or hash does not hold, or None if the chain holds."""
    prev, expected_seq = "", 1
    for event in events:
        if (
            event.seq != expected_seq
            or event.prev_hash != prev
            or not hmac.compare_digest(sign(event_content(event), prev), event.hash)
        ):
            return expected_seq
        prev, expected_seq = event.hash, expected_seq + 1
    return None


# Actions whose note is the reply the ticket row carries.
REPLYING = frozenset({"reply", "answer", "decline"})


def row_disagrees(ticket: Any, events: list[Any]) -> str | None:
    """How the ticket's own row departs from the state its intact timeline produces, or None.

    The row is not chained itself: an edit of its status, reply or acceptance time (or a cut
    tail of the timeline, which still links) shows here.
    """
    if not events or events[-1].to_status != ticket.status:
        return "的状态与流转记录的最后一条不符（记录可能被截断）。"
    replies = [e for e in events if e.action in REPLYING]
    if ticket.reply and (not replies or replies[-1].note != ticket.reply):
        return "的答复内容与流转记录不符（可能被改动）。"
    accepts = [e.at for e in events if e.action == "accept"]
    if ticket.accepted_at is not None and ticket.accepted_at not in accepts:
        return "的签收时间与流转记录不符（可能被改动）。"
    return None
