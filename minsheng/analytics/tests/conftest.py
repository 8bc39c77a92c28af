"""Tickets for the analytics pages: three similar noise complaints in 东街社区 (鼓东街道) and one
in 鼓西街道, dispatched to their streets, and the aggregates refreshed."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

NOISE = "东街社区旁工地每天夜里十一点后还在施工，噪音很大，影响休息。"


def square(lon: float, lat: float, d: float = 0.01) -> dict[str, Any]:
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d]]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


@pytest.fixture
def streets_with_tickets(
    city: dict[str, Any], make_ticket: Callable[..., Any], dispatcher: Any
) -> dict[str, Any]:
    from minsheng.analytics.refresh import refresh_all
    from minsheng.orgs.models import Unit
    from minsheng.tickets import workflow

    Unit.objects.filter(pk=city["gulou"].pk).update(boundary=square(119.30, 26.08, 0.05))
    Unit.objects.filter(pk=city["gudong"].pk).update(boundary=square(119.30, 26.08))
    Unit.objects.filter(pk=city["guxi"].pk).update(boundary=square(119.28, 26.08))
    now = timezone.now()
    gudong = []
    for n, text in enumerate([NOISE, "工地" + NOISE, NOISE.replace("十一点", "十二点")]):
        ticket = make_ticket(
            description=text,
            lon=119.300 + n * 0.001,
            lat=26.080,
            at=now - timedelta(days=2 - n),
        )
        workflow.dispatch(ticket, to=city["gudong"], by=dispatcher)
        gudong.append(ticket)
    guxi = make_ticket(
        description="鼓西路上井盖破损，晚上走路很危险，请尽快修复。",
        title="井盖破损",
        place=city["guxi"],
        lon=119.280,
        lat=26.080,
        at=now - timedelta(days=1),
    )
    workflow.dispatch(guxi, to=city["guxi"], by=dispatcher)
    refresh_all()
    return {"gudong": gudong, "guxi": guxi}
