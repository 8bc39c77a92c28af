from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from minsheng.lib.forms import row_id
from minsheng.taxonomy.models import Category


class GroupFilter(admin.SimpleListFilter):
    """Filter by first-level group of the catalogue."""

    title = "所属大类"
    parameter_name = "group"

    def lookups(self, request: object, model_admin: object) -> list[tuple[str, str]]:
        groups = Category.objects.filter(parent__isnull=True).order_by("sort_order", "code")
        return [(str(g.pk), g.name) for g in groups]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Category]) -> QuerySet[Category]:
        value = row_id(self.value())
        if value is not None:
            return queryset.filter(parent_id=value)
        return queryset


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent", "policy", "handler_hint", "sort_order", "is_active"]
    list_filter = [GroupFilter, "policy", "is_active"]
    search_fields = ["code", "name", "keywords"]
    list_select_related = ["parent", "policy"]
    autocomplete_fields = ["parent"]
