"""Import mappings are edited here; batches and their rows are read-only records."""

from django.contrib import admin
from django.http import HttpRequest

from minsheng.intake.models import ImportBatch, ImportMapping, ImportRow


@admin.register(ImportMapping)
class ImportMappingAdmin(admin.ModelAdmin):
    list_display = ["name", "channel", "placeholder_phone", "is_active"]
    list_filter = ["channel", "is_active"]
    search_fields = ["name", "description"]


class RowInline(admin.TabularInline):
    model = ImportRow
    extra = 0
    can_delete = False
    fields = ("row_number", "ticket", "key")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["uploaded_at", "file_name", "mapping", "imported_count", "skipped_count"]
    list_select_related = ["mapping"]
    readonly_fields = [
        "file_name",
        "file_hash",
        "mapping",
        "uploaded_by",
        "uploaded_at",
        "row_count",
        "imported_count",
        "skipped_count",
    ]
    inlines = [RowInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
