from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from minsheng.webhooks import deliveries
from minsheng.webhooks.models import Delivery, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Administrators add subscriptions for partner systems; the secret is shown to copy once."""

    list_display = ["name", "url", "is_active", "owner", "created_at"]
    list_filter = ["is_active"]
    filter_horizontal = ["units"]
    readonly_fields = ["created_at"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Deliveries are written by the worker; the admin reads them and may queue failed ones."""

    list_display = [
        "subscription",
        "event",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "subscription"]
    list_select_related = ["subscription", "event"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Delivery | None = None) -> bool:
        return False

    @admin.action(description="重新推送所选记录")
    def send_again(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = deliveries.redeliver(queryset)
        self.message_user(request, f"已重新排队 {count} 条推送。", messages.SUCCESS)
