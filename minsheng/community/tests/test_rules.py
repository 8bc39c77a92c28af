"""The pure rules, without a database."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from minsheng.community import rules

BEIJING = ZoneInfo("Asia/Shanghai")


def test_levels_climb_in_order_and_end_at_the_street() -> None:
    assert [rules.next_level(level) for level in rules.LEVELS] == [
        "grid", "community", "street", None,
    ]  # fmt: skip
    t = datetime(2026, 12, 3, 9, 0, tzinfo=BEIJING)
    assert rules.due_at(rules.STEWARD, t) == t + timedelta(hours=2)


def test_the_share_settled_in_the_community() -> None:
    assert rules.settled_share({}) is None
    assert rules.settled_share({"steward": 2, "grid": 1, "community": 1, "street": 4}) == 0.5


def test_visit_plans() -> None:
    since = date(2026, 1, 1)
    assert rules.next_visit(since, None, 90) == date(2026, 4, 1)
    assert rules.next_visit(since, date(2026, 3, 1), 90) == date(2026, 5, 30)
    today = date(2026, 4, 10)
    assert rules.visit_state(date(2026, 4, 1), today) == "overdue"
    assert rules.visit_state(date(2026, 4, 20), today) == "soon"
    assert rules.visit_state(date(2026, 6, 1), today) == "ok"


def test_distances_and_points() -> None:
    # One thousandth of a degree of latitude is about 111 metres.
    assert rules.distance_m(26.0, 119.0, 26.001, 119.0) == pytest.approx(111.2, abs=0.5)
    assert rules.parse_near("26.09, 119.29") == (26.09, 119.29)
    for bad in ("", "26.09", "a,b", "95,119", "nan,119"):
        with pytest.raises(rules.RuleError):
            rules.parse_near(bad)


def test_duty_and_sheet_cells() -> None:
    shifts = rules.parse_duty("六 09:00-12:00")
    assert rules.on_duty(shifts, datetime(2026, 12, 5, 10, 0, tzinfo=BEIJING))  # a Saturday
    assert not rules.on_duty(shifts, datetime(2026, 12, 5, 13, 0, tzinfo=BEIJING))
    assert rules.cell_int("12", "层数") == 12
    with pytest.raises(rules.RuleError):
        rules.cell_int("十二", "层数")
    assert rules.cell_point("", "") == (None, None)
    with pytest.raises(rules.RuleError):
        rules.cell_text("x" * 11, "名称", 10)
