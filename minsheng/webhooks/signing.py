"""What a delivery looks like on the wire: its body, its signature, and when to retry.

Pure rules, no database. The body carries its own timestamp, so the HMAC of the body also covers
the time it was sent and a receiver can refuse old replays.
"""

import hashlib
import hmac
import json
import secrets
from datetime import timedelta
from typing import Any

SIGNATURE_HEADER = "X-Minsheng-Signature"
TIMESTAMP_HEADER = "X-Minsheng-Timestamp"
EVENT_HEADER = "X-Minsheng-Event"
DELIVERY_HEADER = "X-Minsheng-Delivery"
MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=6)


def new_secret() -> str:
    """A fresh signing secret for a subscription."""
    return secrets.token_hex(32)


def body(payload: dict[str, Any], *, delivery: int, attempt: int, timestamp: int) -> bytes:
    """The exact bytes POSTed: canonical JSON (sorted keys), so the same input signs the same."""
    document = {**payload, "delivery": delivery, "attempt": attempt, "timestamp": timestamp}
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sign(secret: str, content: bytes) -> str:
    """The X-Minsheng-Signature value: sha256=<hex HMAC-SHA256 of the body with the secret>."""
    return "sha256=" + hmac.new(secret.encode(), content, hashlib.sha256).hexdigest()


def verify(
    secret: str, content: bytes, signature: str, *, now: float, tolerance: float = 300
) -> bool:
    """What a receiver checks: the signature matches and the body's timestamp is recent."""
    if not hmac.compare_digest(sign(secret, content), signature or ""):
        return False
    try:
        sent = float(json.loads(content)["timestamp"])
    except (ValueError, KeyError, TypeError):
        return False
    return abs(now - sent) <= tolerance


def backoff(attempts: int) -> timedelta:
    """The wait after the n-th failed attempt: 30 s, 1 min, 2 min … doubling, at most 6 hours."""
    wait = FIRST_RETRY * (2 ** min(max(attempts - 1, 0), 20))
    return min(wait, LONGEST_RETRY)


def gives_up(attempts: int) -> bool:
    """After this many failed attempts a delivery is marked failed and no longer retried."""
    return attempts >= MAX_ATTEMPTS
