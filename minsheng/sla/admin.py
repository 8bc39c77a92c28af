from django.contrib import admin

from minsheng.sla.models import CalendarDay, CalendarYear, DeadlinePolicy


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source"]


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "accept_hours",
        "resolve_hours",
        "resolve_workdays",
        "allow_pause",
        "pause_needs_approval",
        "reopen_workdays",
        "extension_needs_leader",
        "escalate_workdays",
        "visit_after_hours",
        "unrated_close_days",
    ]
    list_filter = ["allow_pause", "pause_needs_approval", "extension_needs_leader"]
    search_fields = ["code", "name"]
