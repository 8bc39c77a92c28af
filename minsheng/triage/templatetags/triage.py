"""Small filters for the triage templates."""

from django import template

from minsheng.orgs.models import Unit
from minsheng.taxonomy.models import RequestType

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """0.8734 → "87%"; blank for no value."""
    if value is None or value == "":
        return ""
    return f"{round(float(value) * 100)}%"


@register.filter
def request_type_label(code: str) -> str:
    try:
        return str(RequestType(code).label)
    except ValueError:
        return code


@register.filter
def unit_chain_pks(unit: Unit) -> str:
    """The unit's pk, then its parents' up to the district: the place select may lack some."""
    pks = []
    current: Unit | None = unit
    while current is not None and current.kind != Unit.Kind.CITY:
        pks.append(str(current.pk))
        current = current.parent
    return " ".join(pks)
