"""The pure rules: no database."""

from datetime import date
from decimal import Decimal

import pytest

from minsheng.projects import rules
from minsheng.projects.rules import RuleError
from minsheng.sla.calendar import WorkCalendar

# 2026: 1 October (Thursday) to 8 October are the National Day holidays, 10 October a make-up day.
CAL = WorkCalendar(
    holidays=frozenset(date(2026, 10, d) for d in range(1, 9)),
    make_up_workdays=frozenset({date(2026, 10, 10)}),
    known_years=frozenset({2026}),
)


def test_a_list_moves_only_along_its_path() -> None:
    assert rules.move(rules.LIST_MOVES, "submit", "drafting") == "review"
    assert rules.move(rules.LIST_MOVES, "publish", "review") == "published"
    with pytest.raises(RuleError, match="不能公布清单"):
        rules.move(rules.LIST_MOVES, "publish", "drafting")
    with pytest.raises(RuleError, match="未知"):
        rules.move(rules.LIST_MOVES, "delete", "drafting")
    assert rules.move(rules.PROJECT_MOVES, "cancel", "underway") == "cancelled"
    with pytest.raises(RuleError):
        rules.move(rules.PROJECT_MOVES, "finish", "planned")


def test_a_milestone_is_due_soon_by_working_days_not_calendar_days() -> None:
    due = date(2026, 10, 9)  # the Friday after the holidays
    # From 30 September the holidays leave one working day (9 Oct) before the deadline: soon.
    assert rules.milestone_state(due, None, date(2026, 9, 30), CAL) == "soon"
    # From 24 September: 25, 28, 29, 30 September and 9 October are five working days: ok.
    assert rules.milestone_state(due, None, date(2026, 9, 24), CAL) == "ok"
    assert rules.milestone_state(due, None, date(2026, 10, 10), CAL) == "overdue"
    assert rules.milestone_state(due, date(2026, 10, 9), date(2026, 10, 20), CAL) == "done"
    assert rules.milestone_state(due, date(2026, 10, 12), date(2026, 10, 20), CAL) == "late"


def test_on_time_rate_counts_only_milestones_already_due() -> None:
    today = date(2026, 6, 1)
    rows = [
        (date(2026, 5, 1), date(2026, 4, 30)),  # on time
        (date(2026, 5, 10), date(2026, 5, 12)),  # late
        (date(2026, 5, 20), None),  # overdue
        (date(2026, 7, 1), None),  # not yet due: left out
    ]
    assert rules.on_time_rate(rows, today) == pytest.approx(1 / 3)
    assert rules.on_time_rate([(date(2026, 7, 1), None)], today) is None


def test_satisfaction_counts_satisfied_and_basically_as_good() -> None:
    result = rules.satisfaction(["satisfied"] * 8 + ["basically", "unsatisfied"])
    assert result == {"satisfied": 8, "basically": 1, "unsatisfied": 1, "total": 10, "rate": 0.9}
    assert rules.satisfaction([])["rate"] is None


def test_money_reads_sheet_and_form_amounts() -> None:
    assert rules.money("1,200.5") == Decimal("1200.50")
    assert rules.money(3000000) == Decimal("3000000.00")
    with pytest.raises(RuleError, match="不能为负数"):
        rules.money("-1")
    with pytest.raises(RuleError, match="应为数字"):
        rules.money("一百")


def test_answers_are_checked_against_their_item() -> None:
    assert rules.check_answer("yesno", "", " 是 ") == "是"
    with pytest.raises(RuleError):
        rules.check_answer("yesno", "", "有")
    assert rules.check_answer("choice", "完好|老化|破损", "老化") == "老化"
    with pytest.raises(RuleError, match="不是可选"):
        rules.check_answer("choice", "完好|老化", "破损")
    with pytest.raises(RuleError, match="数字"):
        rules.check_answer("number", "", "两年")
    with pytest.raises(RuleError, match="每一个"):
        rules.check_answer("text", "", "")


def test_hazard_answers_and_number_bounds() -> None:
    assert rules.is_hazard("yesno", "是", "是")
    assert not rules.is_hazard("yesno", "是", "否")
    assert rules.is_hazard("choice", "老化|破损", "破损")
    # A hose older than 8 years, or an alarm with less than 1 year of battery.
    assert rules.is_hazard("number", ">8", "9")
    assert not rules.is_hazard("number", ">8", "8")
    assert rules.is_hazard("number", "<1|>8", "0.5")
    assert not rules.is_hazard("number", ">8", "不详")


def test_the_board_counts_coverage_fixes_overdue_and_median_days() -> None:
    today = date(2026, 6, 30)
    board = rules.board(
        outcomes=["inspected", "inspected", "nobody", "", "inspected"],
        hazards=[
            (
                "软管老化",
                "六一社区",
                "fixed",
                date(2026, 6, 1),
                date(2026, 6, 3),
                date(2026, 6, 15),
            ),
            (
                "软管老化",
                "洪甘社区",
                "fixed",
                date(2026, 6, 1),
                date(2026, 6, 9),
                date(2026, 6, 15),
            ),
            ("未装报警器", "六一社区", "open", date(2026, 6, 1), None, date(2026, 6, 15)),
            ("未装报警器", "六一社区", "open", date(2026, 6, 25), None, date(2026, 7, 9)),
            ("私改管道", "洪甘社区", "refused", date(2026, 6, 2), None, date(2026, 6, 16)),
        ],
        today=today,
    )
    assert (board.targets, board.inspected, board.nobody) == (5, 3, 1)
    assert board.coverage == 0.6
    assert (board.hazards, board.fixed, board.refused, board.overdue) == (5, 2, 1, 1)
    assert board.median_days_to_fix == 5.0  # 2 and 8 days
    assert board.by_type["软管老化"] == {"found": 2, "fixed": 2}
    assert board.by_area["六一社区"] == {"found": 3, "fixed": 1}


def test_a_sheet_row_in_the_departments_columns() -> None:
    row = rules.sheet_row(
        {
            "序号": 3.0,
            "项目名称": "历史遗留住宅不动产权证集中办理",
            "牵头单位": "福州市自然资源和规划局",
            "配合单位": "福州市住房和城乡建设局，鼓楼区",
            "投资金额（万元）": "300",
            "资金来源": "市级财政",
            "绩效指标": "办证户数",
            "目标值": 94000,
            "计量单位": "户",
            "完成时限": "2026年12月31日",
        }
    )
    assert row.number == 3
    assert row.co_units == ("福州市住房和城乡建设局", "鼓楼区")
    assert row.amount == Decimal("3000000.00")
    assert row.target == Decimal("94000.00")
    assert row.due == date(2026, 12, 31)
    with pytest.raises(RuleError, match="牵头单位"):
        rules.sheet_row({"项目名称": "无人牵头"})
    with pytest.raises(RuleError, match="不是日期"):
        rules.sheet_row({"项目名称": "x", "牵头单位": "y", "完成时限": "年底"})
