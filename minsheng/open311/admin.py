from django.contrib import admin

from minsheng.open311.models import RequestAttribute, ServiceAttribute, Token


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin):
    list_display = ["category", "code", "description", "datatype", "required", "order"]
    list_filter = ["datatype", "required"]
    search_fields = ["code", "description", "category__code", "category__name"]
    list_select_related = ["category__parent"]
    autocomplete_fields = ["category"]


class RequestAttributeInline(admin.TabularInline):
    model = RequestAttribute
    extra = 0
    can_delete = False
    readonly_fields = ["code", "value"]

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Token)
class TokenAdmin(admin.ModelAdmin):
    """Filed requests are a record: read-only here."""

    list_display = ["token", "ticket", "api_key", "created_at"]
    list_select_related = ["ticket", "api_key"]
    search_fields = ["token", "ticket__number"]
    readonly_fields = ["token", "ticket", "api_key", "media_url", "address_id", "created_at"]
    inlines = [RequestAttributeInline]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
