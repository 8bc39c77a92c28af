"""The work lists' pages (工作清单): each list with the menu of all lists and their counts,
bulk actions on the ticked tickets, export to Excel, and the printable 工单 and 督办单."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from minsheng.accounts.http import AuthenticatedHttpRequest as Request
from minsheng.desk import bulk, exports, forms, saved, worklists
from minsheng.orgs.access import standing_of
from minsheng.orgs.forms import MAIN_TARGET_KINDS, dispatch_units, unit_choices
from minsheng.tickets import actions, queries
from minsheng.tickets.models import Ticket
from minsheng.tickets.names import Action
from minsheng.tickets.transitions import TRANSITIONS

PER_PAGE = 50
NEEDS_UNIT = frozenset({Action.DISPATCH})


def _list_for(request: Request, key: str) -> tuple[worklists.Worklist, list[worklists.Worklist]]:
    mine = worklists.available(request.user)
    chosen = worklists.BY_KEY.get(key)
    if chosen is None:
        raise Http404(_("没有这个工作清单。"))
    if chosen not in mine:
        raise PermissionDenied(_("您的岗位没有“%(name)s”清单。") % {"name": chosen.label})
    return chosen, mine


def _bulk_actions(request: Request, worklist: worklists.Worklist) -> list[dict[str, Any]]:
    """The list's bulk actions this user's roles may take."""
    roles = standing_of(request.user).all_roles
    return [
        {"name": a, "label": actions.label(a), "needs_unit": a in NEEDS_UNIT}
        for a in worklist.bulk
        if TRANSITIONS[a].roles & roles
    ]


@login_required
@require_GET
def index(request: Request) -> HttpResponse:
    """The first list of the user's day."""
    mine = worklists.available(request.user)
    if not mine:
        raise PermissionDenied(_("您的岗位没有工作清单。"))
    return redirect("desk:worklist", key=mine[0].key)


@login_required
@require_GET
def worklist(request: Request, key: str) -> HttpResponse:
    """One work list, with the others' counts, bulk actions and the export link."""
    chosen, mine = _list_for(request, key)
    now = timezone.now()
    counts = worklists.counts(request.user, mine, now=now)
    tabs = [
        {"key": w.key, "label": w.label, "count": counts.get(w.key, 0), "active": w is chosen}
        for w in mine
    ]
    context: dict[str, Any] = {"worklist": chosen, "tabs": tabs}
    if not chosen.tickets:
        exclusions, appeals = worklists.reviews(request.user)
        context.update(exclusions=exclusions[:200], appeals=appeals[:200])
        return render(request, "desk/worklist.html", context)
    tickets = worklists.tickets(key, request.user, now=now)
    if key == "overdue":
        context["by_unit"] = worklists.overdue_by_unit(tickets)
    tickets, form = _filtered(request, tickets)
    if form.is_valid() and form.cleaned_data.get("unit"):
        context["unit"] = str(form.cleaned_data["unit"])
    saved = list(worklists.saved_filters(request.user, key))
    query = form.query() if form.is_valid() else ""
    page = Paginator(tickets, PER_PAGE).get_page(request.GET.get("page"))
    context.update(
        filter_form=form,
        query=query,
        saved=[{"filter": f, "active": f.query == query} for f in saved],
        save_form=forms.SaveFilterForm(),
    )
    bulk_actions = _bulk_actions(request, chosen)
    needs_units = any(a["needs_unit"] for a in bulk_actions)
    context.update(
        page=page,
        now=now,
        bulk_actions=bulk_actions,
        unit_options=unit_choices(dispatch_units(), kinds=MAIN_TARGET_KINDS) if needs_units else [],
        show_full_phone=queries.can_see_phone(request.user),
    )
    return render(request, "desk/worklist.html", context)


def _filtered(request: Request, tickets: QuerySet[Ticket]) -> tuple[QuerySet[Ticket], Any]:
    """The list narrowed by its filter (the query string); bad values are shown, not applied."""
    data = request.GET.copy()
    data.pop("page", None)
    form = forms.ListFilterForm(data)  # bound even when empty: valid, and query() is ""
    if not form.is_valid():
        return tickets, form
    found = form.cleaned_data
    district = form.districts.get(found["district"]) if found["district"] else None
    return worklists.filtered(tickets, found, district), form


@login_required
@require_POST
def save_filter(request: Request, key: str) -> HttpResponse:
    """Save the list's current filter (posted as its query string) under a name."""
    chosen, _mine = _list_for(request, key)
    form = forms.ListFilterForm(QueryDict(request.POST.get("query", "")))
    named = forms.SaveFilterForm(request.POST)
    target = reverse("desk:worklist", args=[chosen.key])
    if not form.is_valid() or not named.is_valid():
        errors = [str(e) for f in (form, named) for errs in f.errors.values() for e in errs]
        messages.error(request, _("筛选未保存：%(errors)s") % {"errors": " ".join(errors)})
        return redirect(target)
    try:
        saved.save(request.user, chosen.key, named.cleaned_data["name"], form.query())
    except saved.FilterError as error:
        messages.error(request, _("筛选未保存：%(errors)s") % {"errors": error})
        return redirect(target)
    name = named.cleaned_data["name"]
    messages.success(request, _("已保存筛选“%(name)s”。") % {"name": name})
    return redirect(f"{target}?{form.query()}")


@login_required
@require_POST
def delete_filter(request: Request, key: str, pk: int) -> HttpResponse:
    """Delete one of the user's saved filters on this list."""
    chosen, _mine = _list_for(request, key)
    if saved.delete(request.user, pk):
        messages.success(request, _("已删除保存的筛选。"))
    return redirect("desk:worklist", key=chosen.key)


@login_required
@require_POST
def bulk_action(request: Request, key: str) -> HttpResponse:
    """Take one action on the ticked tickets of a list; show each ticket's outcome."""
    chosen, _mine = _list_for(request, key)
    action = request.POST.get("action", "")
    if action not in {a["name"] for a in _bulk_actions(request, chosen)}:
        raise PermissionDenied(_("该清单不提供这个批量操作。"))
    numbers = request.POST.getlist("tickets")
    values = {"unit": request.POST.get("unit", ""), "note": request.POST.get("note", "")}
    units = dispatch_units() if action in NEEDS_UNIT else []
    outcomes = bulk.run(request.user, action, numbers, values, units=units) if numbers else []
    return render(
        request,
        "desk/bulk_result.html",
        {
            "worklist": chosen,
            "label": actions.label(action),
            "outcomes": outcomes,
            "done": sum(o.ok for o in outcomes),
            "failed": sum(not o.ok for o in outcomes),
        },
        status=200 if outcomes else 400,
    )


@login_required
@require_GET
def export(request: Request, key: str) -> HttpResponse:
    """The whole list as an Excel file, phones and names masked."""
    chosen, _mine = _list_for(request, key)
    if not chosen.tickets:
        raise Http404(_("这个清单不能导出。"))
    tickets, _form = _filtered(request, worklists.tickets(key, request.user))
    tickets = tickets.select_related("resident")
    data = exports.workbook(str(chosen.label), tickets.iterator(chunk_size=500))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="worklist-{key}-{stamp}.xlsx"'
    return response


def _printable(request: Request, number: str) -> Ticket:
    return get_object_or_404(
        queries.visible_to(request.user).select_related("place", "sub_unit", "handler"),
        number=number,
    )


@login_required
@require_GET
def print_ticket(request: Request, number: str) -> HttpResponse:
    """The 工单 on one A4 page: the request, the handling, the timeline."""
    ticket = _printable(request, number)
    return render(
        request,
        "desk/print_ticket.html",
        {
            "ticket": ticket,
            "events": ticket.events.select_related("unit").order_by("seq"),
            "cohandlers": ticket.cohandlers.select_related("unit").order_by("added_at"),
            "show_full_phone": queries.can_see_phone(request.user),
            "printed_at": timezone.now(),
        },
    )


@login_required
@require_GET
def print_supervision(request: Request, number: str) -> HttpResponse:
    """The 督办单: the late ticket, the 催办 and 督办 so far, and room for the unit's answer."""
    ticket = _printable(request, number)
    now = timezone.now()
    pressed = (
        ticket.events.filter(action__in=[Action.URGE, Action.ESCALATE])
        .select_related("unit")
        .order_by("seq")
    )
    due = ticket.accept_by if ticket.status == "dispatched" else ticket.resolve_by
    return render(
        request,
        "desk/print_supervision.html",
        {
            "ticket": ticket,
            "pressed": pressed,
            "due": due,
            "late": now - due if due and due < now else None,
            "printed_at": now,
            "printed_by": request.user.get_full_name() or request.user.username,
        },
    )
