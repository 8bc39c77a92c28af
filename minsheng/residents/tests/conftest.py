"""The test city with boundaries to tap on, and the three steps as helpers."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse


def square(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


# 东街社区 lies in 鼓东街道, which lies in 鼓楼区 beside 鼓西街道.
IN_DONGJIE = {"lon": "119.3", "lat": "26.09"}
IN_BEIJING = {"lon": "116.397", "lat": "39.909"}


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def mapped(city: dict[str, Any], catalogue: dict[str, Any]) -> dict[str, Any]:
    """The test city with boundaries, and keywords on the noise leaf."""
    boundaries = {
        "gulou": square(119.25, 26.05, 119.35, 26.12),
        "gudong": square(119.29, 26.08, 119.31, 26.10),
        "dongjie": square(119.295, 26.085, 119.305, 26.095),
        "guxi": square(119.27, 26.08, 119.29, 26.10),
    }
    for key, boundary in boundaries.items():
        city[key].boundary = boundary
        city[key].save()
    catalogue["noise"].keywords = "噪音|施工|吵"
    catalogue["noise"].save()
    return city


def what(client: Client, category: Any, **fields: Any) -> Any:
    data = {
        "category": str(getattr(category, "pk", category)),
        "request_type": "complaint",
        "description": "东街工地每天晚上十一点以后还在施工，噪音太大了，吵得睡不着。",
        **fields,
    }
    return client.post(reverse("residents:what"), data)


def where(client: Client, **fields: Any) -> Any:
    return client.post(reverse("residents:where"), fields)


def who(client: Client, phone: str = "13912345678", **fields: Any) -> Any:
    return client.post(reverse("residents:who"), {"phone": phone, **fields})


def file_text_only(client: Client, category: Any, *, phone: str, address: str) -> Any:
    """The whole text-only submission, as a phone without JavaScript sends it."""
    assert what(client, category).status_code == 302
    assert where(client, address=address).status_code == 302
    return who(client, phone=phone)


def upload(data: bytes, name: str = "IMG_0001.jpg", content_type: str = "image/jpeg") -> Any:
    return SimpleUploadedFile(name, data, content_type=content_type)
