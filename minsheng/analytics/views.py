"""Analytics screens: the dashboard and its big-screen mode, the map, hotspots, 每月一题 and
未诉先办. They read the aggregates; the few writes go through `refresh`."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minsheng.accounts.http import AuthenticatedHttpRequest as Request
from minsheng.analytics import forms, queries, refresh
from minsheng.analytics.models import Hotspot, MonthlyTopic, ProactiveTask, TopicAction
from minsheng.orgs.access import Standing, standing_of


def _standing(request: Request) -> Standing:
    standing = standing_of(request.user)
    if not (standing.is_centre or standing.unit_paths):
        raise PermissionDenied(_("您的账号不属于任何单位，无法查看统计分析。"))
    return standing


def _period_form(request: Request, form_class: type = forms.PeriodForm) -> forms.PeriodForm:
    form = form_class(request.GET or None, areas=queries.area_choices(request.user))
    if request.GET and not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return form


@login_required
@require_GET
def dashboard(request: Request) -> HttpResponse:
    """Volumes, open work and satisfaction for the chosen period and area."""
    standing = _standing(request)
    form = _period_form(request)
    data = queries.dashboard(request.user, form.period(), form.chosen_area())
    panels = queries.programme_panels(request.user, form.period(), form.chosen_area())
    return render(
        request,
        "analytics/dashboard.html",
        {
            "form": form,
            "data": data,
            "area": form.chosen_area(),
            "is_centre": standing.is_centre,
            "panels": panels,
            "routing": queries.routing_share(form.period()) if standing.is_centre else None,
        },
    )


@login_required
@require_GET
def screen(request: Request) -> HttpResponse:
    """The command-centre big screen: the same numbers, full screen, refreshed every minute."""
    _standing(request)
    form = _period_form(request)
    data = queries.dashboard(request.user, form.period(), form.chosen_area())
    return render(request, "analytics/screen.html", {"data": data, "area": form.chosen_area()})


@login_required
@require_GET
def data(request: Request) -> JsonResponse:
    """The dashboard's numbers as JSON, for the charts' refresh."""
    _standing(request)
    form = forms.PeriodForm(request.GET or None, areas=queries.area_choices(request.user))
    if request.GET and not form.is_valid():
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return JsonResponse({"errors": errors}, status=400)
    return JsonResponse(queries.dashboard(request.user, form.period(), form.chosen_area()))


@login_required
@require_GET
def map_view(request: Request) -> HttpResponse:
    """Areas shaded by volume or satisfaction, with the tickets the user may see."""
    _standing(request)
    form = _period_form(request, forms.MapForm)
    period = form.period()
    return render(
        request,
        "analytics/map.html",
        {
            "form": form,
            "period": period,
            "level": form.choice("level"),  # type: ignore[attr-defined]
            "measure": form.choice("measure"),  # type: ignore[attr-defined]
            "tile_url": _tile_url(),
        },
    )


def _tile_url() -> str:
    from django.conf import settings

    return settings.MINSHENG_TILE_URL or ""


@login_required
@require_GET
def map_areas(request: Request) -> JsonResponse:
    _standing(request)
    form = forms.MapForm(request.GET or None, areas=queries.area_choices(request.user))
    if request.GET and not form.is_valid():
        return JsonResponse({"errors": [str(e) for e in form.errors.values()]}, status=400)
    level, measure = form.choice("level"), form.choice("measure")
    return JsonResponse(queries.areas_geojson(request.user, form.period(), level, measure))


@login_required
@require_GET
def map_points(request: Request) -> JsonResponse:
    _standing(request)
    form = forms.MapForm(request.GET or None, areas=queries.area_choices(request.user))
    if request.GET and not form.is_valid():
        return JsonResponse({"errors": [str(e) for e in form.errors.values()]}, status=400)
    found = queries.points(request.user, form.period())
    return JsonResponse(
        {
            "points": found,
            "limit": queries.MAX_POINTS,
            "hotspots": queries.hotspot_markers(request.user),
        }
    )


@login_required
@require_GET
def hotspots(request: Request) -> HttpResponse:
    """Clusters, surges and recurring problems the user may see."""
    standing = _standing(request)
    kind = request.GET.get("kind") or ""
    if kind and kind not in Hotspot.Kind.values:
        messages.error(request, _("热点类型不正确，已显示全部热点。"))
        kind = ""
    spots = queries.hotspots_for(request.user, kind or None)[:200]
    return render(
        request,
        "analytics/hotspots.html",
        {
            "spots": spots,
            "kind": kind,
            "kinds": Hotspot.Kind.choices,
            "can_create": queries.can_create_tasks(standing),
            "tasks": _tasks([s.key for s in spots]),
        },
    )


def _tasks(keys: list[str]) -> dict[str, str]:
    rows = ProactiveTask.objects.filter(hotspot_key__in=keys).values_list(
        "hotspot_key", "ticket__number"
    )
    return dict(rows)


def _spot(request: Request, key: str) -> Hotspot:
    spot = queries.hotspots_for(request.user).filter(key=key).first()
    if spot is None:
        raise Http404(_("没有这个热点，或您无权查看。"))
    return spot


@login_required
@require_GET
def hotspot(request: Request, key: str) -> HttpResponse:
    """One hotspot and the tickets behind it."""
    standing = _standing(request)
    spot = _spot(request, key)
    return render(
        request,
        "analytics/hotspot.html",
        {
            "spot": spot,
            "tickets": queries.tickets_behind(request.user, spot),
            "task": _tasks([spot.key]).get(spot.key),
            "can_create": queries.can_create_tasks(standing),
            "can_adopt": queries.can_edit_topics(standing),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def proactive(request: Request, key: str) -> HttpResponse:
    """未诉先办: confirm, then file one ticket for the hotspot (never two)."""
    standing = _standing(request)
    if not queries.can_create_tasks(standing):
        raise PermissionDenied(_("只有督办员、派单员或系统管理员可以发起未诉先办。"))
    spot = _spot(request, key)
    if request.method == "GET":
        existing = _tasks([spot.key]).get(spot.key)
        return render(request, "analytics/proactive.html", {"spot": spot, "task": existing})
    try:
        ticket, created = refresh.create_proactive_task(spot, by=request.user)
    except refresh.AnalyticsError as error:
        messages.error(request, str(error))
        return redirect("analytics:hotspot", key=spot.key)
    if created:
        messages.success(request, _("已发起未诉先办工单 %(n)s。") % {"n": ticket.number})
    else:
        messages.info(request, _("该热点已发起过未诉先办工单 %(n)s。") % {"n": ticket.number})
    return redirect("ticket", number=ticket.number)


# --- 每月一题 --------------------------------------------------------------------------------


@login_required
@require_GET
def topics(request: Request) -> HttpResponse:
    """Candidate root problems, ranked, and the topics adopted so far."""
    standing = _standing(request)
    candidates = queries.hotspots_for(request.user, Hotspot.Kind.RECURRING)[:30]
    return render(
        request,
        "analytics/topics.html",
        {
            "candidates": candidates,
            "topics": queries.topics(),
            "can_edit": queries.can_edit_topics(standing),
        },
    )


def _month(value: str) -> date:
    try:
        year, number = value.split("-")
        return date(int(year), int(number), 1)
    except ValueError:
        raise Http404(_("月份格式不正确。")) from None


@login_required
@require_http_methods(["GET", "POST"])
def adopt(request: Request) -> HttpResponse:
    """Adopt a candidate (or a topic of one's own) as a month's topic."""
    standing = _standing(request)
    if not queries.can_edit_topics(standing):
        raise PermissionDenied(_("只有督办员或系统管理员可以确定每月一题。"))
    owners = queries.owner_choices()
    key = request.POST.get("source") or request.GET.get("source") or ""
    source = queries.hotspots_for(request.user).filter(key=key).first() if key else None
    if request.method == "POST":
        form = forms.TopicForm(request.POST, owners=owners)
        if form.is_valid():
            try:
                topic = refresh.adopt_topic(
                    month=form.cleaned_data["month"],
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    source=source,
                    owners=form.cleaned_data["owners"],
                    by=request.user,
                )
            except refresh.AnalyticsError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request, _("已确定 %(m)s 的每月一题。") % {"m": f"{topic.month:%Y-%m}"}
                )
                return redirect("analytics:topic", month=f"{topic.month:%Y-%m}")
    else:
        today = timezone.localdate()
        initial: dict[str, Any] = {"month": today.strftime("%Y-%m"), "source": key}
        if source is not None:
            initial["title"] = source.title
            initial["description"] = _(
                "%(area)s%(cat)s问题在 %(m)s 个月中反复出现，共 %(n)s 件。"
            ) % {
                "area": source.area.name if source.area else "",
                "cat": source.category.name if source.category else "",
                "m": source.months,
                "n": source.size,
            }
            if source.area is not None:
                initial["owners"] = [source.area.pk]
        form = forms.TopicForm(initial=initial, owners=owners)
    return render(request, "analytics/adopt.html", {"form": form, "source": source})


@login_required
@require_GET
def topic(request: Request, month: str) -> HttpResponse:
    """A month's topic: owners, actions and progress, and the tickets behind it."""
    standing = _standing(request)
    item = get_object_or_404(queries.topics(), month=_month(month))
    can_edit = queries.can_edit_topics(standing)
    owners = queries.owner_choices()
    return render(
        request,
        "analytics/topic.html",
        {
            "topic": item,
            "numbers": queries.visible_numbers(request.user, item.ticket_numbers),
            "can_edit": can_edit,
            "form": forms.ActionForm(owners=owners) if can_edit else None,
        },
    )


@login_required
@require_POST
def save_action(request: Request, month: str, pk: int | None = None) -> HttpResponse:
    """Add an action to the topic, or update one's progress."""
    standing = _standing(request)
    if not queries.can_edit_topics(standing):
        raise PermissionDenied(_("只有督办员或系统管理员可以编辑每月一题。"))
    item = get_object_or_404(MonthlyTopic, month=_month(month))
    action = get_object_or_404(TopicAction, pk=pk, topic=item) if pk is not None else None
    form = forms.ActionForm(request.POST, owners=queries.owner_choices())
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    else:
        try:
            refresh.save_action(item, action=action, by=request.user, **form.cleaned_data)
        except refresh.AnalyticsError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("措施已保存。"))
    return redirect("analytics:topic", month=month)
