"""What Open311 shows of a ticket (pure: no database)."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from minsheng.open311 import mapping
from minsheng.open311.mapping import TAIL, Event, Row
from minsheng.tickets.models import Status

AT = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
ROW = Row(
    number="FZ2611270001",
    status="accepted",
    request_type="complaint",
    service_code="CG-NOISE",
    service_name="噪音扰民",
    description="夜间施工" + TAIL + "噪音出现的时段：夜间",
    reply="",
    address="鼓楼区东街88号",
    lat=26.085,
    lon=119.305,
    unit_name="鼓东街道",
    resolve_by=AT,
    received_at=AT,
    updated_at=None,
    names=("张先生",),
)


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        ("received", "open"),
        ("dispatched", "open"),
        ("accepted", "open"),
        ("returned", "open"),
        ("replied", "open"),
        ("visited", "open"),
        ("closed", "closed"),
        ("merged", "closed"),
        ("declined", "closed"),
    ],
)
def test_every_status_of_the_loop_is_open_or_closed(status: str, shown: str) -> None:
    assert mapping.open_or_closed(status) == shown


def test_every_status_has_a_progress_note_or_a_reply() -> None:
    for status in Status.values:
        assert mapping.status_notes(replace(ROW, status=status))


def test_phones_emails_id_numbers_and_the_residents_name_are_masked() -> None:
    text = "张先生 13812345678、0591-87654321、+86 138 1234 5678，a.b@c.cn，35010219900101123X"

    masked = mapping.redact(text, names=("张先生",))

    assert masked == "张** ***、***、***，***，***"


def test_ticket_numbers_short_numbers_and_street_numbers_stay_readable() -> None:
    text = "见工单 FZ2611270001，东街88号对面，2026年，300米"

    assert mapping.redact(text) == text


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        ("东街88号3单元502室", "东街88号***"),
        ("东街88号3单元502", "东街88号***"),
        ("杨桥路12号1201户", "杨桥路12号***"),
        ("五四路8号2单元", "五四路8号***"),
    ],
)
def test_the_flat_a_resident_lives_in_is_masked(address: str, shown: str) -> None:
    assert mapping.redact(address) == shown


def test_the_public_description_stops_before_the_filings_tail() -> None:
    assert mapping.request(ROW)["description"] == "夜间施工"


def test_a_request_shows_the_unit_and_deadline_while_the_unit_holds_it() -> None:
    shown = mapping.request(ROW)

    assert shown["agency_responsible"] == "鼓东街道"
    assert shown["expected_datetime"] == "2026-11-27T09:00:00+08:00"
    assert shown["updated_datetime"] == shown["requested_datetime"]


@pytest.mark.parametrize("status", ["received", "returned", "merged", "declined"])
def test_no_unit_is_named_before_dispatch_or_after_a_return(status: str) -> None:
    assert mapping.request(replace(ROW, status=status))["agency_responsible"] is None


def test_a_reports_description_and_reply_stay_private() -> None:
    report = replace(ROW, request_type="report", status="replied", reply="已查处王某")

    shown = mapping.request(report)

    assert shown["description"] is None
    assert "王某" not in shown["status_notes"]


def test_the_reply_is_the_status_note_once_replied() -> None:
    replied = replace(ROW, status="closed", reply="张先生您好，已处理。")

    assert mapping.status_notes(replied) == "张**您好，已处理。"


def test_notes_keep_public_steps_and_hide_comments_and_internal_ones() -> None:
    events = [
        Event("receive", "received", AT, "", None, None),
        Event("dispatch", "dispatched", AT, "内部派单说明", "鼓东街道", None),
        Event("return", "returned", AT, "不归我们管", "鼓东街道", None),
        Event("note", "dispatched", AT, "打过电话", None, None),
        Event("reply", "replied", AT, "已处理，电话 13812345678", None, None),
        Event("visit", "visited", AT, "我是张先生，很不满意", None, "unsatisfied"),
        Event("close", "closed", AT, "", None, None),
    ]

    notes = mapping.notes(ROW, events)

    assert [n["description"] for n in notes] == [
        "已受理诉求",
        "已派单至鼓东街道",
        "承办单位已答复：已处理，电话 ***",
        "回访评价：不满意",
        "已办结",
    ]
    assert [n["status"] for n in notes] == ["open", "open", "open", "open", "closed"]


def test_a_service_publishes_keywords_comma_separated_and_its_group() -> None:
    shown = mapping.service(
        code="CG04",
        name="噪音扰民",
        description="",
        keywords="噪音|扰民",
        group="城市管理",
        metadata=False,
    )

    assert shown["keywords"] == "噪音,扰民"
    assert shown["group"] == "城市管理"
    assert shown["type"] == "realtime"
    assert shown["description"] is None


def test_the_notice_names_the_number_and_the_deadline_rule() -> None:
    notice = mapping.service_notice(
        "FZ2611270001", resolve_hours=None, resolve_workdays=5, reachable=True
    )

    assert "FZ2611270001" in notice
    assert "5 个工作日" in notice
    assert "手机号后四位" in notice
