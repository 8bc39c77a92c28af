"""Keys for the API tests: the city's partner system (all tickets) and 鼓东街道's own system."""

import json
import uuid
from typing import Any

import pytest
from django.test import Client

from minsheng.accounts import keys


class ApiClient:
    """Django's test client speaking JSON with a Bearer key and fresh Idempotency-Keys."""

    def __init__(self, raw_key: str | None) -> None:
        self.client = Client()
        self.raw_key = raw_key

    def headers(self, idempotency_key: str | None) -> dict[str, str]:
        headers = {}
        if self.raw_key is not None:
            headers["Authorization"] = f"Bearer {self.raw_key}"
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self.headers(None))

    def post(self, path: str, body: Any, *, key: str | None = "new") -> Any:
        if key == "new":
            key = uuid.uuid4().hex
        content = body if isinstance(body, str | bytes) else json.dumps(body)
        return self.client.post(
            f"/api/v1{path}", content, content_type="application/json", headers=self.headers(key)
        )


@pytest.fixture
def partner(db: Any) -> ApiClient:
    """The city's partner system: an unbound key (all tickets, phones masked) that may act for
    any member of staff, a grant it was issued with (scope act)."""
    _, raw = keys.issue("市民热线小程序", scopes=["api", "act"])
    return ApiClient(raw)


@pytest.fixture
def gudong_system(city: dict[str, Any]) -> ApiClient:
    """鼓东街道's own system: a key bound to the street, acting for its members."""
    from minsheng.api.models import KeyBinding

    key, raw = keys.issue("鼓东街道办事系统", scopes=["api", "act"])
    KeyBinding.objects.create(api_key=key).units.add(city["gudong"])
    return ApiClient(raw)


@pytest.fixture
def new_ticket_body(catalogue: dict[str, Any], city: dict[str, Any]) -> dict[str, Any]:
    return {
        "phone": "13812345678",
        "name": "张先生",
        "request_type": "complaint",
        "category": "CG-NOISE",
        "description": "东街社区旁工地每天夜里十一点后还在施工，噪音很大。",
        "address": "鼓楼区东街88号",
        "place": city["dongjie"].code,
    }
