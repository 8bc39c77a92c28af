"""Staff pages: households and alarms in the user's units, enrolment, absences, outcomes."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minsheng.accounts.http import AuthenticatedHttpRequest as Request
from minsheng.citizens.masking import mask_phone
from minsheng.citizens.registry import record_reveal
from minsheng.eldercare import alarms, enrolment, forms, queries
from minsheng.eldercare.apps import STAFF_ROLES
from minsheng.eldercare.models import Alarm, Household, Meter
from minsheng.orgs.access import standing_of
from minsheng.tickets import queries as ticket_queries
from minsheng.tickets.transitions import WorkflowError


def _staff(request: Request) -> None:
    if not standing_of(request.user).all_roles & STAFF_ROLES:
        raise PermissionDenied(_("您的岗位无权访问此页面。"))


def _household(request: Request, pk: int) -> Household:
    _staff(request)
    return get_object_or_404(queries.households_for(request.user), pk=pk)


@login_required
@require_GET
def index(request: Request) -> HttpResponse:
    """Open alarms first, then the households, then this month's report."""
    _staff(request)
    households = queries.households_for(request.user)
    q = request.GET.get("q", "").strip()
    if q:
        households = households.filter(code__icontains=q) | households.filter(name__icontains=q)
    start, end = queries.month_bounds(timezone.localdate())
    scoped = queries.alarms_for(request.user)
    return render(
        request,
        "eldercare/index.html",
        {
            "open": scoped.filter(state=Alarm.State.OPEN)[:100],
            "recent": scoped.exclude(state=Alarm.State.OPEN)[:30],
            "households": households.filter(ended_at__isnull=True)[:200],
            "ended": households.filter(ended_at__isnull=False).count(),
            "q": q,
            "report": queries.report(
                scoped.filter(raised_at__gte=start, raised_at__lt=end),
                households.filter(ended_at__isnull=True).count(),
            ),
        },
    )


def _detail(
    request: Request, household: Household, *, reveal: bool = False, **extra: Any
) -> HttpResponse:
    contacts = [
        {"c": c, "phone": c.phone if reveal else mask_phone(c.phone)}
        for c in household.contacts.all()
    ]
    context = {
        "h": household,
        "elder_phone": household.phone if reveal else mask_phone(household.phone),
        "contacts": contacts,
        "revealed": reveal,
        "can_reveal": queries.can_reveal(request.user, household),
        "meters": Meter.objects.filter(household=household),
        "absences": household.absences.all()[:20],
        "alarms": household.alarms.select_related("ticket")[:30],
        "suggestions": queries.suggestions(household),
        "absence_form": extra.pop("absence_form", None) or forms.AbsenceForm(),
        "end_form": extra.pop("end_form", None) or forms.EndForm(),
        **extra,
    }
    return render(request, "eldercare/household.html", context)


@login_required
@require_GET
def household(request: Request, pk: int) -> HttpResponse:
    return _detail(request, _household(request, pk))


@login_required
@require_POST
def reveal(request: Request, pk: int) -> HttpResponse:
    """The contacts' numbers in full, for someone about to phone them; each sight recorded."""
    h = _household(request, pk)
    if not queries.can_reveal(request.user, h):
        raise PermissionDenied(_("您无权查看完整电话。"))
    with transaction.atomic():
        record_reveal(
            user=request.user,
            kind="phone",
            subject=f"eldercare:{h.code}",
            reason=_("联系独居老人及其联系人"),
        )
        return _detail(request, h, reveal=True)


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: Request, pk: int | None = None) -> HttpResponse:
    """Enrol a household, or edit one (same form)."""
    _staff(request)
    existing = _household(request, pk) if pk else None
    initial = _initial(existing) if existing else {}
    form = forms.EnrolForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        code = existing.code if existing else d["code"]
        try:
            h = enrolment.enrol(
                code,
                name=d["name"],
                phone=d["phone"],
                address=d["address"],
                unit=d["unit"],
                tags=d["tags"],
                consent=enrolment.Consent(
                    by=d["consent_by"], at=timezone.now(), how=d["consent_how"]
                ),
                contacts=d["contacts"],
                meters=d["meters"],
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已保存 %(code)s 的登记。") % {"code": h.code})
            return redirect("eldercare:household", pk=h.pk)
    return render(request, "eldercare/enrol.html", {"form": form, "h": existing})


def _initial(h: Household) -> dict[str, Any]:
    return {
        "code": h.code,
        "name": h.name,
        "phone": h.phone,
        "address": h.address,
        "unit": str(h.unit_id),
        "tags": h.tags,
        "consent_by": h.consent_by,
        "consent_how": h.consent_how,
        "contacts": "\n".join(
            f"{c.name}:{c.phone}:{c.relation_note or c.relation}" for c in h.contacts.all()
        ),
        "meters": "\n".join(
            f"{m.code},{m.kind},{m.report_minutes}" for m in Meter.objects.filter(household=h)
        ),
    }


@login_required
@require_POST
def end(request: Request, pk: int) -> HttpResponse:
    h = _household(request, pk)
    form = forms.EndForm(request.POST)
    if form.is_valid():
        try:
            enrolment.end(h, reason=form.cleaned_data["reason"])
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("已结束登记。"))
        return redirect("eldercare:household", pk=h.pk)
    return _detail(request, h, end_form=form)


@login_required
@require_POST
def absence(request: Request, pk: int) -> HttpResponse:
    """Staff register an absence, told by the family or by a 12345 ticket."""
    h = _household(request, pk)
    form = forms.AbsenceForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        number = d["ticket"].strip()
        visible = ticket_queries.visible_to(request.user)
        ticket = visible.filter(number=number).first() if number else None
        if number and ticket is None:
            form.add_error("ticket", _("找不到该工单，或您无权查看。"))
        else:
            try:
                alarms.register_absence(
                    h,
                    starts=d["starts"],
                    ends=d["ends"],
                    reason=d["reason"],
                    source="ticket" if ticket else "staff",
                    by=request.user.get_full_name() or request.user.username,
                    ticket=ticket,
                )
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("已登记外出，期间不发关爱预警。"))
                return redirect("eldercare:household", pk=h.pk)
    return _detail(request, h, absence_form=form)


def _alarm(request: Request, pk: int) -> Alarm:
    _staff(request)
    return get_object_or_404(queries.alarms_for(request.user), pk=pk)


@login_required
@require_GET
def alarm(request: Request, pk: int, **extra: Any) -> HttpResponse:
    a = _alarm(request, pk)
    return render(
        request,
        "eldercare/alarm.html",
        {
            "a": a,
            "events": a.events.all(),
            "outcome_form": extra.get("outcome_form") or forms.OutcomeForm(),
            "ack_form": extra.get("ack_form") or forms.AcknowledgeForm(),
        },
    )


@login_required
@require_POST
def outcome(request: Request, pk: int) -> HttpResponse:
    """The visit's outcome, written as the ticket's reply."""
    a = _alarm(request, pk)
    form = forms.OutcomeForm(request.POST)
    if form.is_valid():
        try:
            alarms.record_outcome(
                a,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已记录上门结果，并作为工单答复。"))
            return redirect("eldercare:alarm", pk=a.pk)
    request.method = "GET"
    return alarm(request, pk, outcome_form=form)


@login_required
@require_POST
def acknowledge(request: Request, pk: int) -> HttpResponse:
    a = _alarm(request, pk)
    form = forms.AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            alarms.acknowledge(
                a,
                by=request.user.get_full_name() or request.user.username,
                note=form.cleaned_data["note"],
            )
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("已确认平安，停止后续通知。"))
        return redirect("eldercare:alarm", pk=a.pk)
    request.method = "GET"
    return alarm(request, pk, ack_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def import_sheet(request: Request) -> HttpResponse:
    """Upload an enrolment sheet: all rows or none, each bad row named."""
    _staff(request)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        raw = form.cleaned_data["sheet"].read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            errors = [_("文件不是UTF-8编码的CSV。")]
        else:
            try:
                done = enrolment.import_sheet(
                    text,
                    consent_how=form.cleaned_data["consent_how"],
                    within=forms.units_for(request.user),
                )
            except enrolment.SheetError as error:
                errors = error.errors
            else:
                messages.success(request, _("已导入 %(n)s 户。") % {"n": len(done)})
                return redirect("eldercare:index")
    return render(request, "eldercare/import.html", {"form": form, "errors": errors})
