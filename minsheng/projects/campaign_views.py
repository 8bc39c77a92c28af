"""Staff pages of inspection campaigns under /campaigns/: the board, the set-up, the
inspector's phone page (answers queued in the browser while offline) and the hazards."""

import csv
import io
import json
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minsheng.accounts.http import AuthenticatedHttpRequest as Request
from minsheng.accounts.models import User
from minsheng.orgs.models import Unit
from minsheng.projects import forms, inspections, queries, rules
from minsheng.projects.models import Campaign, Hazard, Visit
from minsheng.projects.rules import RuleError
from minsheng.projects.views import FAILED, errors, managed_units, run


def _campaign(request: Request, pk: int) -> Campaign:
    campaign = queries.campaigns_for(request.user).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


@login_required
@require_http_methods(["GET", "POST"])
def campaigns(request: Request) -> HttpResponse:
    units = managed_units(request.user)
    form = forms.CampaignForm(request.POST or None, units=units)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            if not queries.manages(request.user, d["unit"]):
                raise PermissionDenied
            made: list[Campaign] = []
            if run(
                request,
                lambda: made.append(
                    inspections.create_campaign(
                        unit=d["unit"],
                        title=d["title"],
                        start=d["start"],
                        end=d["end"],
                        responsible=d["responsible"],
                        fix_workdays=d["fix_workdays"],
                        by=request.user,
                    )
                ),
                "行动已创建，请添加检查项、排查对象和排查员。",
            ):
                return redirect("projects:campaign", made[0].pk)
        else:
            errors(request, form)
    today = timezone.localdate()
    rows = [
        {"campaign": c, "board": queries.campaign_board(c, today)}
        for c in queries.campaigns_for(request.user)
    ]
    return render(request, "projects/campaigns.html", {"rows": rows, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def campaign(request: Request, pk: int) -> HttpResponse:
    """The campaign's board (coverage, hazards by type and area, overdue, days to fix)."""
    campaign = _campaign(request, pk)
    managing = queries.manages(request.user, campaign.unit)
    areas = Unit.objects.filter(path__startswith=campaign.unit.path, is_active=True)
    if request.method == "POST":
        if not managing:
            raise PermissionDenied
        _setup(request, campaign, areas)
        return redirect("projects:campaign", campaign.pk)
    today = timezone.localdate()
    hazards = campaign.hazards.select_related("target__area", "ticket", "unit")
    return render(
        request,
        "projects/campaign.html",
        {
            "campaign": campaign,
            "managing": managing,
            "board": queries.campaign_board(campaign, today),
            "items": campaign.items.select_related("responsible"),
            "inspectors": campaign.inspectors.select_related("user", "area"),
            "hazards": hazards.order_by("state", "due")[:200],
            "today": today,
            "points": [
                {"lon": h.target.lon, "lat": h.target.lat, "state": h.state}
                for h in hazards
                if h.target.lon is not None
            ],
            "forms": {
                "item": forms.ItemForm(),
                "inspector": forms.InspectorForm(areas=areas),
                "targets": forms.TargetsForm(),
            },
        },
    )


def _setup(request: Request, campaign: Campaign, areas: Any) -> None:
    kind = request.POST.get("form", "")
    if kind == "move":
        action = request.POST.get("action", "")
        run(
            request,
            lambda: inspections.move_campaign(campaign, action, by=request.user),
            "已更新。",
        )
    elif kind == "item":
        form: Any = forms.ItemForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            run(request, lambda: inspections.add_item(campaign, **d), "已增加检查项。")
        else:
            errors(request, form)
    elif kind == "inspector":
        form = forms.InspectorForm(request.POST, areas=areas)
        if form.is_valid():
            user = User.objects.filter(username=form.cleaned_data["username"]).first()
            if user is None:
                messages.error(request, "没有这个账号。")
                return
            area = form.cleaned_data["area"]
            run(
                request,
                lambda: inspections.add_inspector(campaign, user=user, area=area),
                "已添加排查员。",
            )
        else:
            errors(request, form)
    elif kind == "targets":
        form = forms.TargetsForm(request.POST, request.FILES)
        if not form.is_valid():
            errors(request, form)
            return
        try:
            text = form.cleaned_data["file"].read().decode("utf-8-sig")
        except UnicodeDecodeError:
            messages.error(request, "请上传 UTF-8 编码的 CSV 文件。")
            return
        result = inspections.import_targets(campaign, csv.DictReader(io.StringIO(text)))
        for problem in result.errors[:20]:
            messages.error(request, problem)
        if not result.errors:
            messages.success(
                request, f"新增 {result.created} 个、更新 {result.updated} 个排查对象。"
            )


@login_required
@require_GET
def export(request: Request, pk: int) -> HttpResponse:
    """Every hazard as CSV (no personal data: addresses and units only)."""
    campaign = _campaign(request, pk)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["编号", "地址", "社区", "隐患类型", "答案", "整改单位", "工单", "状态",
                     "发现日期", "整改时限", "整改完成日期", "拒绝原因"])  # fmt: skip
    for h in campaign.hazards.select_related("target__area", "unit", "ticket"):
        writer.writerow(
            [
                h.target.ref,
                h.target.address,
                h.target.area.name,
                h.kind,
                h.answer,
                h.unit.name,
                h.ticket.number if h.ticket else "",
                h.get_state_display(),
                h.found_on,
                h.due,
                h.fixed_on or "",
                h.reason,
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}.csv"'
    return response


@login_required
@require_GET
def inspect(request: Request, pk: int) -> HttpResponse:
    """The inspector's phone page: the doors of their areas, the checklist, the queue."""
    campaign = _campaign(request, pk)
    targets = queries.targets_for_inspector(campaign, request.user)
    items = [{"item": i, "options": rules.options(i.choices)} for i in campaign.items.all()]
    return render(
        request,
        "projects/inspect.html",
        {
            "campaign": campaign,
            "targets": targets,
            "items": items,
            "outcomes": Visit.Outcome.choices,
        },
    )


@login_required
@require_POST
def visit(request: Request, pk: int) -> JsonResponse:
    """One visit sent by the inspector's page (JSON). A resend of the same `client_id` answers
    as the first did, so a queue replayed after a lost answer never records a visit twice."""
    campaign = _campaign(request, pk)
    try:
        body = json.loads(request.body or b"{}")
        target = campaign.targets.filter(pk=int(body.get("target") or 0)).first()
        if target is None:
            raise RuleError("找不到这个排查对象。")
        at = datetime.fromisoformat(str(body.get("at") or timezone.now().isoformat()))
        if at.tzinfo is None:
            at = timezone.make_aware(at)
        answers = {int(k): str(v) for k, v in (body.get("answers") or {}).items()}
        photos = {int(k): str(v) for k, v in (body.get("photos") or {}).items() if v}
        saved, new = inspections.record_visit(
            target,
            client_id=str(body.get("client_id") or ""),
            outcome=str(body.get("outcome") or ""),
            answers=answers,
            photos=photos,
            at=at,
            note=str(body.get("note") or ""),
            by=request.user,
        )
    except (ValueError, TypeError, AttributeError, *FAILED) as error:
        message = str(error) if isinstance(error, FAILED) else "记录格式不正确。"
        return JsonResponse({"ok": False, "message": message}, status=400)
    hazards = [
        {"kind": h.kind, "ticket": h.ticket.number if h.ticket else ""}
        for h in saved.hazards.select_related("ticket")
    ]
    return JsonResponse({"ok": True, "new": new, "visit": saved.pk, "hazards": hazards})


@login_required
@require_http_methods(["GET", "POST"])
def hazard(request: Request, pk: int) -> HttpResponse:
    """One hazard: its ticket, the re-inspection (复查) with a photo, or the refusal."""
    hazard = get_object_or_404(
        Hazard.objects.select_related("target__area", "ticket", "campaign"), pk=pk
    )
    _campaign(request, hazard.campaign_id)
    if request.method == "POST":
        if request.POST.get("form") == "refuse":
            form: Any = forms.RefuseForm(request.POST)
            if form.is_valid():
                reason = form.cleaned_data["reason"]
                run(
                    request,
                    lambda: inspections.refuse(hazard, reason=reason, by=request.user),
                    "已记录拒绝整改。",
                )
            else:
                errors(request, form)
        else:
            form = forms.RecheckForm(request.POST, request.FILES)
            if form.is_valid():
                d = form.cleaned_data
                photo = d["photo"].read() if d["photo"] else None
                run(
                    request,
                    lambda: inspections.recheck(
                        hazard, passed=d["passed"], photo=photo, note=d["note"], by=request.user
                    ),
                    "复查结果已记录。",
                )
            else:
                errors(request, form)
        return redirect("projects:hazard", hazard.pk)
    return render(
        request,
        "projects/hazard.html",
        {
            "hazard": hazard,
            "may_inspect": inspections.may_inspect(request.user, hazard.target),
            "events": hazard.events.all(),
            "recheck_form": forms.RecheckForm(),
            "refuse_form": forms.RefuseForm(),
        },
    )
