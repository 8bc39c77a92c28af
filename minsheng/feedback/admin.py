from django.contrib import admin
from django.http import HttpRequest

from minsheng.feedback.models import Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """Ratings are written only by the return visit; the admin reads them."""

    list_display = ["ticket", "round", "satisfaction", "resolved", "via", "at"]
    list_filter = ["satisfaction", "resolved", "via"]
    search_fields = ["ticket__number"]
    list_select_related = ["ticket"]
    date_hierarchy = "at"
    readonly_fields = ["ticket", "round", "satisfaction", "resolved", "comment", "via", "at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Rating | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Rating | None = None) -> bool:
        return False
