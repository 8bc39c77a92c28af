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
    ]
    list_filter = ["allow_pause"]
    search_fields = ["code", "name"]
