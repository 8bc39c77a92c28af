from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from minsheng.dispatch import routing
from minsheng.dispatch.models import DispatchRule, RuleChange, UnitStrategy


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown here for reference; rules are edited on the rule pages, which record each change."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DispatchRule)
class DispatchRuleAdmin(ReadOnlyAdmin):
    list_display = ["order", "name", "is_active", "target", "unit", "policy", "updated_at"]
    list_filter = ["is_active", "target"]
    search_fields = ["name", "keywords"]


@admin.register(RuleChange)
class RuleChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "rule_name", "by_label"]
    list_filter = ["kind"]
    search_fields = ["rule_name", "by_label"]
    date_hierarchy = "at"


@admin.register(UnitStrategy)
class UnitStrategyAdmin(admin.ModelAdmin):
    list_display = ["unit", "strategy", "last_handler"]
    list_filter = ["strategy"]
    search_fields = ["unit__name", "unit__code"]
    autocomplete_fields = ["unit"]

    def save_model(self, request: HttpRequest, obj: UnitStrategy, form: Any, change: bool) -> None:
        saved = routing.set_strategy(obj.unit, obj.strategy)
        obj.pk = saved.pk
