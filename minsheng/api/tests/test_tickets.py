"""Filing, reading and listing tickets through the native API; keys, scoping, bad input."""

import json
from typing import Any

import pytest

from minsheng.api.models import IdempotencyRecord
from minsheng.tickets.models import Channel, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_a_partner_system_files_a_ticket_with_the_api_channel(
    partner: Any, new_ticket_body: Any
) -> None:
    response = partner.post("/tickets", new_ticket_body)

    assert response.status_code == 201
    body = response.json()
    ticket = Ticket.objects.get(number=body["number"])
    assert ticket.channel == Channel.API
    assert body["status"] == "received"
    assert body["resident"] == {"name": "张**", "phone": "138****5678"}
    assert TicketEvent.objects.get(ticket=ticket).actor_label == "接口：市民热线小程序"


def test_without_a_key_or_with_a_wrong_one_the_answer_is_401(
    partner: Any, new_ticket_body: Any
) -> None:
    partner.raw_key = None
    missing = partner.post("/tickets", new_ticket_body)
    partner.raw_key = "ms_deadbeef_not-a-key"
    wrong = partner.get("/tickets")

    assert missing.status_code == wrong.status_code == 401
    assert "Bearer" in missing.json()["message"]
    assert Ticket.objects.count() == 0


def test_a_key_without_the_api_scope_is_refused(db: Any) -> None:
    from minsheng.accounts import keys
    from minsheng.api.tests.conftest import ApiClient

    _, raw = keys.issue("Open311 网关", scopes=["open311"])

    assert ApiClient(raw).get("/tickets").status_code == 401


def test_a_post_without_an_idempotency_key_is_400_and_writes_nothing(
    partner: Any, new_ticket_body: Any
) -> None:
    response = partner.post("/tickets", new_ticket_body, key=None)

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["message"]
    assert Ticket.objects.count() == 0


def test_the_same_key_and_body_replays_the_first_answer_exactly(
    partner: Any, new_ticket_body: Any
) -> None:
    first = partner.post("/tickets", new_ticket_body, key="order-1")
    again = partner.post("/tickets", json.dumps(new_ticket_body, indent=2), key="order-1")

    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert again["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1


def test_the_same_key_with_another_body_is_409(partner: Any, new_ticket_body: Any) -> None:
    partner.post("/tickets", new_ticket_body, key="order-1")
    response = partner.post("/tickets", {**new_ticket_body, "name": "李女士"}, key="order-1")

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert Ticket.objects.count() == 1


def test_keys_of_different_systems_do_not_collide(
    partner: Any, gudong_system: Any, new_ticket_body: Any
) -> None:
    partner.post("/tickets", new_ticket_body, key="same")
    response = gudong_system.post("/tickets", new_ticket_body, key="same")

    assert response.status_code == 201
    assert Ticket.objects.count() == 2


def test_a_refused_request_records_nothing_so_the_key_can_be_used_again(
    partner: Any, new_ticket_body: Any
) -> None:
    refused = partner.post("/tickets", {**new_ticket_body, "category": "NO-SUCH"}, key="k")
    fixed = partner.post("/tickets", new_ticket_body, key="k")

    assert refused.status_code == 422
    assert "NO-SUCH" in refused.json()["message"]
    assert fixed.status_code == 201
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"phone": "   "}, "phone"),
        ({"description": "夜里\x00施工"}, "description"),
        ({"request_type": "gossip"}, "request_type"),
        ({"lat": 123.0}, "lat"),
        ({"unexpected": 1}, "unexpected"),
        ({"description": "长" * 4001}, "description"),
    ],
)
def test_bad_fields_are_422_with_the_field_named_and_nothing_written(
    partner: Any, new_ticket_body: Any, change: dict[str, Any], field: str
) -> None:
    response = partner.post("/tickets", {**new_ticket_body, **change})

    assert response.status_code == 422
    assert field in response.json()["message"]
    assert Ticket.objects.count() == 0


def test_malformed_json_is_400(partner: Any) -> None:
    response = partner.post("/tickets", b'{"phone": ')

    assert response.status_code == 400
    assert response.json()["message"] == "请求体不是合法的 JSON。"


def test_the_workflow_refusal_of_a_new_ticket_is_422_in_chinese(
    partner: Any, new_ticket_body: Any
) -> None:
    response = partner.post("/tickets", {**new_ticket_body, "request_type": "praise"})

    assert response.status_code == 422
    assert response.json()["message"] == "“噪音扰民”不受理表扬类诉求。"
    assert Ticket.objects.count() == 0


def test_a_ticket_reads_with_its_timeline(partner: Any, dispatched: Any) -> None:
    body = partner.get(f"/tickets/{dispatched.number}").json()

    assert body["unit"] == "350102001"
    assert [e["action"] for e in body["events"]] == ["receive", "dispatch"]


def test_a_bound_key_cannot_see_another_units_ticket(
    gudong_system: Any, make_ticket: Any, dispatcher: Any, city: Any
) -> None:
    from minsheng.tickets import workflow

    water = make_ticket()
    workflow.dispatch(water, to=city["water"], by=dispatcher)
    own = make_ticket()
    workflow.dispatch(own, to=city["gudong"], by=dispatcher)

    assert gudong_system.get(f"/tickets/{water.number}").status_code == 404
    assert gudong_system.get(f"/tickets/{own.number}").status_code == 200
    listed = gudong_system.get("/tickets").json()
    assert [t["number"] for t in listed["results"]] == [own.number]
    refused = gudong_system.post(f"/tickets/{water.number}/note", {"text": "看看"})
    assert refused.status_code == 404


def test_phones_are_shown_in_full_only_to_keys_allowed_to_see_them(
    gudong_system: Any, dispatched: Any
) -> None:
    from minsheng.api.models import KeyBinding

    masked = gudong_system.get(f"/tickets/{dispatched.number}").json()["resident"]["phone"]
    KeyBinding.objects.update(phone=True)
    full = gudong_system.get(f"/tickets/{dispatched.number}").json()["resident"]["phone"]

    assert (masked, full) == ("138****5678", "13812345678")


def test_the_list_filters_by_status_category_unit_and_time(
    partner: Any, make_ticket: Any, dispatched: Any, catalogue: Any
) -> None:
    make_ticket(category=catalogue["water_cut"], request_type="help")

    def numbers(**params: Any) -> list[str]:
        response = partner.get("/tickets", **params)
        assert response.status_code == 200
        return [t["number"] for t in response.json()["results"]]

    assert numbers(status="dispatched") == [dispatched.number]
    assert len(numbers(category="GY")) == 1
    assert numbers(unit="350102") == [dispatched.number]
    assert numbers(unit="NOWHERE") == []
    assert len(numbers(since="2000-01-01T00:00:00")) == 2
    assert numbers(until="2000-01-01T00:00:00+08:00") == []
    assert len(numbers(page_size=1, page=2)) == 1
    assert partner.get("/tickets", page=0).status_code == 422
    assert partner.get("/tickets", since="0001-01-01T00:00:00").status_code == 422


def test_the_schema_is_openapi_3_1_and_the_docs_page_is_not_served(partner: Any) -> None:
    schema = partner.client.get("/api/v1/openapi.json").json()

    assert schema["openapi"].startswith("3.1")
    assert partner.client.get("/api/v1/docs").status_code == 404


def test_a_point_outside_the_city_is_422_and_nothing_written(
    partner: Any, new_ticket_body: Any, city: Any
) -> None:
    box = [[119.2, 26.0], [119.4, 26.0], [119.4, 26.15], [119.2, 26.15], [119.2, 26.0]]
    city["gulou"].boundary = {"type": "Polygon", "coordinates": [box]}
    city["gulou"].save()
    xiamen = partner.post("/tickets", {**new_ticket_body, "lat": 24.48, "lon": 118.09})
    inside = partner.post("/tickets", {**new_ticket_body, "lat": 26.085, "lon": 119.305})

    assert xiamen.status_code == 422
    assert xiamen.json()["code"] == "outside_city"
    assert inside.status_code == 201
    assert Ticket.objects.count() == 1


def test_a_body_that_is_not_declared_json_is_415(partner: Any, new_ticket_body: Any) -> None:
    response = partner.client.post(
        "/api/v1/tickets",
        json.dumps(new_ticket_body),
        content_type="text/plain",
        headers=partner.headers("plain-1"),
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert Ticket.objects.count() == 0


def test_a_body_that_is_not_utf8_is_400(partner: Any, new_ticket_body: Any) -> None:
    raw = (
        json.dumps(new_ticket_body, ensure_ascii=False)
        .encode()
        .replace("噪音".encode(), b"\xff\xfe")
    )
    response = partner.post("/tickets", raw)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_encoding"
    assert Ticket.objects.count() == 0


def test_bidirectional_overrides_are_taken_out_of_titles(
    partner: Any, new_ticket_body: Any
) -> None:
    body = {
        **new_ticket_body,
        "title": "工地噪音\u202e扰民",
        "description": "夜里\u2066施工\u2069。",
    }
    number = partner.post("/tickets", body).json()["number"]
    ticket = Ticket.objects.get(number=number)
    assert ticket.title == "工地噪音扰民"
    assert ticket.description == "夜里施工。"
