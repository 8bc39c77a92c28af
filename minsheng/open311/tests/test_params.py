"""Parsing what clients send (pure: no database)."""

from datetime import UTC, datetime, timedelta

import pytest

from minsheng.citizens.masking import normalise_phone
from minsheng.open311 import params
from minsheng.open311.formats import BEIJING, Open311Error
from minsheng.open311.params import AttributeSpec

NOW = datetime(2026, 11, 27, 4, 0, tzinfo=UTC)
PERIOD = AttributeSpec(
    "period", "singlevaluelist", required=True, values=(("night", "夜间"), ("day", "白天"))
)
SOURCES = AttributeSpec("sources", "multivaluelist", values=(("a", "A"), ("b", "B")))
NOTE = AttributeSpec("note", "string", required=True, variable=False)


def errors_of(call: object) -> list[str]:
    with pytest.raises(Open311Error) as caught:
        call()  # type: ignore[operator]
    assert caught.value.http_status == 400
    return [description for _, description in caught.value.errors]


def test_the_default_window_is_the_last_90_days_and_1000_records() -> None:
    filters = params.parse_filters({}, now=NOW)

    assert (filters.start, filters.end) == (NOW - timedelta(days=90), NOW)
    assert (filters.page, filters.page_size) == (1, 1000)


def test_a_start_date_alone_opens_a_90_day_window_after_it() -> None:
    filters = params.parse_filters({"start_date": "2026-01-01T00:00:00Z"}, now=NOW)

    assert filters.start == datetime(2026, 1, 1, tzinfo=UTC)
    assert filters.end == datetime(2026, 4, 1, tzinfo=UTC)


def test_dates_without_a_zone_are_beijing_time_and_a_bare_end_date_covers_its_day() -> None:
    filters = params.parse_filters(
        {"start_date": "2026-11-01", "end_date": "2026-11-02T08:00:00"}, now=NOW
    )

    assert filters.start == datetime(2026, 11, 1, tzinfo=BEIJING)
    assert filters.end == datetime(2026, 11, 2, 8, tzinfo=BEIJING)
    end_of_day = params.parse_filters({"end_date": "2026-11-02"}, now=NOW).end
    assert end_of_day == datetime(2026, 11, 2, 23, 59, 59, 999999, tzinfo=BEIJING)


def test_ids_drop_the_date_window() -> None:
    filters = params.parse_filters({"service_request_id": "A, B,A"}, now=NOW)

    assert filters.ids == ("A", "B")
    assert filters.start is None


def test_bad_filters_are_all_reported_together() -> None:
    problems = errors_of(
        lambda: params.parse_filters(
            {"start_date": "x", "status": "pending", "page": "-1", "bbox": "1,2"}, now=NOW
        )
    )

    assert len(problems) == 4


def test_a_bbox_reads_min_lon_min_lat_max_lon_max_lat() -> None:
    bbox = params.parse_filters({"bbox": "119.2,26.0,119.4,26.2"}, now=NOW).bbox

    assert bbox == (119.2, 26.0, 119.4, 26.2)


FORM = {
    "service_code": ["CG-NOISE"],
    "lat": ["26.08"],
    "long": ["119.30"],
    "phone": ["13900001111"],
}


def test_a_filing_reads_location_contact_and_attributes() -> None:
    filing = params.parse_filing(
        {**FORM, "attribute[period]": ["night"], "attribute[sources][]": ["a", "b"]}
    )

    assert (filing.lat, filing.lon) == (26.08, 119.30)
    assert filing.phone == "13900001111"
    assert filing.raw_attributes == {"period": ["night"], "sources": ["a", "b"]}


def test_a_chinese_name_is_written_family_name_first() -> None:
    chinese = params.parse_filing({**FORM, "first_name": ["丽"], "last_name": ["林"]})
    latin = params.parse_filing({**FORM, "first_name": ["Ann"], "last_name": ["Lee"]})

    assert (chinese.name, latin.name) == ("林丽", "Ann Lee")


@pytest.mark.parametrize(
    ("change", "word"),
    [
        ({"service_code": [""]}, "service_code"),
        ({"lat": ["north"]}, "lat"),
        ({"long": [""]}, "lat"),
        ({"lat": ["inf"]}, "lat"),
        ({"description": ["x" * 4001]}, "description"),
        ({"media_url": ["ftp://x.example/a.jpg"]}, "media_url"),
        ({"phone": ["12"]}, "phone"),
        ({"phone": [""]}, "phone is required"),
        ({"lat": [""], "long": [""]}, "location"),
    ],
)
def test_a_bad_filing_says_what_is_wrong(change: dict[str, list[str]], word: str) -> None:
    problems = errors_of(lambda: params.parse_filing({**FORM, **change}))

    assert any(word in p for p in problems)


def test_answers_are_checked_against_the_definition() -> None:
    answers = params.check_answers({"period": ["night"], "sources": ["a", "b"]}, [PERIOD, SOURCES])

    assert answers == {"period": "night", "sources": ["a", "b"]}


@pytest.mark.parametrize(
    "raw",
    [
        {},
        {"period": ["noon"]},
        {"period": ["night", "day"]},
        {"period": ["night"], "sources": ["a", "z"]},
        {"period": ["night"], "colour": ["red"]},
    ],
)
def test_wrong_answers_are_refused(raw: dict[str, list[str]]) -> None:
    assert errors_of(lambda: params.check_answers(raw, [PERIOD, SOURCES]))


def test_an_information_only_attribute_is_never_required() -> None:
    assert params.check_answers({}, [NOTE]) == {}


@pytest.mark.parametrize(
    ("datatype", "value", "ok"),
    [
        ("number", "65.5", True),
        ("number", "loud", False),
        ("datetime", "2026-11-01T20:00:00+08:00", True),
        ("datetime", "last week", False),
        ("string", "x" * 200, True),
        ("string", "x" * 201, False),
        ("text", "x" * 2000, True),
    ],
)
def test_typed_answers_are_checked(datatype: str, value: str, ok: bool) -> None:
    spec = AttributeSpec("a", datatype)
    if ok:
        assert params.check_answers({"a": [value]}, [spec]) == {"a": value}
    else:
        assert errors_of(lambda: params.check_answers({"a": [value]}, [spec]))


def test_the_request_type_defaults_to_help_where_the_service_takes_it() -> None:
    types = ["consult", "help", "complaint", "report", "suggestion", "praise"]

    assert params.request_type({}, allowed=["complaint", "help"], all_types=types) == "help"
    assert params.request_type({}, allowed=["complaint", "report"], all_types=types) == "complaint"
    assert params.request_type({}, allowed=[], all_types=types) == "help"
    chosen = {"request_type": ["report"]}
    assert params.request_type(chosen, allowed=["complaint", "report"], all_types=types) == "report"
    assert errors_of(lambda: params.request_type(chosen, allowed=["complaint"], all_types=types))


def test_a_pseudonym_is_stable_non_dialable_and_a_valid_number() -> None:
    one = params.pseudonym_phone("secret", key_id=1, identity=("device_id", "d-7"))

    assert one == params.pseudonym_phone("secret", key_id=1, identity=("device_id", "d-7"))
    assert one != params.pseudonym_phone("secret", key_id=2, identity=("device_id", "d-7"))
    assert one != params.pseudonym_phone("secret", key_id=1, identity=("device_id", "d-8"))
    assert one.startswith("000")
    assert len(one) == 12
    assert normalise_phone(one) == one
