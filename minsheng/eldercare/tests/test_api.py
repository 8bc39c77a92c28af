"""The meters' API: a key with the scope `meters`, idempotent readings, alarms, absences."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from minsheng.accounts import keys
from minsheng.eldercare import alarms
from minsheng.eldercare.models import Absence, Reading
from minsheng.eldercare.tests.conftest import T0

pytestmark = pytest.mark.django_db


@pytest.fixture
def meters_key(db: Any) -> str:
    _, raw = keys.issue("水务平台", scopes=["meters"])
    return f"Bearer {raw}"


def post(client: Client, url: str, body: Any, key: str) -> Any:
    return client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=key)


def test_readings_need_the_meters_scope_and_are_stored_once(
    elder: Any, client: Client, meters_key: str
) -> None:
    body = {
        "meter": "W-001",
        "readings": [
            {"at": (T0 + timedelta(minutes=30 * n)).isoformat(), "value": 100 + n / 100}
            for n in range(3)
        ],
    }
    _, ticket_key = keys.issue("工单系统", scopes=["api"])
    assert post(client, "/api/v1/meter-readings", body, f"Bearer {ticket_key}").status_code == 401
    first = post(client, "/api/v1/meter-readings", body, meters_key)
    assert first.status_code == 200
    assert first.json() == {"stored": 3, "duplicates": 0}
    again = post(client, "/api/v1/meter-readings", body, meters_key)
    assert again.json() == {"stored": 0, "duplicates": 3}
    assert Reading.objects.count() == 3
    unknown = post(client, "/api/v1/meter-readings", {**body, "meter": "X"}, meters_key)
    assert unknown.status_code == 404
    assert "未登记的表号" in unknown.json()["message"]
    naive = {"meter": "W-001", "readings": [{"at": "2026-03-02T08:00:00", "value": 1}]}
    assert post(client, "/api/v1/meter-readings", naive, meters_key).status_code == 422


def test_alarms_since_and_absences(elder: Any, feed: Any, client: Client, meters_key: str) -> None:
    feed("W-001", [0.0] * 48)
    alarms.judge_due(now=T0 + timedelta(hours=24, minutes=6))
    since = (T0 + timedelta(hours=24)).isoformat()
    listed = client.get("/api/v1/eldercare/alarms", {"since": since}, HTTP_AUTHORIZATION=meters_key)
    assert listed.status_code == 200
    (row,) = listed.json()
    assert (row["household"], row["kind"], row["rule"], row["ticket"], row["state"]) == (
        "GD-001", "welfare", "low_use", None, "open",
    )  # fmt: skip
    later = (T0 + timedelta(days=3)).isoformat()
    assert (
        client.get(
            "/api/v1/eldercare/alarms", {"since": later}, HTTP_AUTHORIZATION=meters_key
        ).json()
        == []
    )
    body = {
        "household": "GD-001",
        "from": T0.isoformat(),
        "until": (T0 + timedelta(days=2)).isoformat(),
        "reason": "hospital",
    }
    made = post(client, "/api/v1/eldercare/absences", body, meters_key)
    assert made.status_code == 201
    assert made.json()["reason"] == "hospital"
    assert Absence.objects.get().source == "api"
    assert (
        client.get(
            "/api/v1/eldercare/alarms", {"since": since}, HTTP_AUTHORIZATION=meters_key
        ).json()[0]["state"]
        == "suppressed"
    )
    assert (
        post(
            client, "/api/v1/eldercare/absences", {**body, "household": "NOPE"}, meters_key
        ).status_code
        == 404
    )
    assert (
        post(client, "/api/v1/eldercare/absences", {**body, "reason": "x"}, meters_key).status_code
        == 422
    )
    backwards = {**body, "until": T0.isoformat()}
    assert post(client, "/api/v1/eldercare/absences", backwards, meters_key).status_code == 422
