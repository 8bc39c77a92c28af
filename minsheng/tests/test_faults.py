"""Input no page can use is refused with a clear message, and failures keep each client's
format (security review, finding 6 and 7): never Django's HTML 500."""

from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client

from minsheng.accounts import keys
from minsheng.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor_client(supervisor: Any) -> Client:
    client = Client()
    client.force_login(supervisor)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/t/%00/",
        "/analytics/hotspots/%00/",
        "/assessment/unit/%00/",
        "/assessment/?period=%00",
        "/assessment/export.csv?period=%00",
    ],
)
def test_a_nul_in_a_staff_address_is_400_in_chinese(supervisor_client: Client, url: str) -> None:
    response = supervisor_client.get(url)
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


def test_a_nul_in_a_form_field_is_400_and_nothing_is_written(
    supervisor_client: Client, catalogue: Any
) -> None:
    before = Ticket.objects.count()
    response = supervisor_client.post("/m/new/", {"description": "路灯\x00坏了", "phone": "138"})
    assert response.status_code == 400
    assert Ticket.objects.count() == before


def test_a_nul_on_the_api_and_open311_answers_in_their_own_format(city: Any) -> None:
    _, raw = keys.issue("外部系统", scopes=["api"])
    api = Client().get("/api/v1/tickets/FZ%00", headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == 400
    assert api.json()["code"] == "bad_request"
    open311 = Client().get("/open311/v2/requests.json?service_code=%00")
    assert open311.status_code == 400
    assert open311.json()[0]["code"] == 400
    assert "空字符" in open311.json()[0]["description"]


def test_a_unit_number_too_long_for_a_row_id_lists_nothing(supervisor_client: Client) -> None:
    response = supervisor_client.get("/overdue/", {"unit": "9" * 23})
    assert response.status_code == 200


def test_the_api_answers_503_in_json_when_the_database_drops(
    city: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from minsheng.api import queries

    def dropped(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(queries, "tickets_for", dropped)
    _, raw = keys.issue("外部系统", scopes=["api"])
    response = Client().get("/api/v1/tickets", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "unavailable"


def test_an_unexpected_failure_on_the_api_is_json_not_the_html_page(
    city: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from minsheng.api import queries

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(queries, "tickets_for", broken)
    _, raw = keys.issue("外部系统", scopes=["api"])
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/tickets", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "server_error"
