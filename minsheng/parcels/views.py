"""Staff pages of 客货邮融合: networks, the day plan with each village's chain and why, a
cancellation and re-plan, the map, 物流布点. Thin: checks in forms, writes in `write`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minsheng.accounts.http import AuthenticatedHttpRequest as Request
from minsheng.parcels import forms, queries, siting, write
from minsheng.parcels.chains import PlanError
from minsheng.parcels.instance import InstanceError, Point
from minsheng.parcels.models import Network, Plan, Station, Trip


def _network(request: Request, pk: int, *, edit: bool = False) -> Network:
    network = get_object_or_404(queries.networks_for(request.user), pk=pk)
    if edit and not queries.can_edit(request.user, network):
        raise PermissionDenied(_("您不是该物流网络所属单位的承办人或负责人，不能修改或排班。"))
    return network


def _plan(request: Request, pk: int) -> Plan:
    return get_object_or_404(
        Plan.objects.filter(network__in=queries.networks_for(request.user)), pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def index(request: Request) -> HttpResponse:
    """The networks the user may see, and the import of a new one."""
    form = forms.ImportForm(
        request.POST or None, request.FILES or None, offices=queries.offices_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        office = form.cleaned_data["office"]
        if not (request.user.is_superuser or office in queries.offices_for(request.user)):
            raise PermissionDenied
        network = write.import_network(
            form.cleaned_data["file"], office=office, name=form.cleaned_data["name"]
        )
        messages.success(request, _("已导入物流网络“%(name)s”。") % {"name": network.name})
        return redirect("parcels:network", pk=network.pk)
    networks = queries.networks_for(request.user).select_related("office")
    return render(request, "parcels/index.html", {"networks": networks, "form": form})


@login_required
@require_GET
def network(request: Request, pk: int) -> HttpResponse:
    net = _network(request, pk)
    return render(
        request,
        "parcels/network.html",
        {
            "network": net,
            "can_edit": queries.can_edit(request.user, net),
            "stations": net.stations.all(),
            "lines": net.lines.prefetch_related("trips"),
            "loops": net.loops.all(),
            "villages": net.villages.count(),
            "plans": queries.plans_of(net)[:20],
            "site_form": forms.SiteForm(initial={"p": net.stations.count() or 1}),
        },
    )


@login_required
@require_POST
def edit(request: Request, pk: int) -> HttpResponse:
    """A station's daily capacity or a trip's spare capacity changed."""
    net = _network(request, pk, edit=True)
    if "station" in request.POST:
        cap = forms.CapacityForm(request.POST)
        if cap.is_valid():
            station = get_object_or_404(Station, network=net, code=cap.cleaned_data["station"])
            write.set_capacity(station, cap.cleaned_data["capacity"])
            messages.success(
                request,
                _("驿站 %(code)s 日处理能力改为 %(n)s 件。")
                % {"code": station.code, "n": cap.cleaned_data["capacity"]},
            )
        else:
            messages.error(request, _("请填写 0 到 1000000 之间的整数。"))
    else:
        sp = forms.SpareForm(request.POST)
        if sp.is_valid():
            trip = get_object_or_404(Trip, line__network=net, code=sp.cleaned_data["trip"])
            write.set_spare(trip, sp.cleaned_data["spare"])
            messages.success(
                request,
                _("班次 %(code)s 货舱余量改为 %(n)s 件。")
                % {"code": trip.code, "n": sp.cleaned_data["spare"]},
            )
        else:
            messages.error(request, _("请填写 0 到 100000 之间的整数。"))
    return redirect("parcels:network", pk=net.pk)


@login_required
@require_POST
def plan_today(request: Request, pk: int) -> HttpResponse:
    net = _network(request, pk, edit=True)
    try:
        plan = write.make_plan(net, by=request.user)
    except (InstanceError, PlanError) as error:
        messages.error(request, str(error))
        return redirect("parcels:network", pk=net.pk)
    return redirect("parcels:plan", pk=plan.pk)


@login_required
@require_GET
def plan(request: Request, pk: int) -> HttpResponse:
    p = _plan(request, pk)
    trips = [
        (str(t["id"]), f"{t['id']} {t['departs']}（余量 {t['spare']}）")
        for line in p.instance["lines"]
        for t in line["trips"]
        if t["id"] not in p.cancelled
    ]
    result = p.result
    village_names = {v["id"]: v.get("name", "") for v in p.instance["villages"]}
    flows = [{**f, "name": village_names.get(f["village"], "")} for f in result["flows"]]
    return render(
        request,
        "parcels/plan.html",
        {
            "plan": p,
            "result": result,
            "flows": flows,
            "can_edit": queries.can_edit(request.user, p.network),
            "cancel_form": forms.CancelForm(trips=trips),
            "loaded_form": forms.NotLoadedForm(trips=trips),
            "incidents": p.incidents.select_related("ticket"),
            "replans": p.replans.defer("instance", "result"),
            "map_url": reverse("parcels:map_json", args=[p.network_id]) + f"?plan={p.pk}",
        },
    )


@login_required
@require_POST
def replan(request: Request, pk: int) -> HttpResponse:
    """Cancel trips (or take a capacity drop already edited) and re-plan from this plan."""
    p = _plan(request, pk)
    if not queries.can_edit(request.user, p.network):
        raise PermissionDenied
    trips = [(str(t["id"]), "") for line in p.instance["lines"] for t in line["trips"]]
    form = forms.CancelForm(request.POST, trips=trips)
    if not form.is_valid() or not (form.cleaned_data["trips"] or form.cleaned_data["fresh"]):
        messages.error(request, _("请选择要取消的班次，或勾选按网络当前能力重排。"))
        return redirect("parcels:plan", pk=p.pk)
    try:
        new = write.make_plan(
            p.network,
            by=request.user,
            replan_of=p,
            cancelled=form.cleaned_data["trips"],
            reason=form.cleaned_data["reason"],
            fresh=form.cleaned_data["fresh"],
        )
    except (InstanceError, PlanError) as error:
        messages.error(request, str(error))
        return redirect("parcels:plan", pk=p.pk)
    messages.success(
        request,
        _("已取消 %(n)s 个班次并重排，用时 %(s).2f 秒；成本 ¥%(old).2f → ¥%(new).2f。")
        % {
            "n": len(form.cleaned_data["trips"]),
            "s": new.seconds,
            "old": float(p.objective),
            "new": float(new.objective),
        },
    )
    return redirect("parcels:plan", pk=new.pk)


@login_required
@require_POST
def not_loaded(request: Request, pk: int) -> HttpResponse:
    p = _plan(request, pk)
    if not queries.can_edit(request.user, p.network):
        raise PermissionDenied
    trips = [(str(t["id"]), "") for line in p.instance["lines"] for t in line["trips"]]
    form = forms.NotLoadedForm(request.POST, trips=trips)
    if form.is_valid():
        incident = write.report_not_loaded(
            p, form.cleaned_data["trip"], by=request.user, text=form.cleaned_data["text"]
        )
        messages.success(
            request, _("已报物流办（工单 %(t)s）。可取消该班次并重排。") % {"t": incident.ticket}
        )
    else:
        messages.error(request, _("请选择班次。"))
    return redirect("parcels:plan", pk=p.pk)


@login_required
@require_GET
def plan_json(request: Request, pk: int) -> HttpResponse:
    p = _plan(request, pk)
    response = JsonResponse(p.result, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="plan-{p.pk}.json"'
    return response


@login_required
@require_GET
def instance_json(request: Request, pk: int) -> HttpResponse:
    net = _network(request, pk)
    response = JsonResponse(
        write.to_instance(net), json_dumps_params={"ensure_ascii": False, "indent": 1}
    )
    response["Content-Disposition"] = f'attachment; filename="network-{net.pk}.json"'
    return response


@login_required
@require_GET
def map_json(request: Request, pk: int) -> HttpResponse:
    net = _network(request, pk)
    plan_id = request.GET.get("plan", "")
    p = _plan(request, int(plan_id)) if plan_id.isdigit() else None
    if p is not None and p.network_id != net.pk:
        p = None
    return JsonResponse(queries.map_data(net, p))


@login_required
@require_GET
def site(request: Request, pk: int) -> HttpResponse:
    """物流布点 on the network's villages (weighted by today's parcels); nothing is written."""
    net = _network(request, pk)
    form = forms.SiteForm(request.GET)
    result, error = None, ""
    if form.is_valid():
        villages = [(Point(v.code, v.lon, v.lat), v.down + v.up) for v in net.villages.all()]
        try:
            result = siting.site(
                villages,
                form.cleaned_data["p"],
                detour=float(net.costs.get("detour", 1.0)),
                capacity=form.cleaned_data["capacity"],
                time_limit=30,
            )
        except PlanError as exc:
            error = str(exc)
    else:
        error = "；".join(str(e) for errs in form.errors.values() for e in errs)
    members = list(net.villages.all())
    names = {v.code: v.name for v in members}
    rows = []
    shown: dict[str, object] = {}
    if result is not None:
        where = {v.code: v for v in members}
        shown = {
            "outline": net.outline,
            "hub": {"lat": net.hub_lat, "lon": net.hub_lon, "name": net.hub_name},
            "stations": [
                {"id": s, "lat": where[s].lat, "lon": where[s].lon} for s in result["stations"]
            ],
            "villages": [
                {"id": v.code, "lat": v.lat, "lon": v.lon, "to": result["assign"][v.code]}
                for v in members
            ],
        }
        counts: dict[str, int] = {}
        for s in result["assign"].values():
            counts[s] = counts.get(s, 0) + 1
        rows = [(s, names.get(s, ""), counts.get(s, 0)) for s in result["stations"]]
    return render(
        request,
        "parcels/site.html",
        {
            "network": net,
            "form": form,
            "result": result,
            "rows": rows,
            "error": error,
            "site": shown,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def produce(request: Request, pk: int) -> HttpResponse:
    """物流促销: producers, harvest days, and the day's pickups per station."""
    net = _network(request, pk, edit=request.method == "POST")
    if request.method == "POST":
        if "village" in request.POST:
            pf = forms.ProducerForm(request.POST)
            village = (
                net.villages.filter(code=pf.cleaned_data["village"]).first()
                if pf.is_valid()
                else None
            )
            if village is None:
                messages.error(request, _("请填写本网络中存在的村编号、生产者、农产品和非负货值。"))
            else:
                write.add_producer(
                    net,
                    village=village,
                    name=pf.cleaned_data["name"],
                    produce=pf.cleaned_data["produce"],
                    value=pf.cleaned_data["value"],
                )
                messages.success(
                    request, _("已登记 %(name)s。") % {"name": pf.cleaned_data["name"]}
                )
        else:
            hf = forms.HarvestForm(request.POST)
            producer = (
                net.producers.filter(pk=hf.cleaned_data["producer"]).first()
                if hf.is_valid()
                else None
            )
            if producer is None:
                messages.error(request, _("请填写采收日期和非负件数。"))
            else:
                write.set_harvest(producer, hf.cleaned_data["day"], hf.cleaned_data["parcels"])
                messages.success(request, _("已登记 %(p)s 的采收日。") % {"p": producer})
        return redirect("parcels:produce", pk=net.pk)
    day_form = forms.DayForm(request.GET)
    chosen = day_form.cleaned_data.get("day") if day_form.is_valid() else None
    day = chosen or timezone.localdate()
    return render(
        request,
        "parcels/produce.html",
        {
            "network": net,
            "day": day,
            "can_edit": queries.can_edit(request.user, net),
            "producers": net.producers.select_related("village"),
            "stations": queries.pickups(net, day),
            "producer_form": forms.ProducerForm(),
        },
    )


@login_required
@require_POST
def regenerate(request: Request, pk: int) -> HttpResponse:
    """Van loops regenerated by PyVRP from the villages and today's parcels."""
    net = _network(request, pk, edit=True)
    count = write.regenerate_loops(net)
    messages.success(request, _("已由 PyVRP 按今日件数重新生成 %(n)s 条邮车邮路。") % {"n": count})
    return redirect("parcels:network", pk=net.pk)
