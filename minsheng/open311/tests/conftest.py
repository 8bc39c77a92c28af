"""Open311's cast: the test city given outlines, an Open311 key, and questions for noise."""

from collections.abc import Callable
from typing import Any

import pytest

# 鼓楼区 and, inside it, 鼓东街道, as rough boxes around their real places (WGS-84).
GULOU = [[119.25, 26.05], [119.35, 26.05], [119.35, 26.12], [119.25, 26.12], [119.25, 26.05]]
GUDONG = [[119.29, 26.07], [119.32, 26.07], [119.32, 26.10], [119.29, 26.10], [119.29, 26.07]]
INSIDE_GUDONG = {"lat": "26.085", "long": "119.305"}
INSIDE_GULOU_ONLY = {"lat": "26.06", "long": "119.26"}
XIAMEN = {"lat": "24.48", "long": "118.09"}


@pytest.fixture
def outlined(city: dict[str, Any]) -> dict[str, Any]:
    """The test city with outlines for 鼓楼区 and 鼓东街道."""
    city["gulou"].boundary = {"type": "Polygon", "coordinates": [GULOU]}
    city["gulou"].save()
    city["gudong"].boundary = {"type": "Polygon", "coordinates": [GUDONG]}
    city["gudong"].save()
    return city


@pytest.fixture
def api_key(db: Any) -> str:
    """A key for a FixMyStreet-like system, scoped to Open311."""
    from minsheng.accounts import keys

    return keys.issue("街坊随手拍", scopes=["open311"])[1]


@pytest.fixture
def noise_questions(catalogue: dict[str, Any]) -> list[Any]:
    """噪音扰民 asks when it happens (required), what makes it, how loud, since when."""
    from minsheng.open311.models import ServiceAttribute

    noise = catalogue["noise"]
    return [
        ServiceAttribute.objects.create(
            category=noise,
            code="period",
            datatype="singlevaluelist",
            required=True,
            description="噪音出现的时段",
            order=1,
            values=[{"key": "night", "name": "夜间"}, {"key": "day", "name": "白天"}],
        ),
        ServiceAttribute.objects.create(
            category=noise,
            code="sources",
            datatype="multivaluelist",
            description="噪音来源",
            order=2,
            values=[
                {"key": "construction", "name": "施工"},
                {"key": "music", "name": "音响"},
                {"key": "traffic", "name": "车辆"},
            ],
        ),
        ServiceAttribute.objects.create(
            category=noise,
            code="decibels",
            datatype="number",
            description="分贝（如测过）",
            order=3,
        ),
        ServiceAttribute.objects.create(
            category=noise, code="since", datatype="datetime", description="从何时开始", order=4
        ),
    ]


@pytest.fixture
def good_form(api_key: str, outlined: dict[str, Any], noise_questions: list[Any]) -> dict[str, Any]:
    """A complete, valid POST of a noise complaint inside 鼓东街道."""
    return {
        "api_key": api_key,
        "service_code": "CG-NOISE",
        **INSIDE_GUDONG,
        "address_string": "鼓楼区东街88号对面工地",
        "description": "工地每天夜里十一点后还在打桩。",
        "attribute[period]": "night",
        "attribute[sources][]": ["construction", "music"],
        "phone": "13900001111",
        "first_name": "丽",
        "last_name": "林",
        "email": "lin@example.com",
        "media_url": "https://img.example.com/noise.jpg",
    }


@pytest.fixture
def post(client: Any) -> Callable[..., Any]:
    """POST a form to requests.<fmt>."""

    def send(form: dict[str, Any], fmt: str = "json") -> Any:
        return client.post(f"/open311/v2/requests.{fmt}", form)

    return send
