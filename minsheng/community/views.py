"""Staff pages under /community/: thin — parse, call the write modules, render."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minsheng.accounts.http import AuthenticatedHttpRequest as Request
from minsheng.citizens.masking import mask_phone
from minsheng.community import forms, linkage, network, queries
from minsheng.community.models import Leader
from minsheng.community.rules import RuleError
from minsheng.orgs.models import Unit
from minsheng.tickets.transitions import WorkflowError

FAILED = (RuleError, WorkflowError)


def _run(request: Request, action: Callable[[], Any], done: str) -> bool:
    try:
        action()
    except FAILED as error:
        messages.error(request, str(error))
        return False
    messages.success(request, done)
    return True


def _errors(request: Request, form: Any) -> None:
    for field, problems in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}：{'；'.join(problems)}" if label else problems[0])


@login_required
@require_GET
def index(request: Request) -> HttpResponse:
    found = queries.linkages_for(request.user)
    return render(
        request,
        "community/index.html",
        {
            "open": found.filter(state="open")[:100],
            "recent": found.exclude(state="open")[:50],
            "counts": queries.settled_counts(found),
            "communities": queries.communities_for(request.user).count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def linkage_page(request: Request, pk: int) -> HttpResponse:
    item = queries.linkages_for(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    form = forms.CannotForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            _run(
                request,
                lambda: linkage.cannot(item, by=request.user, reason=reason),
                "已上交上一级。",
            )
        else:
            _errors(request, form)
        return redirect("community:linkage", pk=pk)
    return render(
        request,
        "community/linkage.html",
        {
            "item": item,
            "handovers": item.handovers.all(),
            "form": form,
            "may_act": item.state == "open" and queries.may_act_on(request.user, item),
        },
    )


@login_required
@require_GET
def heads(request: Request) -> HttpResponse:
    now = timezone.localtime()
    rows = [
        {"head": h, "phone": mask_phone(h.phone), "on_duty": queries.on_duty(h, now)}
        for h in queries.heads_for(request.user).prefetch_related("duties")
    ]
    return render(request, "community/heads.html", {"rows": rows})


@login_required
@require_POST
def head_action(request: Request, pk: int, action: str) -> HttpResponse:
    head = queries.heads_for(request.user).filter(pk=pk).first()
    if head is None or action not in ("invite", "revoke"):
        raise Http404
    if action == "invite":
        _run(request, lambda: network.invite(head, by=request.user), "邀请短信已发送。")
    else:
        _run(request, lambda: network.revoke(head, by=request.user), "已注销该人员的手机登录。")
    return redirect("community:heads")


@login_required
@require_GET
def stations(request: Request) -> HttpResponse:
    found = queries.stations_for(request.user)
    return render(request, "community/stations.html", {"rows": queries.station_board(found)})


@login_required
@require_GET
def map_json(request: Request) -> JsonResponse:
    """Stations and buildings the user may see, for the map."""
    found = queries.stations_for(request.user).filter(is_active=True)
    buildings = queries.buildings_for(request.user).filter(lat__isnull=False)[:5000]
    return JsonResponse(
        {
            "stations": [
                {"name": s.name, "kind": s.get_kind_display(), "lat": s.lat, "lon": s.lon,
                 "hours": s.hours, "services": s.services}
                for s in found
            ],
            "buildings": [
                {"name": b.name, "lat": b.lat, "lon": b.lon, "households": b.households}
                for b in buildings
            ],
        }
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def station(request: Request, pk: int) -> HttpResponse:
    item = queries.stations_for(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    form = forms.SlipForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            _run(
                request,
                lambda: network.take_slip(
                    item, text=d["text"], is_request=d["is_request"], by=request.user,
                    phone=d["phone"], name=d["name"],
                ),
                "已登记。",
            )  # fmt: skip
        else:
            _errors(request, form)
        return redirect("community:station", pk=pk)
    slips = item.slips.select_related("ticket")[:100]
    return render(request, "community/station.html", {"item": item, "form": form, "slips": slips})


@login_required
@require_GET
def leaders(request: Request) -> HttpResponse:
    found = queries.leaders_for(request.user)
    today = timezone.localdate()
    return render(
        request,
        "community/leaders.html",
        {"board": queries.compliance(found, today), "due": queries.visits_due(found, today)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit(request: Request) -> HttpResponse:
    """The leader's phone page: paired households, visits due, a visit log."""
    leader = Leader.objects.filter(user=request.user).first()
    if leader is None:
        raise Http404
    pairings = leader.pairings.all()
    form = forms.VisitForm(request.POST or None, request.FILES or None, pairings=pairings)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            log = network.VisitLog(
                pairing=d["pairing"],
                visited_on=d["visited_on"],
                people_met=d["people_met"],
                notes=d["notes"],
                problems=tuple(d["problems"].splitlines()),
                photo=d["photo"],
            )
            if _run(request, lambda: network.log_visit(leader, log), "走访已记录。"):
                return redirect("community:visit")
        else:
            _errors(request, form)
    today = timezone.localdate()
    mine = Leader.objects.filter(pk=leader.pk)
    return render(
        request,
        "community/visit.html",
        {
            "leader": leader,
            "form": form,
            "due": queries.visits_due(mine, today),
            "problems": queries.compliance(mine, today)["problems"][:20],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meetings(request: Request) -> HttpResponse:
    communities = queries.communities_for(request.user)
    form = forms.MeetingForm(request.POST or None, communities=communities)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            made: list[Any] = []
            if _run(
                request,
                lambda: made.append(network.plan_meeting(
                    d["community"], topic=d["topic"], place=d["place"], held_at=d["held_at"],
                    convenor=d["convenor"], participants=d["participants"], agenda=d["agenda"],
                )),
                "协商会已登记。",
            ):  # fmt: skip
                return redirect("community:meeting", pk=made[0].pk)
        else:
            _errors(request, form)
    found = queries.meetings_for(request.user).select_related("community")[:100]
    return render(request, "community/meetings.html", {"form": form, "meetings": found})


@login_required
@require_http_methods(["GET", "POST"])
def meeting(request: Request, pk: int) -> HttpResponse:
    item = queries.meetings_for(request.user).select_related("community").filter(pk=pk).first()
    if item is None:
        raise Http404
    owners = Unit.objects.filter(pk__in=[item.community_id, item.community.parent_id])
    form = forms.OutcomeForm(request.POST or None, owners=owners)
    if request.method == "POST" and request.POST.get("invite"):
        invite = forms.InviteForm(request.POST)
        if invite.is_valid():
            people = invite.cleaned_data["people"]
            _run(request, lambda: network.invite_people(item, people), "邀请短信已发送。")
        else:
            _errors(request, invite)
        return redirect("community:meeting", pk=pk)
    if request.method == "POST" and request.POST.get("publish"):
        _run(request, lambda: network.publish(item), "已在社区公开页发布。")
        return redirect("community:meeting", pk=pk)
    if request.method == "POST":
        if form.is_valid():
            decisions = [network.Decision(t, o, d) for t, o, d in form.cleaned_data["rows"]]
            _run(
                request,
                lambda: network.record_outcome(
                    item, minutes=form.cleaned_data["minutes"], decisions=decisions
                ),
                "纪要与议定事项已记录，议定事项已生成工单。",
            )
        else:
            _errors(request, form)
        return redirect("community:meeting", pk=pk)
    return render(
        request,
        "community/meeting.html",
        {
            "item": item,
            "form": form,
            "resolutions": item.resolutions.select_related("owner", "ticket"),
            "agenda_tickets": queries.open_tickets_near(item.community),
            "hotspots": queries.hotspots_near(item.community),
            "invite": forms.InviteForm(),
            "people": [{"p": p, "phone": mask_phone(p.phone)} for p in item.people.all()],
        },
    )
