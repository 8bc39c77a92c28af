"""Checks on the derived demo city file (pure data, no database)."""

import csv
import json
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

DATA = Path(__file__).resolve().parents[1] / "data" / "fuzhou.json"
SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"
STREETS_CSV = SHARED / "data" / "china-admin-divisions" / "modood-2023" / "streets.csv"
DISTRICTS = {"350102", "350103", "350104", "350105", "350111"}
TOLERANCE = 1e-4  # degrees; parents and children are simplified/snapped independently


@pytest.fixture(scope="module")
def city():
    with DATA.open(encoding="utf-8") as fh:
        return json.load(fh)


def _children(city):
    """Yield (parent, child) for every parent/child pair in the tree."""
    for district in city["districts"]:
        for street in district["streets"]:
            yield district, street
            for community in street["communities"]:
                yield street, community
                for grid in community["grids"]:
                    yield community, grid


def test_file_loads(city):
    assert city["city"] == {"code": "3501", "name": "福州市", "prefix": "FZ"}
    assert "Vonng/adcode" in city["source"]
    assert "modood" in city["source"]
    assert DATA.stat().st_size < 1_500_000


def test_five_districts(city):
    assert {d["code"] for d in city["districts"]} == DISTRICTS
    names = {d["name"] for d in city["districts"]}
    assert names == {"鼓楼区", "台江区", "仓山区", "马尾区", "晋安区"}


def test_codes_nest(city):
    for parent, child in _children(city):
        assert child["code"].startswith(parent["code"])
    for district in city["districts"]:
        for street in district["streets"]:
            assert len(street["code"]) == 9
            assert street["kind"] in {"street", "township"}
            assert len(street["communities"]) == 3
            names = [c["name"] for c in street["communities"]]
            assert len(set(names)) == len(names)
            suffix = "村" if street["kind"] == "township" else "社区"
            assert all(name.endswith(suffix) for name in names)
            for community in street["communities"]:
                assert len(community["code"]) == 12
                assert [g["code"][-2:] for g in community["grids"]] == ["01", "02"]
                assert community["grids"][0]["name"] == community["name"] + "第1网格"


def test_unique_codes(city):
    codes = [child["code"] for _, child in _children(city)]
    assert len(codes) == len(set(codes))


@pytest.mark.shared_data
def test_streets_match_modood(city):
    if not STREETS_CSV.exists():
        pytest.skip(f"shared data not found at {STREETS_CSV}; cannot compare with modood")
    with STREETS_CSV.open(encoding="utf-8", newline="") as fh:
        real = {
            (row["areaCode"], row["code"], row["name"])
            for row in csv.DictReader(fh)
            if row["areaCode"] in DISTRICTS
        }
    ours = {(d["code"], s["code"], s["name"]) for d in city["districts"] for s in d["streets"]}
    assert ours == real


def test_centroids_inside_own_polygon(city):
    nodes = list(city["districts"]) + [child for _, child in _children(city)]
    for node in nodes:
        assert shape(node["boundary"]).contains(Point(node["centroid"])), node["code"]


def test_child_centroids_inside_parent(city):
    for parent, child in _children(city):
        polygon = shape(parent["boundary"])
        assert polygon.buffer(TOLERANCE).contains(Point(child["centroid"])), child["code"]


def test_coordinates_are_wgs84_in_fuzhou(city):
    for district in city["districts"]:
        lon, lat = district["centroid"]
        assert 119.1 < lon < 119.8
        assert 25.8 < lat < 26.4
        assert shape(district["boundary"]).is_valid


@pytest.mark.parametrize(
    ("district", "street", "kind"),
    [
        ("鼓楼区", "鼓东街道", "street"),
        ("台江区", "苍霞街道", "street"),
        ("仓山区", "盖山镇", "township"),
        ("马尾区", "马尾镇", "township"),
        ("晋安区", "寿山乡", "township"),
    ],
)
def test_known_streets(city, district, street, kind):
    by_name = {d["name"]: d for d in city["districts"]}
    streets = {s["name"]: s for s in by_name[district]["streets"]}
    assert streets[street]["kind"] == kind
