from django.contrib import admin
from django.http import HttpRequest

from minsheng.api.models import IdempotencyRecord, KeyBinding


@admin.register(KeyBinding)
class KeyBindingAdmin(admin.ModelAdmin):
    """Which units an API key reaches and whether it sees full phone numbers."""

    list_display = ["api_key", "phone"]
    filter_horizontal = ["units"]
    list_select_related = ["api_key"]


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    """Written only by the API; read here when a partner asks what happened to a request."""

    list_display = ["api_key", "key", "status", "created_at"]
    search_fields = ["key"]
    list_select_related = ["api_key"]
    readonly_fields = ["api_key", "key", "request_hash", "status", "response_json", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: IdempotencyRecord | None = None
    ) -> bool:
        return False
