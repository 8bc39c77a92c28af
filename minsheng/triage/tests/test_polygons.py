"""Point-in-jurisdiction lookup on the demo city's polygons, and map-app coordinates."""

import json

import numpy as np
import pytest

from minsheng.lib import geo
from minsheng.orgs.loading import DATA
from minsheng.triage.polygons import PolygonIndex, to_wgs84


@pytest.fixture(scope="module")
def city() -> dict:
    return json.loads((DATA / "fuzhou.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def index(city: dict) -> PolygonIndex:
    rows = []
    for d in city["districts"]:
        rows.append((d["code"], 3, d["boundary"]))
        for s in d["streets"]:
            rows.append((s["code"], 4, s["boundary"]))
    return PolygonIndex(rows)


def test_every_street_centroid_falls_in_its_own_street(city: dict, index: PolygonIndex) -> None:
    streets = [s for d in city["districts"] for s in d["streets"]]
    found = index.locate([s["centroid"][0] for s in streets], [s["centroid"][1] for s in streets])
    assert list(found) == [s["code"] for s in streets]


def test_points_outside_every_polygon_and_bad_points_give_no_code(index: PolygonIndex) -> None:
    found = index.locate([116.4, np.nan, 119.3], [39.9, 26.0, np.inf])
    assert list(found) == ["", "", ""]


def test_a_gcj02_point_from_a_map_app_is_converted_before_lookup(
    city: dict, index: PolygonIndex
) -> None:
    street = city["districts"][0]["streets"][0]
    lon, lat = street["centroid"]
    gcj = geo.wgs84_to_gcj02(lon, lat)
    assert index.locate_one(*gcj, datum="gcj02") == street["code"]
    bd = geo.gcj02_to_bd09(*gcj)
    assert index.locate_one(*bd, datum="bd09") == street["code"]
    back = to_wgs84(*bd, "bd09")
    assert abs(back[0] - lon) < 1e-5
    assert abs(back[1] - lat) < 1e-5


def test_an_unknown_datum_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown datum"):
        to_wgs84(119.3, 26.0, "mars")


def test_malformed_boundaries_are_skipped() -> None:
    index = PolygonIndex(
        [
            ("a", 3, {"type": "Polygon"}),
            ("b", 3, None),
            ("c", 3, {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}),
        ]
    )
    assert len(index) == 1
    assert index.locate_one(0.7, 0.2) == "c"
