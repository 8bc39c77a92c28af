"""The resident pages under /m/: find one's ticket, follow it, rate it; and the agent's phone visit.

A resident has no account: they prove a ticket is theirs with its number and the last four digits
of their phone, and the session remembers the numbers proved (`m_tickets`).
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minsheng.citizens.masking import mask_phone
from minsheng.feedback.forms import RatingForm, TrackForm
from minsheng.feedback.links import read_token
from minsheng.feedback.models import Rating
from minsheng.feedback.visits import rate
from minsheng.tickets import queries, workflow
from minsheng.tickets.models import Satisfaction, Status, Ticket, TicketEvent
from minsheng.tickets.public import PUBLIC_LABELS, PUBLIC_TEXT
from minsheng.tickets.workflow import Action, WorkflowError

SESSION_TICKETS = "m_tickets"
# Numbers a resident follows (关注) without owning them: read-only, no phone, no rating.
SESSION_FOLLOWING = "m_following"
MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
MISMATCH = gettext_lazy("工单编号或手机号后四位不正确")
TOO_MANY = gettext_lazy("尝试次数过多，请 15 分钟后再试")
UNSATISFIED_NOTE = gettext_lazy("您的意见已提交，热线中心将核实后安排重办")


# --- throttling of number guessing ---------------------------------------------------------


def _throttle_keys(request: HttpRequest) -> list[str]:
    token = request.session.setdefault("m_client", secrets.token_urlsafe(12))
    # Behind a reverse proxy REMOTE_ADDR is the proxy; the deployment names the real header.
    header = getattr(settings, "MINSHENG_CLIENT_IP_HEADER", "") or "REMOTE_ADDR"
    ip = request.META.get(header, "").split(",")[0].strip() or "unknown"
    return [f"m-track:session:{token}", f"m-track:ip:{ip}"]


def _throttled(keys: list[str]) -> bool:
    return any((cache.get(key) or 0) >= MAX_FAILURES for key in keys)


def _record_failure(keys: list[str]) -> None:
    for key in keys:
        cache.add(key, 0, WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, WINDOW_SECONDS)
        cache.touch(key, WINDOW_SECONDS)


def _proved(request: HttpRequest) -> list[str]:
    return list(request.session.get(SESSION_TICKETS, []))


# --- resident pages ------------------------------------------------------------------------


def track(request: HttpRequest) -> HttpResponse:
    """Ticket number + last four digits of the phone: on a match the ticket opens."""
    form = TrackForm(request.POST or None)
    status = 200
    if request.method == "POST":
        keys = _throttle_keys(request)
        if _throttled(keys):
            form, status = TrackForm(), 429
            messages.error(request, TOO_MANY)
        elif form.is_valid():
            ticket = form.matching_ticket()
            if ticket is None:
                _record_failure(keys)
                form.add_error(None, MISMATCH)
            else:
                numbers = [n for n in _proved(request) if n != ticket.number]
                request.session.cycle_key()  # the session now grants access: renew its id
                request.session[SESSION_TICKETS] = [ticket.number, *numbers][:20]
                return redirect("feedback:ticket", number=ticket.number)
    return render(
        request, "feedback/track.html", {"form": form, "proved": _proved(request)}, status=status
    )


def rating_link(request: HttpRequest, token: str) -> HttpResponse:
    """The signed link of the return-visit SMS: opens the ticket without the last four digits.

    Valid once: only while the round it names still awaits its rating, and until it expires.
    """
    claim = read_token(token)
    ticket = queries.awaiting_rating(claim.number, reply_round=claim.round) if claim else None
    if ticket is None:
        messages.info(request, _("评价链接已使用或已失效，请输入工单编号和手机号后四位查询。"))
        return redirect("feedback:track")
    numbers = [n for n in _proved(request) if n != ticket.number]
    request.session.cycle_key()
    request.session[SESSION_TICKETS] = [ticket.number, *numbers][:20]
    return redirect("feedback:ticket", number=ticket.number)


@login_required
def visit_list(request: HttpRequest) -> HttpResponse:
    """The agents' return-visit list (回访任务): replied tickets due a call, oldest first."""
    if not queries.can_see_phone(request.user) and not request.user.is_superuser:  # type: ignore[arg-type]
        raise PermissionDenied("回访任务仅限热线中心使用。")
    tickets = queries.visits_due(request.user).select_related("unit")  # type: ignore[arg-type]
    page = Paginator(tickets, 50).get_page(request.GET.get("page"))
    show = queries.can_see_phone(request.user)  # type: ignore[arg-type]
    return render(request, "feedback/visits.html", {"page": page, "show_full_phone": show})


def ticket_page(request: HttpRequest, number: str) -> HttpResponse:
    """A proved or followed ticket's progress, its public reply and timeline; the owner rates."""
    ticket = _resident_ticket(request, number)
    owner = ticket is not None
    if ticket is None:
        following = request.session.get(SESSION_FOLLOWING, [])
        ticket = queries.proved_by_resident(number, following)
    if ticket is None:
        messages.info(request, _("请先输入工单编号和手机号后四位，再查看工单。"))
        return redirect("feedback:track")
    return _render_ticket(request, ticket, RatingForm(), owner=owner)


@require_POST
def rate_ticket(request: HttpRequest, number: str) -> HttpResponse:
    """The resident's own rating (回访评价); a satisfied rating closes the ticket."""
    ticket = _resident_ticket(request, number)
    if ticket is None:
        messages.info(request, _("请先输入工单编号和手机号后四位，再查看工单。"))
        return redirect("feedback:track")
    if ticket.status != Status.REPLIED:
        messages.error(request, _not_ratable(ticket))
        return redirect("feedback:ticket", number=ticket.number)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _render_ticket(request, ticket, form)
    try:
        rating = rate(
            ticket,
            satisfaction=form.cleaned_data["satisfaction"],
            resolved=form.cleaned_data["resolved"],
            comment=form.cleaned_data["comment"],
        )
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        if rating.satisfaction == Satisfaction.UNSATISFIED:
            messages.success(request, UNSATISFIED_NOTE)
        else:
            messages.success(request, _("感谢您的评价！工单已办结。"))
    return redirect("feedback:ticket", number=ticket.number)


@login_required
@require_POST
def phone_visit(request: HttpRequest, number: str) -> HttpResponse:
    """An agent records the rating the resident gave on a return-visit call (电话回访)."""
    ticket = get_object_or_404(queries.visible_to(request.user), number=number)  # type: ignore[arg-type]
    if Action.VISIT not in workflow.allowed_actions(request.user, ticket):  # type: ignore[arg-type]
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
        )  # type: ignore[arg-type]
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


# --- what the resident sees ----------------------------------------------------------------


def _resident_ticket(request: HttpRequest, number: str) -> Ticket | None:
    return queries.proved_by_resident(number, _proved(request))


def _not_ratable(ticket: Ticket) -> str:
    if ticket.ratings.filter(round=ticket.reopen_count + 1).exists():
        return _("您已经评价过这张工单，不能重复评价。")
    return _("这张工单当前为“%(status)s”，答复后才能评价。") % {
        "status": ticket.get_status_display()
    }


@dataclass(frozen=True)
class Step:
    label: str
    state: str  # "done", "current" or ""
    note: str = ""


@dataclass(frozen=True)
class PublicEvent:
    label: str
    at: datetime
    text: str = ""
    rating: str = ""


STEPS = [
    gettext_lazy("已受理"),
    gettext_lazy("已派单"),
    gettext_lazy("办理中"),
    gettext_lazy("已答复"),
    gettext_lazy("已评价"),
    gettext_lazy("已办结"),
]
STEP_OF = {
    Status.RECEIVED: 0,
    Status.DISPATCHED: 1,
    Status.RETURNED: 1,
    Status.ACCEPTED: 2,
    Status.REPLIED: 3,
    Status.VISITED: 4,
    Status.CLOSED: 5,
}
# The resident also sees their own rating comment.
TEXT_SHOWN = PUBLIC_TEXT | {Action.VISIT}


def _steps(ticket: Ticket, last_rating: Rating | None) -> list[Step]:
    current = STEP_OF.get(Status(ticket.status))
    if current is None:
        return []
    notes = {
        Status.RECEIVED: _("热线中心正在为您分派承办单位"),
        Status.DISPATCHED: _("等待承办单位签收"),
        Status.RETURNED: _("正在重新分派"),
        Status.ACCEPTED: _("承办单位正在办理"),
        Status.REPLIED: _("请您对办理结果进行评价"),
        Status.VISITED: UNSATISFIED_NOTE
        if last_rating and last_rating.satisfaction == Satisfaction.UNSATISFIED
        else _("热线中心正在核实"),
    }
    if ticket.reopen_count and ticket.status in (Status.DISPATCHED, Status.ACCEPTED):
        notes[Status(ticket.status)] += f"（第 {ticket.reopen_count + 1} 次办理）"
    steps = []
    for index, label in enumerate(STEPS):
        if index < current or ticket.status == Status.CLOSED:
            steps.append(Step(label, "done"))
        elif index == current:
            steps.append(Step(label, "current", notes.get(Status(ticket.status), "")))
        else:
            steps.append(Step(label, ""))
    return steps


def _timeline(ticket: Ticket) -> list[PublicEvent]:
    events = TicketEvent.objects.filter(ticket=ticket, action__in=list(PUBLIC_LABELS))
    shown = []
    for event in events.order_by("seq"):
        label, rating = PUBLIC_LABELS[Action(event.action)], ""
        if event.action == Action.VISIT:
            label = "电话回访" if event.actor_id else "您的评价"
            satisfaction = event.data.get("satisfaction")
            if satisfaction in Satisfaction.values:
                solved = "问题已解决" if event.data.get("resolved") else "问题未解决"
                rating = f"{Satisfaction(satisfaction).label}，{solved}"
        text = event.note if event.action in TEXT_SHOWN else ""
        shown.append(PublicEvent(label, event.at, text, rating))
    return shown


def _render_ticket(
    request: HttpRequest, ticket: Ticket, form: RatingForm, *, owner: bool = True
) -> HttpResponse:
    last_rating = ticket.ratings.order_by("-round", "-at").first()
    public_unit = ticket.status not in (
        Status.RECEIVED,
        Status.RETURNED,
        Status.MERGED,
        Status.DECLINED,
    )
    step = STEP_OF.get(Status(ticket.status))
    # A return is the staff's business: the resident sees the ticket still being dispatched.
    shown_status = Status.DISPATCHED if ticket.status == Status.RETURNED else ticket.status
    context = {
        "ticket": ticket,
        "status_label": STEPS[step] if step is not None else ticket.get_status_display(),
        "status_class": shown_status,
        "steps": _steps(ticket, last_rating),
        "timeline": _timeline(ticket),
        "unit_name": ticket.unit.name if ticket.unit and public_unit else "",
        "deadline": ticket.resolve_by
        if ticket.status in (Status.DISPATCHED, Status.ACCEPTED)
        else None,
        "phone": mask_phone(ticket.resident.phone) if owner else "",
        "can_rate": owner and ticket.status == Status.REPLIED,
        "form": form,
    }
    return render(request, "feedback/ticket.html", context)
