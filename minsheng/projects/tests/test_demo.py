"""The programme's demo on the demo city: a list with a project in every state, a finished
campaign with fixed, open and refused hazards; loading twice changes nothing. (Smaller than the
real demo's 1,200 households so that the test stays short; the code path is the same.)"""

from typing import Any

import pytest
from django.utils import timezone

from minsheng.demo import builder
from minsheng.projects import demo, queries
from minsheng.projects.models import Campaign, Hazard, Milestone, Project, ProjectList
from minsheng.tickets.models import Status

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_state_and_a_finished_campaign(monkeypatch: Any) -> None:
    monkeypatch.setattr(demo, "HOUSEHOLDS", 60)
    monkeypatch.setattr(demo, "HAZARD_HOUSEHOLDS", 20)
    now = timezone.now()
    builder.build(history=False, now=now, log=lambda line: None)
    demo.load(now=now, log=lambda line: None, password="x")
    demo.load(now=now, log=lambda line: None, password="x")  # idempotent

    city = ProjectList.objects.get(unit__code="3501", year=now.year)
    assert city.state == "published"
    assert set(city.projects.values_list("state", flat=True)) == set(Project.State.values)
    done = city.projects.get(state="done")
    assert done.kpis.get().actual == 94000
    assert queries.evaluation(done)["total"] == 60
    chased = Milestone.objects.get(chase_ticket__isnull=False)
    assert chased.chase_ticket.unit.code == "350102"  # type: ignore[union-attr]
    assert ProjectList.objects.get(year=now.year + 1).state == "drafting"

    campaign = Campaign.objects.get()
    assert campaign.state == "finished"
    assert (campaign.end - campaign.start).days + 1 == demo.CAMPAIGN_DAYS
    board = queries.campaign_board(campaign, timezone.localdate(now))
    assert (board.targets, board.hazards) == (60, 20)
    assert board.fixed == 20 - demo.STILL_OPEN - demo.REFUSED
    assert board.refused == demo.REFUSED
    assert board.overdue == demo.STILL_OPEN
    fixed = Hazard.objects.filter(state="fixed").select_related("ticket")
    assert {h.ticket.status for h in fixed} == {Status.CLOSED}  # type: ignore[union-attr]
