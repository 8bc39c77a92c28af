"""Load the demo city's units from data/fuzhou.json and data/departments.csv, idempotently.

Every unit is matched by its code (update_or_create), so loading again updates names, parents and
boundaries in place and creates nothing new.
"""

import csv
import json
from pathlib import Path
from typing import Any

from django.db import transaction

from minsheng.orgs.models import Unit

DATA = Path(__file__).resolve().parent / "data"
CENTRE_CODE = "FZ-12345"
CENTRE_NAME = "福州市12345市民服务热线中心"


def _put(code: str, name: str, kind: str, parent: Unit | None, node: dict[str, Any]) -> Unit:
    centroid = node.get("centroid") or (None, None)
    unit, _ = Unit.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "kind": kind,
            "parent": parent,
            "boundary": node.get("boundary"),
            "lon": centroid[0],
            "lat": centroid[1],
        },
    )
    return unit


@transaction.atomic
def load_city(path: Path = DATA / "fuzhou.json") -> dict[str, int]:
    """The city, its 12345 centre, districts, streets/townships, communities/villages, grids."""
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    counts = dict.fromkeys(("district", "street", "community", "grid"), 0)
    city = _put(data["city"]["code"], data["city"]["name"], Unit.Kind.CITY, None, {})
    _put(CENTRE_CODE, CENTRE_NAME, Unit.Kind.CENTRE, city, {})
    for d in data["districts"]:
        district = _put(d["code"], d["name"], Unit.Kind.DISTRICT, city, d)
        counts["district"] += 1
        for s in d["streets"]:
            township = s.get("kind") == Unit.Kind.TOWNSHIP
            street_kind = Unit.Kind.TOWNSHIP if township else Unit.Kind.STREET
            street = _put(s["code"], s["name"], street_kind, district, s)
            counts["street"] += 1
            for c in s["communities"]:
                kind = Unit.Kind.VILLAGE if township else Unit.Kind.COMMUNITY
                community = _put(c["code"], c["name"], kind, street, c)
                counts["community"] += 1
                for g in c.get("grids", []):
                    _put(g["code"], g["name"], Unit.Kind.GRID, community, g)
                    counts["grid"] += 1
    return counts


@transaction.atomic
def load_departments(path: Path = DATA / "departments.csv", *, city_code: str = "3501") -> int:
    """Functional departments and public-service enterprises, all directly under the city.

    District-level departments stay under the city too: they are dispatch targets in their own
    right, and putting them under a district would let that district's staff see their work.
    """
    city = Unit.objects.get(code=city_code)
    kinds = {Unit.Kind.DEPARTMENT.value, Unit.Kind.ENTERPRISE.value}
    count = 0
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            kind = row["kind"].strip()
            if kind not in kinds:
                raise ValueError(f"{path.name}: unknown kind {kind!r} for {row['code']}")
            _put(row["code"].strip(), row["name"].strip(), kind, city, {})
            count += 1
    return count
