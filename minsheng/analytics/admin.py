from django.contrib import admin

from minsheng.analytics.models import MonthlyTopic, ProactiveTask, TopicAction


class TopicActionInline(admin.TabularInline):
    model = TopicAction
    extra = 0


@admin.register(MonthlyTopic)
class MonthlyTopicAdmin(admin.ModelAdmin):
    list_display = ("month", "title", "adopted_by", "adopted_at")
    inlines = [TopicActionInline]


@admin.register(ProactiveTask)
class ProactiveTaskAdmin(admin.ModelAdmin):
    list_display = ("hotspot_key", "ticket", "created_by", "created_at")
    readonly_fields = ("hotspot_key", "ticket", "created_by", "created_at")
