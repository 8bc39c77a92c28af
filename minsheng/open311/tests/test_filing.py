"""POST requests: a valid request becomes one ticket on channel api; bad input writes nothing."""

import json
from typing import Any

import pytest

from minsheng.citizens.models import Resident
from minsheng.open311.models import RequestAttribute, Token
from minsheng.open311.tests.conftest import INSIDE_GULOU_ONLY, XIAMEN
from minsheng.open311.tests.helpers import parse_xml
from minsheng.tickets.models import Channel, Status, Ticket, TicketEvent


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Ticket.objects.count(),
        TicketEvent.objects.count(),
        Resident.objects.count(),
        Token.objects.count(),
        RequestAttribute.objects.count(),
    )


def test_a_valid_request_becomes_one_ticket_with_its_number_token_and_notice(
    post: Any, good_form: dict[str, Any], city: dict[str, Any]
) -> None:
    response = post(good_form)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    [receipt] = json.loads(response.content)
    ticket = Ticket.objects.get()
    assert receipt["service_request_id"] == ticket.number
    assert receipt["token"] == Token.objects.get(ticket=ticket).token
    assert ticket.number in receipt["service_notice"]
    assert ticket.channel == Channel.API
    assert ticket.status == Status.RECEIVED
    assert ticket.request_type == "help"
    assert ticket.category.code == "CG-NOISE"
    assert ticket.place == city["gudong"]
    assert (ticket.lat, ticket.lon) == (26.085, 119.305)
    assert ticket.address == "鼓楼区东街88号对面工地"
    assert ticket.resident.phone == "13900001111"
    assert ticket.resident.name == "林丽"
    assert ticket.events.get().actor_label == "接口：街坊随手拍"


def test_answers_and_the_media_link_reach_the_handler_in_the_description_and_are_stored(
    post: Any, good_form: dict[str, Any]
) -> None:
    post(good_form)

    ticket = Ticket.objects.get()
    assert ticket.description.startswith("工地每天夜里十一点后还在打桩。")
    assert "噪音出现的时段：夜间" in ticket.description
    assert "噪音来源：施工、音响" in ticket.description
    assert "https://img.example.com/noise.jpg" in ticket.description
    token = Token.objects.get(ticket=ticket)
    assert token.media_url == "https://img.example.com/noise.jpg"
    answers = dict(token.attributes.values_list("code", "value"))
    assert answers == {"period": "night", "sources": ["construction", "music"]}


def test_the_xml_reply_carries_the_same_receipt(post: Any, good_form: dict[str, Any]) -> None:
    response = post(good_form, "xml")

    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = parse_xml(response.content)
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert request.findtext("service_request_id") == Ticket.objects.get().number
    assert request.findtext("token") == Token.objects.get().token
    assert "诉求已受理" in (request.findtext("service_notice") or "")


def test_a_request_type_may_be_chosen_among_those_the_service_takes(
    post: Any, good_form: dict[str, Any]
) -> None:
    response = post({**good_form, "attribute[request_type]": "complaint"})

    assert response.status_code == 200
    assert Ticket.objects.get().request_type == "complaint"


def test_the_default_request_type_falls_back_when_the_service_takes_no_help_requests(
    post: Any, good_form: dict[str, Any]
) -> None:
    form = {k: v for k, v in good_form.items() if not k.startswith("attribute")}

    response = post({**form, "service_code": "CG-POLICY"})

    assert response.status_code == 200
    assert Ticket.objects.get().request_type == "consult"


def test_a_point_in_the_district_but_no_street_is_placed_in_the_district(
    post: Any, good_form: dict[str, Any], city: dict[str, Any]
) -> None:
    post({**good_form, **INSIDE_GULOU_ONLY})

    assert Ticket.objects.get().place == city["gulou"]


def test_an_address_alone_is_a_location(
    post: Any, good_form: dict[str, Any], city: dict[str, Any]
) -> None:
    form = {k: v for k, v in good_form.items() if k not in ("lat", "long")}

    assert post(form).status_code == 200
    assert Ticket.objects.get().place == city["gulou"]  # "鼓楼区东街88号对面工地"


def test_an_address_id_alone_is_a_location_and_is_kept(
    post: Any, good_form: dict[str, Any]
) -> None:
    form = {k: v for k, v in good_form.items() if k not in ("lat", "long", "address_string")}

    assert post({**form, "address_id": "FZ-ADDR-0042"}).status_code == 200
    assert Token.objects.get().address_id == "FZ-ADDR-0042"
    assert "地址编号：FZ-ADDR-0042" in Ticket.objects.get().description


def test_without_a_phone_a_device_files_under_one_stable_pseudonym(
    post: Any, good_form: dict[str, Any]
) -> None:
    form = {k: v for k, v in good_form.items() if k not in ("phone", "email")}

    first = post({**form, "device_id": "device-7"})
    second = post({**form, "device_id": "device-7"})
    other = post({**form, "device_id": "device-8"})

    assert {first.status_code, second.status_code, other.status_code} == {200}
    same, again, different = (t.resident for t in Ticket.objects.order_by("pk"))
    assert same == again != different
    assert same.phone.startswith("000")
    assert len(same.phone) == 12
    assert "device-7" not in same.phone
    assert "无法电话回访" in Ticket.objects.first().description  # type: ignore[union-attr]
    assert "无法回访" in json.loads(first.content)[0]["service_notice"]


def test_an_email_is_used_only_for_the_pseudonym_and_never_stored(
    post: Any, good_form: dict[str, Any]
) -> None:
    form = {k: v for k, v in good_form.items() if k != "phone"}

    assert post(form).status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.resident.phone.startswith("000")
    assert "lin@example.com" not in ticket.description
    assert "lin@example.com" not in str(Resident.objects.values_list())


# --- bad input: the spec's error, nothing written --------------------------------------------


def _without(form: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in form.items() if k not in names}


BAD = {
    "no api_key": (lambda f: _without(f, "api_key"), 403),
    "a wrong api_key": (lambda f: {**f, "api_key": "ms_deadbeef_nope"}, 403),
    "no service_code": (lambda f: _without(f, "service_code"), 400),
    "an unknown service_code": (lambda f: {**f, "service_code": "NO-SUCH"}, 404),
    "a group, not a service": (lambda f: {**f, "service_code": "CG"}, 404),
    "no location": (lambda f: _without(f, "lat", "long", "address_string"), 400),
    "a malformed lat": (lambda f: {**f, "lat": "26.08abc"}, 400),
    "lat without long": (lambda f: _without(f, "long"), 400),
    "lat out of range": (lambda f: {**f, "lat": "126.0"}, 400),
    "a NaN long": (lambda f: {**f, "long": "nan"}, 400),
    "a point outside the city": (lambda f: {**f, **XIAMEN}, 400),
    "a description of 4001 characters": (lambda f: {**f, "description": "噪" * 4001}, 400),
    "a missing required attribute": (lambda f: _without(f, "attribute[period]"), 400),
    "a value not in the list": (lambda f: {**f, "attribute[period]": "noon"}, 400),
    "an unknown list value": (lambda f: {**f, "attribute[sources][]": ["birds"]}, 400),
    "two values for a single list": (lambda f: {**f, "attribute[period]": ["night", "day"]}, 400),
    "a number that is not one": (lambda f: {**f, "attribute[decibels]": "loud"}, 400),
    "a malformed datetime answer": (lambda f: {**f, "attribute[since]": "yesterday"}, 400),
    "an undeclared attribute": (lambda f: {**f, "attribute[colour]": "red"}, 400),
    "a request type the service refuses": (
        lambda f: {**f, "attribute[request_type]": "praise"},
        400,
    ),
    "a media_url that is not a web address": (
        lambda f: {**f, "media_url": "javascript:alert(1)"},
        400,
    ),
    "a phone that is not a number": (lambda f: {**f, "phone": "call me"}, 400),
    "no phone and nothing to file under": (lambda f: _without(f, "phone", "email"), 400),
    "a malformed email": (lambda f: _without({**f, "email": "lin@"}, "phone"), 400),
    "an unknown jurisdiction": (lambda f: {**f, "jurisdiction_id": "beijing.gov.cn"}, 404),
}


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_gets_the_specs_error_and_writes_nothing(
    post: Any, good_form: dict[str, Any], case: str, fmt: str
) -> None:
    change, status = BAD[case]
    before = _counts()

    response = post(change(good_form), fmt)

    assert response.status_code == status
    assert _counts() == before
    if fmt == "json":
        errors = json.loads(response.content)
        assert errors
        assert all(e["code"] == status and e["description"] for e in errors)
    else:
        root = parse_xml(response.content)
        assert root.tag == "errors"
        assert {e.findtext("code") for e in root.findall("error")} == {str(status)}
        assert root.find("error/description").text  # type: ignore[union-attr]


def test_every_problem_of_a_request_is_reported_at_once(
    post: Any, good_form: dict[str, Any]
) -> None:
    response = post({**good_form, "lat": "x", "description": "a" * 4001, "phone": "??"})

    descriptions = [e["description"] for e in json.loads(response.content)]
    assert len(descriptions) == 3
    assert any("lat" in d for d in descriptions)
    assert any("description" in d for d in descriptions)
    assert any("phone" in d for d in descriptions)


def test_a_key_for_the_native_api_only_is_refused(post: Any, good_form: dict[str, Any]) -> None:
    from minsheng.accounts import keys

    raw = keys.issue("原生接口系统", scopes=["api"])[1]

    assert post({**good_form, "api_key": raw}).status_code == 403
    assert Ticket.objects.count() == 0


def test_a_description_of_exactly_4000_characters_is_accepted(
    post: Any, good_form: dict[str, Any]
) -> None:
    form = _without(good_form, "media_url", "attribute[period]", "attribute[sources][]")

    response = post({**form, "service_code": "GY-WATER", "description": "水" * 4000})

    assert response.status_code == 200
    assert len(Ticket.objects.get().description) == 4000


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", '{"service_code": "CG-NOISE"}'),
        ("text/xml", "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>"),
        ("text/plain", "service_code=CG-NOISE"),
    ],
)
def test_a_body_that_is_not_a_form_is_refused_without_being_parsed(
    client: Any, good_form: dict[str, Any], content_type: str, body: str
) -> None:
    response = client.post("/open311/v2/requests.json", body, content_type=content_type)

    assert response.status_code == 400
    assert "x-www-form-urlencoded" in json.loads(response.content)[0]["description"]
    assert Ticket.objects.count() == 0


def test_the_api_key_may_come_in_the_query_string(client: Any, good_form: dict[str, Any]) -> None:
    key = good_form["api_key"]
    form = _without(good_form, "api_key")

    response = client.post(f"/open311/v2/requests.json?api_key={key}", form)

    assert response.status_code == 200


def test_the_citys_own_jurisdiction_id_is_accepted(post: Any, good_form: dict[str, Any]) -> None:
    assert post({**good_form, "jurisdiction_id": "3501"}).status_code == 200
    assert post({**good_form, "jurisdiction_id": "fz"}).status_code == 200


def test_a_swagger_style_post_with_query_parameters_and_no_body_is_accepted(
    client: Any, good_form: dict[str, Any]
) -> None:
    from urllib.parse import urlencode

    query = urlencode(good_form, doseq=True)

    response = client.generic("POST", f"/open311/v2/requests.json?{query}")

    assert response.status_code == 200
    assert Ticket.objects.count() == 1


def test_a_multipart_form_is_read_like_a_plain_form(client: Any, good_form: dict[str, Any]) -> None:
    response = client.post("/open311/v2/requests.json", good_form)  # the test client's multipart

    assert response.status_code == 200


def test_a_garbled_form_body_is_a_400_and_writes_nothing(
    client: Any, good_form: dict[str, Any]
) -> None:
    key = good_form["api_key"]

    response = client.generic(
        "POST",
        f"/open311/v2/requests.json?api_key={key}",
        b"%ZZ%%=&&service_code&lat=%E4%B8",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert Ticket.objects.count() == 0


def test_too_many_fields_are_a_400_not_a_server_error(
    client: Any, good_form: dict[str, Any], settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    from urllib.parse import urlencode

    body = urlencode({**good_form, **{f"f{i}": "x" for i in range(30)}}, doseq=True)

    response = client.generic(
        "POST", "/open311/v2/requests.xml", body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert parse_xml(response.content).findtext("error/code") == "400"
    assert Ticket.objects.count() == 0


def test_a_head_request_is_answered_like_a_get(client: Any, db: Any) -> None:
    assert client.head("/open311/v2/services.json").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/open311/v2/requests.json?q=%00",
        "/open311/v2/requests.json?service_code=A%00",
        "/open311/v2/requests/FZ%00.json",
        "/open311/v2/tokens/%00.json",
        "/open311/v2/services/CG%00.json",
    ],
)
def test_nul_characters_in_reads_are_a_400_not_a_database_error(
    client: Any, db: Any, path: str
) -> None:
    assert client.get(path).status_code == 400


def test_nul_characters_in_a_filing_are_a_400_and_write_nothing(
    post: Any, good_form: dict[str, Any]
) -> None:
    response = post({**good_form, "description": "噪音\x00很大"})

    assert response.status_code == 400
    assert Ticket.objects.count() == 0


def test_the_title_is_the_residents_words_never_the_appended_answers(
    post: Any, good_form: dict[str, Any]
) -> None:
    response = post({**good_form, "description": "打桩;--"})

    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.title == "打桩;--"
    assert "【" not in ticket.title


def test_a_form_that_is_not_utf8_is_400_and_nothing_is_stored(
    client: Any, good_form: dict[str, Any]
) -> None:
    from urllib.parse import urlencode

    body = urlencode({**good_form, "description": "x"}, doseq=True).replace(
        "description=x", "description=%FF%FE%E5"
    )
    response = client.generic(
        "POST", "/open311/v2/requests.json", body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert "UTF-8" in response.json()[0]["description"]
    assert Ticket.objects.count() == 0
