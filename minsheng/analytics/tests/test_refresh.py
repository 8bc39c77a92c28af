"""The aggregates against raw counts of the demo city's tickets."""

from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from minsheng.analytics.models import (
    DailySatisfaction,
    DailyVolume,
    Hotspot,
    HourlyVolume,
    OpenSnapshot,
)
from minsheng.analytics.refresh import refresh_all
from minsheng.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db: Any) -> None:
    call_command("load_demo", verbosity=0)


def _sums(model: type, key: str) -> dict[Any, int]:
    rows = model.objects.values(key).annotate(n=Sum("count")).order_by()  # type: ignore[attr-defined]
    return {r[key]: r["n"] for r in rows}


def test_refresh_matches_raw_counts_of_tickets_places_ratings_and_deadlines(demo: None):
    """One demo load for all the counts (loading it takes seconds)."""
    now = timezone.now()
    refresh_all(now=now)
    tickets = list(Ticket.objects.select_related("category"))
    assert sum(_sums(DailyVolume, "channel").values()) == len(tickets)
    assert _sums(DailyVolume, "channel") == dict(Counter(t.channel for t in tickets))
    assert _sums(DailyVolume, "request_type") == dict(Counter(t.request_type for t in tickets))
    assert _sums(DailyVolume, "category_id") == dict(Counter(t.category_id for t in tickets))
    assert _sums(DailyVolume, "group_id") == dict(Counter(t.category.parent_id for t in tickets))
    local = [timezone.localtime(t.received_at) for t in tickets]
    assert _sums(DailyVolume, "day") == dict(Counter(at.date() for at in local))
    assert _sums(HourlyVolume, "hour") == dict(Counter(at.hour for at in local))
    assert _sums(HourlyVolume, "weekday") == dict(Counter(at.isoweekday() for at in local))

    # each ticket is in the street above its place
    expected: Counter[int | None] = Counter()
    for t in Ticket.objects.select_related("place__parent__parent"):
        unit = t.place
        while unit is not None and unit.kind not in ("street", "township"):
            unit = unit.parent
        expected[unit.pk if unit else None] += 1
    assert _sums(DailyVolume, "street_id") == dict(expected)

    # the return visits' ratings
    ratings = Counter(e.data["satisfaction"] for e in TicketEvent.objects.filter(action="visit"))
    totals = DailySatisfaction.objects.aggregate(
        s=Sum("satisfied"), b=Sum("basically"), u=Sum("unsatisfied")
    )
    assert (totals["s"], totals["b"], totals["u"]) == (
        ratings["satisfied"],
        ratings["basically"],
        ratings["unsatisfied"],
    )
    assert sum(ratings.values()) > 100

    # open, due-soon and overdue as the ticket lists show them
    open_tickets = [t for t in Ticket.objects.all() if t.is_open]
    states = Counter(t.due_state(now) for t in open_tickets)
    totals = OpenSnapshot.objects.aggregate(o=Sum("open"), s=Sum("due_soon"), d=Sum("overdue"))
    assert (totals["o"], totals["s"], totals["d"]) == (
        len(open_tickets),
        states["due_soon"],
        states["overdue"],
    )
    assert totals["d"] > 0


def test_refresh_finds_hotspots_in_the_demo_and_the_command_rebuilds_the_same(
    demo: None, capsys: Any
):
    now = timezone.now()
    first = refresh_all(now=now)
    keys = set(Hotspot.objects.values_list("key", flat=True))
    second = refresh_all(now=now)
    assert first == second
    assert set(Hotspot.objects.values_list("key", flat=True)) == keys
    kinds = set(Hotspot.objects.values_list("kind", flat=True))
    assert kinds == {"cluster", "surge", "recurring"}
    for spot in Hotspot.objects.all():
        assert spot.members.count() == spot.size
    call_command("refresh_analytics")
    assert "热点" in capsys.readouterr().out
    assert DailyVolume.objects.aggregate(n=Sum("count"))["n"] == Ticket.objects.count()
