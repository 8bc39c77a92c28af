"""Category pickers for staff forms: the catalogue's active leaves under their groups."""

from collections.abc import Iterable
from typing import Any

from minsheng.taxonomy.models import Category

Choices = list[tuple[Any, Any]]


def leaf_choices(categories: Iterable[Category]) -> Choices:
    """Active leaves of the catalogue grouped under their first-level group."""
    groups: dict[int, tuple[str, Choices]] = {}
    for leaf in categories:
        if leaf.parent is None:
            continue
        groups.setdefault(leaf.parent.pk, (leaf.parent.name, []))[1].append(
            (str(leaf.pk), leaf.name)
        )
    return [(name, options) for name, options in groups.values()]


def catalogue_leaves() -> list[Category]:
    return list(
        Category.objects.filter(parent__isnull=False, is_active=True)
        .select_related("parent")
        .order_by("parent__sort_order", "parent__code", "sort_order", "code")
    )
