"""The resident record: the one place a resident's phone and name are written."""

from collections.abc import Iterable

from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.citizens.models import Resident, Reveal
from minsheng.lib import rows

# Plain SQL: this runs once for every request filed, on every channel.
_COLUMNS = rows.columns(Resident)


def remember(*, phone: str, name: str = "") -> Resident:
    """The resident with this (normalised) phone, created on first contact; name kept current."""
    return remember_many([(phone, name)])[phone]


def remember_many(callers: Iterable[tuple[str, str]]) -> dict[str, Resident]:
    """The residents with these (normalised phone, name) pairs by phone, as `remember`.

    Known callers are one read and take no lock; new ones one insert more (no savepoint, so it
    fits inside any channel's transaction). Two first calls at once: the loser reads the winner's.
    """
    names: dict[str, str] = {}
    for phone, name in callers:
        names[phone] = name or names.get(phone, "")
    if not names:
        return {}
    found = _find(list(names))
    missing = sorted(p for p in names if p not in found)  # one order: no deadlocks
    if missing:
        now = timezone.now()
        values = [v for p in missing for v in (p, names[p], now)]
        added = rows.fetch_all(
            Resident,
            'INSERT INTO "citizens_resident" ("phone", "name", "created_at") '  # noqa: S608
            f"VALUES {', '.join(['(%s, %s, %s)'] * len(missing))} "
            f'ON CONFLICT ("phone") DO NOTHING RETURNING {_COLUMNS}',
            values,
        )
        found.update({r.phone: r for r in added})
        if len(found) < len(names):  # inserted meanwhile by another transaction
            found.update(_find([p for p in names if p not in found]))
    for phone, name in names.items():
        resident = found[phone]
        if name and resident.name != name:
            resident.name = name
            resident.save(update_fields=["name"])
    return found


def _find(phones: list[str]) -> dict[str, Resident]:
    where = f'"phone" IN ({rows.placeholders(len(phones))})'
    sql = f'SELECT {_COLUMNS} FROM "citizens_resident" WHERE {where}'  # noqa: S608
    return {r.phone: r for r in rows.fetch_all(Resident, sql, phones)}


def record_reveal(*, user: User, kind: str, subject: str, reason: str = "") -> Reveal:
    """Record that `user` saw `kind` of `subject` in full; in the caller's transaction, so the
    record exists exactly when the data was shown."""
    return Reveal.objects.create(
        user=user, kind=kind, subject=subject[:120], reason=reason[:200], at=timezone.now()
    )
