"""A bundle worked through the loop: one form, one ticket per item to its department, in
dependency order with independent items side by side, deadlines on the working-day calendar;
a rejected item goes back alone; one SMS when all is done."""

from typing import Any

import pytest
from django.utils import timezone

from minsheng.services import write
from minsheng.services.models import Application, Event, Work
from minsheng.services.rules import RuleError
from minsheng.services.tests.conftest import BIRTH_ANSWERS

pytestmark = pytest.mark.django_db


def _apply(bundles: dict[str, Any], **extra: Any) -> Application:
    return write.apply(
        bundles["birth"], name="陈丽", phone="13800000101", answers=dict(BIRTH_ANSWERS), **extra
    )


def _states(app: Application) -> dict[str, str]:
    return dict(app.works.values_list("item__code", "state"))


def _finish(work: Work, departments: dict[str, Any]) -> None:
    write.approve(work, by=departments[work.item.unit.code][1], note="已办")


def test_one_form_files_the_first_items_to_their_departments(
    bundles: Any, departments: Any
) -> None:
    from minsheng.sla.deadlines import official_calendar
    from minsheng.tickets.models import Status

    app = _apply(bundles)
    assert _states(app) == {
        "cert": "running",
        "vaccine": "waiting",
        "hukou": "waiting",
        "medical": "waiting",
        "sscard": "waiting",
    }
    cert = app.works.get(item__code="cert")
    assert cert.ticket is not None
    assert cert.ticket.unit == departments["FZ-WJW"][0]
    assert cert.ticket.status == Status.DISPATCHED
    assert cert.ticket.resident.phone != "13800000101"  # no SMS per ticket: the no-contact resident
    assert "3501021990" not in cert.ticket.description  # the ID number travels masked
    expected, _ = official_calendar().add_workdays(timezone.localdate(), 1)
    assert cert.due == expected
    assert cert.ticket.category.code == "SV-ITEM"  # the general policy's 7 working days


def test_an_item_longer_than_the_general_policy_runs_on_the_complex_one(bundles: Any) -> None:
    from minsheng.services.tests.test_proxies import RETIRE
    from minsheng.sla.deadlines import official_calendar

    app = write.apply(bundles["retire"], name="林国栋", phone="13800000201", answers=RETIRE)
    pension = app.works.get(item__code="pension")
    assert pension.ticket.category.code == "SV-ITEM-LONG"
    assert pension.ticket.category.policy.resolve_workdays == 15
    expected, _ = official_calendar().add_workdays(timezone.localdate(), 20)
    assert pension.due == expected  # the legal limit stays the item's own
    senior = app.works.get(item__code="senior")
    assert senior.ticket.category.code == "SV-ITEM"


def test_items_start_in_dependency_order_and_in_parallel(bundles: Any, departments: Any) -> None:
    from minsheng.notifications.models import Notification

    app = _apply(bundles)
    _finish(app.works.get(item__code="cert"), departments)
    assert _states(app)["vaccine"] == "running"
    assert _states(app)["hukou"] == "running"  # both after the certificate, side by side
    assert _states(app)["medical"] == "waiting"
    _finish(app.works.get(item__code="hukou"), departments)
    assert _states(app)["medical"] == _states(app)["sscard"] == "running"
    for code in ("vaccine", "medical", "sscard"):
        _finish(app.works.get(item__code=code), departments)
    app.refresh_from_db()
    assert app.state == Application.State.DONE
    assert list(app.events.values_list("action", flat=True))[-1] == "finish"  # last on the page
    sms = Notification.objects.filter(channel="sms", phone="13800000101")
    assert sms.count() == 1  # one SMS for five items
    assert "已全部办结" in sms.get().body


def test_a_reply_on_the_ticket_page_finishes_the_item_too(bundles: Any, departments: Any) -> None:
    from minsheng.tickets import workflow

    app = _apply(bundles)
    cert = app.works.get(item__code="cert")
    user = departments["FZ-WJW"][1]
    workflow.accept(cert.ticket, by=user)
    cert.ticket.refresh_from_db()
    workflow.reply(cert.ticket, by=user, text="出生医学证明已签发。")
    assert _states(app)["cert"] == "done"
    assert _states(app)["hukou"] == "running"


def test_a_rejected_item_names_its_material_and_only_it_goes_back(
    bundles: Any, departments: Any
) -> None:
    from minsheng.notifications.models import Notification

    app = _apply(bundles)
    _finish(app.works.get(item__code="cert"), departments)
    hukou = app.works.get(item__code="hukou")
    police = departments["FZ-GAJ"][1]
    with pytest.raises(RuleError):
        write.reject(hukou, by=police, material="营业执照", reason="不在清单")
    write.reject(hukou, by=police, material="父母户口簿", reason="照片模糊")
    hukou.refresh_from_db()
    hukou.ticket.refresh_from_db()
    assert hukou.state == Work.State.REJECTED
    assert hukou.material == "父母户口簿"
    assert hukou.ticket.paused_since is not None  # the clock waits for the resident
    assert _states(app)["vaccine"] == "running"  # the others go on
    app.refresh_from_db()
    assert app.state == Application.State.FIXING
    assert "父母户口簿" in Notification.objects.get(kind="services_fix").body
    with pytest.raises(RuleError):
        write.approve(hukou, by=police)
    write.fix(hukou, note="已重新上传户口簿")
    hukou.refresh_from_db()
    assert hukou.state == Work.State.RUNNING
    _finish(hukou, departments)
    hukou.refresh_from_db()
    assert hukou.state == Work.State.DONE
    assert Event.objects.filter(application=app, action="fix", work=hukou).exists()


def test_bad_answers_are_refused_and_nothing_is_written(bundles: Any) -> None:
    answers = dict(BIRTH_ANSWERS, mother_id="350102199001011239")
    with pytest.raises(RuleError, match="身份证"):
        write.apply(bundles["birth"], name="陈丽", phone="13800000101", answers=answers)
    with pytest.raises(RuleError, match="手机"):
        write.apply(bundles["birth"], name="陈丽", phone="12", answers=dict(BIRTH_ANSWERS))
    assert not Application.objects.exists()


def test_only_the_items_department_may_act(bundles: Any, departments: Any) -> None:
    from minsheng.tickets.transitions import WorkflowError

    app = _apply(bundles)
    cert = app.works.get(item__code="cert")
    with pytest.raises(WorkflowError):
        write.approve(cert, by=departments["FZ-GAJ"][1])
    assert _states(app)["cert"] == "running"


def test_two_applications_drawing_the_same_number_both_get_one(
    bundles: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _apply(bundles)
    real = write._number
    draws = iter([first.number])  # the second applicant draws the number just taken

    def racing(now: Any) -> str:
        return next(draws, None) or real(now)

    monkeypatch.setattr(write, "_number", racing)
    second = _apply(bundles)
    assert second.number != first.number
    assert second.number[-4:] == "0002"
