"""Administrators edit bundles here: items (department, materials, legal limit, prerequisites),
the one combined form's fields and the window; video slots and peers of cross-region transfer."""

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from minsheng.services import rules
from minsheng.services.models import Bundle, Field, Item, Peer, Slot


class ItemInline(admin.StackedInline):
    model = Item
    extra = 0
    fields = ("order", "code", "name", "unit", "materials", "limit_workdays", "depends_on")
    autocomplete_fields = ("unit",)


class FieldInline(admin.TabularInline):
    model = Field
    extra = 0
    fields = ("order", "key", "label", "kind", "choices", "required", "items")


@admin.register(Bundle)
class BundleAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "window", "is_active")
    inlines = (ItemInline, FieldInline)
    autocomplete_fields = ("window",)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        bundle = form.instance
        items = list(bundle.items.prefetch_related("depends_on"))
        try:
            rules.check_order(
                {i.pk: [d.pk for d in i.depends_on.all()] for i in items},
                {i.pk: i.name for i in items},
            )
        except rules.RuleError as error:
            messages.error(request, f"{error} 有循环或跨件事依赖时不能受理，请修改前置事项。")


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ("starts_at", "window", "minutes", "application")
    list_filter = ("window",)


@admin.register(Peer)
class PeerAdmin(admin.ModelAdmin):
    list_display = ("name", "endpoint", "service_code")
