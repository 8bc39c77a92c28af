"""Read side of notifications: a user's in-app notices and how many are unread."""

from django.db.models import QuerySet

from minsheng.accounts.models import User
from minsheng.notifications.models import Notification


def inbox(user: User) -> QuerySet[Notification]:
    """The user's in-app notices, newest first."""
    return Notification.objects.filter(user=user, channel=Notification.Channel.INAPP)


def unread_count(user: User) -> int:
    return inbox(user).filter(read_at__isnull=True).count()


def sms_for_ticket(number: str) -> QuerySet[Notification]:
    """The SMS sent (or queued) to the resident of a ticket, oldest first."""
    return Notification.objects.filter(
        ticket_number=number, channel=Notification.Channel.SMS
    ).order_by("created_at", "pk")
