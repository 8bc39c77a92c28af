"""Tests for the WGS-84 / GCJ-02 / BD-09 conversions."""

import math

import pytest

from minsheng.lib import geo

# Reference values published in the test suite of hujiulong/gcoord (MIT), point (123, 45).
REFERENCE = [
    (geo.wgs84_to_gcj02, (123.0, 45.0), (123.00607541, 45.00197815)),
    (geo.gcj02_to_wgs84, (123.0, 45.0), (122.99395597, 44.99804071)),
    (geo.bd09_to_gcj02, (123.0, 45.0), (122.99363304, 44.99365430)),
    (geo.bd09_to_wgs84, (123.0, 45.0), (122.98762210, 44.99171540)),
]

FUZHOU_GULOU = (119.2965, 26.0745)
BEIJING_TIANANMEN = (116.3975, 39.9087)


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular distance in metres, good enough at city scale."""
    dx = (a[0] - b[0]) * 111_320 * math.cos(math.radians((a[1] + b[1]) / 2))
    dy = (a[1] - b[1]) * 110_540
    return math.hypot(dx, dy)


@pytest.mark.parametrize(("func", "point", "expected"), REFERENCE)
def test_reference_values(func, point, expected):
    result = func(*point)
    # gcoord's own inverses are approximations, hence 1e-6 rather than exact equality.
    assert result == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("point", [FUZHOU_GULOU, BEIJING_TIANANMEN])
def test_offset_is_a_few_hundred_metres(point):
    gcj = geo.wgs84_to_gcj02(*point)
    assert 100 < _metres(point, gcj) < 700
    # GCJ-02 shifts roughly north-east in eastern China cities.
    assert gcj[0] > point[0]


@pytest.mark.parametrize(
    "point",
    [FUZHOU_GULOU, BEIJING_TIANANMEN, (87.6, 43.8), (126.6, 45.75), (110.3, 20.0), (123.0, 45.0)],
)
def test_gcj_round_trip(point):
    back = geo.gcj02_to_wgs84(*geo.wgs84_to_gcj02(*point))
    assert back == pytest.approx(point, abs=1e-6)
    forward = geo.wgs84_to_gcj02(*geo.gcj02_to_wgs84(*point))
    assert forward == pytest.approx(point, abs=1e-6)


def test_bd09_round_trip():
    gcj = geo.wgs84_to_gcj02(*FUZHOU_GULOU)
    assert geo.bd09_to_gcj02(*geo.gcj02_to_bd09(*gcj)) == pytest.approx(gcj, abs=1e-5)
    assert geo.bd09_to_wgs84(*geo.gcj02_to_bd09(*gcj)) == pytest.approx(FUZHOU_GULOU, abs=1e-5)


@pytest.mark.parametrize(
    "point", [(2.3522, 48.8566), (-74.006, 40.7128), (151.2093, -33.8688), (183.0, 45.0)]
)
def test_out_of_china_unchanged(point):
    assert geo.out_of_china(*point)
    assert geo.wgs84_to_gcj02(*point) == point
    assert geo.gcj02_to_wgs84(*point) == point


def test_in_china():
    assert not geo.out_of_china(*FUZHOU_GULOU)
    assert not geo.out_of_china(*BEIJING_TIANANMEN)
