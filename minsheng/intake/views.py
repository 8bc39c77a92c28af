"""The agent's intake screen and the caller's history beside it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from minsheng.accounts.http import AuthenticatedHttpRequest as Request
from minsheng.citizens.masking import normalise_phone
from minsheng.intake import submissions
from minsheng.intake.forms import IntakeForm
from minsheng.orgs.access import standing_of
from minsheng.tickets import queries
from minsheng.tickets.models import Status
from minsheng.tickets.workflow import WorkflowError

INTAKE_ROLES = frozenset({"agent", "dispatcher"})


def _require_intake(request: Request) -> None:
    if not standing_of(request.user).centre_roles & INTAKE_ROLES:
        raise PermissionDenied("只有热线中心的话务员或派单员可以受理诉求。")


@login_required
@require_http_methods(["GET", "POST"])
def new(request: Request) -> HttpResponse:
    """The intake form; a valid submission becomes a ticket and opens its page."""
    _require_intake(request)
    form = IntakeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = submissions.submit(form.cleaned_data, by=request.user)
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            if ticket.status == Status.CLOSED:
                messages.success(
                    request,
                    _("已受理并直接办结，工单编号 %(number)s。") % {"number": ticket.number},
                )
            else:
                messages.success(
                    request,
                    _("已受理，工单编号 %(number)s，等待派单。") % {"number": ticket.number},
                )
            return redirect(ticket)
    phone = normalise_phone(form["phone"].value() or "") if form.is_bound else ""
    return render(request, "intake/new.html", {"form": form, **_history(request, phone)})


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
    return {"phone": phone, "earlier": list(queries.earlier_tickets(request.user, phone=phone))}
