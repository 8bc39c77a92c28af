"""Public pages under /m/community/: the nearest stations, a community's consultation outcomes;
and the heads' phone pages, reached by an SMS invitation and a one-time code (no password): a
session tied to the head's role and area, which staff can revoke."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minsheng.community import forms, linkage, network, queries, rules
from minsheng.community.models import Head, Meeting, Station
from minsheng.orgs.models import Unit
from minsheng.tickets.transitions import WorkflowError

SESSION_KEY = "community_head"


def _near(request: HttpRequest) -> tuple[float, float] | None:
    raw = request.GET.get("near", "")
    if not raw:
        return None
    try:
        return rules.parse_near(raw)
    except rules.RuleError as error:
        messages.error(request, str(error))
        return None


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    point = _near(request)
    nearest = queries.nearest_stations(*point, limit=5) if point else []
    communities = Unit.objects.filter(
        pk__in=Meeting.objects.filter(state=Meeting.State.PUBLISHED).values("community")
    )
    return render(
        request,
        "community/m_index.html",
        {
            "nearest": [{"s": s, "m": round(d)} for s, d in nearest],
            "point": point,
            "communities": communities,
            "count": Station.objects.filter(is_active=True).count(),
        },
    )


@require_GET
def stations_json(request: HttpRequest) -> JsonResponse:
    found = Station.objects.filter(is_active=True)
    return JsonResponse(
        {
            "stations": [
                {"name": s.name, "kind": s.get_kind_display(), "lat": s.lat, "lon": s.lon,
                 "hours": s.hours, "services": s.services, "address": s.address}
                for s in found
            ]
        }
    )  # fmt: skip


@require_GET
def community(request: HttpRequest, code: str) -> HttpResponse:
    unit = Unit.objects.filter(code=code, kind__in=("community", "village")).first()
    if unit is None:
        raise Http404
    upcoming = Meeting.objects.filter(
        community=unit,
        state=Meeting.State.PLANNED,
        held_at__gte=timezone.now() - timedelta(hours=12),
    ).order_by("held_at")
    meetings = (
        Meeting.objects.filter(community=unit, state=Meeting.State.PUBLISHED)
        .prefetch_related("resolutions__ticket", "resolutions__owner")
        .order_by("-held_at")
    )
    return render(
        request,
        "community/m_community.html",
        {
            "unit": unit,
            "meetings": meetings,
            "upcoming": upcoming,
            "stations": Station.objects.filter(community=unit, is_active=True),
        },
    )


@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Signing in at a meeting with the code said aloud there."""
    meeting = Meeting.objects.select_related("community").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    form = forms.SignInForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                network.sign_in(meeting, phone=d["phone"], code=d["code"], name=d["name"])
            except rules.RuleError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, "签到成功，谢谢参加。")
                return redirect("community_m:community", code=meeting.community.code)
        else:
            messages.error(request, "请填写手机号和 6 位签到码。")
    return render(request, "community/m_sign.html", {"meeting": meeting, "form": form})


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    form = forms.CodeForm(request.POST if request.POST.get("step") == "verify" else None)
    if request.method == "POST":
        try:
            if request.POST.get("step") == "send":
                network.send_code(token)
                messages.success(request, "验证码已发送到您的手机。")
            elif form.is_valid():
                key = network.verify(token, form.cleaned_data["code"])
                request.session.cycle_key()
                request.session[SESSION_KEY] = key
                return redirect("community_m:head")
            else:
                messages.error(request, "请输入 6 位验证码。")
        except rules.RuleError as error:
            messages.error(request, str(error))
        return redirect("community_m:join", token=token)
    return render(request, "community/m_join.html", {"form": forms.CodeForm(), "token": token})


def _head(request: HttpRequest) -> Head | None:
    return network.session_head(request.session.get(SESSION_KEY))


@require_http_methods(["GET", "POST"])
def head(request: HttpRequest) -> HttpResponse:
    me = _head(request)
    if me is None:
        return render(request, "community/m_signed_out.html", status=403)
    buildings = queries.buildings_of(me)
    form = forms.ReportForm(request.POST or None, buildings=buildings)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            data = network.Report(d["building"], d["text"], d["stairwell_obj"], d["room"])
            try:
                made = network.report(me, data)
            except (rules.RuleError, WorkflowError) as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"已上报，工单号 {made.ticket.number}。")
                return redirect("community_m:head")
        else:
            for problems in form.errors.values():
                messages.error(request, "；".join(str(p) for p in problems))
    return render(
        request,
        "community/m_head.html",
        {
            "me": me,
            "form": form,
            "offers": queries.offers_to(me),
            "items": queries.linkages_of_head(me)[:50],
        },
    )


@require_http_methods(["GET", "POST"])
def head_linkage(request: HttpRequest, pk: int) -> HttpResponse:
    me = _head(request)
    if me is None:
        return render(request, "community/m_signed_out.html", status=403)
    item = queries.linkages_of_head(me).filter(pk=pk).first()
    if item is None:
        raise Http404
    form = forms.StewardForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                linkage.steward_answers(
                    item,
                    head=me,
                    solved=form.cleaned_data["solved"],
                    text=form.cleaned_data["text"],
                )
                messages.success(request, "已提交处理结果。")
            except (rules.RuleError, WorkflowError) as error:
                messages.error(request, str(error))
        else:
            messages.error(request, "请选择处理结果并填写处理情况。")
        return redirect("community_m:head_linkage", pk=pk)
    offered = queries.offers_to(me).filter(pk=pk).exists()
    return render(
        request,
        "community/m_head_linkage.html",
        {
            "me": me,
            "item": item,
            "handovers": item.handovers.all(),
            "form": form,
            "offered": offered,
        },
    )


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    key = request.session.pop(SESSION_KEY, None)
    if key:
        network.end_session(key)
    return redirect("community_m:index")
