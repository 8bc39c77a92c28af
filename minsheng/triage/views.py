"""Suggestions beside a request (htmx partial) and the model page for administrators."""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minsheng.accounts.http import AuthenticatedHttpRequest as Request
from minsheng.lib.forms import row_id
from minsheng.orgs.access import standing_of
from minsheng.orgs.models import Unit
from minsheng.taxonomy.models import Category
from minsheng.tickets.queries import visible_to
from minsheng.triage import queries, training
from minsheng.triage.models import ModelVersion
from minsheng.triage.suggest import suggest

MAX_FIELD = 20_000  # a pasted 100 kB text is cut here; suggest() reads only the opening anyway


def _require_centre(request: Request) -> None:
    if not standing_of(request.user).is_centre:
        raise PermissionDenied(_("只有热线中心人员可以查看分拨建议。"))


def _require_superuser(request: Request) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied(_("只有系统管理员可以管理分类模型。"))


@login_required
@require_http_methods(["GET", "POST"])
def suggestions(request: Request) -> HttpResponse:
    """htmx partial: category, type, place, unit and duplicate suggestions for the given text."""
    _require_centre(request)
    data = request.POST if request.method == "POST" else request.GET
    text = " ".join(data.get(k, "")[:MAX_FIELD] for k in ("title", "description", "text"))
    exclude = row_id(data.get("ticket", ""))
    ticket = None
    if exclude is not None and not text.strip():
        # A listed ticket (the dispatcher's queue): read its own text, if the user may see it.
        ticket = visible_to(request.user).filter(pk=exclude).first()
        if ticket is not None:
            text = f"{ticket.title} {ticket.description[:MAX_FIELD]}"
    result = suggest(
        text,
        address=ticket.address if ticket else data.get("address", "")[:500],
        lat=(ticket.lat if ticket else data.get("lat")) or None,
        lon=(ticket.lon if ticket else data.get("lon")) or None,
        datum=data.get("datum", "wgs84"),
        exclude=exclude,
    )
    return render(
        request,
        "triage/_suggestions.html",
        {"s": result, "target": data.get("target", "")[:60], "text": text.strip()},
    )


@login_required
@require_POST
def correction(request: Request) -> HttpResponse:
    """Record what the centre chose against what was suggested (htmx, 204); a training label.

    For screens of apps below triage (the dispatcher's queue) that cannot call it directly.
    """
    _require_centre(request)
    ticket = get_object_or_404(visible_to(request.user), number=request.POST.get("ticket", ""))

    def pick(model: type[Any], key: str) -> Any:
        value = row_id(request.POST.get(key, ""))
        return model.objects.filter(pk=value).first() if value is not None else None

    try:
        suggested = json.loads(request.POST.get("suggested") or "{}")
    except ValueError:
        suggested = {}
    training.record_correction(
        ticket,
        by=request.user,
        category=pick(Category, "category"),
        request_type=request.POST.get("request_type", "")[:12],
        place=pick(Unit, "place"),
        unit=pick(Unit, "unit"),
        suggested=suggested if isinstance(suggested, dict) else {},
    )
    return HttpResponse(status=204)


@login_required
@require_GET
def model(request: Request) -> HttpResponse:
    """The active model, its quality on the latest held-out slice, and the versions."""
    _require_superuser(request)
    versions = list(ModelVersion.objects.defer("blob").select_related("created_by")[:20])
    active = next((v for v in versions if v.is_active), None)
    current = queries.active_model()
    confusions = (active.metrics.get("confusions") or []) if active else []
    names = {c.code: str(c) for c in queries.categories_by_code().values()}
    return render(
        request,
        "triage/model.html",
        {
            "versions": versions,
            "active": active,
            "warning": current.warning,
            "confusions": [(names.get(t, t), names.get(p, p), n) for t, p, n in confusions],
            "per_label": sorted(
                ((names.get(k, k), v) for k, v in (active.metrics.get("per_label") or {}).items()),
                key=lambda kv: kv[1],
            )
            if active
            else [],
        },
    )


@login_required
@require_POST
def retrain(request: Request) -> HttpResponse:
    _require_superuser(request)
    try:
        version = training.train(by=request.user, note="admin page")
    except training.TrainingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已训练并启用模型 v%(pk)s。") % {"pk": version.pk})
    return redirect("triage:model")


@login_required
@require_POST
def roll_back(request: Request) -> HttpResponse:
    _require_superuser(request)
    try:
        version = training.roll_back()
    except training.TrainingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已回退到模型 v%(pk)s。") % {"pk": version.pk})
    return redirect("triage:model")


@login_required
@require_POST
def activate(request: Request, pk: int) -> HttpResponse:
    _require_superuser(request)
    version = training.activate(get_object_or_404(ModelVersion.objects.defer("blob"), pk=pk))
    messages.success(request, _("已启用模型 v%(pk)s。") % {"pk": version.pk})
    return redirect("triage:model")
