"""The agent's console (受理登记: caller history, knowledge base, emergencies) and batch import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from minsheng.accounts.http import AuthenticatedHttpRequest as Request
from minsheng.citizens.masking import normalise_phone
from minsheng.intake import door, importing, queries, rows
from minsheng.intake.forms import REFERRAL_SCRIPT, REFERRALS, ImportForm, IntakeForm
from minsheng.intake.models import ImportBatch
from minsheng.knowledge import queries as knowledge
from minsheng.knowledge.forms import SearchForm
from minsheng.orgs.access import standing_of
from minsheng.tickets import queries as tickets
from minsheng.tickets.models import Status
from minsheng.tickets.transitions import WorkflowError

INTAKE_ROLES = frozenset({"agent", "dispatcher"})
SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_intake(request: Request) -> None:
    if not standing_of(request.user).centre_roles & INTAKE_ROLES:
        raise PermissionDenied("只有热线中心的话务员或派单员可以受理诉求。")


@login_required
@require_http_methods(["GET", "POST"])
def new(request: Request) -> HttpResponse:
    """The console for one call; a valid submission becomes a ticket and opens its page."""
    _require_intake(request)
    form = IntakeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = door.submit(
                door.Request.of(form.cleaned_data, chooser="agent"), by=request.user
            )
            door.learn_from(ticket, by=request.user)
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            if ticket.status == Status.CLOSED:
                messages.success(
                    request,
                    _("已受理并直接办结，工单编号 %(number)s。") % {"number": ticket.number},
                )
            elif ticket.status == Status.DISPATCHED and ticket.unit is not None:
                messages.success(
                    request,
                    _("已受理，工单编号 %(number)s，已按派单规则自动派往%(unit)s。")
                    % {"number": ticket.number, "unit": ticket.unit.name},
                )
            else:
                messages.success(
                    request,
                    _("已受理，工单编号 %(number)s，等待派单。") % {"number": ticket.number},
                )
            return redirect(ticket)
    phone = normalise_phone(form["phone"].value() or "") if form.is_bound else ""
    referrals = [
        (number, label, cases, REFERRAL_SCRIPT % {"service": label, "number": number})
        for number, (label, cases) in REFERRALS.items()
    ]
    context = {
        "form": form,
        "search": SearchForm(prefix="kb"),
        "referrals": referrals,
        **_history(request, phone),
    }
    return render(request, "intake/new.html", context)


@login_required
@require_GET
def history(request: Request) -> HttpResponse:
    """htmx partial: the caller's earlier tickets by phone number."""
    _require_intake(request)
    phone = normalise_phone(request.GET.get("phone", ""))
    return render(request, "intake/_history.html", _history(request, phone))


def _history(request: Request, phone: str) -> dict[str, object]:
    if not phone:
        return {"phone": "", "earlier": []}
    return {"phone": phone, "earlier": list(tickets.earlier_tickets(request.user, phone=phone))}


@login_required
@require_GET
def answers(request: Request) -> HttpResponse:
    """htmx partial: knowledge base articles for the words and category typed on the console."""
    _require_intake(request)
    search = SearchForm(request.GET, prefix="kb")
    query, category = search.terms()
    articles = knowledge.search(query, category=category, limit=10) if query or category else []
    # The button also picks the article's category when a consultation may be filed under it.
    found = [
        (
            a,
            a.category_id
            if a.category and a.category.is_leaf and a.category.allows("consult")
            else "",
        )
        for a in articles
    ]
    return render(
        request, "intake/_answers.html", {"found": found, "searched": bool(query or category)}
    )


def _require_import(request: Request) -> None:
    if not importing.may_import(request.user):
        raise PermissionDenied("只有热线中心的话务员或派单员可以批量导入。")


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: Request) -> HttpResponse:
    """Upload an offline sheet: the row-by-row report, or the tickets it created."""
    _require_import(request)
    mappings = list(queries.active_mappings())
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        mappings=mappings,
    )
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(rows.MAX_BYTES + 1)  # enough to know it is too big, no more
        outcome = importing.import_file(
            data, filename=upload.name, by=request.user, mapping_obj=form.cleaned_data["mapping"]
        )
        if outcome.errors and request.POST.get("report") == "csv":
            response = HttpResponse(rows.report_csv(outcome.errors), content_type="text/csv")
            response["Content-Disposition"] = 'attachment; filename="import-errors.csv"'
            return response
        if outcome.ok and outcome.created:
            messages.success(request, outcome.message)
            return redirect("intake:batch", pk=outcome.batch.pk)  # type: ignore[union-attr]
    context = {"form": form, "outcome": outcome, "batches": queries.recent_batches()}
    return render(request, "intake/import.html", context)


@login_required
@require_GET
def batch(request: Request, pk: int) -> HttpResponse:
    """One import batch and the tickets it created."""
    _require_import(request)
    found = get_object_or_404(ImportBatch.objects.select_related("uploaded_by", "mapping"), pk=pk)
    return render(request, "intake/batch.html", {"batch": found, "rows": queries.rows_of(found)})


@login_required
@require_GET
def template(request: Request, fmt: str) -> HttpResponse:
    """The import template, as CSV (UTF-8 with BOM) or XLSX."""
    _require_import(request)
    if fmt == "xlsx":
        response = HttpResponse(rows.template_xlsx(), content_type=SPREADSHEET)
    else:
        response = HttpResponse(rows.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="minsheng-import-template.{fmt}"'
    return response
