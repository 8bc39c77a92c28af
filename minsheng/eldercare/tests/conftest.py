"""An enrolled elder in 东街社区 (under 鼓东街道, Li's street) with a half-hourly water meter
and an electricity meter, and helpers to feed them."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 0, 0, tzinfo=TZ)
SHEET = (
    "household,name,phone,address,unit,meter,meter_kind,report_minutes,contacts\n"
    "GD-001,林秀英,13800000001,鼓楼区东街1号101,东街社区,W-001,水表,30,"
    "林晓明:13900000001:儿子;王网格:13700000001:网格员\n"
    "GD-001,林秀英,13800000001,鼓楼区东街1号101,东街社区,E-001,电表,30,"
    "林晓明:13900000001:儿子;王网格:13700000001:网格员\n"
)


@pytest.fixture
def elder(city: dict[str, Any]) -> Any:
    from minsheng.eldercare import enrolment
    from minsheng.eldercare.models import Policy

    Policy.objects.create(
        unit=None, preset="zhongshan", mode=Policy.Mode.FAMILY_FIRST, utility=city["water"]
    )
    (household,) = enrolment.import_sheet(
        SHEET, consent_how="书面同意书", now=T0 - timedelta(days=30)
    )
    return household


@pytest.fixture
def feed() -> Callable[..., Any]:
    """feed(meter, litres per half-hour from `start`, received `now`): the readings as a
    daily batch through the ingest."""
    from minsheng.eldercare import readings

    def run(
        meter: str,
        litres: list[float],
        *,
        start: datetime = T0,
        value: float = 100.0,
        now: datetime | None = None,
        scale: float = 1000.0,
    ) -> Any:
        batch = [{"at": start.isoformat(), "value": value}]
        for n, use in enumerate(litres, start=1):
            value += use / scale
            at = start + timedelta(minutes=30 * n)
            batch.append({"at": at.isoformat(), "value": round(value, 6)})
        when = now or start + timedelta(minutes=30 * len(litres) + 5)
        return readings.ingest([(meter, {"readings": batch})], source="test", now=when)

    return run
