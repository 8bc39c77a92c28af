"""How an indicator is shown: a percentage (or count) linking to the tickets behind it."""

from typing import Any

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def indicator_cell(cell: dict[str, Any]) -> str:
    if "count" in cell:
        text = str(cell["count"])
        title = ""
    else:
        rate = cell["rate"]
        text = "—" if rate is None else f"{rate * 100:.1f}%"
        title = f"{cell['num']}/{cell['den']}"
    if not cell["url"]:
        return format_html('<span title="{}">{}</span>', title, text)
    return format_html('<a href="{}" title="{}">{}</a>', cell["url"], title, text)
