"""物流布点 on villages whose optimum is known by hand."""

import pytest

from minsheng.parcels.chains import PlanError
from minsheng.parcels.instance import Point
from minsheng.parcels.siting import site

KM_LON = 1 / 111.19492664455873  # on the equator a degree of longitude is this many km⁻¹


def line(*kms: float) -> list[tuple[Point, int]]:
    return [(Point(f"V{i}", km * KM_LON, 0.0), 1) for i, km in enumerate(kms)]


def test_two_clusters_two_stations() -> None:
    plan = site(line(0, 1, 10, 11), 2)
    assert plan["proven_optimal"]
    assert plan["objective"] == pytest.approx(2.0, abs=1e-3)
    assert {plan["assign"]["V0"], plan["assign"]["V2"]} == set(plan["stations"])
    assert plan["assign"]["V0"] == plan["assign"]["V1"]


def test_one_station_goes_to_the_median() -> None:
    plan = site(line(0, 1, 10, 11, 12), 1)
    assert plan["stations"] == ["V2"]  # 10 + 9 + 0 + 1 + 2 = 22 beats V3's 11 + 10 + 1 + 0 + 1 = 23
    assert plan["objective"] == pytest.approx(22.0, abs=1e-3)


def test_capacity_moves_a_village_to_the_other_station() -> None:
    # weights 3, 1, 2 at 0, 1, 10; p = 2 with capacity 3: V1 can no longer share V0's station
    villages = [
        (Point("V0", 0.0, 0.0), 3),
        (Point("V1", KM_LON, 0.0), 1),
        (Point("V2", 10 * KM_LON, 0.0), 2),
    ]
    free = site(villages, 2)
    assert free["objective"] == pytest.approx(1.0, abs=1e-3)
    capped = site(villages, 2, capacity=3)
    assert capped["objective"] == pytest.approx(9.0, abs=1e-3)  # V1 rides 9 km to V2
    assert capped["assign"]["V1"] == "V2"


def test_bad_requests_get_a_clear_message() -> None:
    with pytest.raises(PlanError, match="p 应在 1 到 4"):
        site(line(0, 1, 2, 3), 5)
    with pytest.raises(PlanError, match="没有村"):
        site([], 1)
    with pytest.raises(PlanError, match="装不下"):
        site(line(0, 1, 2, 3), 1, capacity=2)


def test_the_nearest_k_rounds_reach_the_full_models_optimum() -> None:
    import numpy as np

    from minsheng.parcels.siting import _p_median

    rng = np.random.default_rng(7)
    pts = rng.uniform(0, 20, (40, 2))
    d = np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(axis=2))
    w = rng.integers(1, 50, 40).astype(float)
    results = {}
    for first in (2, 40):  # 40: every candidate, no "far" columns, the plain ReVelle–Swain
        opened, chosen, proven, _gap, rounds = _p_median(
            d, w, 6, gap=1e-9, time_limit=60, first=first
        )
        assert proven
        assert len(opened) == 6
        results[first] = (sum(w[i] * d[i, j] for i, j in enumerate(chosen)), rounds)
    assert results[2][0] == pytest.approx(results[40][0], rel=1e-9)
    assert results[2][1] > 1  # the far villages forced another round
    assert results[40][1] == 1
