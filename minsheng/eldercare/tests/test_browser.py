"""enrol → readings → alarm → visit → outcome, in a real browser (the root conftest's
`chromium`): the street's handler enrols an elder on the page, a quiet day of readings arrives
over the API, the alarm is an urgent ticket in the inbox, the handler accepts it, goes to the
door and records the outcome, which is the ticket's reply."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from minsheng.eldercare import alarms
from minsheng.eldercare.models import Alarm, Policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[3] / "test-output" / "screenshots"


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_enrol_readings_alarm_visit_outcome(
    live_server: Any, chromium: Any, city: Any, street_handler: Any
) -> None:
    from minsheng.accounts import keys

    Policy.objects.create(unit=None, preset="zhongshan", mode=Policy.Mode.STAFF_FIRST)
    base = live_server.url
    page = chromium.new_page()
    page.goto(f"{base}/login/")
    page.fill("#id_username", "li")
    page.fill("#id_password", "pw-li")
    page.click("form[action$='/login/'] button[type=submit]")
    page.wait_for_load_state()

    # enrol
    page.goto(f"{base}/eldercare/enrol/")
    page.fill("#id_code", "GD-101")
    page.fill("#id_name", "陈淑芳")
    page.fill("#id_phone", "13800000101")
    page.fill("#id_address", "鼓楼区东街101号")
    page.select_option("#id_unit", str(city["dongjie"].pk))
    page.fill("#id_consent_by", "陈淑芳本人")
    page.fill("#id_contacts", "陈晓:13900000101:女儿\n王网格:13700000101:网格员")
    page.fill("#id_meters", "W-101,水表,30")
    page.click("#enrol-form button[type=submit]")
    page.wait_for_load_state()
    assert "陈淑芳" in page.content()
    assert "139****0101" in page.content()
    _shot(page, "eldercare-01-household")

    # a quiet day of readings through the API
    _, raw = keys.issue("水务平台", scopes=["meters"])
    start = timezone.now() - timedelta(hours=24, minutes=31)
    body = {
        "meter": "W-101",
        "readings": [
            {"at": (start + timedelta(minutes=30 * n)).isoformat(), "value": 88.0}
            for n in range(50)
        ],
    }
    answer = page.request.post(
        f"{base}/api/v1/meter-readings",
        data=body,
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert answer.json() == {"stored": 50, "duplicates": 0}
    alarms.judge_due()  # the worker's step
    alarm = Alarm.objects.get()
    number = alarm.ticket.number

    # the alarm in the list, the ticket in the inbox
    page.goto(f"{base}/eldercare/")
    assert number in page.content()
    _shot(page, "eldercare-02-alarms")
    page.goto(f"{base}/inbox/")
    assert number in page.content()
    page.goto(f"{base}/t/{number}/")
    assert "鼓楼区东街101号" in page.content()
    page.click("#action-accept summary")
    page.click("#action-accept button[type=submit]")
    page.wait_for_load_state()

    # the visit's outcome
    page.goto(f"{base}/eldercare/a/{alarm.pk}/")
    page.select_option("#id_outcome", "unwell")
    page.fill("#id_note", "老人发烧卧床，已联系女儿送医。")
    page.click("#outcome-form button[type=submit]")
    page.wait_for_load_state()
    assert "身体不适" in page.content()
    _shot(page, "eldercare-03-outcome")
    alarm.refresh_from_db()
    assert alarm.outcome == "unwell"
    assert alarm.ticket.status == "replied"
    assert alarm.ticket.reply.startswith("上门结果：身体不适")
