"""Is a point in the city, and in which unit (pure: no database)."""

from minsheng.triage.polygons import PolygonIndex

DISTRICT = {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]]}
STREET = {"type": "Polygon", "coordinates": [[[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]]}
ISLAND = {
    "type": "MultiPolygon",
    "coordinates": [[[[20, 20], [21, 20], [21, 21], [20, 21], [20, 20]]]],
}


def test_a_point_inside_a_boundary_is_in_the_city_and_in_its_deepest_unit() -> None:
    area = PolygonIndex([("D", 1, DISTRICT), ("S", 2, STREET), ("I", 1, ISLAND)])

    assert area.contains(2, 2)
    assert area.unit_at(2, 2) == "S"
    assert area.contains(5, 5)
    assert area.unit_at(5, 5) == "D"
    assert area.contains(20.5, 20.5)
    assert area.unit_at(20.5, 20.5) == "I"
    assert area.contains(10, 5)  # on the border
    assert not area.contains(15, 15)
    assert area.unit_at(15, 15) is None


def test_without_boundaries_a_padded_box_around_the_centroids_stands_in() -> None:
    area = PolygonIndex([], centroids=[(119.3, 26.1), (119.5, 26.0)])

    assert area.contains(119.25, 26.05)
    assert not area.contains(118.09, 24.48)
    assert area.unit_at(119.3, 26.1) is None


def test_without_any_geography_every_point_is_accepted() -> None:
    area = PolygonIndex([])

    assert area.contains(0, 0)


def test_broken_boundaries_are_ignored() -> None:
    broken = {"type": "Polygon", "coordinates": "nonsense"}
    area = PolygonIndex([("X", 1, broken), ("D", 1, DISTRICT)])

    assert area.contains(5, 5)
    assert not area.contains(50, 50)
