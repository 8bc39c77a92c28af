"""Reads and inserts for the intake's hot path, without the ORM's query building.

On a busy channel every request stores a ticket, its first event and an idempotency record
(several requests' rows at once when they are written together, `lib.groupcommit`);
building those statements through the queryset machinery cost more CPU than PostgreSQL spent
running them (docs/api.md, "Throughput"). Here the INSERT of each model is built once per
process from its fields, and values are prepared by the fields themselves exactly as
`Model.save()` would (defaults, `auto_now_add`, JSON, time zones), or passed as they are where
the field would return them unchanged (`_AS_IS`), so the stored row is the same. No signals
are sent: use this only for models that have no receivers.
"""

from collections.abc import Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models import Field, ForeignObjectRel, Model, signals

M = TypeVar("M", bound=Model)

# Fields whose preparation returns a value of this exact type unchanged (CharField.to_python,
# IntegerField's int(), …): such values go to the driver as they are. Any other value, and
# every other field (dates, JSON, subclasses with their own prep), goes through the field.
_AS_IS: dict[type[Field[Any, Any]], type] = {
    models.CharField: str,
    models.TextField: str,
    models.IntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.SmallIntegerField: int,
    models.BigIntegerField: int,
    models.BooleanField: bool,
}


def insert(obj: Model) -> None:
    """Store a new `obj` (of a model with an automatic id) as `obj.save()` would, in one
    INSERT … RETURNING, and set its pk."""
    insert_many([obj])


def insert_many(objs: Sequence[Model], *, match: Sequence[str] = ()) -> None:
    """Store new objects of one model with multi-row INSERTs … RETURNING and set their pks.

    Neither database promises the order of RETURNING rows, so each row is matched to its object
    by `match`, fields (attnames) unique among `objs`, which several objects require. Rows go
    in as many statements as the database's parameter limit needs.
    """
    if len(objs) > 1 and not match:
        raise ValueError("several objects need `match`: fields that tell their rows apart")
    if not objs:
        return
    _refuse_receivers(type(objs[0]))
    fields = _insert_statement(type(objs[0]), connection.vendor, 1, ())[1]
    size = max(
        1,
        min(
            connection.ops.bulk_batch_size([f for f, _ in fields], objs),
            _MAX_PARAMETERS // len(fields),
        ),
    )
    for start in range(0, len(objs), size):
        _insert(objs[start : start + size], tuple(match))


def _refuse_receivers(model: type[Model]) -> None:
    """Plain SQL sends no signals: a model that someone listens to must be saved by the ORM."""
    for signal in (signals.pre_save, signals.post_save):
        if signal.has_listeners(model):
            raise TypeError(f"{model.__name__} has {signal} receivers: save it with the ORM")


_MAX_PARAMETERS = 65535  # PostgreSQL's limit per statement; SQLite's is lower (bulk_batch_size)


def _insert(objs: Sequence[Model], match: tuple[str, ...]) -> None:
    sql, fields = _insert_statement(type(objs[0]), connection.vendor, len(objs), match)
    values: list[Any] = []
    for obj in objs:
        for field, as_is in fields:
            if as_is is not None:
                value = getattr(obj, field.attname)
                if value is None or type(value) is as_is:
                    values.append(value)
                    continue
            values.append(field.get_db_prep_save(field.pre_save(obj, add=True), connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        returned = cursor.fetchall()
    by_match = {tuple(getattr(o, name) for name in match): o for o in objs}
    if len(by_match) != len(objs) or len(returned) != len(objs):
        raise ValueError(f"the {len(objs)} rows cannot be told apart by {match}")
    for pk, *key in returned:
        obj = by_match[tuple(key)] if match else objs[0]
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


def fetch(model: type[M], sql: str, params: Sequence[Any]) -> M | None:
    """The first row of `sql` (which selects all of `model`'s columns, in field order)."""
    found = fetch_all(model, sql, params)
    return found[0] if found else None


def fetch_all(model: type[M], sql: str, params: Sequence[Any]) -> list[M]:
    """The rows of `sql` (all of `model`'s columns, in field order) as instances."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    names, converters = _reading(model, connection.vendor)
    objs = []
    for row in found:
        values = list(row)
        for i, chain in converters:
            for convert, expression in chain:
                values[i] = convert(values[i], expression, connection)
        objs.append(model.from_db(connection.alias, names, values))
    return objs


def placeholders(count: int) -> str:
    """`%s, %s, …` for an IN list of `count` parameters."""
    return ", ".join(["%s"] * count)


def columns(model: type[Model]) -> str:
    """The quoted column list `fetch` expects, for writing its SELECT."""
    return ", ".join(f'"{f.column}"' for f in model._meta.concrete_fields)


Prepared = list[tuple[Field[Any, Any], type | None]]


@cache
def _insert_statement(
    model: type[Model], vendor: str, count: int, match: tuple[str, ...]
) -> tuple[str, Prepared]:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = ", ".join(_quoted(f) for f in fields)
    tuples = ", ".join([f"({placeholders(len(fields))})"] * count)
    returning = [model._meta.pk] + [model._meta.get_field(name) for name in match]
    returned = ", ".join(_quoted(f) for f in returning)
    table = connection.ops.quote_name(model._meta.db_table)
    # Names come from the model's own meta, values are parameters.
    statement = f"INSERT INTO {table} ({names}) VALUES {tuples} RETURNING {returned}"  # noqa: S608
    return statement, [(f, _as_is(f)) for f in fields]


def _quoted(field: Field[Any, Any] | ForeignObjectRel) -> str:
    """A concrete field's column, quoted."""
    assert isinstance(field, Field), f"{field} is not a concrete field"
    assert field.column, f"{field} has no column"
    return connection.ops.quote_name(field.column)


def _as_is(field: Field[Any, Any]) -> type | None:
    """The value type that needs no preparation for this field, if there is one."""
    if isinstance(field, models.ForeignKey):
        target = field.target_field
        return int if type(target) in (models.AutoField, models.BigAutoField) else None
    return _AS_IS.get(type(field))


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
