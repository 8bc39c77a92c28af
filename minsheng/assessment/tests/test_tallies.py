"""FactTally stays equal to a GROUP BY over the fact table, and the scores summed from it equal
the scores counted from the fact rows themselves."""

from datetime import timedelta
from typing import Any

import pytest

from conftest import at
from minsheng.assessment import formulas, scoring, tallies
from minsheng.assessment.models import FactTally, TicketFact
from minsheng.assessment.tests.conftest import PERIOD
from minsheng.tickets import workflow

pytestmark = pytest.mark.django_db


def stored() -> dict:
    return {
        (t.period, t.unit_id, t.role): {
            **{name: getattr(t, name) for name in tallies.TALLY_COUNTS},
            "pending_until": t.pending_until,
        }
        for t in FactTally.objects.all()
    }


def assert_tallies_follow_the_facts() -> None:
    counted = tallies.tally(TicketFact.objects.all())
    kept = stored()
    assert kept.keys() == counted.keys()
    for key, c in counted.items():
        for name in tallies.TALLY_COUNTS:
            assert kept[key][name] == c[name], (key, name)
        # pending_until is an upper bound: it may stay above the facts' latest deadline.
        if c["pending"]:
            assert kept[key]["pending_until"] >= c["pending_until"]


def assert_same_counts(*moments: Any) -> None:
    for roles in (formulas.roles_for("main"), formulas.roles_for("both")):
        for moment in moments:
            tallied = tallies.aggregate(PERIOD, roles=roles, as_of=moment)
            assert tallied == tallies.aggregate_facts(PERIOD, roles=roles, as_of=moment)


def test_tallies_follow_refreshes_new_events_and_exclusions(
    handled: Any,
    dispatched: Any,
    street_handler: Any,
    dispatcher: Any,
    city: Any,
) -> None:
    handled("gudong", street_handler, cohandlers=[city["water"]])
    bad = handled("gudong", street_handler, "unsatisfied", resolved=False)
    scoring.refresh_facts()
    assert_tallies_follow_the_facts()
    assert stored()[PERIOD, city["gudong"].pk, "main"]["volume"] == 3

    workflow.accept(dispatched, by=street_handler)
    workflow.reply(dispatched, by=street_handler, text="已处理。")
    scoring.refresh_facts()
    assert_tallies_follow_the_facts()

    exclusion = scoring.request_exclusion(
        bad, unit=city["gudong"], by=street_handler, reason="unreasonable", evidence="无理要求。"
    )
    scoring.decide_exclusion(exclusion, by=dispatcher, approve=True, note="核实属实")
    assert_tallies_follow_the_facts()
    main = stored()[PERIOD, city["gudong"].pk, "main"]
    assert (main["facts"], main["excluded"], main["volume"]) == (3, 1, 2)
    scoring.rebuild_facts([bad.pk])  # rebuilding keeps the exclusion and the tallies
    assert_tallies_follow_the_facts()
    assert_same_counts(at(2026, 10, 12, 9))


def test_due_counts_unreplied_tickets_only_once_their_deadline_has_passed(
    dispatched: Any, handled: Any, street_handler: Any, city: Any
) -> None:
    handled("gudong", street_handler)
    scoring.refresh_facts()
    deadline = TicketFact.objects.get(ticket=dispatched).resolve_by
    assert deadline is not None
    before, after = deadline - timedelta(minutes=1), deadline + timedelta(minutes=1)
    assert_same_counts(before, deadline, after)
    roles = formulas.roles_for("main")
    gudong = city["gudong"].pk
    assert tallies.aggregate(PERIOD, roles=roles, as_of=before)[gudong]["due"] == 1
    assert tallies.aggregate(PERIOD, roles=roles, as_of=after)[gudong]["due"] == 2


def test_rebuilding_the_tallies_counts_the_same(
    handled: Any, dispatched: Any, street_handler: Any, city: Any
) -> None:
    handled("gudong", street_handler, cohandlers=[city["water"]])
    scoring.refresh_facts()
    kept = stored()
    FactTally.objects.all().delete()
    assert scoring.rebuild_tallies(PERIOD) == len(kept)
    assert stored() == kept
