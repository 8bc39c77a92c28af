"""Load the dispatch catalogue (派单目录) from data/categories.csv, idempotently.

Groups and leaves are matched by code; request types are written in Chinese in the file and stored
as RequestType codes; `handler` becomes the dispatcher's hint.
"""

import csv
from pathlib import Path

from django.db import transaction
from django.utils.functional import Promise

from minsheng.lib.extensions import CategorySpec
from minsheng.sla.models import DeadlinePolicy
from minsheng.taxonomy.models import Category, RequestType

DATA = Path(__file__).resolve().parent / "data"
# 咨询 -> consult, …
REQUEST_TYPES: dict[str | Promise, str] = {rt.label: rt.value for rt in RequestType}


def request_types(words: str) -> list[str]:
    """`投诉|举报` -> ["complaint", "report"]; an unknown word is an error in the file."""
    codes = []
    for word in filter(None, (w.strip() for w in words.split("|"))):
        if word not in REQUEST_TYPES:
            raise ValueError(f"unknown request type {word!r}, expected one of {set(REQUEST_TYPES)}")
        codes.append(REQUEST_TYPES[word])
    return codes


@transaction.atomic
def load_categories(path: Path = DATA / "categories.csv") -> dict[str, int]:
    """Groups and leaves of the catalogue, in file order; returns how many of each."""
    policies = {p.code: p for p in DeadlinePolicy.objects.all()}
    groups: dict[str, Category] = {}
    leaves = 0
    with path.open(encoding="utf-8", newline="") as fh:
        for order, row in enumerate(csv.DictReader(fh), start=1):
            group_code = row["group_code"].strip()
            if group_code not in groups:
                groups[group_code], _ = Category.objects.update_or_create(
                    code=group_code,
                    defaults={
                        "name": row["group_name"].strip(),
                        "parent": None,
                        "sort_order": len(groups) + 1,
                    },
                )
            policy_code = row["policy"].strip()
            if policy_code not in policies:
                raise ValueError(f"{row['code']}: unknown deadline policy {policy_code!r}")
            Category.objects.update_or_create(
                code=row["code"].strip(),
                defaults={
                    "name": row["name"].strip(),
                    "parent": groups[group_code],
                    "policy": policies[policy_code],
                    "request_types": request_types(row["request_types"]),
                    "handler_hint": row["handler"].strip(),
                    "keywords": row["keywords"].strip(),
                    "description": row["description"].strip(),
                    "sort_order": order,
                },
            )
            leaves += 1
    return {"groups": len(groups), "leaves": leaves}


def ensure(spec: CategorySpec) -> Category:
    """The catalogue item a programme declared (lib.extensions.CategorySpec), made if missing,
    in the caller's transaction; an administrator's later edits to it are kept."""
    leaf = Category.objects.filter(code=spec.code).first()
    if leaf is not None:
        return leaf
    group, _ = Category.objects.get_or_create(
        code=spec.group_code,
        defaults={"name": spec.group_name, "parent": None, "sort_order": 900},
    )
    leaf, _ = Category.objects.get_or_create(
        code=spec.code,
        defaults={
            "name": spec.name,
            "parent": group,
            "policy": DeadlinePolicy.objects.get(code=spec.policy),
            "request_types": list(spec.request_types),
            "handler_hint": spec.handler_hint,
            "keywords": spec.keywords,
            "description": spec.description,
            "sort_order": 900,
        },
    )
    return leaf
