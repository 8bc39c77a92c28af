"""The staff pages: scoped to the user's units, masked phones with recorded reveals, enrolment,
absences, outcomes; the menu entry, the dashboard panel and the family's page."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from minsheng.citizens.models import Reveal
from minsheng.eldercare import alarms
from minsheng.eldercare.models import Absence, Alarm, Household, Policy
from minsheng.eldercare.tests.conftest import SHEET, T0
from minsheng.tickets import workflow

pytestmark = pytest.mark.django_db


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def alarmed(elder: Any, feed: Any) -> Alarm:
    Policy.objects.filter(unit=None).update(mode=Policy.Mode.STAFF_FIRST)
    feed("W-001", [0.0] * 48)
    alarms.judge_due(now=T0 + timedelta(hours=24, minutes=6))
    return Alarm.objects.get()


def test_the_street_sees_its_households_and_alarms_masked(
    client: Client, alarmed: Alarm, street_handler: Any
) -> None:
    page = login(client, street_handler).get("/eldercare/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "林秀英" in text
    assert alarmed.ticket.number in text
    detail = client.get(f"/eldercare/h/{alarmed.household.pk}/").content.decode()
    assert "139****0001" in detail
    assert "13900000001" not in detail


def test_a_reveal_shows_the_numbers_and_is_recorded(
    client: Client, alarmed: Alarm, street_handler: Any
) -> None:
    page = login(client, street_handler).post(f"/eldercare/h/{alarmed.household.pk}/reveal/")
    assert "13900000001" in page.content.decode()
    assert Reveal.objects.get().subject == "eldercare:GD-001"


def test_another_street_sees_nothing(
    client: Client, alarmed: Alarm, guxi_handler: Any, water_handler: Any
) -> None:
    login(client, guxi_handler)
    assert "林秀英" not in client.get("/eldercare/").content.decode()
    assert client.get(f"/eldercare/h/{alarmed.household.pk}/").status_code == 404
    assert client.get(f"/eldercare/a/{alarmed.pk}/").status_code == 404
    assert client.post(f"/eldercare/h/{alarmed.household.pk}/reveal/").status_code == 404
    assert Reveal.objects.count() == 0


def test_a_resident_account_without_a_role_is_refused(client: Client, elder: Any) -> None:
    from minsheng.accounts.models import User

    nobody = User.objects.create_user(username="nobody", password="x")
    assert login(client, nobody).get("/eldercare/").status_code == 403


def test_enrol_edit_and_end_from_the_pages(client: Client, city: Any, street_handler: Any) -> None:
    login(client, street_handler)
    form = {
        "code": "GD-009",
        "name": "郑桂兰",
        "phone": "13800000009",
        "address": "鼓楼区东街9号",
        "unit": str(city["dongjie"].pk),
        "tags": ["独居", "80岁以上"],
        "consent_by": "郑桂兰本人",
        "consent_how": "书面同意书",
        "contacts": "郑一:13900000009:女儿\n网格员:13700000009:网格员",
        "meters": "W-009,水表,60",
    }
    made = client.post("/eldercare/enrol/", form)
    assert made.status_code == 302
    h = Household.objects.get(code="GD-009")
    assert h.tags == ["独居", "80岁以上"]
    assert h.contacts.count() == 2
    bad = client.post("/eldercare/enrol/", {**form, "code": "GD-010", "meters": "W-010,冷水,60"})
    assert "表类型" in bad.content.decode()
    outside = client.post(
        "/eldercare/enrol/", {**form, "code": "GD-011", "unit": str(city["guxi"].pk)}
    )
    assert outside.status_code == 200
    assert not Household.objects.filter(code="GD-011").exists()
    client.post(f"/eldercare/h/{h.pk}/edit/", {**form, "address": "鼓楼区东街10号"})
    h.refresh_from_db()
    assert h.address == "鼓楼区东街10号"
    client.post(f"/eldercare/h/{h.pk}/end/", {"reason": "搬去子女家同住"})
    h.refresh_from_db()
    assert h.ended_at is not None


def test_import_page_all_or_nothing(client: Client, city: Any, street_handler: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, street_handler)
    bad = SHEET + "GD-002,陈桂兰,12345,鼓楼区东街2号,东街社区,W-002,水表,30,陈丽:13900000002:女儿\n"
    page = client.post(
        "/eldercare/import/",
        {"sheet": SimpleUploadedFile("s.csv", bad.encode()), "consent_how": "书面同意书"},
    )
    assert "第4行：电话号码不正确" in page.content.decode()
    assert not Household.objects.exists()
    done = client.post(
        "/eldercare/import/",
        {"sheet": SimpleUploadedFile("s.csv", SHEET.encode()), "consent_how": "书面同意书"},
    )
    assert done.status_code == 302
    assert Household.objects.count() == 1


def test_absence_from_a_12345_ticket(
    client: Client, elder: Any, street_handler: Any, dispatched: Any
) -> None:
    login(client, street_handler)
    form = {
        "reason": "family",
        "starts": "2026-03-02T08:00",
        "ends": "2026-03-09T08:00",
        "ticket": dispatched.number,
    }
    assert client.post(f"/eldercare/h/{elder.pk}/absence/", form).status_code == 302
    absence = Absence.objects.get()
    assert (absence.source, absence.ticket) == ("ticket", dispatched)
    wrong = client.post(f"/eldercare/h/{elder.pk}/absence/", {**form, "ticket": "NOPE"})
    assert "找不到该工单" in wrong.content.decode()


def test_outcome_and_acknowledgement_pages(
    client: Client, alarmed: Alarm, street_handler: Any
) -> None:
    login(client, street_handler)
    page = client.get(f"/eldercare/a/{alarmed.pk}/")
    assert "上门结果" in page.content.decode()
    refused = client.post(f"/eldercare/a/{alarmed.pk}/outcome/", {"outcome": "away", "note": ""})
    assert refused.status_code == 200  # not accepted yet: the workflow refuses the reply
    workflow.accept(alarmed.ticket, by=street_handler)
    done = client.post(
        f"/eldercare/a/{alarmed.pk}/outcome/", {"outcome": "away", "note": "在女儿家"}
    )
    assert done.status_code == 302
    alarmed.refresh_from_db()
    assert alarmed.outcome == "away"
    assert alarmed.state == "acknowledged"


def test_menu_badge_and_dashboard_panel(
    client: Client, alarmed: Alarm, street_handler: Any
) -> None:
    from minsheng.eldercare import queries

    assert queries.open_count(street_handler) == 1
    panel = queries.panel(street_handler, T0.date(), (T0 + timedelta(days=2)).date(), None)
    assert panel is not None
    assert panel["welfare"] == 1
    assert panel["households"] == 1
    page = login(client, street_handler).get("/eldercare/")
    assert 'href="/eldercare/"' in page.content.decode()


def test_the_family_registers_an_absence_on_the_resident_pages(client: Client, elder: Any) -> None:
    form = {
        "household": "GD-001",
        "phone": "13900000001",
        "reason": "family",
        "starts": "2026-03-02T08:00",
        "ends": "2026-03-05T08:00",
    }
    assert client.post("/m/eldercare/absence/", {**form, "phone": "13911112222"}).status_code == 200
    assert not Absence.objects.exists()
    assert client.post("/m/eldercare/absence/", form).status_code == 302
    assert Absence.objects.get().source == "family"
