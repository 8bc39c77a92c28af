"""The register, the feeds, identification, help and elimination, against the database."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from conftest import at
from minsheng.households import importing, procedure, queries, write
from minsheng.households.models import Case, Clue, Household, HouseholdStatus, Member, StatusEvent
from minsheng.households.tests.conftest import REGISTER, make_id
from minsheng.notifications.models import Notification
from minsheng.tickets.models import Channel, Status

pytestmark = pytest.mark.django_db


def test_register_import_keys_by_household_and_records_status(registered: dict[str, Any]) -> None:
    h1, h2 = registered["h1"], registered["h2"]
    assert h1.members.count() == 2
    assert h1.status == HouseholdStatus.FORMER_POOR
    assert h2.lives_in == registered["b"]
    assert h2.village == registered["a"]
    assert StatusEvent.objects.filter(household=h1).count() == 1
    member = h1.members.get(name="陈建国")
    assert member.masked_id == member.id_number[:6] + "********" + member.id_number[-4:]


def test_a_bad_register_file_writes_nothing_and_names_each_row(county: dict[str, Any]) -> None:
    text = REGISTER.format(make_id(1), "110105194912310021", make_id(3, 1950)).replace(
        "350111201002", "999"
    )
    with pytest.raises(importing.FileRefused) as refused:
        importing.import_register(text, by="测试")
    messages = [str(e) for e in refused.value.errors]
    assert messages == ["第 3 行：身份证号校验位不正确", "第 4 行：实际居住村编码 999 不存在"]
    assert "110105194912310021" not in str(refused.value)
    assert not Household.objects.exists()
    assert not Member.objects.exists()


def _feed(rows: list[tuple[str, str]], source: str = "medical") -> dict[str, int]:
    text = "id_number,amount,date,note\n" + "".join(f"{i},{a},2026-03-02,\n" for i, a in rows)
    return importing.import_feed(source, text, by="医保局")


@time_machine.travel(at(2026, 3, 2, 10), tick=False)
def test_medical_feed_flags_above_the_threshold_and_opens_one_case(
    registered: dict[str, Any],
) -> None:
    # H001 is 脱贫户: threshold 50 % × 18,179 = 9,089.50; H002 general: 18,179.
    result = _feed([(make_id(1), "9089.50"), (make_id(3, 1950), "18179")])
    assert result == {"rows": 2, "flagged": 0, "cases": 0}
    assert not Case.objects.exists()
    result = _feed([(make_id(1), "9089.51"), (make_id(2), "12000")])
    assert result == {"rows": 2, "flagged": 2, "cases": 1}
    h1 = registered["h1"]
    first, second = Clue.objects.filter(household=h1, flagged=True).order_by("pk")
    assert second.merged_into == first
    assert second.case == first.case
    case = first.case
    # Monday 2 March 2026: five working days → Monday 9 March; fifteen → Monday 23 March.
    assert (case.home_check_due.isoformat(), case.decision_due.isoformat()) == (
        "2026-03-09",
        "2026-03-23",
    )
    step = case.steps.get()
    assert step.kind == procedure.HOME_CHECK
    assert step.ticket.channel == Channel.PROACTIVE
    assert step.ticket.unit == registered["a"]
    assert step.ticket.status == Status.DISPATCHED
    assert make_id(1) not in step.ticket.description


def test_a_bad_feed_file_writes_nothing(registered: dict[str, Any]) -> None:
    text = f"id_number,amount,date,note\n{make_id(1)},abc,2026-03-02,\n{make_id(9)},100,3/2,\n"
    with pytest.raises(importing.FileRefused) as refused:
        importing.import_feed("medical", text, by="医保局")
    assert [str(e) for e in refused.value.errors] == [
        "第 2 行：金额不是数字",
        "第 3 行：身份证号未在监测登记中找到；日期应为 YYYY-MM-DD",
    ]
    assert not Clue.objects.exists()


def _walk(case: Case, user: Any, start: Any, **home: Any) -> Any:
    moment = start
    while (step := case.steps.filter(done_at__isnull=True).first()) is not None:
        moment += timedelta(days=6 if step.kind == procedure.NOTICE else 1)
        extra = home if step.kind == procedure.HOME_CHECK else {}
        write.complete_step(step, write.StepResult(passed=True, **extra), by=user, at=moment)
        case.refresh_from_db()
    return moment


def test_identification_steps_in_order_with_their_checks(
    registered: dict[str, Any], cadre: Any
) -> None:
    h1 = registered["h1"]
    start = at(2026, 3, 2, 10)
    with time_machine.travel(start, tick=False):
        clue = write.add_clue(
            write.ClueIn(village=h1.village, household=h1, source="visit", text="户主住院手术"),
            by=cadre,
        )
    case = clue.case
    assert clue.cause == "illness"
    home = case.steps.get()
    write.complete_step(
        home,
        write.StepResult(passed=True, target="marginal"),
        by=cadre,
        at=start + timedelta(days=1),
    )
    home.refresh_from_db()
    assert home.ticket.status == Status.REPLIED
    data_check = case.steps.get(kind=procedure.DATA_CHECK)
    with pytest.raises(write.Refused, match="书面授权"):
        write.complete_step(
            data_check, write.StepResult(passed=True), by=cadre, at=start + timedelta(days=2)
        )
    Case.objects.filter(pk=case.pk).update(authorised_at=start)  # the signed form, scanned later
    write.complete_step(
        data_check, write.StepResult(passed=True), by=cadre, at=start + timedelta(days=2)
    )
    review = case.steps.get(kind=procedure.VILLAGE_REVIEW)
    write.complete_step(
        review, write.StepResult(passed=True), by=cadre, at=start + timedelta(days=3)
    )
    notice = case.steps.get(kind=procedure.NOTICE)
    with pytest.raises(write.Refused, match="公示须满 5 天"):
        write.complete_step(
            notice, write.StepResult(passed=True), by=cadre, at=start + timedelta(days=5)
        )
    _walk(case, cadre, start + timedelta(days=8))
    case.refresh_from_db()
    h1.refresh_from_db()
    assert case.state == Case.State.APPROVED
    assert h1.status == HouseholdStatus.MARGINAL
    assert list(h1.events.order_by("pk").values_list("status", flat=True)) == [
        "former_poor",
        "marginal",
    ]
    assert case.steps.count() == 6
    assert all(s.ticket_id for s in case.steps.all())


def test_a_refusal_needs_a_reason_told_to_the_applicant(
    registered: dict[str, Any], cadre: Any
) -> None:
    h1 = registered["h1"]
    clue = write.add_clue(
        write.ClueIn(village=h1.village, household=h1, source="visit", text="失业"), by="测试"
    )
    step = clue.case.steps.get()
    with pytest.raises(write.Refused, match="理由"):
        write.complete_step(step, write.StepResult(passed=False), by=cadre)
    write.complete_step(step, write.StepResult(passed=False, note="收入高于监测线"), by=cadre)
    clue.case.refresh_from_db()
    assert clue.case.state == Case.State.REFUSED
    assert clue.case.reason == "收入高于监测线"
    sms = Notification.objects.get(kind="households_result")
    assert sms.phone == "13900000001"
    assert "理由：收入高于监测线" in sms.body
    again = write.add_clue(
        write.ClueIn(village=h1.village, household=h1, source="visit", text="又失业"), by="测试"
    )
    assert again.case is not None
    assert again.case != clue.case


def test_disaster_clue_takes_the_green_channel(registered: dict[str, Any]) -> None:
    h2 = registered["h2"]
    clue = write.add_clue(
        write.ClueIn(village=h2.village, household=h2, source="hotline", text="房子被洪水冲了"),
        by="测试",
    )
    assert clue.case.green_channel
    assert clue.cause == "disaster"
    step = clue.case.steps.get()
    assert step.ticket.urgency == "urgent"
    assert step.ticket.unit == registered["b"]
    write.add_payment(
        h2, fund="emergency", amount=Decimal(2000), paid_on=timezone.localdate(), by="测试"
    )
    with pytest.raises(write.Refused):
        write.add_payment(
            h2, fund="emergency", amount=Decimal(0), paid_on=timezone.localdate(), by="测试"
        )


def _identified(h: Household, user: Any, start: Any) -> Case:
    with time_machine.travel(start, tick=False):
        clue = write.add_clue(
            write.ClueIn(village=h.village, household=h, source="visit", text="因病"), by=user
        )
    _walk(
        clue.case,
        user,
        start,
        authorised=True,
        target="unstable",
        rigid_resolved=True,
        guarantees=True,
        water=True,
    )
    clue.case.refresh_from_db()
    return clue.case


def _months(h: Household, yuan: int, until: Any) -> None:
    from minsheng.households import rules

    first = rules.add_months(rules.first_of(until), -12)
    write.save_months(
        h, [rules.Month(month=rules.add_months(first, i), wage=Decimal(yuan)) for i in range(12)]
    )


def test_elimination_refused_with_the_failing_check_then_allowed(
    registered: dict[str, Any], cadre: Any
) -> None:
    h1, h2 = registered["h1"], registered["h2"]
    case = _identified(h1, cadre, at(2026, 1, 5, 10))
    assert case.state == Case.State.APPROVED
    with time_machine.travel(at(2026, 3, 2, 10), tick=False):
        with pytest.raises(write.Refused) as refused:
            write.open_elimination(h1, by=cadre)
        assert "不满 6 个月" in str(refused.value)
        assert "尚未落实任何帮扶措施" in str(refused.value)
    write.add_measure(h1, kind="welfare_job", start=at(2026, 2, 1).date(), by=cadre)
    _months(h1, 1400, at(2026, 8, 10).date())  # 1,400 × 12 / 2 persons = 8,400 > 7,800
    with time_machine.travel(at(2026, 8, 10, 10), tick=False):
        assert queries.elimination_failures(h1, at(2026, 8, 10).date()) == []
        elimination = write.open_elimination(h1, by=cadre)
    _walk(elimination, cadre, at(2026, 8, 10, 10), rigid_resolved=True, guarantees=True, water=True)
    h1.refresh_from_db()
    assert h1.status == HouseholdStatus.ELIMINATED
    # A household without labour is never eliminated, whatever its income.
    case2 = _identified(h2, cadre, at(2026, 1, 5, 10))
    write.add_measure(h2, kind="dibao", start=at(2026, 2, 1).date(), by=cadre)
    _months(h2, 2000, at(2026, 8, 10).date())
    with (
        time_machine.travel(at(2026, 8, 10, 10), tick=False),
        pytest.raises(write.Refused, match="家中无劳动力"),
    ):
        write.open_elimination(h2, by=cadre)
    assert case2.household.status == HouseholdStatus.UNSTABLE


def test_funnel_counts_households_and_persons(
    registered: dict[str, Any], cadre: Any, admin_user: Any, street_handler: Any
) -> None:
    h1 = registered["h1"]
    _identified(h1, cadre, at(2026, 1, 5, 10))
    write.add_measure(h1, kind="industry", start=at(2026, 1, 25).date(), by=cadre)
    data = queries.funnel(admin_user)
    numbers = {s["code"]: (s["households"], s["persons"]) for s in data["stages"]}
    assert numbers == {
        "clues": (1, 2),
        "identified": (1, 2),
        "helped": (1, 2),
        "eliminated": (0, 0),
    }
    assert data["days_to_measure"] == 20.0
    assert data["causes"] == [{"cause": "illness", "label": "因病", "n": 1}]
    assert data["areas"][0]["village"] == "寿山村"
    assert queries.funnel(street_handler)["stages"][0]["households"] == 0  # 鼓东街道 sees none


def test_no_log_line_carries_an_id_number(
    registered: dict[str, Any], cadre: Any, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    with pytest.raises(importing.FileRefused):
        _feed([(make_id(1), "x")])
    _feed([(make_id(1), "20000"), (make_id(3, 1950), "20000")])
    for case in Case.objects.all():
        _walk(case, "演示", at(2026, 3, 2, 10), authorised=True, target="sudden")
    assert Case.objects.filter(state=Case.State.APPROVED).count() == 2
    for member in Member.objects.all():
        assert member.id_number not in caplog.text


def test_month_end_recompute_turns_new_risks_into_clues(registered: dict[str, Any]) -> None:
    h1, h2 = registered["h1"], registered["h2"]
    _months(h1, 500, at(2026, 3, 2).date())  # 500 × 12 / 2 = 3,000 < 7,800
    _months(h2, 1000, at(2026, 3, 2).date())  # 12,000 for one person
    assert write.recompute(today=at(2026, 3, 2).date()) == 1
    clue = Clue.objects.get()
    assert clue.household == h1
    assert clue.source == Clue.Source.ACCOUNTS
    assert clue.case is not None
    assert write.recompute(today=at(2026, 3, 2).date()) == 0  # in a case now
