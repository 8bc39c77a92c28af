"""Triage in the admin: place names are edited here; versions and corrections are read-only."""

from django.contrib import admin
from django.http import HttpRequest

from minsheng.triage.models import Correction, ModelVersion, Place


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "aliases", "unit", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "aliases", "unit__name"]
    autocomplete_fields = ["unit"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ModelVersion)
class ModelVersionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "n_train", "is_active", "note", "created_by"]
    exclude = ["blob"]


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "category", "request_type", "place", "unit", "by", "at"]
    raw_id_fields = ["ticket"]
