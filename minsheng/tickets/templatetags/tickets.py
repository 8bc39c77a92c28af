"""Badges and labels shown wherever tickets are listed."""

import re
from datetime import timedelta
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.tickets import actions, queries
from minsheng.tickets.models import Status, Ticket

register = template.Library()

_DUE = {
    "overdue": ("overdue", gettext_lazy("已超期")),
    "due_soon": ("due-soon", gettext_lazy("即将到期")),
}


@register.simple_tag
def status_badge(value: Ticket | str) -> str:
    """`{% status_badge ticket %}` or `{% status_badge event.to_status %}`."""
    status = value.status if isinstance(value, Ticket) else str(value or "")
    if status not in Status.values:
        return ""
    return format_html('<span class="badge status-{}">{}</span>', status, Status(status).label)


@register.simple_tag
def due_badge(ticket: Ticket) -> str:
    """Overdue / due-soon badge, or nothing."""
    state = _DUE.get(ticket.due_state())
    return format_html('<span class="badge {}">{}</span>', *state) if state else ""


@register.filter
def due_class(ticket: Ticket) -> str:
    """The row class of a ticket in a list: `overdue`, `due-soon` or ''."""
    state = _DUE.get(ticket.due_state())
    return state[0] if state else ""


@register.filter
def action_label(value: str) -> str:
    return actions.label(value)


_RESIDENT_ACTOR = re.compile(r"^诉求人（尾号(\d{4})）$")


@register.filter
def actor(label: str) -> str:
    """A timeline's actor in the reader's language: the events store 系统 and 诉求人（尾号1234）
    as written when they happened; staff names stay as they are."""
    if label == "系统":
        return _("系统")
    found = _RESIDENT_ACTOR.match(label or "")
    if found:
        return _("诉求人（尾号%(last4)s）") % {"last4": found.group(1)}
    return label


@register.filter
def span(value: Any) -> str:
    """A duration in days and hours: 2 天 3 小时."""
    if not isinstance(value, timedelta):
        return ""
    hours = max(int(value.total_seconds() // 3600), 0)
    days, hours = divmod(hours, 24)
    if days:
        if hours:
            return _("%(days)s 天 %(hours)s 小时") % {"days": days, "hours": hours}
        return _("%(days)s 天") % {"days": days}
    minutes = max(int(value.total_seconds() // 60), 0)
    if hours:
        return _("%(hours)s 小时") % {"hours": hours}
    return _("%(minutes)s 分钟") % {"minutes": minutes}


@register.inclusion_tag("tickets/_beyond_calendar.html", takes_context=True)
def beyond_calendar_list(context: dict[str, Any]) -> dict[str, Any]:
    """Open tickets the viewer may see whose deadline was counted past the published calendar."""
    user = context["request"].user
    return {"tickets": queries.beyond_calendar(user).order_by("resolve_by")}
