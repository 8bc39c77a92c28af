"""The demo's part: eight elders under 鼓东街道; the fallen elder's meter, fed the half-hours it
owes (as the worker's simulator publishes them), raises an urgent ticket to the community."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from minsheng.eldercare import alarms, demo, mqtt, readings
from minsheng.eldercare.models import Absence, Alarm, Household, Meter, Reading

pytestmark = pytest.mark.django_db


def test_the_demo_enrols_elders_and_the_fallen_one_raises_a_ticket(city: Any) -> None:
    now = timezone.now()
    lines: list[str] = []
    demo.load(now=now, log=lines.append, password="x")
    demo.load(now=now, log=lines.append, password="x")  # idempotent
    assert Household.objects.filter(code__startswith="DEMO-").count() == 8
    assert Absence.objects.get().household.code == "DEMO-EC-006"
    alarms.judge_due(now=now)
    assert not Alarm.objects.filter(state="open").exists()  # two normal days
    fallen = Meter.objects.get(household__code="DEMO-EC-003-FALLEN", kind="water")
    last = Reading.objects.filter(meter=fallen).order_by("-at").values_list("at", "value").first()
    owed = mqtt.due_readings(fallen.code, fallen.household.code, last, now, fallen.report_minutes)
    assert len(owed) >= 47
    assert {r["value"] for r in owed} == {last[1]}  # no water used
    readings.ingest(
        [(fallen.code, {"readings": owed})], source="mqtt", now=now + timedelta(seconds=1)
    )
    alarms.judge_due(now=now + timedelta(seconds=2))
    alarm = Alarm.objects.get(household__code="DEMO-EC-003-FALLEN", rule="low_use")
    assert alarm.ticket is not None
    assert alarm.ticket.urgency == "urgent"
    assert alarm.ticket.unit == city["dongjie"]
