"""The chain MILP on instances whose optimum is known by hand; no database."""

from typing import Any

import pytest

from minsheng.parcels import baselines, chains, checker
from minsheng.parcels.instance import InstanceError, parse, road_km, without_trips

KM_LAT = 1 / 111.19492664455873  # degrees of latitude per great-circle km (R = 6371)


def day(**over: Any) -> dict[str, Any]:
    """Hub, one station S1 with village A on it, loop L1 (10 km), one outbound trip T1."""
    base: dict[str, Any] = {
        "hub": {"id": "HUB", "lon": 121.43, "lat": 29.29},
        "stations": [{"id": "S1", "lon": 121.5, "lat": 29.3, "capacity": 1000}],
        "villages": [{"id": "A", "lon": 121.5, "lat": 29.3, "station": "S1", "down": 30, "up": 0}],
        "lines": [
            {
                "id": "B1",
                "stops": ["S1"],
                "trips": [
                    {
                        "id": "T1",
                        "direction": "out",
                        "departs": "07:00",
                        "spare": 20,
                        "load_limit": 100,
                    }
                ],
            }
        ],
        "loops": [{"id": "L1", "villages": ["A"], "km": 10, "vans_max": 2}],
        "costs": {
            "bus_per_parcel": 0.5,
            "last_mile_per_parcel": 0.2,
            "last_mile_per_km": 0.5,
            "defer_per_parcel": 4,
            "van_fixed": 100,
            "van_per_km": 2,
            "van_capacity": 50,
            "detour": 1.0,
        },
    }
    base.update(over)
    return base


def solve(data: dict[str, Any]) -> dict[str, Any]:
    inst = parse(data)
    plan = chains.plan(inst)
    errors, cost = checker.check(inst, plan)
    assert errors == []
    assert cost == pytest.approx(plan["objective"], abs=0.01)
    return plan


def only_flow(plan: dict[str, Any], village: str, direction: str = "down") -> dict[str, Any]:
    return next(f for f in plan["flows"] if (f["village"], f["direction"]) == (village, direction))


def test_small_overflow_is_deferred_not_given_a_van() -> None:
    # 20 on the bus at 0.7 = 14; the other 10: defer 40 < a van 120. Optimum 54.
    plan = solve(day())
    assert plan["objective"] == 54.0
    assert plan["proven_optimal"] is True
    assert plan["gap"] <= 1e-4
    a = only_flow(plan, "A")
    assert (a["van"], a["bus"], a["deferred"]) == (0, [{"trip": "T1", "parcels": 20}], 10)
    assert any("T1" in b and "余量已满" in b for b in a["explanation"]["binding"])
    assert a["explanation"]["main"] == "bus"


def test_vans_running_anyway_carry_everything() -> None:
    # 100 parcels: two vans (240) carry all; the bus fee would be paid on top (254). Defer is 5.
    data = day(
        villages=[{"id": "A", "lon": 121.5, "lat": 29.3, "station": "S1", "down": 100, "up": 0}]
    )
    data["costs"]["defer_per_parcel"] = 5
    plan = solve(data)
    assert plan["objective"] == 240.0
    assert plan["vans"] == [{"loop": "L1", "count": 2}]
    assert only_flow(plan, "A")["van"] == 100
    inst = parse(data)
    assert baselines.van_only(inst)["objective"] == 240.0
    greedy = baselines.greedy_bus_first(inst)
    assert greedy["objective"] == 254.0
    assert checker.check(inst, greedy)[0] == []


def test_baselines_pay_more_on_a_small_overflow() -> None:
    inst = parse(day())
    assert baselines.van_only(inst)["objective"] == 120.0  # one van, 30 parcels
    assert baselines.greedy_bus_first(inst)["objective"] == 134.0  # 14 + a van for 10


def test_stop_limit_goes_to_the_nearer_village() -> None:
    # Trip stops at S1 with a loading limit of 15; A is on the station, B 2 km north.
    far = {"id": "B", "lon": 121.5, "lat": 29.3 + 2 * KM_LAT, "station": "S1", "down": 10, "up": 0}
    data = day(
        villages=[
            {"id": "A", "lon": 121.5, "lat": 29.3, "station": "S1", "down": 10, "up": 0},
            far,
        ],
        loops=[],
    )
    data["lines"][0]["trips"][0].update(spare=100, load_limit=15)
    plan = solve(data)
    inst = parse(data)
    assert road_km(inst.stations["S1"], inst.villages["B"], 1.0) == pytest.approx(2.0, abs=1e-6)
    # A: 10 × 0.7; B: 5 × (0.7 + 0.5 × 2) + 5 deferred × 4
    assert plan["objective"] == pytest.approx(7 + 5 * 1.7 + 20, abs=0.01)
    assert only_flow(plan, "B")["deferred"] == 5
    assert any("装卸上限已满" in b for b in only_flow(plan, "B")["explanation"]["binding"])


def test_station_capacity_counts_both_directions() -> None:
    data = day(
        villages=[{"id": "A", "lon": 121.5, "lat": 29.3, "station": "S1", "down": 10, "up": 10}],
        stations=[{"id": "S1", "lon": 121.5, "lat": 29.3, "capacity": 12}],
        loops=[],
    )
    data["lines"][0]["trips"].append(
        {"id": "T2", "direction": "in", "departs": "16:00", "spare": 50, "load_limit": 50}
    )
    plan = solve(data)
    bus = sum(b["parcels"] for f in plan["flows"] for b in f["bus"])
    assert bus == 12
    assert plan["objective"] == pytest.approx(12 * 0.7 + 8 * 4, abs=0.01)
    assert any(
        "日处理能力已满（12/12）" in b for b in only_flow(plan, "A")["explanation"]["binding"]
    )


def test_up_flow_rides_only_inbound_trips() -> None:
    data = day(
        villages=[{"id": "A", "lon": 121.5, "lat": 29.3, "station": "S1", "down": 0, "up": 10}],
        loops=[],
    )
    plan = solve(data)
    up = only_flow(plan, "A", "up")
    assert up["bus"] == []
    assert up["deferred"] == 10
    assert up["explanation"]["binding"] == ["不在邮路上，所属驿站也没有该方向班次"]
    assert up["explanation"]["next_best"] is None


def test_cancelling_the_trip_replans() -> None:
    data = day()
    plan = solve(without_trips(data, {"T1"}))
    assert plan["objective"] == 120.0  # one van for 30 beats deferring 30 × 4
    assert plan["vans"] == [{"loop": "L1", "count": 1}]


def test_empty_instance_costs_nothing() -> None:
    plan = solve(day(villages=[], loops=[]))
    assert plan["objective"] == 0
    assert plan["flows"] == []
    assert plan["proven_optimal"]


def test_no_deferring_and_not_enough_room_is_infeasible() -> None:
    data = day(
        villages=[{"id": "A", "lon": 121.5, "lat": 29.3, "station": "S1", "down": 500, "up": 0}]
    )
    data["costs"]["defer_per_parcel"] = None
    with pytest.raises(chains.PlanError, match="无可行方案"):
        chains.plan(parse(data))


def test_a_flow_with_no_chain_is_named() -> None:
    data = day(
        villages=[{"id": "A", "lon": 121.5, "lat": 29.3, "station": "S1", "down": 0, "up": 5}],
        loops=[],
    )
    data["costs"]["defer_per_parcel"] = None
    with pytest.raises(chains.PlanError, match="村 A 的上行件 5 件无路可走"):
        chains.plan(parse(data))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {
                "villages": [
                    {"id": "A", "lon": 121.5, "lat": 29.3, "station": "S9", "down": 1, "up": 0}
                ]
            },
            "驿站 S9 不存在",
        ),
        (
            {
                "villages": [
                    {"id": "A", "lon": 121.5, "lat": 29.3, "station": "S1", "down": -1, "up": 0}
                ]
            },
            "非负整数",
        ),
        (
            {
                "villages": [
                    {"id": "A", "lon": 121.5, "lat": 29.3, "station": "S1", "down": 1.5, "up": 0}
                ]
            },
            "非负整数",
        ),
        (
            {
                "loops": [
                    {"id": "L1", "villages": ["A"], "km": 1, "vans_max": 1},
                    {"id": "L2", "villages": ["A"], "km": 1, "vans_max": 1},
                ]
            },
            "同时属于",
        ),
        (
            {
                "lines": [
                    {
                        "id": "B1",
                        "stops": ["S1"],
                        "trips": [
                            {
                                "id": "T",
                                "direction": "up",
                                "departs": "07:00",
                                "spare": 1,
                                "load_limit": 1,
                            }
                        ],
                    }
                ]
            },
            "out 或 in",
        ),
        (
            {
                "lines": [
                    {
                        "id": "B1",
                        "stops": ["S1"],
                        "trips": [
                            {
                                "id": "T",
                                "direction": "out",
                                "departs": "7点",
                                "spare": 1,
                                "load_limit": 1,
                            }
                        ],
                    }
                ]
            },
            "HH:MM",
        ),
        ({"costs": {}}, "bus_per_parcel"),
    ],
)
def test_bad_instances_get_a_clear_message(change: dict[str, Any], message: str) -> None:
    with pytest.raises(InstanceError, match=message):
        parse(day(**change))


def test_checker_catches_a_broken_plan() -> None:
    inst = parse(day())
    plan = chains.plan(inst)
    plan["flows"][0]["bus"][0]["parcels"] = 25
    plan["flows"][0]["deferred"] = 5
    errors, _cost = checker.check(inst, plan)
    assert any("超过余量 20" in e for e in errors)
    assert any("复算" in e for e in errors)


def test_the_commands_write_plan_and_siting(tmp_path: Any) -> None:
    import json

    from django.core.management import call_command
    from django.core.management.base import CommandError

    src = tmp_path / "day.json"
    src.write_text(json.dumps(day()), encoding="utf-8")
    call_command("parcels_plan", str(src), "--out", str(tmp_path / "plan.json"), "--baselines")
    plan = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert plan["objective"] == 54.0
    assert plan["checked"] is True
    assert plan["baselines"] == {"van_only": 120.0, "greedy_bus_first": 134.0}
    call_command("parcels_plan", str(src), "--out", str(tmp_path / "p2.json"), "--cancel", "T1")
    assert json.loads((tmp_path / "p2.json").read_text(encoding="utf-8"))["objective"] == 120.0
    call_command("parcels_site", str(src), "--p", "1", "--out", str(tmp_path / "site.json"))
    assert json.loads((tmp_path / "site.json").read_text(encoding="utf-8"))["stations"] == ["A"]
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="读不了算例文件"):
        call_command("parcels_plan", str(tmp_path / "bad.json"))


def test_harvest_value_puts_produce_first_on_the_bus() -> None:
    # Two villages on S1, 10 up each, one inbound trip with 5 spare, no loop: B's produce is
    # worth ¥10 a parcel more deferred, so B's parcels take the bus and A's wait.
    data = day(
        villages=[
            {"id": "A", "lon": 121.5, "lat": 29.3, "station": "S1", "down": 0, "up": 10},
            {
                "id": "B",
                "lon": 121.5,
                "lat": 29.3,
                "station": "S1",
                "down": 0,
                "up": 10,
                "up_value": 10,
            },
        ],
        loops=[],
    )
    data["lines"][0]["trips"] = [
        {"id": "T2", "direction": "in", "departs": "16:00", "spare": 5, "load_limit": 50}
    ]
    plan = solve(data)
    assert only_flow(plan, "B", "up")["bus"] == [{"trip": "T2", "parcels": 5}]
    assert only_flow(plan, "A", "up")["deferred"] == 10
    # 5 × 0.7 + 5 × (4 + 10) + 10 × 4
    assert plan["objective"] == pytest.approx(3.5 + 70 + 40, abs=0.01)
