from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from minsheng.accounts.models import ApiKey, User

admin.site.register(User, UserAdmin)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "scopes", "is_active", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request: object) -> bool:
        return False  # keys are issued with `minsheng issue_api_key`, which shows the key once
