"""The resident record: the one place a resident's phone and name are written."""

from django.utils import timezone

from minsheng.citizens.models import Resident

# Plain SQL: this runs once for every request filed, on every channel.
_FIND = 'SELECT "id", "phone", "name", "created_at" FROM "citizens_resident" WHERE "phone" = %s'
_ADD = (
    'INSERT INTO "citizens_resident" ("phone", "name", "created_at") VALUES (%s, %s, %s) '
    'ON CONFLICT ("phone") DO NOTHING RETURNING "id", "phone", "name", "created_at"'
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
        found = list(Resident.objects.raw(query, params))
        if found:
            break
    (resident,) = found
    if name and resident.name != name:
        resident.name = name
        resident.save(update_fields=["name"])
    return resident
