"""Ticket numbers quoted to residents: city prefix, date, and a per-day sequence (FZ2611270001)."""

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from minsheng.tickets.models import TicketSequence


def next_number(at: datetime) -> str:
    """Issue the next number of the day. Must run inside the transaction that uses it."""
    key = f"{settings.MINSHENG_CITY_PREFIX}{timezone.localtime(at):%y%m%d}"
    # The UPDATE takes the row lock until commit, so concurrent callers queue here and each
    # reads back its own value; the first caller of a day creates the row.
    if not TicketSequence.objects.filter(key=key).update(last=F("last") + 1):
        try:
            with transaction.atomic():
                TicketSequence.objects.create(key=key, last=1)
        except IntegrityError:
            TicketSequence.objects.filter(key=key).update(last=F("last") + 1)
    last = TicketSequence.objects.values_list("last", flat=True).get(key=key)
    return f"{key}{last:04d}"
