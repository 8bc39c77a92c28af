"""Is a point inside the city, and in which unit's area? Pure: plain GeoJSON in, answers out.

The city is the union of its units' boundaries (districts, streets). Where no unit has a
boundary, the bounding box of the units' centroids, padded by PAD degrees, stands in for it;
where there is no geography at all, any point is accepted.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from shapely import prepare
from shapely.geometry import Point, box, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

PAD = 0.1  # degrees, about 10 km: centroids sit well inside their areas


@dataclass(frozen=True)
class Area:
    """A unit's area: its code, depth in the tree, and geometry."""

    code: str
    depth: int
    geometry: BaseGeometry


class CityArea:
    """The city's outline and its units' areas, ready to answer point queries."""

    def __init__(self, outline: BaseGeometry | None, areas: list[Area]) -> None:
        self.outline = outline
        self.areas = sorted(areas, key=lambda a: -a.depth)
        if outline is not None:
            prepare(outline)

    @classmethod
    def from_units(
        cls, units: Iterable[tuple[str, str, Any, float | None, float | None]]
    ) -> "CityArea":
        """From (code, path, boundary GeoJSON, lon, lat) of the city's units."""
        areas, points = [], []
        for code, path, boundary, lon, lat in units:
            geometry = _geometry(boundary)
            if geometry is not None:
                areas.append(Area(code, path.count("/"), geometry))
            elif lon is not None and lat is not None:
                points.append((lon, lat))
        if areas:
            return cls(unary_union([a.geometry for a in areas]), areas)
        if points:
            lons, lats = [p[0] for p in points], [p[1] for p in points]
            return cls(box(min(lons) - PAD, min(lats) - PAD, max(lons) + PAD, max(lats) + PAD), [])
        return cls(None, [])

    def contains(self, lon: float, lat: float) -> bool:
        """True when the point is inside the city (on its border counts as inside)."""
        return self.outline is None or self.outline.covers(Point(lon, lat))

    def unit_at(self, lon: float, lat: float) -> str | None:
        """The code of the deepest unit whose area holds the point."""
        point = Point(lon, lat)
        return next((a.code for a in self.areas if a.geometry.covers(point)), None)


def _geometry(boundary: Any) -> BaseGeometry | None:
    if not isinstance(boundary, dict) or boundary.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    try:
        geometry = shape(boundary)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None
    if geometry.is_empty:
        return None
    return geometry if geometry.is_valid else geometry.buffer(0)
