"""Tickets in the admin: read-mostly. Status and deadlines change only through the workflow."""

from django.contrib import admin
from django.http import HttpRequest

from minsheng.tickets.models import CoHandler, ExtensionRequest, Ticket, TicketEvent


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class EventInline(ReadOnlyInline):
    model = TicketEvent
    fields = [
        "seq",
        "at",
        "action",
        "from_status",
        "to_status",
        "actor_label",
        "unit",
        "note",
        "hash",
    ]
    ordering = ["seq"]


class CoHandlerInline(ReadOnlyInline):
    model = CoHandler
    fields = ["unit", "added_at"]


class ExtensionInline(ReadOnlyInline):
    model = ExtensionRequest
    fields = [
        "requested_at",
        "requested_by",
        "new_resolve_by",
        "reason",
        "decision",
        "decided_by",
        "decision_note",
    ]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "status", "category", "unit", "received_at", "resolve_by"]
    list_filter = ["status", "channel", "request_type", "urgency", "beyond_calendar"]
    search_fields = ["number", "title", "address"]
    list_select_related = ["category__parent", "unit"]
    date_hierarchy = "received_at"
    raw_id_fields = ["place"]
    readonly_fields = [
        "number",
        "status",
        "channel",
        "request_type",
        "category",
        "urgency",
        "resident",
        "unit",
        "received_at",
        "dispatched_at",
        "accept_by",
        "accepted_at",
        "resolve_by",
        "replied_at",
        "closed_at",
        "beyond_calendar",
        "paused_since",
        "reply",
        "reopen_count",
        "merged_into",
        "created_by",
    ]
    inlines = [CoHandlerInline, ExtensionInline, EventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tickets are received through the intake screen or the API

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # the timeline is evidence; tickets are never deleted
