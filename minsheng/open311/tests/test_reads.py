"""GET discovery, services, service definitions, requests, one request, tokens: JSON and XML."""

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from minsheng.open311.tests.helpers import parse_xml
from minsheng.tickets import workflow
from minsheng.tickets.models import Ticket

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")


def get(client: Any, path: str, fmt: str = "json", **params: Any) -> Any:
    return client.get(f"/open311/v2/{path}.{fmt}", params)


def as_json(response: Any) -> Any:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content.decode("utf-8"))


def as_xml(response: Any) -> Any:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return parse_xml(response.content)


@pytest.fixture
def replied(dispatched: Ticket, street_handler: Any) -> Ticket:
    workflow.accept(dispatched, by=street_handler)
    workflow.reply(dispatched, by=street_handler, text="已约谈施工方，夜间停止施工。")
    return dispatched


# --- discovery and services ----------------------------------------------------------------


def test_discovery_names_the_spec_the_endpoint_and_both_formats(client: Any, db: Any) -> None:
    body = as_json(get(client, "discovery"))
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["formats"] == ["application/json", "text/xml"]
    assert ISO.match(body["changeset"])

    root = as_xml(get(client, "discovery", "xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "application/json",
        "text/xml",
    ]


def test_services_are_the_leaves_of_the_catalogue_grouped_by_their_first_level(
    client: Any, catalogue: dict[str, Any], noise_questions: list[Any]
) -> None:
    services = {s["service_code"]: s for s in as_json(get(client, "services"))}

    assert set(services) == {"CG-NOISE", "GY-WATER", "CG-POLICY"}
    assert services["CG-NOISE"] == {
        "service_code": "CG-NOISE",
        "service_name": "噪音扰民",
        "description": None,
        "metadata": True,
        "type": "realtime",
        "keywords": None,
        "group": "城市管理",
    }
    assert services["GY-WATER"]["metadata"] is False
    assert services["GY-WATER"]["group"] == "公用事业"


def test_keywords_are_published_comma_separated(client: Any, catalogue: dict[str, Any]) -> None:
    noise = catalogue["noise"]
    noise.keywords = "噪音|扰民|广场舞"
    noise.save()

    services = {s["service_code"]: s for s in as_json(get(client, "services"))}

    assert services["CG-NOISE"]["keywords"] == "噪音,扰民,广场舞"


def test_inactive_categories_are_not_services(client: Any, catalogue: dict[str, Any]) -> None:
    catalogue["water_cut"].is_active = False
    catalogue["water_cut"].save()

    codes = [s["service_code"] for s in as_json(get(client, "services"))]

    assert "GY-WATER" not in codes


def test_services_in_xml_match_services_in_json(
    client: Any, catalogue: dict[str, Any], noise_questions: list[Any]
) -> None:
    root = as_xml(get(client, "services", "xml"))

    assert root.tag == "services"
    noise = next(s for s in root.findall("service") if s.findtext("service_code") == "CG-NOISE")
    assert noise.findtext("service_name") == "噪音扰民"
    assert noise.findtext("metadata") == "true"
    assert noise.findtext("type") == "realtime"
    assert noise.findtext("group") == "城市管理"
    assert len(root.findall("service")) == 3


def test_a_service_definition_lists_its_questions_in_order(
    client: Any, noise_questions: list[Any]
) -> None:
    body = as_json(get(client, "services/CG-NOISE"))

    assert body["service_code"] == "CG-NOISE"
    assert [a["code"] for a in body["attributes"]] == ["period", "sources", "decibels", "since"]
    period = body["attributes"][0]
    assert period["required"] is True
    assert period["variable"] is True
    assert period["datatype"] == "singlevaluelist"
    assert period["order"] == 1
    assert period["values"] == [{"key": "night", "name": "夜间"}, {"key": "day", "name": "白天"}]

    root = as_xml(get(client, "services/CG-NOISE", "xml"))
    assert root.tag == "service_definition"
    attribute = root.find("attributes/attribute")
    assert attribute is not None
    assert attribute.findtext("code") == "period"
    assert attribute.findtext("required") == "true"
    assert [v.findtext("key") for v in attribute.findall("values/value")] == ["night", "day"]


def test_a_service_without_questions_has_an_empty_definition(
    client: Any, catalogue: dict[str, Any]
) -> None:
    assert as_json(get(client, "services/GY-WATER")) == {
        "service_code": "GY-WATER",
        "attributes": [],
    }


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_is_a_404_in_the_specs_format(
    client: Any, catalogue: dict[str, Any], fmt: str
) -> None:
    response = get(client, "services/NO-SUCH", fmt)

    assert response.status_code == 404
    if fmt == "json":
        assert as_json(response) == [
            {"code": 404, "description": "service_code NO-SUCH was not found"}
        ]
    else:
        assert as_xml(response).findtext("error/code") == "404"


# --- requests ------------------------------------------------------------------------------


def test_a_request_shows_the_specs_fields_and_its_status_as_open(
    client: Any, dispatched: Ticket
) -> None:
    [request] = as_json(get(client, f"requests/{dispatched.number}"))

    assert request["service_request_id"] == dispatched.number
    assert request["status"] == "open"
    assert request["status_notes"] == "已派单，等待承办单位签收"
    assert request["service_code"] == "CG-NOISE"
    assert request["service_name"] == "噪音扰民"
    assert request["agency_responsible"] == "鼓东街道"
    assert request["address"] == "鼓楼区东街88号"
    assert ISO.match(request["requested_datetime"])
    assert ISO.match(request["updated_datetime"])
    assert ISO.match(request["expected_datetime"])
    dispatched.refresh_from_db()
    assert request["expected_datetime"] == timezone.localtime(dispatched.resolve_by).isoformat(
        timespec="seconds"
    )
    assert request["updated_datetime"] == timezone.localtime(
        dispatched.events.order_by("-seq").first().at  # type: ignore[union-attr]
    ).isoformat(timespec="seconds")


def test_a_replied_request_carries_the_public_reply_and_closes_with_the_visit(
    client: Any, replied: Ticket
) -> None:
    from minsheng.feedback.visits import rate

    [request] = as_json(get(client, f"requests/{replied.number}"))
    assert request["status"] == "open"
    assert request["status_notes"] == "已约谈施工方，夜间停止施工。"
    assert request["expected_datetime"] is None

    rate(replied, satisfaction="satisfied", resolved=True)
    [request] = as_json(get(client, f"requests/{replied.number}"))
    assert request["status"] == "closed"
    assert request["status_notes"] == "已约谈施工方，夜间停止施工。"


def test_a_request_in_xml_parses_back_to_the_same_values(client: Any, dispatched: Ticket) -> None:
    [from_json] = as_json(get(client, f"requests/{dispatched.number}"))
    root = as_xml(get(client, f"requests/{dispatched.number}", "xml"))

    assert root.tag == "service_requests"
    [request] = root.findall("request")
    for name, value in from_json.items():
        text = request.findtext(name)
        assert text == ("" if value is None else str(value)), name


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_request_is_a_404(client: Any, db: Any, fmt: str) -> None:
    response = get(client, "requests/FZ0000000000", fmt)

    assert response.status_code == 404


def test_the_list_holds_the_last_90_days_newest_first(client: Any, make_ticket: Any) -> None:
    now = timezone.now()
    old = make_ticket(at=now - timedelta(days=91))
    recent = make_ticket(at=now - timedelta(days=89))
    newest = make_ticket()

    numbers = [r["service_request_id"] for r in as_json(get(client, "requests"))]

    assert numbers == [newest.number, recent.number]
    assert old.number not in numbers


def test_ids_override_every_other_filter(client: Any, make_ticket: Any) -> None:
    old = make_ticket(at=timezone.now() - timedelta(days=400))
    new = make_ticket()

    found = as_json(
        get(client, "requests", service_request_id=f"{old.number},{new.number}", status="closed")
    )

    assert {r["service_request_id"] for r in found} == {old.number, new.number}


def test_filters_by_service_code_status_and_dates(
    client: Any, make_ticket: Any, catalogue: dict[str, Any], agent: Any
) -> None:
    now = timezone.now()
    noise = make_ticket(at=now - timedelta(days=10))
    water = make_ticket(category=catalogue["water_cut"], request_type="help")
    consult = make_ticket(category=catalogue["policy"], request_type="consult")
    workflow.answer(consult, by=agent, text="请登录政务服务网查询。")

    def numbers(**params: Any) -> set[str]:
        return {r["service_request_id"] for r in as_json(get(client, "requests", **params))}

    assert numbers(service_code="GY-WATER") == {water.number}
    assert numbers(service_code="GY-WATER,CG-NOISE") == {water.number, noise.number}
    assert numbers(status="closed") == {consult.number}
    assert numbers(status="open") == {noise.number, water.number}
    assert numbers(status="open,closed") == {noise.number, water.number, consult.number}
    start = (now - timedelta(days=11)).isoformat()
    end = (now - timedelta(days=9)).isoformat()
    assert numbers(start_date=start, end_date=end) == {noise.number}
    assert numbers(start_date=(now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")) == {
        water.number,
        consult.number,
    }


def test_pages_split_the_list(client: Any, make_ticket: Any) -> None:
    tickets = [make_ticket(at=timezone.now() - timedelta(minutes=i)) for i in range(5)]

    first = as_json(get(client, "requests", page_size=2))
    second = as_json(get(client, "requests", page_size=2, page=2))
    last = as_json(get(client, "requests", page_size=2, page=3))
    beyond = as_json(get(client, "requests", page_size=2, page=4))

    shown = [r["service_request_id"] for r in first + second + last]
    assert shown == [t.number for t in tickets]
    assert (len(first), len(last), beyond) == (2, 1, [])


def test_bbox_keeps_requests_inside_the_box(client: Any, make_ticket: Any) -> None:
    inside = make_ticket(lat=26.08, lon=119.30)
    make_ticket(lat=26.20, lon=119.50)
    make_ticket()  # no coordinates

    found = as_json(get(client, "requests", bbox="119.25,26.05,119.35,26.12"))

    assert [r["service_request_id"] for r in found] == [inside.number]
    assert found[0]["lat"] == 26.08
    assert found[0]["long"] == 119.30


def test_q_searches_description_address_and_service_name(
    client: Any, make_ticket: Any, catalogue: dict[str, Any]
) -> None:
    piling = make_ticket(description="工地夜间打桩")
    street = make_ticket(description="别的", address="鼓楼区杨桥路")
    water = make_ticket(category=catalogue["water_cut"], request_type="help", description="无")

    def numbers(q: str) -> set[str]:
        return {r["service_request_id"] for r in as_json(get(client, "requests", q=q))}

    assert numbers("打桩") == {piling.number}
    assert numbers("杨桥") == {street.number}
    assert numbers("停水") == {water.number}


def test_a_reports_text_is_private_and_cannot_be_found_by_its_words(
    client: Any, make_ticket: Any
) -> None:
    report = make_ticket(request_type="report", description="隔壁餐馆老板王某夜间偷排油烟")

    assert as_json(get(client, "requests", q="偷排")) == []
    [request] = as_json(get(client, f"requests/{report.number}"))
    assert request["description"] is None


def test_extensions_add_the_public_timeline_without_internal_steps(
    client: Any, replied: Ticket, street_handler: Any, city: dict[str, Any]
) -> None:
    plain = as_json(get(client, f"requests/{replied.number}"))[0]
    assert "notes" not in plain

    [request] = as_json(get(client, f"requests/{replied.number}", extensions="true"))

    assert request["detailed_status"] == "replied"
    descriptions = [n["description"] for n in request["notes"]]
    assert descriptions == [
        "已受理诉求",
        "已派单至鼓东街道",
        "承办单位已签收，正在办理",
        "承办单位已答复：已约谈施工方，夜间停止施工。",
    ]
    assert all(ISO.match(n["datetime"]) for n in request["notes"])
    assert {n["status"] for n in request["notes"]} == {"open"}
    listed = as_json(get(client, "requests", extensions="true"))
    assert listed[0]["notes"] == request["notes"]

    root = as_xml(get(client, f"requests/{replied.number}", "xml", extensions="true"))
    notes = root.findall("request/notes/note")
    assert [n.findtext("description") for n in notes] == descriptions


def test_returns_and_internal_notes_never_show(
    client: Any, dispatched: Ticket, street_handler: Any, dispatcher: Any
) -> None:
    workflow.send_back(dispatched, by=street_handler, reason="内部：不属于本街道")

    [request] = as_json(get(client, f"requests/{dispatched.number}", extensions="true"))

    assert request["status_notes"] == "正在重新分派承办单位"
    assert request["detailed_status"] == "dispatched"
    assert request["agency_responsible"] is None
    assert "内部" not in json.dumps(request, ensure_ascii=False)


def test_a_merged_request_is_closed_and_names_the_one_it_joined(
    client: Any, make_ticket: Any, dispatched: Ticket, dispatcher: Any
) -> None:
    duplicate = make_ticket()
    workflow.merge(duplicate, into=dispatched, by=dispatcher)

    [request] = as_json(get(client, f"requests/{duplicate.number}"))

    assert request["status"] == "closed"
    assert request["status_notes"] == f"已与相同问题的工单 {dispatched.number} 合并办理"


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "yesterday"},
        {"end_date": "2026-13-01T00:00:00Z"},
        {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        {"status": "pending"},
        {"page": "0"},
        {"page_size": "1001"},
        {"page_size": "ten"},
        {"bbox": "119,26,118,27"},
        {"bbox": "1,2,3"},
        {"q": "13812345678"},
        {"q": "someone@example.com"},
        {"extensions": "maybe"},
        {"jurisdiction_id": "sfgov.org"},
    ],
)
def test_bad_filters_are_a_400_in_the_specs_format(
    client: Any, db: Any, params: dict[str, str]
) -> None:
    response = get(client, "requests", **params)

    expected = 404 if "jurisdiction_id" in params else 400
    assert response.status_code == expected
    [error] = as_json(response)
    assert error["code"] == expected


def test_a_list_reads_in_a_fixed_number_of_queries(
    client: Any, make_ticket: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(6):
        make_ticket()

    with django_assert_max_num_queries(3):
        assert len(as_json(get(client, "requests", extensions="true"))) == 6


# --- tokens --------------------------------------------------------------------------------


def test_a_token_resolves_to_its_request_in_both_formats(
    client: Any, good_form: dict[str, Any]
) -> None:
    [receipt] = as_json(client.post("/open311/v2/requests.json", good_form))

    body = as_json(get(client, f"tokens/{receipt['token']}"))
    root = as_xml(get(client, f"tokens/{receipt['token']}", "xml"))

    assert body == [
        {"service_request_id": receipt["service_request_id"], "token": receipt["token"]}
    ]
    assert root.findtext("request/service_request_id") == receipt["service_request_id"]
    assert root.findtext("request/token") == receipt["token"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_token_is_a_404(client: Any, db: Any, fmt: str) -> None:
    assert get(client, "tokens/nothing-here", fmt).status_code == 404


# --- around the edges ----------------------------------------------------------------------


def test_a_method_the_endpoint_does_not_take_is_a_405_in_the_specs_format(
    client: Any, db: Any
) -> None:
    response = client.delete("/open311/v2/services.json")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert as_json(response)[0]["code"] == 405


@pytest.mark.parametrize("path", ["requests.html", "nothing.json", "services/CG-NOISE"])
def test_any_other_path_is_a_404_error_list_not_a_page(client: Any, db: Any, path: str) -> None:
    response = client.get(f"/open311/v2/{path}")

    assert response.status_code == 404
    assert as_json(response)[0]["code"] == 404


def test_a_posted_request_reads_back_with_its_media_and_address_id(
    client: Any, good_form: dict[str, Any]
) -> None:
    [receipt] = as_json(client.post("/open311/v2/requests.json", {**good_form, "address_id": "A1"}))

    [request] = as_json(get(client, f"requests/{receipt['service_request_id']}"))

    assert request["media_url"] == "https://img.example.com/noise.jpg"
    assert request["address_id"] == "A1"
    assert request["description"] == "工地每天夜里十一点后还在打桩。"
    assert request["lat"] == 26.085
    assert request["long"] == 119.305
