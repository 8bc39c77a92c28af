"""Signed rating links (评价链接) sent by SMS: the resident need not type the phone's last digits.

The token carries the ticket number and the handling round, is signed with the secret key and
expires after `MINSHENG_RATING_LINK_DAYS`; it opens the ticket only while that round awaits its
rating.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from minsheng.tickets.models import Ticket

SALT = "minsheng.feedback.rating-link"


@dataclass(frozen=True)
class RatingClaim:
    number: str
    round: int


def rating_token(ticket: Ticket) -> str:
    return signing.dumps({"n": ticket.number, "r": ticket.reopen_count + 1}, salt=SALT)


def rating_url(ticket: Ticket) -> str:
    """The absolute link for the SMS."""
    base = getattr(settings, "MINSHENG_PUBLIC_URL", "").rstrip("/")
    return base + reverse("rating_link", args=[rating_token(ticket)])


def read_token(token: str) -> RatingClaim | None:
    """The claim of a valid, unexpired token, else None."""
    max_age = getattr(settings, "MINSHENG_RATING_LINK_DAYS", 7) * 24 * 3600
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict) or not isinstance(data.get("n"), str):
        return None
    if not isinstance(data.get("r"), int):
        return None
    return RatingClaim(number=data["n"], round=data["r"])
