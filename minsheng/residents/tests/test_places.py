"""Locating a tapped point in our polygons, and the map's outlines, without a database."""

import math

import pytest

from minsheng.residents import places


def square(x0: float, y0: float, x1: float, y1: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


AREAS = [
    a
    for a in [
        places.area(1, "鼓楼区", "district", "3501/350102/", square(119.25, 26.05, 119.35, 26.12)),
        places.area(
            2, "鼓东街道", "street", "3501/350102/350102001/", square(119.29, 26.08, 119.31, 26.1)
        ),
        places.area(
            3,
            "东街社区",
            "community",
            "3501/350102/350102001/350102001001/",
            square(119.295, 26.085, 119.305, 26.095),
        ),
    ]
    if a is not None
]


def test_a_point_is_located_to_its_district_street_and_community() -> None:
    found = places.locate(119.30, 26.09, AREAS)

    assert [a.name for a in found] == ["鼓楼区", "鼓东街道", "东街社区"]


def test_a_point_on_a_boundary_line_still_counts_as_inside() -> None:
    assert places.locate(119.25, 26.06, AREAS)[0].name == "鼓楼区"


@pytest.mark.parametrize(
    ("lon", "lat"), [(116.40, 39.90), (0.0, 0.0), (119.36, 26.09), (math.nan, 26.0)]
)
def test_a_point_outside_the_city_is_refused_in_chinese(lon: float, lat: float) -> None:
    with pytest.raises(places.OutsideError, match=r"不在本市受理范围内|坐标不正确"):
        places.locate(lon, lat, AREAS)


def test_impossible_coordinates_are_refused() -> None:
    with pytest.raises(places.OutsideError, match="坐标不正确"):
        places.locate(200.0, 26.0, AREAS)


def test_a_broken_boundary_is_skipped() -> None:
    empty = {"type": "Polygon", "coordinates": []}
    point = {"type": "Point", "coordinates": [1, 2]}

    assert places.area(9, "坏数据", "street", "9/", empty) is None
    assert places.area(9, "坏数据", "street", "9/", point) is None


def test_the_outline_draws_districts_and_streets_but_not_communities() -> None:
    outline = places.outline(AREAS)

    assert outline["type"] == "FeatureCollection"
    assert [f["properties"]["name"] for f in outline["features"]] == ["鼓楼区", "鼓东街道"]
    ring = outline["features"][1]["geometry"]["coordinates"][0]
    assert [119.29, 26.08] in [list(point) for point in ring]


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("鼓楼区 东街 88 号", "鼓楼区东街88号"),
        ("  鼓楼区东街８８号。 ", "鼓楼区东街88号"),
        ("Wusi Road  No. 1", "Wusi Road No. 1"),
    ],
)
def test_an_address_has_one_spelling(typed: str, normalised: str) -> None:
    assert places.normalise_address(typed) == normalised
