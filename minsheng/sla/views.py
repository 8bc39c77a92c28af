"""The working-day calendar screen, for administrators."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from minsheng.accounts.http import AuthenticatedHttpRequest as Request
from minsheng.sla.models import CalendarDay, CalendarYear

LOOK_AHEAD = timedelta(days=60)


@login_required
@require_GET
def calendar(request: Request) -> HttpResponse:
    """Published years, their holidays and make-up days, and what runs past them.

    sla sits below tickets, so the list of flagged tickets comes from the tickets template tag
    `beyond_calendar_list`, not from an import here.
    """
    if not request.user.is_superuser:
        raise PermissionDenied("只有系统管理员可以查看工作日历。")
    years = list(CalendarYear.objects.order_by("year"))
    days: dict[int, list[CalendarDay]] = {y.year: [] for y in years}
    for day in CalendarDay.objects.order_by("date"):
        days.setdefault(day.date.year, []).append(day)
    today = timezone.localdate()
    last = years[-1].year if years else None
    missing = None
    if last is None:
        missing = today.year
    elif (today + LOOK_AHEAD).year > last:
        missing = last + 1
    return render(
        request,
        "sla/calendar.html",
        {
            "years": [{"year": y, "days": days.get(y.year, [])} for y in years],
            "unpublished": sorted(set(days) - {y.year for y in years}),
            "missing": missing,
            "today": today,
        },
    )
