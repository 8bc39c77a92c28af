"""The resident record: the one place a resident's phone and name are written."""

from django.utils import timezone

from minsheng.citizens.models import Resident
from minsheng.lib import rows

# Plain SQL: this runs once for every request filed, on every channel.
_COLUMNS = rows.columns(Resident)
_FIND = f'SELECT {_COLUMNS} FROM "citizens_resident" WHERE "phone" = %s'  # noqa: S608
_ADD = (
    'INSERT INTO "citizens_resident" ("phone", "name", "created_at") VALUES (%s, %s, %s) '  # noqa: S608
    f'ON CONFLICT ("phone") DO NOTHING RETURNING {_COLUMNS}'
)


def remember(*, phone: str, name: str = "") -> Resident:
    """The resident with this (normalised) phone, created on first contact; name kept current.

    A repeat caller is one read and takes no lock; a new one is one insert (no savepoint, so it
    fits inside any channel's transaction). Two first calls at once: the loser reads the winner's.
    """
    for query, params in (
        (_FIND, [phone]),
        (_ADD, [phone, name, timezone.now()]),
        (_FIND, [phone]),
    ):
        resident = rows.fetch(Resident, query, params)
        if resident is not None:
            break
    assert resident is not None  # the last read finds the row, whoever inserted it
    if name and resident.name != name:
        resident.name = name
        resident.save(update_fields=["name"])
    return resident
