"""Every write of the parcels programme, each in one transaction.

The network is imported from (and exported as) the instance format (docs/parcels.md), so the
pages, the command and other tools share one checked shape; a plan keeps its instance.
Exceptions go to the logistics office as tickets through the intake door.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.intake import door
from minsheng.orgs.models import Unit
from minsheng.parcels import baselines, chains, checker, loops
from minsheng.parcels.instance import InstanceError, Point, parse, without_trips
from minsheng.parcels.models import (
    Harvest,
    Incident,
    Line,
    Loop,
    Network,
    Plan,
    Producer,
    Station,
    Trip,
    Village,
)
from minsheng.taxonomy import loading
from minsheng.tickets.transitions import Actor

ACTOR = Actor(label="客货邮融合", kind="system")


def to_instance(network: Network, day: dt.date | None = None) -> dict[str, Any]:
    """The network as an instance (the format of `minsheng parcels_plan`). With `day`, that
    day's harvest pickups are added to their villages' up parcels, and `up_value` (the mean
    value per up parcel) makes deferring them cost what the produce is worth."""
    harvest: dict[int, tuple[int, Decimal]] = {}
    if day is not None:
        for h in Harvest.objects.filter(producer__network=network, day=day).select_related(
            "producer"
        ):
            n, value = harvest.get(h.producer.village_id, (0, Decimal(0)))
            harvest[h.producer.village_id] = (
                n + h.parcels,
                value + h.parcels * h.producer.value_per_parcel,
            )
    lines = []
    for line in network.lines.prefetch_related("trips"):
        lines.append(
            {
                "id": line.code,
                "name": line.name,
                "stops": list(line.stops),
                "trips": [
                    {
                        "id": t.code,
                        "direction": t.direction,
                        "departs": t.departs,
                        "spare": t.spare,
                        "load_limit": t.load_limit,
                    }
                    for t in line.trips.all()
                ],
            }
        )
    return {
        "name": network.name,
        "hub": {
            "id": "HUB",
            "name": network.hub_name,
            "lon": network.hub_lon,
            "lat": network.hub_lat,
        },
        "stations": [
            {"id": s.code, "name": s.name, "lon": s.lon, "lat": s.lat, "capacity": s.capacity}
            for s in network.stations.all()
        ],
        "villages": [
            _village(v, *harvest.get(v.pk, (0, Decimal(0))))
            for v in network.villages.select_related("station")
        ],
        "lines": lines,
        "loops": [
            {
                "id": r.code,
                "name": r.name,
                "villages": list(r.villages),
                "km": r.km,
                "vans_max": r.vans_max,
            }
            for r in network.loops.all()
        ],
        "costs": dict(network.costs),
    }


def _village(v: Village, picked: int, value: Decimal) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": v.code,
        "name": v.name,
        "lon": v.lon,
        "lat": v.lat,
        "station": v.station.code,
        "down": v.down,
        "up": v.up + picked,
    }
    if picked:
        row["up_value"] = round(float(value) / row["up"], 2)
    return row


def add_producer(
    network: Network, *, village: Village, name: str, produce: str, value: Decimal
) -> Producer:
    with transaction.atomic():
        return Producer.objects.create(
            network=network, village=village, name=name, produce=produce, value_per_parcel=value
        )


def set_harvest(producer: Producer, day: dt.date, parcels: int) -> Harvest:
    with transaction.atomic():
        harvest, _ = Harvest.objects.update_or_create(
            producer=producer, day=day, defaults={"parcels": parcels}
        )
    return harvest


def import_network(
    data: Any, *, office: Unit, network: Network | None = None, name: str = ""
) -> Network:
    """Create (or replace the contents of) a network from an instance; InstanceError if bad."""
    parse(data)  # everything checked before anything is written
    with transaction.atomic():
        hub = data["hub"]
        if network is None:
            network = Network(office=office)
        network.name = name or str(data.get("name") or "客货邮网络")
        network.hub_name = str(hub.get("name") or "县级共配中心")
        network.hub_lon, network.hub_lat = float(hub["lon"]), float(hub["lat"])
        network.costs = dict(data["costs"])
        if "outline" in data:
            network.outline = data["outline"]
        network.save()
        network.villages.all().delete()
        network.loops.all().delete()
        network.lines.all().delete()
        network.stations.all().delete()
        stations = {
            str(s["id"]): Station.objects.create(
                network=network,
                code=str(s["id"]),
                name=str(s.get("name", "")),
                lon=s["lon"],
                lat=s["lat"],
                capacity=int(s["capacity"]),
            )
            for s in data.get("stations", [])
        }
        Village.objects.bulk_create(
            Village(
                network=network,
                code=str(v["id"]),
                name=str(v.get("name", "")),
                lon=v["lon"],
                lat=v["lat"],
                station=stations[str(v["station"])],
                down=int(v["down"]),
                up=int(v["up"]),
            )
            for v in data.get("villages", [])
        )
        for raw in data.get("lines", []):
            line = Line.objects.create(
                network=network,
                code=str(raw["id"]),
                name=str(raw.get("name", "")),
                stops=[str(s) for s in raw.get("stops", [])],
            )
            Trip.objects.bulk_create(
                Trip(
                    line=line,
                    code=str(t["id"]),
                    direction=t["direction"],
                    departs=t["departs"],
                    spare=int(t["spare"]),
                    load_limit=int(t["load_limit"]),
                )
                for t in raw.get("trips", [])
            )
        Loop.objects.bulk_create(
            Loop(
                network=network,
                code=str(r["id"]),
                name=str(r.get("name", "")),
                villages=[str(v) for v in r.get("villages", [])],
                km=float(r["km"]),
                vans_max=int(r["vans_max"]),
            )
            for r in data.get("loops", [])
        )
    return network


def regenerate_loops(network: Network, *, vans_max: int = 2, seconds: float = 5.0) -> int:
    """Replace the van loops with PyVRP's routes over today's villages (a CVRP with the van's
    capacity, delivery = down, pickup = up, a van's fixed cost against its km); the count."""
    costs = network.costs
    villages = list(network.villages.all())
    routes = loops.generate(
        Point("HUB", network.hub_lon, network.hub_lat),
        [(Point(v.code, v.lon, v.lat), v.down, v.up) for v in villages],
        capacity=max(1, int(costs.get("van_capacity", 1))),
        van_fixed=float(costs.get("van_fixed", 0)),
        van_per_km=float(costs.get("van_per_km", 1)),
        detour=float(costs.get("detour", 1)),
        seconds=seconds,
    )
    with transaction.atomic():
        network.loops.all().delete()
        Loop.objects.bulk_create(
            Loop(
                network=network,
                code=f"R{i + 1:02d}",
                name=f"邮路 {i + 1}",
                villages=ids,
                km=km,
                vans_max=vans_max,
            )
            for i, (ids, km) in enumerate(routes)
        )
    return len(routes)


def set_capacity(station: Station, capacity: int) -> None:
    with transaction.atomic():
        Station.objects.filter(pk=station.pk).update(capacity=capacity)


def set_spare(trip: Trip, spare: int) -> None:
    with transaction.atomic():
        Trip.objects.filter(pk=trip.pk).update(spare=spare)


def make_plan(
    network: Network,
    *,
    by: User | None,
    day: dt.date | None = None,
    cancelled: list[str] | None = None,
    replan_of: Plan | None = None,
    reason: str = "",
    fresh: bool = False,
) -> Plan:
    """Solve the day on the network as it stands (minus cancelled trips) and keep the plan.

    A re-plan starts from the plan it replaces (its instance, its cancellations), or with
    `fresh` from the network as edited since (a capacity that dropped). Raises InstanceError
    or chains.PlanError with a Chinese message, writing nothing.
    """
    day = day or (replan_of.day if replan_of else timezone.localdate())
    keep = replan_of is not None and not fresh
    base = replan_of.instance if keep and replan_of is not None else to_instance(network, day)
    gone = sorted(set(cancelled or []) | set(replan_of.cancelled if replan_of else []))
    known = {str(t["id"]) for line in base.get("lines", []) for t in line.get("trips", [])}
    unknown = set(gone) - known
    if unknown:
        raise InstanceError(f"没有这些班次：{'、'.join(sorted(unknown))}")
    data = without_trips(base, set(gone))
    inst = parse(data)
    result = chains.plan(inst)
    errors, _cost = checker.check(inst, result)
    if errors:  # the optimiser's own plan must pass the independent check
        raise chains.PlanError("方案未通过独立校验：" + "；".join(errors[:3]))
    prices: dict[str, float | None] = {}
    for rule in (baselines.van_only, baselines.greedy_bus_first):
        try:
            prices[rule.__name__] = rule(inst)["objective"]
        except chains.PlanError:
            prices[rule.__name__] = None
    with transaction.atomic():
        plan = Plan.objects.create(
            network=network,
            day=day,
            made_by=by,
            replan_of=replan_of,
            cancelled=gone,
            reason=reason,
            instance=base,
            result=result,
            objective=result["objective"],
            proven_optimal=result["proven_optimal"],
            gap=result["gap"],
            seconds=result["seconds"],
            van_only=prices["van_only"],
            greedy=prices["greedy_bus_first"],
        )
        raise_incidents(plan, inst_data=data)
    return plan


def raise_incidents(plan: Plan, *, inst_data: dict[str, Any]) -> list[Incident]:
    """Stations at their daily capacity with parcels deferred behind them, and villages whose
    parcels were deferred on the previous day's plan too: one ticket each, to the office."""
    from minsheng.parcels.apps import INCIDENT_CATEGORY
    from minsheng.parcels.rules import incidents_of

    previous = (
        Plan.objects.filter(network=plan.network, day=plan.day - dt.timedelta(days=1))
        .order_by("-made_at")
        .first()
    )
    found = incidents_of(inst_data, plan.result, previous.result if previous else None)
    made = []
    category = loading.ensure(INCIDENT_CATEGORY) if found else None
    for kind, subject, text in found:
        if Incident.objects.filter(
            plan__network=plan.network, plan__day=plan.day, kind=kind, subject=subject
        ).exists():
            continue
        incident = Incident.objects.create(
            network=plan.network, plan=plan, kind=kind, subject=subject, text=text
        )
        assert category is not None
        incident.ticket = door.submit(
            door.Request(
                category=category,
                title=f"{plan.network.name}：{Incident.Kind(kind).label} {subject}",
                description=text,
                channel="proactive",
                chooser="programme",
                unit=plan.network.office,
                note="客货邮日计划发现的异常，请物流办处理",
            ),
            by=ACTOR,
        )
        incident.save(update_fields=["ticket"])
        made.append(incident)
    return made


def report_not_loaded(plan: Plan, trip_code: str, *, by: User, text: str) -> Incident:
    """A trip that did not load (reported by staff): a ticket to the office, then a re-plan
    is up to the officer (the page offers it)."""
    from minsheng.parcels.apps import INCIDENT_CATEGORY

    known = {str(t["id"]) for line in plan.instance.get("lines", []) for t in line.get("trips", [])}
    if trip_code not in known:
        raise InstanceError(f"没有班次 {trip_code}")
    with transaction.atomic():
        incident, created = Incident.objects.get_or_create(
            plan=plan,
            kind=Incident.Kind.TRIP_NOT_LOADED,
            subject=trip_code,
            defaults={"network": plan.network, "text": text or f"班次 {trip_code} 未装车"},
        )
        if created:
            incident.ticket = door.submit(
                door.Request(
                    category=loading.ensure(INCIDENT_CATEGORY),
                    title=f"{plan.network.name}：班次 {trip_code} 未装车",
                    description=incident.text,
                    channel="proactive",
                    chooser="programme",
                    unit=plan.network.office,
                    note="客货邮班次未装车，请物流办处理",
                ),
                # filed by the programme (only centre staff receive requests as themselves)
                by=Actor(
                    label=f"客货邮融合（{by.get_full_name() or by.username} 报）", kind="system"
                ),
            )
            incident.save(update_fields=["ticket"])
    return incident
