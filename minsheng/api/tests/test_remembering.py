"""Each server process remembers a checked key and a looked-up category for a few seconds."""

import time
from typing import Any

import pytest
from django.core.cache import caches

from minsheng.accounts.models import ApiKey
from minsheng.api import queries
from minsheng.taxonomy.models import Category

PROCESS_MEMORY = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "process": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"},
}


@pytest.fixture
def remembering(settings: Any) -> Any:
    settings.CACHES = PROCESS_MEMORY
    caches["process"].clear()
    yield
    caches["process"].clear()


def _later(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + seconds)


def test_a_revoked_key_is_refused_once_its_memory_expires(
    remembering: Any, partner: Any, new_ticket_body: dict[str, Any], monkeypatch: Any
) -> None:
    assert partner.post("/tickets", new_ticket_body).status_code == 201
    ApiKey.objects.update(is_active=False)

    # Within REMEMBER_SECONDS this process still knows the key (docs/api.md says so) ...
    assert partner.post("/tickets", new_ticket_body).status_code == 201
    # ... and after that the key is checked again, and refused.
    _later(monkeypatch, queries.REMEMBER_SECONDS + 1)
    assert partner.post("/tickets", new_ticket_body).status_code == 401


def test_a_wrong_key_is_never_remembered(remembering: Any, partner: Any) -> None:
    assert queries.caller_for_token("ms_nothing_here") is None
    assert queries.caller_for_token("ms_nothing_here") is None
    assert not any(k.startswith(":1:api-caller") for k in caches["process"]._cache)


def test_an_unknown_category_is_looked_up_every_time(
    remembering: Any, partner: Any, new_ticket_body: dict[str, Any], catalogue: dict[str, Any]
) -> None:
    body = {**new_ticket_body, "category": "CG-NEW"}
    assert partner.post("/tickets", body).status_code == 422
    noise = catalogue["noise"]
    Category.objects.create(
        code="CG-NEW", name="新增小类", parent=noise.parent, policy=noise.policy
    )
    assert partner.post("/tickets", body).status_code == 201
