"""Fixtures of the projects programme, on the root cast: 鼓楼区 and its streets, Li (鼓东街道
handler), Chen (its leader), Qian (鼓西街道), the centre's dispatcher and supervisor."""

from datetime import date, timedelta
from io import BytesIO
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image


@pytest.fixture
def photo_bytes() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def gudong_list(city: dict[str, Any], street_leader: Any) -> Any:
    """鼓东街道's list for this year, open for proposals."""
    from minsheng.projects import records

    return records.open_list(
        unit=city["gudong"],
        year=timezone.localdate().year,
        title="鼓东街道民生实事",
        by=street_leader,
    )


@pytest.fixture
def running_project(gudong_list: Any, city: dict[str, Any], street_leader: Any) -> Any:
    """A project of the published list, under way, led by 鼓东街道 with 东街社区."""
    from minsheng.projects import records

    project = records.add_project(
        gudong_list,
        title="东街社区加装电梯",
        owner=city["gudong"],
        co_units=[city["dongjie"]],
        by=street_leader,
    )
    records.move_list(gudong_list, "submit", by=street_leader)
    records.move_list(gudong_list, "publish", by=street_leader)
    records.move_project(project, "start", by=street_leader)
    return project


@pytest.fixture
def gas_campaign(city: dict[str, Any], street_leader: Any, street_handler: Any) -> Any:
    """A running gas-safety campaign in 鼓东街道, fixed by the water company (standing in for a
    gas company), Li inspecting 东街社区; two targets there."""
    from minsheng.projects import inspections

    today = timezone.localdate()
    campaign = inspections.create_campaign(
        unit=city["gudong"],
        title="燃气安全排查",
        start=today - timedelta(days=3),
        end=today + timedelta(days=30),
        responsible=city["water"],
        fix_workdays=5,
        by=street_leader,
    )
    inspections.add_item(
        campaign,
        question="燃气软管是否老化",
        kind="yesno",
        hazard_answers="是",
        hazard_type="软管老化",
    )
    inspections.add_item(campaign, question="软管使用年限", kind="number")
    inspections.import_targets(
        campaign,
        [
            {"编号": "A-1", "类型": "住户", "地址": "东街88号101", "社区编码": "350102001001"},
            {"编号": "A-2", "类型": "住户", "地址": "东街88号102", "社区编码": "350102001001"},
        ],
    )
    inspections.add_inspector(campaign, user=street_handler, area=city["dongjie"])
    inspections.move_campaign(campaign, "start", by=street_leader)
    return campaign


def last_year_day() -> date:
    return date(timezone.localdate().year - 1, 12, 31)
