from django.contrib import admin
from django.http import HttpRequest

from minsheng.assessment.models import Appeal, Exclusion, Recompute, ScorePeriod, ScoringPolicy


class ReadOnly(admin.ModelAdmin):
    """Assessment data changes only through `scoring` (the assessment pages and commands)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ScoringPolicy)
class ScoringPolicyAdmin(ReadOnly):
    list_display = ["version", "created_at", "created_by", "note", "cohandling", "min_volume"]


@admin.register(ScorePeriod)
class ScorePeriodAdmin(ReadOnly):
    list_display = ["period", "state", "policy", "computed_at", "published_at"]


@admin.register(Recompute)
class RecomputeAdmin(ReadOnly):
    list_display = ["period", "at", "by_label", "reason", "appeal"]


@admin.register(Exclusion)
class ExclusionAdmin(ReadOnly):
    list_display = ["ticket", "unit", "reason", "decision", "requested_at", "decided_at"]
    list_filter = ["decision", "reason"]
    list_select_related = ["ticket", "unit"]


@admin.register(Appeal)
class AppealAdmin(ReadOnly):
    list_display = ["period", "unit", "decision", "filed_at", "decided_at"]
    list_filter = ["decision"]
