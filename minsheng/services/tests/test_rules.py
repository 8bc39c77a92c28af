"""The pure rules: dependency order, the critical chain against the sum, the form's answers,
a proxy's refusals, the checklist and the transfer key. No database."""

from datetime import date

import pytest

from minsheng.services import rules
from minsheng.sla.calendar import WorkCalendar

BIRTH = {1: [], 2: [1], 3: [1], 4: [3], 5: [3]}  # cert; vaccine, hukou after it; two after hukou
LIMITS = {1: 1, 2: 1, 3: 1, 4: 1, 5: 3}


def test_order_respects_dependencies_and_refuses_cycles() -> None:
    order = rules.check_order(BIRTH)
    assert order.index(1) < order.index(3) < order.index(5)
    with pytest.raises(rules.RuleError, match="循环"):
        rules.check_order({1: [2], 2: [1]}, {1: "甲", 2: "乙"})
    with pytest.raises(rules.RuleError, match="不在本件事"):
        rules.check_order({1: [9]})


def test_ready_items_start_together_once_their_prerequisites_are_done() -> None:
    assert rules.ready(BIRTH, done=[], started=[]) == [1]
    assert rules.ready(BIRTH, done=[1], started=[1]) == [2, 3]
    assert rules.ready(BIRTH, done=[1, 3], started=[1, 2, 3]) == [4, 5]
    assert rules.ready(BIRTH, done=[1, 2, 3, 4, 5], started=[1, 2, 3, 4, 5]) == []


def test_the_bundle_promises_its_longest_chain_not_the_sum() -> None:
    assert rules.critical_workdays(LIMITS, BIRTH) == 5  # 1 + 1 + 3
    assert rules.sequential_workdays(LIMITS) == 7
    assert rules.critical_workdays({1: 4, 2: 2}, {1: [], 2: []}) == 4


def test_elapsed_working_days_skip_weekends_and_count_a_same_day_finish_as_one() -> None:
    calendar = WorkCalendar(known_years=frozenset({2026}))
    friday, monday = date(2026, 12, 4), date(2026, 12, 7)
    assert rules.elapsed_workdays(calendar, friday, friday) == 1
    assert rules.elapsed_workdays(calendar, friday, monday) == 1


def test_answers_are_checked_once_each() -> None:
    questions = [
        rules.Question("name", "新生儿姓名", "text", True),
        rules.Question("born", "出生日期", "date", True),
        rules.Question("id", "母亲身份证号", "id", True),
        rules.Question("sex", "性别", "choice", False, ("男", "女")),
    ]
    good = {"name": "林小满", "born": "2026-11-30", "id": "350102199001011238", "sex": "女"}
    assert rules.clean_answers(questions, good) == good
    with pytest.raises(rules.RuleError, match="新生儿姓名"):
        rules.clean_answers(questions, {**good, "name": " "})
    with pytest.raises(rules.RuleError, match="日期"):
        rules.clean_answers(questions, {**good, "born": "11/30"})
    with pytest.raises(rules.RuleError, match="身份证"):
        rules.clean_answers(questions, {**good, "id": "350102199001011230"})
    with pytest.raises(rules.RuleError, match="选项"):
        rules.clean_answers(questions, {**good, "sex": "未知"})
    assert rules.answers_for(["id"], {"id": "母亲身份证号"}, good) == [("母亲身份证号", good["id"])]
    assert rules.mask_id("350102199001011238") == "350102********1238"


def test_a_proxy_is_refused_when_revoked_unconfirmed_expired_or_out_of_scope() -> None:
    today = date(2026, 12, 3)
    ok = {
        "today": today,
        "valid_until": today,
        "confirmed": True,
        "revoked": False,
        "covers_bundle": True,
    }
    assert rules.proxy_refusal(**ok) is None
    assert "撤销" in (rules.proxy_refusal(**{**ok, "revoked": True}) or "")
    assert "尚未生效" in (rules.proxy_refusal(**{**ok, "confirmed": False}) or "")
    assert "到期" in (rules.proxy_refusal(**{**ok, "valid_until": date(2026, 12, 2)}) or "")
    assert "不包括" in (rules.proxy_refusal(**{**ok, "covers_bundle": False}) or "")
    assert rules.both_names("林晓红", "林国栋") == "林晓红（代林国栋办理）"


def test_checklist_names_what_is_missing() -> None:
    assert rules.checklist(["身份证", "户口簿"], ["身份证", "户口簿"]) == ("complete", [])
    assert rules.checklist(["身份证", "户口簿"], ["身份证"]) == ("missing", ["户口簿"])


def test_the_transfer_key_travels_in_the_description() -> None:
    text = rules.transfer_text("zb-abcdefghjkmnpq", "出生一件事", "鼓楼区", [("需核对", "姓名")])
    assert rules.key_in(text) == "zb-abcdefghjkmnpq"
    assert rules.key_in("普通诉求") is None


def test_a_turn_credential_is_what_coturn_checks() -> None:
    import base64
    import hashlib
    import hmac

    username, credential = rules.turn_credential("s3cret", now=1_800_000_000, ttl=7200)
    assert username == "1800007200:services"
    expected = hmac.new(b"s3cret", username.encode(), hashlib.sha1).digest()
    assert base64.b64decode(credential) == expected
