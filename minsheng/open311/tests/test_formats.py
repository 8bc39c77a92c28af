"""Rendering JSON and XML replies (pure: no database)."""

import json
from datetime import UTC, datetime

from minsheng.open311.formats import Open311Error, iso, render, render_errors
from minsheng.open311.tests.helpers import parse_xml


def test_json_is_utf8_without_escapes() -> None:
    body = render([{"service_name": "噪音扰民", "metadata": True, "lat": None}], "json", root="x")

    assert "噪音扰民".encode() in body
    assert json.loads(body) == [{"service_name": "噪音扰民", "metadata": True, "lat": None}]


def test_xml_names_list_items_after_their_list_and_writes_booleans_and_empties() -> None:
    value = [{"service_code": "CG-NOISE", "metadata": False, "keywords": None, "lat": 26.085}]

    root = parse_xml(render(value, "xml", root="services"))

    assert root.tag == "services"
    [service] = root
    assert service.tag == "service"
    assert service.findtext("service_code") == "CG-NOISE"
    assert service.findtext("metadata") == "false"
    assert service.find("keywords") is not None
    assert service.findtext("keywords") == ""
    assert service.findtext("lat") == "26.085"


def test_xml_nests_attributes_values_and_notes_as_the_spec_shows() -> None:
    value = {
        "service_code": "X",
        "attributes": [{"code": "a", "values": [{"key": "k", "name": "名"}]}],
    }

    root = parse_xml(render(value, "xml", root="service_definition"))

    assert root.findtext("attributes/attribute/values/value/name") == "名"


def test_xml_drops_characters_xml_cannot_carry_and_escapes_markup() -> None:
    body = render([{"description": "a\x00b\x1fc <d> & e"}], "xml", root="service_requests")

    assert parse_xml(body).findtext("request/description") == "abc <d> & e"


def test_errors_render_as_the_spec_lists_them() -> None:
    error = Open311Error(400, "service_code was not provided", "lat is wrong")

    assert json.loads(render_errors(error.errors, "json")) == [
        {"code": 400, "description": "service_code was not provided"},
        {"code": 400, "description": "lat is wrong"},
    ]
    root = parse_xml(render_errors(error.errors, "xml"))
    assert root.tag == "errors"
    assert [e.findtext("code") for e in root.findall("error")] == ["400", "400"]


def test_datetimes_are_iso_8601_in_beijing_time_with_the_offset() -> None:
    assert iso(datetime(2026, 11, 27, 1, 30, 15, 123, tzinfo=UTC)) == "2026-11-27T09:30:15+08:00"
    assert iso(None) is None
