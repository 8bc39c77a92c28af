"""Staff pages of the households programme: the overview, households, steps, clues, funnel."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minsheng.accounts.http import AuthenticatedHttpRequest as Request
from minsheng.households import exports, forms, procedure, queries, rules, write
from minsheng.households.models import Case, Household, Parameters, Step
from minsheng.households.presets import PRESETS
from minsheng.orgs.models import Unit
from minsheng.tickets.models import Ticket


def _check(request: Request) -> None:
    if not queries.may_use(request.user):
        raise PermissionDenied(_("您的账号不属于任何单位，无法查看防返贫监测。"))


def _household(request: Request, pk: int) -> Household:
    _check(request)
    return get_object_or_404(queries.visible(request.user), pk=pk)


def _area(request: Request) -> Unit | None:
    code = request.GET.get("area", "")
    return Unit.objects.filter(code=code).first() if code else None


@login_required
@require_GET
def index(request: Request) -> HttpResponse:
    """Open steps (overdue first) and the funnel in numbers."""
    _check(request)
    steps = queries.open_steps(request.user).order_by("due")[:100]
    today = timezone.localdate()
    search = request.GET.get("q", "").strip()
    found = (
        (
            queries.visible(request.user).filter(code__icontains=search)
            | queries.visible(request.user).filter(head_name__icontains=search)
        )[:50]
        if search
        else []
    )
    return render(
        request,
        "households/index.html",
        {
            "steps": [(s, procedure.is_overdue(s.due, today, False)) for s in steps],
            "funnel": queries.funnel(request.user),
            "search": search,
            "found": found,
        },
    )


@login_required
@require_GET
def households(request: Request) -> HttpResponse:
    """The households behind one number of the funnel (stage, village)."""
    _check(request)
    rows = _filtered(request)
    return render(
        request,
        "households/list.html",
        {
            "rows": rows[:500],
            "total": rows.count(),
            "stage": dict(queries.STAGES).get(request.GET.get("stage", ""), ""),
            "query": request.GET.urlencode(),
        },
    )


def _filtered(request: Request) -> Any:
    rows = queries.visible(request.user)
    stage = request.GET.get("stage", "")
    if stage:
        rows = queries.stage_households(rows, stage)
    village = request.GET.get("village", "")
    if village.isdigit():
        rows = rows.filter(village_id=int(village))
    area = _area(request)
    if area is not None:
        rows = rows.filter(village__path__startswith=area.path)
    status = request.GET.get("status", "")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("village__path", "code")


@login_required
@require_GET
def export(request: Request) -> HttpResponse:
    """The same list as XLSX; no ID numbers, no phones."""
    _check(request)
    response = HttpResponse(
        exports.households_xlsx(_filtered(request)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="households.xlsx"'
    return response


def _detail_context(request: Request, household: Household) -> dict[str, Any]:
    today = timezone.localdate()
    params = queries.params_for(household, today.year)
    acc = queries.accounts_for(household, today, params)
    failing = queries.elimination_failures(household, today, params=params)
    labour = list(household.members.values_list("labour", flat=True))
    developmental = sum(1 for m in household.measures.all() if m.kind in _developmental())
    return {
        "h": household,
        "members": household.members.all(),
        "events": household.events.all(),
        "clues": household.clues.select_related("ticket").all(),
        "cases": household.cases.prefetch_related("steps__ticket").all(),
        "measures": household.measures.all(),
        "payments": household.payments.all(),
        "params": params,
        "line": params.line(),
        "acc": acc,
        "flags": [rules.FLAG_LABELS[f] for f in queries.flags_for(household, today)],
        "failing": [rules.CHECK_LABELS[f] for f in failing],
        "plan": rules.plan_check(labour, developmental),
        "step_form": forms.StepForm(),
        "measure_form": forms.MeasureForm(initial={"start": today}),
        "payment_form": forms.PaymentForm(initial={"paid_on": today}),
        "reveal_form": forms.RevealForm(),
        "open_case": household.cases.filter(state=Case.State.OPEN).first(),
    }


def _developmental() -> set[str]:
    from minsheng.households.catalogue import MEASURES

    return {m.code for m in MEASURES if m.developmental}


@login_required
@require_GET
def household(request: Request, pk: int) -> HttpResponse:
    h = _household(request, pk)
    return render(request, "households/household.html", _detail_context(request, h))


@login_required
@require_http_methods(["GET", "POST"])
def accounts(request: Request, pk: int) -> HttpResponse:
    """The income and expense calculator: the months entered, one month added or corrected."""
    h = _household(request, pk)
    today = timezone.localdate()
    form = forms.MonthForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        month = rules.Month(**{f: data[f] for f in rules.Month.__dataclass_fields__})
        write.save_months(h, [month])
        messages.success(request, _("已保存 %(month)s 的收支") % {"month": f"{month.month:%Y-%m}"})
        return redirect("households:accounts", pk=h.pk)
    context = {"h": h, "form": form, **queries.calculator(h, today)}
    return render(request, "households/accounts.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def identity(request: Request, pk: int) -> HttpResponse:
    """The one screen with full ID numbers: shown after a reason is given, each reveal recorded."""
    h = _household(request, pk)
    form = forms.RevealForm(request.POST or None)
    members = None
    if request.method == "POST" and form.is_valid():
        members = write.reveal_ids(h, user=request.user, reason=form.cleaned_data["reason"])
    return render(request, "households/identity.html", {"h": h, "form": form, "members": members})


@login_required
@require_POST
def complete_step(request: Request, pk: int) -> HttpResponse:
    step = get_object_or_404(Step.objects.select_related("case__household"), pk=pk)
    household = _household(request, step.case.household_id)
    form = forms.StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请检查填写的内容"))
        return redirect("households:household", pk=household.pk)
    data = form.cleaned_data
    try:
        write.complete_step(
            step,
            write.StepResult(
                passed=data["passed"],
                note=data["note"],
                authorised=data["authorised"],
                target=data["target"],
                rigid_resolved=data["rigid_resolved"]
                if step.kind == procedure.HOME_CHECK
                else None,
                guarantees=data["guarantees"] if step.kind == procedure.HOME_CHECK else None,
                water=data["water"] if step.kind == procedure.HOME_CHECK else None,
            ),
            by=request.user,
        )
        messages.success(request, _("已记录：%(step)s") % {"step": step.get_kind_display()})
    except write.Refused as refused:
        messages.error(request, str(refused))
    return redirect("households:household", pk=household.pk)


@login_required
@require_POST
def add_measure(request: Request, pk: int) -> HttpResponse:
    h = _household(request, pk)
    form = forms.MeasureForm(request.POST)
    if form.is_valid():
        try:
            write.add_measure(h, by=request.user, **form.cleaned_data)
            messages.success(request, _("已添加帮扶措施"))
        except write.Refused as refused:
            messages.error(request, str(refused))
    else:
        messages.error(request, _("请检查帮扶措施的填写"))
    return redirect("households:household", pk=h.pk)


@login_required
@require_POST
def add_payment(request: Request, pk: int) -> HttpResponse:
    h = _household(request, pk)
    form = forms.PaymentForm(request.POST)
    if form.is_valid():
        try:
            write.add_payment(h, by=request.user, **form.cleaned_data)
            messages.success(request, _("已登记救助发放"))
        except write.Refused as refused:
            messages.error(request, str(refused))
    else:
        messages.error(request, _("请检查救助金额和日期"))
    return redirect("households:household", pk=h.pk)


@login_required
@require_POST
def eliminate(request: Request, pk: int) -> HttpResponse:
    h = _household(request, pk)
    try:
        write.open_elimination(h, by=request.user)
        messages.success(request, _("已启动风险消除程序"))
    except write.Refused as refused:
        messages.error(request, str(refused))
    return redirect("households:household", pk=h.pk)


@login_required
@require_GET
def notice(request: Request, pk: int) -> HttpResponse:
    """The village's public notice (公示): names and village only, never an ID number."""
    case = get_object_or_404(Case.objects.select_related("household__village"), pk=pk)
    _household(request, case.household_id)
    step = case.steps.filter(kind=procedure.NOTICE).first()
    return render(request, "households/notice.html", {"case": case, "step": step, "days": 5})


@login_required
@require_http_methods(["GET", "POST"])
def new_clue(request: Request) -> HttpResponse:
    """A cadre's visit (八必访) or a 12345 call, as a clue about a registered household."""
    _check(request)
    form = forms.VisitForm(request.POST or None, initial={"ticket": request.GET.get("ticket", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        h = queries.visible(request.user).filter(code=data["household"]).first()
        ticket = Ticket.objects.filter(number=data["ticket"]).first() if data["ticket"] else None
        if h is None:
            form.add_error("household", _("没有找到该户，或不在您的辖区"))
        elif data["ticket"] and ticket is None:
            form.add_error("ticket", _("没有找到该工单"))
        else:
            try:
                write.add_clue(
                    write.ClueIn(
                        village=h.village,
                        household=h,
                        source=data["source"],
                        text=data["text"],
                        cause=data["cause"],
                        checklist=data["checklist"],
                        ticket=ticket,
                    ),
                    by=request.user,
                )
                messages.success(request, _("已登记风险线索"))
                return redirect("households:household", pk=h.pk)
            except write.Refused as refused:
                form.add_error(None, str(refused))
    return render(request, "households/clue_form.html", {"form": form})


@login_required
@require_GET
def parameters(request: Request) -> HttpResponse:
    """The parameter sets that apply to the user's area, and the presets to start from."""
    _check(request)
    return render(
        request,
        "households/parameters.html",
        {
            "rows": queries.parameter_sets(request.user),
            "editable": set(queries.jurisdictions(request.user).values_list("pk", flat=True)),
            "presets": PRESETS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_parameters(request: Request) -> HttpResponse:
    """Set a jurisdiction's parameters for a year (its leaders and administrators only),
    from scratch, from a preset (?preset=gansu-2024) or editing a set (?id=)."""
    _check(request)
    allowed = queries.jurisdictions(request.user)
    if not allowed.exists():
        raise PermissionDenied(_("只有本级单位负责人或管理员可以设置监测参数。"))
    source = request.POST if request.method == "POST" else request.GET
    instance = None
    if source.get("id", "").isdigit():
        instance = get_object_or_404(
            Parameters.objects.filter(jurisdiction__in=allowed), pk=int(source["id"])
        )
    preset = PRESETS.get(request.GET.get("preset", ""))
    initial = {f: getattr(preset, f) for f in rules.Params.__dataclass_fields__} if preset else {}
    form = forms.ParamsForm(
        request.POST or None, instance=instance, initial=initial, jurisdictions=allowed
    )
    if request.method == "POST" and form.is_valid():
        try:
            write.save_parameters(
                form.cleaned_data["jurisdiction"], form.as_params(), by=request.user
            )
            messages.success(request, _("已保存监测参数"))
            return redirect("households:parameters")
        except write.Refused as refused:
            form.add_error(None, str(refused))
    return render(request, "households/parameters_form.html", {"form": form, "instance": instance})


@login_required
@require_GET
def funnel(request: Request) -> HttpResponse:
    _check(request)
    data = queries.funnel(request.user, _area(request))
    return render(request, "households/funnel.html", {"data": data, "area": _area(request)})
