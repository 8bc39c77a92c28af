"""The logistics office's pages on PostgreSQL: import, plan, why, cancel and re-plan, tickets."""

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.test import Client

from minsheng.parcels import write
from minsheng.parcels.models import Incident, Network, Plan
from minsheng.parcels.tests.test_chains import day

pytestmark = pytest.mark.django_db


def upload(client: Client, data: Any, office: Any) -> Any:
    f = io.BytesIO(json.dumps(data, ensure_ascii=False).encode())
    f.name = "day.json"
    return client.post("/parcels/", {"name": "测试县", "office": office.pk, "file": f})


@pytest.fixture
def office_client(client: Client, water_handler: Any) -> Client:
    client.force_login(water_handler)
    return client


def test_import_plan_and_replan_from_the_pages(office_client: Client, city: dict[str, Any]) -> None:
    response = upload(office_client, day(), city["water"])
    network = Network.objects.get(name="测试县")
    assert response.status_code == 302
    assert network.stations.count() == 1
    assert network.villages.get(code="A").down == 30
    page = office_client.get(f"/parcels/network/{network.pk}/")
    assert "排今日计划" in page.content.decode()

    response = office_client.post(f"/parcels/network/{network.pk}/plan/")
    plan = Plan.objects.get(network=network)
    assert response.url == f"/parcels/plan/{plan.pk}/"
    assert float(plan.objective) == 54.0  # 20 by bus, 10 deferred (tests/test_chains.py)
    assert plan.proven_optimal
    assert float(plan.van_only) == 120.0
    assert float(plan.greedy) == 134.0
    body = office_client.get(f"/parcels/plan/{plan.pk}/").content.decode()
    assert "班次 T1（07:00）20 件；延后 10 件" in body
    assert "余量已满（20/20）" in body

    response = office_client.post(
        f"/parcels/plan/{plan.pk}/replan/", {"trips": ["T1"], "reason": "车辆故障"}
    )
    new = Plan.objects.get(replan_of=plan)
    assert response.url == f"/parcels/plan/{new.pk}/"
    assert new.cancelled == ["T1"]
    assert float(new.objective) == 120.0  # one van now beats deferring 30
    result = office_client.get(f"/parcels/plan/{new.pk}/plan.json").json()
    assert result["vans"] == [{"loop": "L1", "count": 1}]
    shown = office_client.get(f"/parcels/network/{network.pk}/map.json?plan={new.pk}").json()
    assert shown["villages"][0]["main"] == "van"
    assert shown["lines"][0]["cancelled"] == 1


def test_a_bad_file_writes_nothing(office_client: Client, city: dict[str, Any]) -> None:
    bad = day(
        villages=[{"id": "A", "lon": 121.5, "lat": 29.3, "station": "S9", "down": 1, "up": 0}]
    )
    response = upload(office_client, bad, city["water"])
    assert response.status_code == 200
    assert "村 A 的服务驿站 S9 不存在" in response.content.decode()
    assert not Network.objects.exists()


def test_an_infeasible_day_says_why(office_client: Client, city: dict[str, Any]) -> None:
    data = day(
        villages=[{"id": "A", "lon": 121.5, "lat": 29.3, "station": "S1", "down": 900, "up": 0}]
    )
    data["costs"]["defer_per_parcel"] = None
    network = write.import_network(data, office=city["water"])
    response = office_client.post(f"/parcels/network/{network.pk}/plan/", follow=True)
    assert "无可行方案" in response.content.decode()
    assert not Plan.objects.exists()


def test_other_units_cannot_see_the_network(
    client: Client, street_handler: Any, city: dict[str, Any]
) -> None:
    network = write.import_network(day(), office=city["water"])
    client.force_login(street_handler)
    assert client.get(f"/parcels/network/{network.pk}/").status_code == 404
    assert client.post(f"/parcels/network/{network.pk}/plan/").status_code == 404
    assert "测试" not in client.get("/parcels/").content.decode()


def test_deferred_twice_and_a_trip_not_loaded_become_tickets(
    office_client: Client, water_handler: Any, city: dict[str, Any], catalogue: Any
) -> None:
    network = write.import_network(day(), office=city["water"])
    today = dt.date(2026, 12, 3)
    write.make_plan(network, by=water_handler, day=today - dt.timedelta(days=1))
    assert not Incident.objects.exists()  # deferred once only
    plan = write.make_plan(network, by=water_handler, day=today)
    incident = Incident.objects.get(kind="deferred_twice")
    assert incident.subject == "A-down"
    assert incident.ticket is not None
    assert incident.ticket.category.code == "PC-EXCEPTION"
    assert "连续两日延后" in incident.ticket.description
    response = office_client.post(
        f"/parcels/plan/{plan.pk}/not-loaded/", {"trip": "T1", "text": "司机未到站"}
    )
    assert response.status_code == 302
    loaded = Incident.objects.get(kind="trip_not_loaded")
    assert loaded.ticket is not None
    body = office_client.get(f"/parcels/plan/{plan.pk}/").content.decode()
    assert "班次未装车" in body


def test_siting_page(office_client: Client, city: dict[str, Any]) -> None:
    network = write.import_network(day(), office=city["water"])
    body = office_client.get(f"/parcels/network/{network.pk}/site/?p=1").content.decode()
    assert "已证明最优" in body
    body = office_client.get(f"/parcels/network/{network.pk}/site/?p=5").content.decode()
    assert "p 应在 1 到 1" in body


def test_harvest_pickups_ride_first_and_are_listed_per_station(
    office_client: Client, water_handler: Any, city: dict[str, Any]
) -> None:
    data = day(
        villages=[
            {"id": "A", "lon": 121.5, "lat": 29.3, "station": "S1", "down": 0, "up": 10},
            {"id": "B", "lon": 121.5, "lat": 29.3, "station": "S1", "down": 0, "up": 0},
        ],
        loops=[],
    )
    data["lines"][0]["trips"] = [
        {"id": "T2", "direction": "in", "departs": "16:00", "spare": 5, "load_limit": 50}
    ]
    network = write.import_network(data, office=city["water"])
    url = f"/parcels/network/{network.pk}/produce/"
    office_client.post(url, {"village": "B", "name": "王家果园", "produce": "香榧", "value": "30"})
    producer = network.producers.get()
    harvest_day = dt.date(2026, 10, 8)
    office_client.post(url, {"producer": producer.pk, "day": "2026-10-08", "parcels": 10})
    plan = write.make_plan(network, by=water_handler, day=harvest_day)
    flows = {(f["village"], f["direction"]): f for f in plan.result["flows"]}
    # B's 10 produce parcels (¥30 each: ¥30 more a parcel deferred, on top of ¥4) ride first
    assert flows[("B", "up")]["bus"] == [{"trip": "T2", "parcels": 5}]
    assert flows[("A", "up")]["deferred"] == 10
    body = office_client.get(url + "?day=2026-10-08").content.decode()
    assert "王家果园" in body
    assert "班次 T2（16:00）5 件；延后 5 件" in body


def test_the_demo_county_loads_once_with_an_optimal_plan(city: dict[str, Any]) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    BEIJING = ZoneInfo("Asia/Shanghai")

    from minsheng.parcels import demo

    lines: list[str] = []
    for _ in range(2):
        demo.load(now=datetime(2026, 10, 8, 8, 0, tzinfo=BEIJING), log=lines.append, password="x")
    network = Network.objects.get(name=demo.NAME)
    assert network.villages.count() == 354
    assert network.stations.count() == 50
    plan = Plan.objects.get(network=network)
    assert plan.proven_optimal
    assert plan.gap <= 1e-4
    assert float(plan.van_only) > float(plan.objective)
    assert network.producers.count() == 3
    assert len(lines) == 1


def test_loops_regenerated_by_pyvrp(office_client: Client, city: dict[str, Any]) -> None:
    from minsheng.parcels.instance import haversine_km, parse

    data = day()
    network = write.import_network(data, office=city["water"])
    response = office_client.post(f"/parcels/network/{network.pk}/loops/")
    assert response.status_code == 302
    (loop,) = network.loops.all()
    inst = parse(data)
    # one village: out and back, haversine × detour (1.0 here)
    expected = 2 * haversine_km(inst.hub, inst.villages["A"])
    assert loop.villages == ["A"]
    assert loop.km == pytest.approx(expected, abs=0.01)


def test_a_capacity_drop_replans_from_the_network(
    office_client: Client, water_handler: Any, city: dict[str, Any]
) -> None:
    network = write.import_network(day(), office=city["water"])
    plan = write.make_plan(network, by=water_handler)
    office_client.post(f"/parcels/network/{network.pk}/edit/", {"trip": "T1", "spare": "5"})
    response = office_client.post(f"/parcels/plan/{plan.pk}/replan/", {"fresh": "on"})
    new = Plan.objects.get(replan_of=plan)
    assert response.url == f"/parcels/plan/{new.pk}/"
    # 5 by bus (3.5); the other 25 deferred (100) rather than a van (120)
    assert float(new.objective) == pytest.approx(5 * 0.7 + 25 * 4, abs=0.01)
    assert office_client.post(f"/parcels/plan/{plan.pk}/replan/", {}).status_code == 302
    assert Plan.objects.filter(replan_of=plan).count() == 1  # nothing chosen: nothing planned
