"""The hotline's return visits (回访): the agents' list of replied tickets due a call, and the
rating an agent records from that call. The residents' own pages are in `residents`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minsheng.accounts.http import AuthenticatedHttpRequest as Request
from minsheng.feedback.forms import RatingForm
from minsheng.feedback.visits import rate
from minsheng.tickets import queries, transitions
from minsheng.tickets.models import Satisfaction
from minsheng.tickets.names import Action
from minsheng.tickets.transitions import WorkflowError


@login_required
def visit_list(request: HttpRequest) -> HttpResponse:
    """The agents' return-visit list (回访任务): replied tickets due a call, oldest first."""
    if not queries.can_see_phone(request.user) and not request.user.is_superuser:  # type: ignore[arg-type]
        raise PermissionDenied("回访任务仅限热线中心使用。")
    tickets = queries.visits_due(request.user).defer("unit__boundary")  # type: ignore[arg-type]
    page = Paginator(tickets, 50).get_page(request.GET.get("page"))
    show = queries.can_see_phone(request.user)  # type: ignore[arg-type]
    return render(request, "feedback/visits.html", {"page": page, "show_full_phone": show})


@login_required
@require_POST
def phone_visit(request: Request, number: str) -> HttpResponse:
    """An agent records the rating the resident gave on a return-visit call (电话回访)."""
    ticket = get_object_or_404(queries.visible_to(request.user), number=number)
    if Action.VISIT not in transitions.allowed_actions(request.user, ticket):
        raise PermissionDenied("您不能为这张工单登记回访。")
    form = RatingForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, _("回访未登记：%(error)s") % {"error": error})
        return redirect(ticket.get_absolute_url())
    try:
        rating = rate(
            ticket,
            satisfaction=form.cleaned_data["satisfaction"],
            resolved=form.cleaned_data["resolved"],
            comment=form.cleaned_data["comment"],
            agent=request.user,
        )
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        label = rating.get_satisfaction_display()
        if rating.satisfaction != Satisfaction.UNSATISFIED:
            done = _("已登记电话回访（%(label)s），工单已办结。") % {"label": label}
        else:
            done = _("已登记电话回访（%(label)s）。") % {"label": label}
        messages.success(request, done)
    return redirect(ticket.get_absolute_url())
