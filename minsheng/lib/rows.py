"""Single-row reads and inserts for the intake's hot path, without the ORM's query building.

On a busy channel every request stores a ticket, its first event and an idempotency record;
building those statements through the queryset machinery cost more CPU than PostgreSQL spent
running them (docs/api.md, "Throughput"). Here the INSERT of each model is built once per
process from its fields, and values are prepared by the fields themselves exactly as
`Model.save()` would (defaults, `auto_now_add`, JSON, time zones), so the stored row is the
same. No signals are sent: use this only for models that have no receivers.
"""

from functools import cache
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)


def insert(obj: Model) -> None:
    """Store a new `obj` (of a model with an automatic id) as `obj.save()` would, in one
    INSERT … RETURNING, and set its pk."""
    sql, fields = _insert_statement(type(obj), connection.vendor)
    values = [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        (obj.pk,) = cursor.fetchone()
    obj._state.adding = False
    obj._state.db = connection.alias


def fetch(model: type[M], sql: str, params: list[Any]) -> M | None:
    """The first row of `sql` (which selects all of `model`'s columns, in field order)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    names, converters = _reading(model, connection.vendor)
    values = list(row)
    for i, chain in converters:
        for convert, expression in chain:
            values[i] = convert(values[i], expression, connection)
    return model.from_db(connection.alias, names, values)


def columns(model: type[Model]) -> str:
    """The quoted column list `fetch` expects, for writing its SELECT."""
    return ", ".join(f'"{f.column}"' for f in model._meta.concrete_fields)


@cache
def _insert_statement(model: type[Model], vendor: str) -> tuple[str, list[Field[Any, Any]]]:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    pk = connection.ops.quote_name(model._meta.pk.column)
    table = connection.ops.quote_name(model._meta.db_table)
    # Names come from the model's own meta, values are parameters.
    statement = f"INSERT INTO {table} ({names}) VALUES ({placeholders}) RETURNING {pk}"  # noqa: S608
    return statement, fields


@cache
def _reading(model: type[Model], vendor: str) -> tuple[list[str], list[tuple[int, Any]]]:
    """Attribute names, and the converters the ORM would apply to each column (SQLite hands
    datetimes and JSON over as text)."""
    fields = model._meta.concrete_fields
    converters = []
    for i, field in enumerate(fields):
        col = field.get_col(model._meta.db_table)
        chain = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
        if chain:
            converters.append((i, [(convert, col) for convert in chain]))
    return [f.attname for f in fields], converters
