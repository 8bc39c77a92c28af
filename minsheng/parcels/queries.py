"""What a user may see of the parcel networks, and the map's data."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from minsheng.accounts.models import User
from minsheng.orgs.access import standing_of, units_under
from minsheng.orgs.models import Unit
from minsheng.parcels.models import Network, Plan

EDIT_ROLES = frozenset({"handler", "leader"})


def networks_for(user: User) -> QuerySet[Network]:
    """Administrators see every network; others those of the offices in their units' subtrees."""
    standing = standing_of(user)
    if standing.is_admin:
        return Network.objects.all()
    return Network.objects.filter(office__in=units_under(standing))


def can_edit(user: User, network: Network) -> bool:
    standing = standing_of(user)
    return standing.is_admin or bool(standing.roles_over([network.office]) & EDIT_ROLES)


def offices_for(user: User) -> QuerySet[Unit]:
    """Units the user may set up a network for: their own subtrees (all, for administrators)."""
    standing = standing_of(user)
    units = Unit.objects.all() if standing.is_admin else units_under(standing)
    return units.filter(is_active=True).order_by("path")


def plans_of(network: Network) -> QuerySet[Plan]:
    return network.plans.select_related("made_by").defer("instance", "result")


def map_data(network: Network, plan: Plan | None) -> dict[str, Any]:
    """Hub, stations, villages (coloured by today's main chain when a plan is given), lines."""
    inst = plan.instance if plan is not None else None
    if inst is None:
        from minsheng.parcels.write import to_instance

        inst = to_instance(network)
    main: dict[str, str] = {}
    if plan is not None:
        for f in plan.result.get("flows", []):
            kinds = {f["village"]: f["explanation"]["main"]}
            if f["direction"] == "down" or f["village"] not in main:
                main.update(kinds)
    station = {s["id"]: s for s in inst["stations"]}
    cancelled = set(plan.cancelled) if plan is not None else set()
    hub = inst["hub"]
    return {
        "outline": network.outline,
        "hub": hub,
        "stations": inst["stations"],
        "villages": [{**v, "main": main.get(v["id"], "")} for v in inst["villages"]],
        "lines": [
            {
                "id": line["id"],
                "name": line.get("name", ""),
                "path": [[hub["lat"], hub["lon"]]]
                + [[station[s]["lat"], station[s]["lon"]] for s in line["stops"] if s in station],
                "cancelled": sum(1 for t in line["trips"] if t["id"] in cancelled),
            }
            for line in inst["lines"]
        ],
    }


def pickups(network: Network, day: Any) -> list[dict[str, Any]]:
    """物流促销: the day's harvest pickups per station, with the day's latest plan's chain for
    each village's up parcels."""
    from minsheng.parcels.models import Harvest

    plan = network.plans.filter(day=day).order_by("-made_at").first()
    chain: dict[str, str] = {}
    if plan is not None:
        for f in plan.result.get("flows", []):
            if f["direction"] == "up":
                chain[f["village"]] = f["explanation"]["chain"]
    stations: dict[str, dict[str, Any]] = {}
    rows = Harvest.objects.filter(producer__network=network, day=day).select_related(
        "producer__village__station"
    )
    for h in rows.order_by("producer__village__station__code", "-producer__value_per_parcel"):
        village = h.producer.village
        entry = stations.setdefault(
            village.station.code,
            {"station": village.station, "rows": [], "parcels": 0, "value": 0},
        )
        entry["rows"].append(
            {
                "harvest": h,
                "value": h.parcels * h.producer.value_per_parcel,
                "chain": chain.get(village.code, "尚未排入计划"),
            }
        )
        entry["parcels"] += h.parcels
        entry["value"] += h.parcels * h.producer.value_per_parcel
    return list(stations.values())
