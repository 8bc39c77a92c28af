"""Point-in-jurisdiction lookup (辖区定位): shapely 2 STRtree, vectorised over many points.

Pure: built from (code, level, GeoJSON) rows, WGS-84. `locate(lons, lats)` returns, for each
point, the code of the deepest polygon containing it ("" when none). Points from Chinese map apps
are converted first (`to_wgs84`).
"""

from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape

from minsheng.lib import geo

DATUMS = ("wgs84", "gcj02", "bd09")
PAD = 0.1  # degrees, about 10 km: centroids sit well inside their areas


def to_wgs84(lon: float, lat: float, datum: str = "wgs84") -> tuple[float, float]:
    """A point from GPS (wgs84), AutoNavi/Tencent (gcj02) or Baidu (bd09), in WGS-84."""
    if datum == "gcj02":
        return geo.gcj02_to_wgs84(lon, lat)
    if datum == "bd09":
        return geo.bd09_to_wgs84(lon, lat)
    if datum != "wgs84":
        raise ValueError(f"unknown datum {datum!r}, expected one of {DATUMS}")
    return lon, lat


class PolygonIndex:
    """One STRtree per level; deeper levels (street, community, grid) win over shallower ones."""

    def __init__(
        self,
        rows: Iterable[tuple[str, int, dict[str, Any]]],
        centroids: Iterable[tuple[float, float]] = (),
    ) -> None:
        """`rows`: (code, level, GeoJSON boundary); `centroids`: units' points, the stand-in
        for the city's outline where no unit has a boundary."""
        self.centroids = list(centroids)
        by_level: dict[int, tuple[list[str], list[Any]]] = {}
        for code, level, geojson in rows:
            try:
                geometry = shape(geojson)
            except (AttributeError, KeyError, TypeError, ValueError):
                continue  # a malformed boundary is skipped, not fatal
            if geometry.is_empty:
                continue
            codes, geometries = by_level.setdefault(level, ([], []))
            codes.append(code)
            geometries.append(geometry)
        self.levels = []
        for level in sorted(by_level, reverse=True):
            codes, geometries = by_level[level]
            shapely.prepare(geometries)
            self.levels.append((np.array(codes, dtype=object), shapely.STRtree(geometries)))

    def __len__(self) -> int:
        return sum(len(codes) for codes, _ in self.levels)

    @cached_property
    def outline(self) -> Any:
        """The city's outline: the union of the polygons; without any, the box around the
        units' centroids padded by PAD degrees; without those either, None (anywhere)."""
        geometries = [g for _, tree in self.levels for g in tree.geometries]
        if geometries:
            outline = shapely.union_all(geometries)
        elif self.centroids:
            lons, lats = zip(*self.centroids, strict=True)
            outline = shapely.box(
                min(lons) - PAD, min(lats) - PAD, max(lons) + PAD, max(lats) + PAD
            )
        else:
            return None
        shapely.prepare(outline)
        return outline

    def contains(self, lon: float, lat: float) -> bool:
        """True when the point is inside the city (on its border counts as inside)."""
        return self.outline is None or bool(self.outline.covers(shapely.Point(lon, lat)))

    def unit_at(self, lon: float, lat: float) -> str | None:
        """The code of the deepest unit whose polygon holds the point (WGS-84), or None."""
        return str(self.locate([lon], [lat])[0]) or None

    def locate(self, lons: Sequence[float], lats: Sequence[float]) -> np.ndarray:
        """The deepest containing polygon's code for each point, or ""."""
        lon = np.asarray(lons, dtype=float)
        lat = np.asarray(lats, dtype=float)
        result = np.full(lon.shape, "", dtype=object)
        valid = np.isfinite(lon) & np.isfinite(lat)
        if not valid.any():
            return result
        index = np.flatnonzero(valid)
        points = shapely.points(lon[valid], lat[valid])
        pending = np.ones(len(index), dtype=bool)
        for codes, tree in self.levels:
            if not pending.any():
                break
            todo = np.flatnonzero(pending)
            hits = tree.query(points[todo], predicate="within")
            if hits.shape[1] == 0:
                continue
            # Shared edges can give two hits for one point; the first is kept.
            first, at = np.unique(hits[0], return_index=True)
            chosen = todo[first]
            result[index[chosen]] = codes[hits[1][at]]
            pending[chosen] = False
        return result

    def locate_one(self, lon: float, lat: float, *, datum: str = "wgs84") -> str:
        wlon, wlat = to_wgs84(lon, lat, datum)
        return str(self.locate([wlon], [wlat])[0])
