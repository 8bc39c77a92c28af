"""The seeded county generator and the PyVRP loops; no database."""

from shapely.geometry import Point as ShapelyPoint

from minsheng.parcels import baselines, chains, checker, county, loops
from minsheng.parcels.instance import Point, parse, road_km, without_trips


def test_the_small_county_is_deterministic_inside_ninghai() -> None:
    a, b = county.generate("S", seed=3), county.generate("S", seed=3)
    assert a == b
    outline = county.outline()
    assert len(a["villages"]) == 20
    assert all(outline.contains(ShapelyPoint(v["lon"], v["lat"])) for v in a["villages"])
    assert a["hub"]["name"] == "宁海县共配中心"
    # every village on exactly one loop
    members = [v for r in a["loops"] for v in r["villages"]]
    assert sorted(members) == sorted(v["id"] for v in a["villages"])


def test_scenarios_change_what_they_say() -> None:
    normal = county.generate("S", seed=0)
    peak = county.apply_scenario(normal, "double11")
    assert [v["down"] for v in peak["villages"]] == [3 * v["down"] for v in normal["villages"]]
    halved = county.apply_scenario(normal, "halved")
    assert halved["lines"][0]["trips"][0]["spare"] == normal["lines"][0]["trips"][0]["spare"] // 2
    gone = county.noon_cancel(normal)
    assert gone
    assert all(
        t["departs"] >= "12:00"
        for line in normal["lines"]
        for t in line["trips"]
        if t["id"] in gone
    )


def test_optimum_beats_the_rules_and_passes_the_checker() -> None:
    for scenario in county.SCENARIOS:
        data = county.generate("S", seed=1, scenario="normal" if scenario == "cancel" else scenario)
        if scenario == "cancel":
            data = without_trips(data, county.noon_cancel(data))
        inst = parse(data)
        plan = chains.plan(inst)
        assert plan["proven_optimal"]
        assert checker.check(inst, plan)[0] == []
        for rule in (baselines.van_only, baselines.greedy_bus_first):
            other = rule(inst)
            assert checker.check(inst, other)[0] == []
            assert other["objective"] >= plan["objective"] - 0.01


def test_pyvrp_loops_respect_the_van_capacity() -> None:
    hub = Point("H", 121.43, 29.29)
    villages = [
        (Point(f"V{i}", 121.43 + 0.01 * i, 29.29 + 0.005 * (i % 3)), 30, 5) for i in range(1, 9)
    ]
    routes = loops.generate(
        hub, villages, capacity=100, van_fixed=150, van_per_km=2.5, detour=1.35, iterations=200
    )
    assert sorted(v for ids, _km in routes for v in ids) == sorted(v.id for v, _d, _u in villages)
    assert all(len(ids) * 30 <= 100 for ids, _km in routes)
    # a loop is at least the round trip to its farthest village
    where = {v.id: v for v, _d, _u in villages}
    for ids, km in routes:
        assert km >= 2 * max(road_km(hub, where[v], 1.35) for v in ids) - 0.01
