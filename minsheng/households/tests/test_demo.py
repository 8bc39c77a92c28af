"""The demo county: built once, with open cases at every step and one household followed to
risk elimination; loading again adds nothing."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from minsheng.households import demo, procedure
from minsheng.households.models import Case, Clue, Household, HouseholdStatus, Payment, Step

pytestmark = pytest.mark.django_db


def test_demo_county_follows_one_household_and_has_every_step_open() -> None:
    from minsheng.demo import builder

    builder.load_reference()
    now = datetime(2026, 11, 16, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    lines: list[str] = []
    demo.load(now=now, log=lines.append)
    households = Household.objects.count()
    assert 250 <= households <= 400
    eliminated = Household.objects.get(status=HouseholdStatus.ELIMINATED)
    first = eliminated.clues.order_by("received_at").first()
    assert first.feed == "medical"
    assert first.source == Clue.Source.FEED
    assert Payment.objects.filter(household=eliminated, fund="green").exists()
    assert eliminated.cases.filter(kind=procedure.ELIMINATE, state=Case.State.APPROVED).exists()
    open_kinds = set(Step.objects.filter(done_at__isnull=True).values_list("kind", flat=True))
    assert open_kinds == set(procedure.STEPS)
    answered = Step.objects.filter(done_at__isnull=False, ticket__status="replied").count()
    assert answered > 0  # the demo accounts sign for and answer the steps' tickets
    assert Clue.objects.filter(flagged=False).exists()
    assert Case.objects.filter(state=Case.State.REFUSED).exists()
    demo.load(now=now, log=lines.append)
    assert Household.objects.count() == households
