"""Form fields that several apps share."""

from django import forms
from django.utils.translation import gettext_lazy as _


def longitude_field() -> forms.FloatField:
    """An optional longitude in degrees, with Chinese messages."""
    return forms.FloatField(
        label=_("经度"),
        required=False,
        min_value=-180,
        max_value=180,
        error_messages={
            "invalid": _("经度须是数字。"),
            "min_value": _("经度须在 -180 到 180 之间。"),
            "max_value": _("经度须在 -180 到 180 之间。"),
        },
    )


def latitude_field() -> forms.FloatField:
    """An optional latitude in degrees, with Chinese messages."""
    return forms.FloatField(
        label=_("纬度"),
        required=False,
        min_value=-90,
        max_value=90,
        error_messages={
            "invalid": _("纬度须是数字。"),
            "min_value": _("纬度须在 -90 到 90 之间。"),
            "max_value": _("纬度须在 -90 到 90 之间。"),
        },
    )


# The largest primary key a database stores (bigint); a longer number in a URL is no row.
MAX_ROW_ID = 2**63 - 1


def row_id(raw: str | None) -> int | None:
    """A row id typed into a query string or form, or None when it cannot be one."""
    if not raw or not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ROW_ID else None
