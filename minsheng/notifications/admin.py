from django.contrib import admin
from django.http import HttpRequest

from minsheng.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, read-only: rows are written by the platform and sent by the worker."""

    list_display = [
        "created_at",
        "channel",
        "kind",
        "ticket_number",
        "state",
        "attempts",
        "sent_at",
    ]
    list_filter = ["channel", "state", "kind"]
    search_fields = ["ticket_number", "dedupe_key"]
    date_hierarchy = "created_at"
    exclude = ["phone"]  # personal data stays out of the admin

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False
