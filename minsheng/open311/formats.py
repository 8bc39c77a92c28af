"""Rendering of GeoReport v2 replies as JSON or XML, and its error lists. Pure: no database.

The XML follows the spec's examples: a root element, one child per list item named for the
list (services → service), empty elements for missing values, booleans as true/false.
"""

import json
import re
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

FORMATS = ("json", "xml")
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
BEIJING = ZoneInfo("Asia/Shanghai")
# The child element of each list, as the spec's XML examples name them.
ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_requests": "request",
    "errors": "error",
    "notes": "note",
}
# Characters XML 1.0 cannot carry at all; a resident's text may contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Open311Error(Exception):
    """A request the spec answers with an error list: HTTP status and (code, description) pairs."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(f"{status}: {'; '.join(descriptions)}")
        self.http_status = status
        self.errors = [(status, d) for d in descriptions]


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in Beijing time with its offset, to the second: 2026-11-27T09:30:00+08:00."""
    if value is None:
        return None
    return value.astimezone(BEIJING).isoformat(timespec="seconds")


def render(value: Any, fmt: str, *, root: str) -> bytes:
    """The reply body in `fmt`; `root` names the XML root element (JSON has none)."""
    if fmt == "json":
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    element = _element(root, value)
    body = ET.tostring(element, encoding="unicode", short_empty_elements=True)
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'.encode()


def render_errors(errors: list[tuple[int, str]], fmt: str) -> bytes:
    """The spec's error list: [{code, description}] or <errors><error>…</error></errors>."""
    items = [{"code": code, "description": description} for code, description in errors]
    return render(items, fmt, root="errors")


def _element(tag: str, value: Any) -> ET.Element:
    element = ET.Element(tag)
    if isinstance(value, dict):
        for key, child in value.items():
            element.append(_element(key, child))
    elif isinstance(value, list | tuple):
        item_tag = ITEM_TAGS.get(tag, "item")
        for child in value:
            element.append(_element(item_tag, child))
    elif value is not None:
        element.text = _text(value)
    return element


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return _NOT_XML.sub("", str(value))
