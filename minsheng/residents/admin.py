from django.contrib import admin

from minsheng.residents.models import Follower


@admin.register(Follower)
class FollowerAdmin(admin.ModelAdmin):
    """Who follows which open request; written only by the phone pages."""

    list_display = ["ticket", "resident", "followed_at"]
    search_fields = ["ticket__number"]
    list_select_related = ["ticket", "resident"]
    readonly_fields = ["ticket", "resident", "followed_at"]
