"""Administrators keep the leaders, their contact points and paired households here (a short
list, no sheet); buildings, heads and stations come from the sheets (`community_import`) and are
shown read-only; linkages, visits, slips and meetings change only through the programme's pages."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from minsheng.community.models import Building, Head, Leader, Pairing, Station


class PairingInline(admin.TabularInline):
    model = Pairing
    extra = 1
    raw_id_fields = ["building"]


@admin.register(Leader)
class LeaderAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "level", "contact_point", "every_days"]
    list_filter = ["level"]
    raw_id_fields = ["user", "contact_point"]
    inlines = [PairingInline]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Building)
class BuildingAdmin(ReadOnly):
    list_display = ["code", "name", "community", "grid", "households"]
    search_fields = ["code", "name"]


@admin.register(Head)
class HeadAdmin(ReadOnly):
    list_display = ["name", "role", "community", "area_label", "is_active"]
    list_filter = ["role"]
    exclude = ["phone"]  # shown masked on the heads page, never in full here


@admin.register(Station)
class StationAdmin(ReadOnly):
    list_display = ["code", "name", "kind", "community", "hours"]
    list_filter = ["kind"]
