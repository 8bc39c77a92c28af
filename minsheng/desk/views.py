"""Staff screens: the home redirect, the work lists, the ticket page and its actions."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from minsheng.accounts.http import AuthenticatedHttpRequest as Request
from minsheng.accounts.models import User
from minsheng.citizens.masking import is_placeholder
from minsheng.citizens.registry import record_reveal
from minsheng.desk import forms, worklists
from minsheng.lib.forms import row_id
from minsheng.notifications.queries import sms_for_ticket
from minsheng.orgs.access import Standing, standing_of
from minsheng.orgs.forms import MAIN_TARGET_KINDS, dispatch_units, unit_choices
from minsheng.orgs.models import Unit
from minsheng.tickets import actions, queries, transitions, workflow
from minsheng.tickets.models import ExtensionRequest, Status, Ticket, TicketEvent
from minsheng.tickets.names import OPEN_STATUSES, Action
from minsheng.tickets.transitions import WorkflowError

PER_PAGE = 50


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("您的岗位无权访问此页面。")


def _page(request: Request, items: QuerySet[Ticket]) -> Page:
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page"))


@login_required
@require_GET
def home(request: Request) -> HttpResponse:
    """Send each person to the screen of their main role."""
    standing = standing_of(request.user)
    roles = standing.centre_roles
    for role, target in (
        ("agent", "intake:new"),
        ("dispatcher", "desk:queue"),
        ("supervisor", "desk:worklists"),
    ):
        if role in roles:
            return redirect(target)
    if standing.unit_paths:
        return redirect("desk:inbox")
    if standing.is_admin:
        return redirect("desk:all")
    raise PermissionDenied("您的账号尚未分配岗位，请联系系统管理员。")


@login_required
@require_GET
def queue(request: Request) -> HttpResponse:
    """New and returned tickets waiting for dispatch, with a quick dispatch form per row."""
    standing = standing_of(request.user)
    _require("dispatcher" in standing.centre_roles or standing.is_admin)
    page = _page(request, queries.dispatch_queue(request.user).select_related("place"))
    tickets = list(page.object_list)
    units = dispatch_units()
    by_pk = {u.pk: u for u in units}
    for unit in units:  # lets ancestor_of_kind walk up the tree without queries
        if unit.parent_id in by_pk:
            unit.parent = by_pk[unit.parent_id]
    reasons = _return_reasons(tickets)
    waiting = _waiting_reasons(tickets)
    rules = _dispatch_rules(tickets)
    memo: dict[tuple[int, str], Unit | None] = {}
    rows = []
    for ticket in tickets:
        suggestion = _suggest(ticket, by_pk, memo)
        rows.append(
            {
                "ticket": ticket,
                "reason": reasons.get(ticket.pk, ""),
                "waiting": waiting.get(ticket.pk, ""),
                "rule": rules.get(ticket.pk, ""),
                "suggestion": suggestion,
                "suggested_pk": str(suggestion.pk) if suggestion else "",
            }
        )
    return render(
        request,
        "desk/queue.html",
        {
            "page": page,
            "rows": rows,
            "unit_options": unit_choices(units, kinds=MAIN_TARGET_KINDS),
        },
    )


def _return_reasons(tickets: list[Ticket]) -> dict[int, str]:
    """The note of each returned ticket's last `return` event, in one query."""
    returned = [t.pk for t in tickets if t.status == Status.RETURNED]
    reasons: dict[int, str] = {}
    events = TicketEvent.objects.filter(ticket_id__in=returned, action=Action.RETURN)
    for ticket_id, note in events.order_by("seq").values_list("ticket_id", "note"):
        reasons[ticket_id] = note
    return reasons


def _waiting_reasons(tickets: list[Ticket]) -> dict[int, str]:
    """Why each new ticket waits (the note of its last `hold` event), in one query."""
    new = [t.pk for t in tickets if t.status == Status.RECEIVED]
    waiting: dict[int, str] = {}
    events = TicketEvent.objects.filter(ticket_id__in=new, action=Action.HOLD)
    for ticket_id, note in events.order_by("seq").values_list("ticket_id", "note"):
        waiting[ticket_id] = note
    return waiting


def _dispatch_rules(tickets: list[Ticket]) -> dict[int, str]:
    """The dispatch rule that routed each returned ticket (event data "rule"), in one query."""
    returned = [t.pk for t in tickets if t.status == Status.RETURNED]
    rules: dict[int, str] = {}
    events = TicketEvent.objects.filter(ticket_id__in=returned, action=Action.DISPATCH)
    for ticket_id, data in events.order_by("seq").values_list("ticket_id", "data"):
        rules[ticket_id] = (data or {}).get("rule", "")
    return rules


def _suggest(
    ticket: Ticket, by_pk: dict[int, Unit], memo: dict[tuple[int, str], Unit | None]
) -> Unit | None:
    """queries.suggested_unit, with the unit tree read once instead of once per ticket."""
    key = (ticket.place_id or 0, ticket.category.handler_hint)
    if key not in memo:
        if ticket.place_id in by_pk:
            ticket.place = by_pk[ticket.place_id]
        memo[key] = queries.suggested_unit(ticket)
    return memo[key]


@login_required
@require_GET
def inbox(request: Request) -> HttpResponse:
    """The work of the user's units, most urgent deadline first, with status tabs."""
    standing = standing_of(request.user)
    _require(bool(standing.unit_paths))
    tickets = queries.inbox(request.user).select_related("sub_unit")
    tickets = tickets.defer(*worklists.LIGHT, "sub_unit__boundary")
    counts = dict(tickets.order_by().values_list("status").annotate(n=Count("pk")))
    current = request.GET.get("status", "")
    if current not in dict(forms.INBOX_TABS):
        current = ""
    if current:
        tickets = tickets.filter(status=current)
    page = _page(request, tickets)
    rows = [{"ticket": t, "role": _unit_role(standing, t)} for t in page.object_list]
    tabs = [
        {
            "value": value,
            "label": label,
            "count": counts.get(value, 0) if value else sum(counts.values()),
            "active": value == current,
        }
        for value, label in forms.INBOX_TABS
    ]
    return render(
        request,
        "desk/inbox.html",
        {"page": page, "rows": rows, "tabs": tabs, "current": current},
    )


def _unit_role(standing: Standing, ticket: Ticket) -> str:
    if ticket.unit is not None and standing.roles_over([ticket.unit]):
        return _("主办")
    if ticket.sub_unit is not None and standing.roles_over([ticket.sub_unit]):
        return _("承办（二次派单）")
    return _("协办")


@login_required
@require_GET
def all_tickets(request: Request) -> HttpResponse:
    """Every ticket, for the centre: search and filters."""
    _require(standing_of(request.user).is_centre)
    form = forms.SearchForm(request.GET or None)
    tickets = queries.visible_to(request.user).select_related("place")
    tickets = tickets.defer(*worklists.LIGHT, "place__boundary")
    if form.is_bound and form.is_valid():
        tickets = _filter(tickets, form)
    page = _page(request, tickets.order_by("-received_at"))
    return render(request, "desk/all.html", {"page": page, "form": form})


def _filter(tickets: QuerySet[Ticket], form: forms.SearchForm) -> QuerySet[Ticket]:
    data = form.cleaned_data
    district = form.districts.get(data["district"]) if data["district"] else None
    return worklists.filtered(tickets, data, district)


@login_required
@require_GET
def overdue(request: Request) -> HttpResponse:
    """Overdue tickets with a count per unit, most overdue first or grouped by unit."""
    standing = standing_of(request.user)
    _require(bool(standing.centre_roles & {"supervisor", "dispatcher"}) or standing.is_admin)
    now = timezone.now()
    tickets = queries.overdue(request.user, now=now)
    summary = list(
        tickets.order_by().values("unit_id", "unit__name").annotate(n=Count("pk")).order_by("-n")
    )
    unit = request.GET.get("unit", "")
    if (unit_id := row_id(unit)) is not None:
        tickets = tickets.filter(unit_id=unit_id)
    by_unit = request.GET.get("sort") == "unit"
    due = F("due_at").asc()
    tickets = tickets.order_by("unit__path", due) if by_unit else tickets.order_by(due)
    page = _page(request, tickets)
    rows = [{"ticket": t, "late": now - t.due_at} for t in page.object_list]
    return render(
        request,
        "desk/overdue.html",
        {
            "page": page,
            "rows": rows,
            "summary": summary,
            "total": sum(s["n"] for s in summary),
            "by_unit": by_unit,
            "unit": unit,
        },
    )


@login_required
@require_GET
def detail(request: Request, number: str) -> HttpResponse:
    """The ticket page: facts, timeline, and exactly the actions the user may take."""
    ticket = get_object_or_404(
        queries.visible_to(request.user).select_related("place"), number=number
    )
    allowed = transitions.allowed_actions(request.user, ticket)
    needs_units = {Action.DISPATCH, Action.ADD_COHANDLER} & set(allowed)
    units = dispatch_units() if needs_units else []
    actions = [
        _action_panel(a, ticket, request.user, _below(ticket) if a == Action.DELEGATE else units)
        for a in allowed
        if a == Action.VISIT or a in forms.ACTION_FORMS
    ]
    visit = ticket.events.filter(action=Action.VISIT).order_by("-seq").first()
    pause = _pause_event(ticket)
    show_full_phone = queries.can_see_phone(request.user)
    return render(
        request,
        "desk/detail.html",
        {
            "ticket": ticket,
            "events": ticket.events.select_related("unit").order_by("seq"),
            "cohandlers": ticket.cohandlers.select_related("unit").order_by("added_at"),
            "pending": ticket.extensions.filter(decision=ExtensionRequest.Decision.PENDING).first(),
            "merged": ticket.merged.order_by("number").values_list("number", flat=True),
            "attachments": ticket.attachments.order_by("uploaded_at"),
            # The resident's last rating, in words on the page (不满意 / 未解决).
            "visit": visit.data if visit else None,
            "pause_reason": _pause_reason(pause),
            "blocked": _blocked(request.user, ticket, allowed),
            "actions": actions,
            "show_full_phone": show_full_phone,
            "may_reveal_phone": not show_full_phone and _may_call_back(request.user, ticket),
            "sms": sms_for_ticket(ticket.number)[:50],
            "suggestion": queries.suggested_unit(ticket) if Action.DISPATCH in allowed else None,
            # The handling unit may ask for the ticket to be left out of its assessment (剔除).
            "may_seek_exclusion": bool(
                transitions.roles_of(request.user, ticket) & {"handler", "leader", "cohandler"}
            ),
        },
    )


PAUSE_EVENTS = (Action.PAUSE, Action.APPROVE_PAUSE, Action.REQUEST_PAUSE)


def _pause_event(ticket: Ticket) -> TicketEvent | None:
    """The event behind a running pause or a pending request to pause, if any."""
    if not ticket.paused_since and not ticket.pause_requested_at:
        return None
    return ticket.events.filter(action__in=PAUSE_EVENTS).order_by("-seq").first()


def _pause_reason(event: TicketEvent | None) -> str:
    """Why the clock stops: the unit's reason (an approval carries the request's)."""
    if event is None:
        return ""
    return str(event.data.get("reason", "")) if event.action == Action.APPROVE_PAUSE else event.note


# Actions whose absence a handling unit asks about: the page says why they are not offered.
EXPLAINED = (Action.PAUSE, Action.REQUEST_EXTENSION, Action.RETURN)
# An action whose absence needs no word while this other one is offered in its place.
INSTEAD = {Action.PAUSE: Action.REQUEST_PAUSE}


def _blocked(user: User, ticket: Ticket, allowed: list[str]) -> list[dict[str, str]]:
    """The explained actions the user's roles allow here but a rule holds back, with the rule."""
    roles = transitions.roles_of(user, ticket)
    found = []
    now = timezone.now()
    for action in EXPLAINED:
        move = transitions.TRANSITIONS[action]
        if action in allowed or ticket.status not in move.sources or not roles & move.roles:
            continue
        if INSTEAD.get(action) in allowed:
            continue
        reason = transitions.precondition(action, ticket, now, by=user)
        if reason:
            found.append({"label": actions.label(action), "reason": reason})
    return found


def _below(ticket: Ticket) -> list[Unit]:
    """The units a 二次派单 may go to: the active units below the main unit."""
    main = ticket.unit
    if main is None:
        return []
    rows = Unit.objects.filter(path__startswith=main.path, is_active=True)
    return list(rows.exclude(pk=main.pk).order_by("path"))


def _action_panel(action: str, ticket: Ticket, user: User, units: list[Unit]) -> dict[str, Any]:
    panel: dict[str, Any] = {
        "name": action,
        "label": actions.label(action),
        "danger": actions.BY_ACTION[action].danger,
    }
    if action == Action.VISIT:
        panel["url"] = _visit_url(ticket)
        panel["form"] = forms.VisitForm()
        return panel
    form_class = forms.ACTION_FORMS[action]
    initial: dict[str, Any] = {}
    if action == Action.DISPATCH:
        suggestion = queries.suggested_unit(ticket)
        if suggestion is not None:
            initial["unit"] = str(suggestion.pk)
    panel["url"] = reverse("desk:act", args=[ticket.number, action])
    panel["form"] = form_class(ticket=ticket, user=user, units=units, initial=initial)
    return panel


def _visit_url(ticket: Ticket) -> str:
    return reverse("feedback:phone_visit", args=[ticket.number])


def _may_call_back(user: User, ticket: Ticket) -> bool:
    """The unit handling an open ticket may call the resident back: its handlers and leaders
    (the assigned handler's, when one is assigned) see the phone on request, each time recorded."""
    if ticket.status not in OPEN_STATUSES or is_placeholder(ticket.resident.phone):
        return False
    roles = transitions.roles_of(user, ticket) & {"handler", "leader"}
    if ticket.handler_id is not None and ticket.handler_id != user.pk:
        return "leader" in roles
    return bool(roles)


@login_required
@require_POST
def reveal_phone(request: Request, number: str) -> HttpResponse:
    """Show the resident's full phone to the unit calling back, and record who saw it, when."""
    ticket = get_object_or_404(queries.visible_to(request.user), number=number)
    if not _may_call_back(request.user, ticket):
        raise PermissionDenied(_("只有承办该工单的单位可以查看群众的完整电话。"))
    record_reveal(
        user=request.user, kind="phone", subject=f"ticket:{ticket.number}", reason="承办单位回电"
    )
    response = render(request, "desk/_phone.html", {"ticket": ticket})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def act(request: Request, number: str, action: str) -> HttpResponse:
    """Validate one action's form and hand it to the workflow; the workflow decides."""
    if action not in forms.ACTION_FORMS:
        raise Http404("没有这个操作。")
    ticket = get_object_or_404(queries.visible_to(request.user), number=number)
    form_class = forms.ACTION_FORMS[action]
    units = dispatch_units() if form_class.needs_units else []
    if action == Action.DELEGATE:
        units = _below(ticket)
    form = form_class(request.POST, request.FILES, ticket=ticket, user=request.user, units=units)
    label = actions.label(action)
    if not form.is_valid():
        errors = [str(e) for errs in form.errors.values() for e in errs]
        messages.error(
            request,
            _("%(action)s未完成：%(errors)s") % {"action": label, "errors": " ".join(errors)},
        )
        return redirect(ticket)
    try:
        perform = getattr(workflow, form.command.function or "")
        perform(ticket, by=request.user, **form.arguments())
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect(ticket)
    messages.success(
        request, _("工单 %(number)s：%(action)s完成。") % {"number": ticket.number, "action": label}
    )
    return redirect(_next_url(request) or ticket)


def _next_url(request: Request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@login_required
@require_GET
def attachment(request: Request, number: str, pk: int) -> FileResponse:
    """A file of a ticket, only for those who may see the ticket."""
    ticket = get_object_or_404(queries.visible_to(request.user), number=number)
    item = get_object_or_404(ticket.attachments, pk=pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("附件文件不存在。") from missing
    return FileResponse(
        handle,
        content_type=item.content_type,
        filename=item.name,
        as_attachment=not item.content_type.startswith("image/"),
    )
