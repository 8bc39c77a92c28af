"""Where a tapped point lies: point-in-polygon over the units' boundaries (GeoJSON, WGS-84).

Pure: works on `Area` snapshots built from `Unit.boundary`, tested without a database.
"""

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

# From the outside in; a point is "in the city" when one of these contains it.
KINDS = ("district", "street", "township", "community", "village")
OUTLINED = ("district", "street", "township")  # drawn on the map; communities would clutter it
_SPACE_BY_CJK = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef]) | (?=[\u3000-\u9fff\uff00-\uffef])")


class OutsideError(ValueError):
    """The point is not in the area the platform serves; the message is for the resident."""


@dataclass(frozen=True)
class Area:
    pk: int
    name: str
    kind: str
    depth: int  # the unit's depth in the tree: a community is deeper than its street
    geometry: BaseGeometry


def area(pk: int, name: str, kind: str, path: str, boundary: dict[str, Any] | None) -> Area | None:
    """An Area from a unit's fields, or None when its boundary is not a usable polygon."""
    try:
        geometry = shape(boundary)
    except (ValueError, TypeError, AttributeError, KeyError, IndexError):
        return None
    if geometry.is_empty or geometry.geom_type not in ("Polygon", "MultiPolygon"):
        return None
    if not geometry.is_valid:
        geometry = geometry.buffer(0)
    return Area(pk, name, kind, path.count("/"), geometry)


def locate(lon: float, lat: float, areas: Iterable[Area]) -> list[Area]:
    """The areas containing the point, outermost first; OutsideError when there are none."""
    if not (math.isfinite(lon) and math.isfinite(lat)) or abs(lon) > 180 or abs(lat) > 90:
        raise OutsideError("坐标不正确，请在地图上重新选择位置。")
    point = Point(lon, lat)
    found = [a for a in areas if a.geometry.covers(point)]
    if not found:
        raise OutsideError("所选位置不在本市受理范围内，请在地图上重新选择，或直接填写地址。")
    return sorted(found, key=lambda a: a.depth)


def outline(areas: Iterable[Area], *, precision: int = 5) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the areas' outlines, for the map's background."""
    features = []
    for a in areas:
        if a.kind not in OUTLINED:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {"name": a.name, "kind": a.kind},
                "geometry": _rounded(a.geometry.__geo_interface__, precision),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _rounded(geometry: Any, precision: int) -> Any:
    if isinstance(geometry, dict):
        return {key: _rounded(value, precision) for key, value in geometry.items()}
    if isinstance(geometry, list | tuple):
        return [_rounded(value, precision) for value in geometry]
    if isinstance(geometry, float):
        return round(geometry, precision)
    return geometry


def normalise_address(text: str) -> str:
    """One spelling per address, so the daily limit counts it once: NFKC, single spaces, and no
    spaces next to Chinese characters ("鼓楼区 东街 88 号" → "鼓楼区东街88号")."""
    text = " ".join(unicodedata.normalize("NFKC", text or "").split())
    return _SPACE_BY_CJK.sub("", text).strip(" ,.;，。；")
