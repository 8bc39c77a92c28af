"""A step's ticket answered on the ticket page (the desk's own reply action) completes the
step, through `tickets.signals.event_recorded` (tracking.py)."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from conftest import at
from minsheng.households import procedure, write
from minsheng.households.models import Case, HouseholdStatus, Step
from minsheng.households.tests.conftest import make_id
from minsheng.notifications.models import Notification
from minsheng.tickets import workflow
from minsheng.tickets.models import Status

pytestmark = pytest.mark.django_db
START = at(2026, 3, 2, 10)


def _desk(client: Any, step: Step, action: str, **data: str) -> None:
    response = client.post(
        reverse("desk:act", args=[step.ticket.number, action]), data, follow=True
    )
    assert response.status_code == 200


def _opened(h: Any, text: str = "户主住院手术") -> Case:
    with time_machine.travel(START, tick=False):
        clue = write.add_clue(
            write.ClueIn(village=h.village, household=h, source="visit", text=text), by="测试"
        )
    return clue.case


def test_a_reply_on_the_ticket_page_completes_the_home_check(
    client: Any, registered: dict[str, Any], cadre: Any
) -> None:
    case = _opened(registered["h1"])
    home = case.steps.get()
    client.login(username="wu", password="pw-wu")
    _desk(client, home, "accept")
    _desk(client, home, "reply", text="已入户核实，户主签署承诺授权书，拟纳入边缘易致贫户。")
    home.refresh_from_db()
    case.refresh_from_db()
    assert home.done_at is not None
    assert home.passed is True
    assert home.done_by == "吴干部"
    assert "承诺授权书" in home.note
    assert case.authorised_at is not None
    assert case.target == HouseholdStatus.MARGINAL
    assert home.ticket.status == Status.REPLIED
    following = case.steps.get(done_at__isnull=True)
    assert following.kind == procedure.DATA_CHECK
    assert following.ticket_id
    assert following.ticket.status == Status.DISPATCHED


def test_a_refusing_reply_refuses_the_case_and_tells_the_applicant(
    client: Any, registered: dict[str, Any], cadre: Any
) -> None:
    case = _opened(registered["h1"], "失业")
    home = case.steps.get()
    client.login(username="wu", password="pw-wu")
    _desk(client, home, "accept")
    _desk(client, home, "reply", text="经入户核实，家庭人均纯收入高于监测线，不符合纳入条件。")
    case.refresh_from_db()
    assert case.state == Case.State.REFUSED
    assert "不符合纳入条件" in case.reason
    sms = Notification.objects.get(kind="households_result")
    assert "不符合纳入条件" in sms.body
    assert case.steps.count() == 1


def test_a_reply_that_cannot_complete_the_step_leaves_it_open_with_the_reason(
    registered: dict[str, Any], cadre: Any
) -> None:
    case = _opened(registered["h1"])
    moment = START
    while (step := case.steps.get(done_at__isnull=True)).kind != procedure.NOTICE:
        moment += timedelta(days=1)
        write.complete_step(
            step, write.StepResult(passed=True, authorised=True), by=cadre, at=moment
        )
    notice = step
    workflow.accept(notice.ticket, by=cadre, at=moment)
    workflow.reply(notice.ticket, by=cadre, text="已张榜公示。", at=moment + timedelta(hours=1))
    notice.refresh_from_db()
    notice.ticket.refresh_from_db()
    assert notice.ticket.status == Status.REPLIED  # the reply stands
    assert notice.done_at is None
    assert "公示须满 5 天" in notice.note
    # the notice completed later on the household page still moves the case on
    write.complete_step(notice, write.StepResult(passed=True), by=cadre, at=moment + timedelta(6))
    assert case.steps.get(done_at__isnull=True).kind == procedure.TOWNSHIP_REVIEW


def test_a_step_done_on_the_household_page_is_not_completed_twice(
    registered: dict[str, Any], cadre: Any
) -> None:
    case = _opened(registered["h1"])
    home = case.steps.get()
    write.complete_step(
        home,
        write.StepResult(passed=True, authorised=True, target="unstable", note="入户核实属实"),
        by=cadre,
        at=START + timedelta(days=1),
    )
    home.refresh_from_db()
    assert home.ticket.status == Status.REPLIED  # answered by the same person, through the loop
    assert home.note == "入户核实属实"
    assert case.steps.count() == 2
    assert case.steps.filter(kind=procedure.DATA_CHECK).count() == 1


def test_replies_walk_a_case_to_approval(registered: dict[str, Any], cadre: Any) -> None:
    """Every step answered only on the ticket page: the household is identified."""
    h1 = registered["h1"]
    case = _opened(h1)
    moment = START
    while (step := case.steps.filter(done_at__isnull=True).first()) is not None:
        moment += timedelta(days=6 if step.kind == procedure.NOTICE else 1)
        text = "已签授权书，核实属实。" if step.kind == procedure.HOME_CHECK else "同意，已办理。"
        with time_machine.travel(moment, tick=False):
            workflow.accept(step.ticket, by=cadre)
            workflow.reply(step.ticket, by=cadre, text=text)
        case.refresh_from_db()
    h1.refresh_from_db()
    assert case.state == Case.State.APPROVED
    assert h1.status == HouseholdStatus.UNSTABLE  # a former-poor household, no type named
    assert case.steps.count() == 6


def test_the_village_is_reminded_before_a_step_is_due_and_when_it_is_late(
    registered: dict[str, Any],
) -> None:
    from minsheng.accounts.models import User
    from minsheng.households import tracking
    from minsheng.orgs.models import Membership

    village_cadre = User.objects.create_user(username="lin", password="pw-lin")
    Membership.objects.create(user=village_cadre, unit=registered["a"], role="handler")
    case = _opened(registered["h1"])
    home = case.steps.get()
    assert home.due.isoformat() == "2026-03-09"  # Monday 2 March + 5 working days
    with time_machine.travel(at(2026, 3, 5, 9), tick=False):
        assert tracking.remind() == 0
    with time_machine.travel(at(2026, 3, 6, 9), tick=False):  # Friday: Monday is the last day
        assert tracking.remind() == 1
        tracking.remind()  # once only
    with time_machine.travel(at(2026, 3, 10, 9), tick=False):
        tracking.remind()
    notes = Notification.objects.filter(kind="households_step_due", user=village_cadre)
    assert [("超过" in n.body) for n in notes.order_by("pk")] == [False, True]
    assert all(n.ticket_number == home.ticket.number for n in notes)
    assert all(make_id(1) not in n.body for n in notes)
