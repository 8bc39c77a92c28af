"""Load Open311 service attributes from data/attributes.json, idempotently (matched by code)."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from minsheng.open311.models import ServiceAttribute
from minsheng.taxonomy.models import Category

DATA = Path(__file__).resolve().parent / "data" / "attributes.json"
FIELDS = ("datatype", "required", "variable", "description", "datatype_description", "order")


@transaction.atomic
def load_attributes(path: Path = DATA) -> int:
    """Create or update each listed attribute of a catalogue leaf that exists; returns the count."""
    with path.open(encoding="utf-8") as fh:
        rows = json.load(fh)["attributes"]
    leaves = {c.code: c for c in Category.objects.filter(parent__isnull=False)}
    count = 0
    for row in rows:
        category = leaves.get(row["category"])
        if category is None:
            continue
        attribute = ServiceAttribute.objects.filter(category=category, code=row["code"]).first()
        attribute = attribute or ServiceAttribute(category=category, code=row["code"])
        for name in FIELDS:
            if name in row:
                setattr(attribute, name, row[name])
        attribute.values = row.get("values", [])
        try:
            attribute.full_clean()
        except ValidationError as error:
            raise ValueError(f"{path.name}: {row['category']}/{row['code']}: {error}") from error
        attribute.save()
        count += 1
    return count
