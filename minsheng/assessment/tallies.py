"""Tallies (FactTally): the fact table's counts per period, unit and role, kept equal to a
GROUP BY over TicketFact by every change to the facts, so a month's scores sum a few rows per unit
instead of every fact row. `scoring` writes through `retallied`; `aggregate` reads.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, cast

from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet, Sum

from minsheng.assessment import formulas
from minsheng.assessment.models import FactCursor, FactTally, TicketFact


def lock_facts() -> FactCursor:
    """Take the fact table for this transaction: whoever changes facts or tallies (the refresh,
    an exclusion, a computation) holds the cursor row first, so they run one at a time."""
    cursor, _ = FactCursor.objects.select_for_update().get_or_create(pk=1)
    return cursor


TALLY_COUNTS = (
    "facts", "excluded", "dispatched", "returned", "volume", "replied", "responded",
    "accepted_24h", "on_time", "rated", "resolved", "satisfied", "basically", "no_rating",
    "reopened", "extended", "pending",
)  # fmt: skip
_TALLY_FLAGS = {
    "replied": "replied",
    "responded": "responded",
    "accepted_24h": "accepted_24h",
    "on_time": "replied_on_time",
    "rated": "rated",
    "resolved": "resolved",
    "satisfied": "satisfied",
    "basically": "basically",
    "no_rating": "no_rating",
    "reopened": "reopened",
    "extended": "extended",
}
TallyKey = tuple[str, int, str]  # period, unit id, role


def tally(facts: QuerySet[TicketFact]) -> dict[TallyKey, dict[str, Any]]:
    """The tally of these fact rows: one GROUP BY period, unit and role."""
    live = Q(excluded=False)
    held = live & Q(held=True)
    pending = held & Q(replied=False, resolve_by__isnull=False)
    measures: dict[str, Any] = {
        "n_facts": Count("pk"),
        "n_excluded": Count("pk", filter=Q(excluded=True)),
        "n_dispatched": Count("pk", filter=live),
        "n_returned": Count("pk", filter=live & Q(returned=True)),
        "n_volume": Count("pk", filter=held),
        "n_pending": Count("pk", filter=pending),
        "n_pending_until": Max("resolve_by", filter=pending),
    }
    for name, column in _TALLY_FLAGS.items():
        measures[f"n_{name}"] = Count("pk", filter=held & Q(**{column: True}))
    # Measures passed as **kwargs are invisible to the stubs' row type: the rows are plain dicts.
    rows = cast(
        "QuerySet[Any, dict[str, Any]]",
        facts.values("period", "unit_id", "role").annotate(**measures).order_by(),
    )
    return {
        (r.pop("period"), r.pop("unit_id"), r.pop("role")): {k[2:]: v for k, v in r.items()}
        for r in rows
    }


@contextmanager
def retallied(ticket_ids: list[int]) -> Iterator[None]:
    """Keep FactTally equal to the fact table across a change to these tickets' facts: their
    rows' tally is subtracted before the change and added after. The caller holds lock_facts."""
    facts = TicketFact.objects.filter(ticket_id__in=ticket_ids)
    before = tally(facts)
    yield
    after = tally(facts)
    keys = before.keys() | after.keys()
    if not keys:
        return
    existing = {
        (t.period, t.unit_id, t.role): t
        for t in FactTally.objects.select_for_update().filter(
            period__in={k[0] for k in keys}, unit_id__in={k[1] for k in keys}
        )
    }
    new: list[FactTally]
    changed, new, gone = [], [], []
    for key in keys:
        old, now = before.get(key, {}), after.get(key, {})
        t = existing.get(key) or FactTally(period=key[0], unit_id=key[1], role=key[2])
        for name in TALLY_COUNTS:
            setattr(t, name, getattr(t, name) + now.get(name, 0) - old.get(name, 0))
        until = [d for d in (t.pending_until, now.get("pending_until")) if d is not None]
        t.pending_until = max(until) if until else None
        if t.pk is None:
            if t.facts:
                new.append(t)
        elif t.facts:
            changed.append(t)
        else:
            gone.append(t.pk)
    FactTally.objects.bulk_update(changed, [*TALLY_COUNTS, "pending_until"], batch_size=500)
    FactTally.objects.bulk_create(new, batch_size=500)
    FactTally.objects.filter(pk__in=gone).delete()


@transaction.atomic
def rebuild_tallies(period: str | None = None) -> int:
    """Count the tallies afresh from the fact table (all months, or one); returns the rows.
    For facts written around `rebuild_facts` (a bulk load) and as a repair."""
    lock_facts()
    facts = TicketFact.objects.all()
    tallies = FactTally.objects.all()
    if period is not None:
        facts, tallies = facts.filter(period=period), tallies.filter(period=period)
    tallies.delete()
    rows = [FactTally(period=p, unit_id=u, role=r, **c) for (p, u, r), c in tally(facts).items()]
    FactTally.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def aggregate(period: str, *, roles: Iterable[str], as_of: datetime) -> dict[int, dict[str, int]]:
    """Every unit's counts for the period, summed from its tallies.

    `due` (replied, or `resolve_by` passed at `as_of`) is the only count that depends on the
    moment: a unit's pending facts are all due when `as_of` is past its `pending_until`;
    otherwise those of its facts still waiting for a reply are counted in the fact table.
    """
    roles = list(roles)
    sums: dict[str, Any] = {f"n_{name}": Sum(name) for name in TALLY_COUNTS}
    rows = (
        cast(
            "QuerySet[Any, dict[str, Any]]",  # as in `tally`
            FactTally.objects.filter(period=period, role__in=roles)
            .values("unit_id")
            .annotate(**sums, n_until=Max("pending_until")),
        )
        .filter(n_facts__gt=0)
        .order_by()
    )
    out: dict[int, dict[str, int]] = {}
    unsure = []
    for r in rows:
        unit_id, until = r.pop("unit_id"), r.pop("n_until")
        c = {k[2:]: v for k, v in r.items()}
        c["due"] = c["replied"] + c["pending"]
        if c["pending"] and until is not None and until >= as_of:
            unsure.append(unit_id)
        out[unit_id] = c
    if unsure:
        late = dict.fromkeys(unsure, 0)
        waiting = Q(held=True, excluded=False, replied=False, resolve_by__lt=as_of)
        late.update(
            TicketFact.objects.filter(waiting, period=period, unit_id__in=unsure, role__in=roles)
            .values_list("unit_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for unit_id, n in late.items():
            out[unit_id]["due"] = out[unit_id]["replied"] + n
    return {unit_id: {name: c[name] for name in formulas.COUNTS} for unit_id, c in out.items()}


def aggregate_facts(
    period: str, *, roles: Iterable[str], as_of: datetime
) -> dict[int, dict[str, int]]:
    """Every unit's counts for the period in one GROUP BY over the fact rows themselves: what
    `aggregate` must equal (tests and the benchmark check it); slow at city scale."""
    live = Q(excluded=False)
    held = live & Q(held=True)
    flag = {
        "responded": "responded",
        "accepted_24h": "accepted_24h",
        "on_time": "replied_on_time",
        "rated": "rated",
        "resolved": "resolved",
        "satisfied": "satisfied",
        "basically": "basically",
        "no_rating": "no_rating",
        "reopened": "reopened",
        "extended": "extended",
    }
    measures = {
        "n_excluded": Count("pk", filter=Q(excluded=True)),
        "n_dispatched": Count("pk", filter=live),
        "n_returned": Count("pk", filter=live & Q(returned=True)),
        "n_volume": Count("pk", filter=held),
        "n_due": Count("pk", filter=held & (Q(replied=True) | Q(resolve_by__lt=as_of))),
    }
    for name, column in flag.items():
        measures[f"n_{name}"] = Count("pk", filter=held & Q(**{column: True}))
    rows = cast(
        "QuerySet[Any, dict[str, Any]]",  # as in `tally`
        TicketFact.objects.filter(period=period, role__in=list(roles))
        .values("unit_id")
        .annotate(**measures)
        .order_by(),
    )
    return {r.pop("unit_id"): {k[2:]: v for k, v in r.items()} for r in rows}
