"""Assessment pages: the monthly ranking, a unit's page, the tickets behind a number, exports,
exclusions, appeals and the scoring policy. Views parse input, call `scoring`, and render."""

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from minsheng.accounts.http import AuthenticatedHttpRequest as Request
from minsheng.assessment import exports, forms, queries, scoring
from minsheng.assessment.formulas import RATES
from minsheng.assessment.models import Appeal, Exclusion, Group, ScoringPolicy
from minsheng.assessment.scoring import AssessmentError
from minsheng.orgs.access import standing_of
from minsheng.orgs.models import Unit
from minsheng.tickets.queries import visible_to

COLUMNS = [  # (indicator, heading): the columns of the ranking and the unit page
    ("volume", gettext_lazy("工单量")),
    ("response", gettext_lazy("响应率")),
    ("resolution", gettext_lazy("解决率")),
    ("satisfaction", gettext_lazy("满意率")),
    ("accept_24h", gettext_lazy("24小时签收率")),
    ("on_time", gettext_lazy("按时办结率")),
    ("return", gettext_lazy("回退率")),
    ("reopen", gettext_lazy("重办率")),
    ("extension", gettext_lazy("延期率")),
    ("no_rating", gettext_lazy("未评价率")),
    ("excluded", gettext_lazy("剔除量")),
]


def _staff(request: Request) -> None:
    standing = standing_of(request.user)
    if not (standing.is_centre or standing.unit_paths):
        raise PermissionDenied(_("您的账号尚未分配岗位，请联系系统管理员。"))


def _cells(snapshot: Any, code: str = "", period: str = "") -> list[dict[str, Any]]:
    """One row's numbers: each indicator's value with its numerator and denominator, and the
    address of the tickets behind it (one reverse() per row: the ranking has hundreds)."""
    base = (
        reverse("assessment:drill", args=[code, period, "volume"])[: -len("volume/")]
        if code
        else ""
    )
    cells = []
    for key, _heading in COLUMNS:
        url = f"{base}{key}/" if base else ""
        if key in ("volume", "excluded"):
            cells.append({"key": key, "count": getattr(snapshot, key), "rate": None, "url": url})
            continue
        num, den = RATES[key]
        den_value = (
            snapshot.rated + snapshot.no_rating
            if den == "closed_or_rated"
            else getattr(snapshot, den)
        )
        cells.append(
            {
                "key": key,
                "rate": snapshot.rates.get(key),
                "num": getattr(snapshot, num),
                "den": den_value,
                "url": url,
            }
        )
    return cells


def _sparkline(values: Sequence[float | None], width: int = 160, height: int = 32) -> str:
    """SVG polyline points for scores on 0–100."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if not points:
        return ""
    step = width / max(len(values) - 1, 1)
    return " ".join(f"{i * step:.1f},{height - v / 100 * height:.1f}" for i, v in points)


@login_required
@require_GET
def ranking(request: Request) -> HttpResponse:
    """The month's ranking per unit group, with red and black lists."""
    _staff(request)
    sp = queries.period(request.GET.get("period"))
    group = request.GET.get("group") or Group.STREET
    if group not in Group.values:
        raise Http404
    rows = list(queries.ranking(sp, group)) if sp else []
    openable = {
        u.pk
        for u in Unit.objects.filter(pk__in=[r.unit_id for r in rows])
        if queries.can_view_unit(request.user, u)
    }
    standing = standing_of(request.user)
    return render(
        request,
        "assessment/ranking.html",
        {
            "sp": sp,
            "periods": queries.periods(),
            "group": group,
            "groups": Group.choices,
            "columns": COLUMNS,
            "rows": [
                {
                    "s": r,
                    "cells": _cells(r, r.unit.code, sp.period)
                    if sp is not None and r.unit_id in openable
                    else _cells(r),
                    "open": r.unit_id in openable,
                }
                for r in rows
            ],
            "red": [r for r in rows if r.board == "red"],
            "black": [r for r in rows if r.board == "black"],
            "can_run": standing.is_admin or "supervisor" in standing.centre_roles,
        },
    )


@login_required
@require_POST
def run(request: Request) -> HttpResponse:
    """Compute a draft again, or publish it (the supervisor)."""
    standing = standing_of(request.user)
    if not (standing.is_admin or "supervisor" in standing.centre_roles):
        raise PermissionDenied(_("只有督办员或系统管理员可以计算或发布考核结果。"))
    period = request.POST.get("period", "")
    try:
        if request.POST.get("publish"):
            scoring.publish(period, by=request.user)
            messages.success(request, _("%(period)s 考核结果已发布。") % {"period": period})
        else:
            scoring.compute(period, by=request.user)
            messages.success(request, _("%(period)s 已重新试算。") % {"period": period})
    except AssessmentError as error:
        messages.error(request, str(error))
        return redirect("assessment:ranking")
    return redirect(f"{request.path.rsplit('run/', 1)[0]}?period={period}")


@login_required
@require_GET
def export(request: Request, fmt: str) -> HttpResponse:
    """The ranking table of one group as CSV or XLSX."""
    _staff(request)
    sp = queries.period(request.GET.get("period"))
    group = request.GET.get("group") or Group.STREET
    if fmt not in ("csv", "xlsx") or sp is None or group not in Group.values:
        raise Http404
    # Rates as percentages with two decimals (66.67), the heading saying so: not 0.6666666667.
    counted = {"volume", "excluded"}
    header = [_("排名"), _("单位"), _("综合得分"), _("榜单")] + [
        str(h) if k in counted else _("%(rate)s（%%）") % {"rate": h} for k, h in COLUMNS
    ]
    board = {"red": _("红榜"), "black": _("黑榜"), "": ""}
    rows = []
    for s in queries.ranking(sp, group):
        values = [
            c.get("count")
            if c["key"] in counted
            else (None if c["rate"] is None else round(100 * c["rate"], 2))
            for c in _cells(s)
        ]
        rows.append([s.rank, s.unit.name, s.score, board[s.board], *values])
    name = f"assessment-{sp.period}-{group}.{fmt}"
    if fmt == "csv":
        body, kind = exports.to_csv(header, rows), "text/csv; charset=utf-8"
    else:
        body = exports.to_xlsx(f"{sp.period} {group}", header, rows)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _unit_for(request: Request, code: str) -> Unit:
    unit = get_object_or_404(Unit, code=code)
    if not queries.can_view_unit(request.user, unit):
        raise Http404  # another unit's page does not exist for you
    return unit


@login_required
@require_GET
def unit_page(request: Request, code: str) -> HttpResponse:
    """A unit's rates month by month, its score line, and links to the tickets behind each."""
    unit = _unit_for(request, code)
    rows = list(queries.history(unit))
    return render(
        request,
        "assessment/unit.html",
        {
            "unit": unit,
            "columns": COLUMNS,
            "rows": [{"s": r, "cells": _cells(r, unit.code, r.period.period)} for r in rows],
            "sparkline": _sparkline([r.score for r in rows]),
            "appeals": queries.appeals_for(request.user).filter(unit=unit),
        },
    )


@login_required
@require_GET
def drill(request: Request, code: str, period: str, indicator: str) -> HttpResponse:
    """The tickets an indicator counted for the unit in the period, and those it missed."""
    unit = _unit_for(request, code)
    sp = queries.period(period)
    if sp is None or sp.period != period or indicator not in queries.INDICATORS:
        raise Http404
    behind = queries.tickets_behind(
        request.user, unit, period, indicator, cohandling=sp.policy.cohandling
    )
    return render(
        request,
        "assessment/drill.html",
        {
            "unit": unit,
            "sp": sp,
            "label": dict(COLUMNS)[indicator],
            "indicator": indicator,
            "hits": behind.hits,
            "misses": behind.misses,
            "hit_count": behind.hit_count,
            "miss_count": behind.miss_count,
        },
    )


@login_required
def exclusions(request: Request) -> HttpResponse:
    """Every exclusion request and its decision (公示), and the centre's pending decisions."""
    _staff(request)
    standing = standing_of(request.user)
    deciding = standing.is_admin or bool(standing.centre_roles & {"dispatcher", "supervisor"})
    return render(
        request,
        "assessment/exclusions.html",
        {
            "rows": queries.exclusions()[:500],
            "pending": queries.pending_exclusions() if deciding else [],
            "form": forms.DecisionForm(),
        },
    )


@login_required
def new_exclusion(request: Request, number: str) -> HttpResponse:
    """A unit asks to exclude one of its tickets from its rates."""
    ticket = get_object_or_404(visible_to(request.user), number=number)
    units = [u for u in queries.own_units(request.user) if scoring.answers_for(ticket, u)]
    if not units:
        raise PermissionDenied(_("只有承办该工单的单位可以申请剔除。"))
    choices = Unit.objects.filter(pk__in=[u.pk for u in units])
    form = forms.ExclusionForm(request.POST or None, request.FILES or None, units=choices)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                scoring.request_exclusion(
                    ticket,
                    unit=form.cleaned_data["unit"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    evidence=form.cleaned_data["evidence"],
                    attachment=form.cleaned_data["attachment"],
                )
            except AssessmentError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("剔除申请已提交，等待热线中心审核。"))
                return redirect("assessment:exclusions")
        status = 400
    return render(
        request, "assessment/exclusion_new.html", {"ticket": ticket, "form": form}, status=status
    )


def _decide(request: Request, row: Any, decide: Any, back: str) -> HttpResponse:
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, str(errors[0]))
        return redirect(back)
    try:
        decide(
            row,
            by=request.user,
            approve=form.cleaned_data["approve"],
            note=form.cleaned_data["note"],
        )
    except AssessmentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已处理。"))
    return redirect(back)


@login_required
@require_POST
def decide_exclusion(request: Request, pk: int) -> HttpResponse:
    return _decide(
        request,
        get_object_or_404(Exclusion, pk=pk),
        scoring.decide_exclusion,
        "assessment:exclusions",
    )


@login_required
def appeals(request: Request) -> HttpResponse:
    """A unit files appeals against published scores; the supervisor decides them."""
    _staff(request)
    units = queries.own_units(request.user)
    form = forms.AppealForm(request.POST or None, units=units)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                scoring.file_appeal(
                    form.cleaned_data["period"],
                    unit=form.cleaned_data["unit"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except AssessmentError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("申诉已提交，等待热线中心处理。"))
                return redirect("assessment:appeals")
        status = 400
    standing = standing_of(request.user)
    return render(
        request,
        "assessment/appeals.html",
        {
            "rows": queries.appeals_for(request.user)[:500],
            "form": form if units else None,
            "decision_form": forms.DecisionForm(),
            "deciding": standing.is_admin or "supervisor" in standing.centre_roles,
        },
        status=status,
    )


@login_required
@require_POST
def decide_appeal(request: Request, pk: int) -> HttpResponse:
    return _decide(
        request, get_object_or_404(Appeal, pk=pk), scoring.decide_appeal, "assessment:appeals"
    )


@login_required
def policy(request: Request) -> HttpResponse:
    """The administrator publishes a new version of the scoring policy."""
    if not standing_of(request.user).is_admin:
        raise PermissionDenied(_("只有系统管理员可以修改考核规则。"))
    current = scoring.policy_in_force()
    form = forms.PolicyForm(
        request.POST or None,
        instance=ScoringPolicy(**{f: getattr(current, f) for f in scoring.POLICY_FIELDS}),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = {f: form.cleaned_data[f] for f in scoring.POLICY_FIELDS}
            try:
                new = scoring.revise_policy(
                    by=request.user, note=form.cleaned_data["note"], **values
                )
            except AssessmentError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("考核规则 v%(v)s 已生效。") % {"v": new.version})
                return redirect("assessment:policy")
        status = 400
    return render(
        request,
        "assessment/policy.html",
        {"form": form, "current": current, "versions": ScoringPolicy.objects.all()[:50]},
        status=status,
    )
