"""Staff pages, the resident's report, the API and the commands."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from minsheng.citizens.models import Reveal
from minsheng.households import write
from minsheng.households.models import Clue, Household, Member, StatusEvent
from minsheng.households.tests.conftest import REGISTER, make_id

pytestmark = pytest.mark.django_db


def test_resident_reports_in_four_fields_and_the_village_gets_a_home_check(
    client: Any, registered: dict[str, Any]
) -> None:
    url = reverse("households_m:report")
    page = client.get(url)
    assert page.status_code == 200
    assert "寿山村" in page.content.decode()
    bad = client.post(
        url, {"name": "陈建国", "phone": "12", "village": registered["a"].pk, "difficulty": "x"}
    )
    assert "请输入正确的电话号码" in bad.content.decode()
    assert not Clue.objects.exists()
    done = client.post(
        url,
        {
            "name": "陈建国",
            "phone": "13900000001",
            "village": registered["a"].pk,
            "difficulty": "老伴住院花了五万",
        },
    )
    assert "已收到您的申报" in done.content.decode()
    clue = Clue.objects.get()
    assert clue.household == registered["h1"]
    assert clue.cause == "illness"
    assert clue.case is not None
    client.post(
        url,
        {
            "name": "王新户",
            "phone": "13900000099",
            "village": registered["b"].pk,
            "difficulty": "房子塌了",
        },
    )
    provisional = Household.objects.get(phone="13900000099")
    assert provisional.code.startswith("350111201002-S")
    assert provisional.clues.get().case.green_channel


def test_pages_scoped_to_the_users_units(
    client: Any, registered: dict[str, Any], cadre: Any, street_handler: Any
) -> None:
    h1 = registered["h1"]
    write.add_clue(
        write.ClueIn(village=h1.village, household=h1, source="visit", text="因病"), by=cadre
    )
    client.force_login(cadre)
    for name in ("households:index", "households:funnel", "households:list", "households:new_clue"):
        assert client.get(reverse(name)).status_code == 200
    page = client.get(reverse("households:household", args=[h1.pk])).content.decode()
    member = Member.objects.get(name="陈建国")
    assert member.masked_id in page
    assert member.id_number not in page
    assert client.get(reverse("households:list") + "?stage=clues").context["total"] == 1
    client.force_login(street_handler)
    assert client.get(reverse("households:household", args=[h1.pk])).status_code == 404
    assert client.get(reverse("households:list")).context["total"] == 0


def test_full_id_numbers_only_with_a_reason_and_each_reveal_recorded(
    client: Any, registered: dict[str, Any], cadre: Any
) -> None:
    h1 = registered["h1"]
    client.force_login(cadre)
    url = reverse("households:identity", args=[h1.pk])
    assert make_id(1) not in client.get(url).content.decode()
    assert make_id(1) not in client.post(url, {"reason": ""}).content.decode()
    assert not Reveal.objects.exists()
    shown = client.post(url, {"reason": "医保信息比对"}).content.decode()
    assert make_id(1) in shown
    assert make_id(2) in shown
    assert Reveal.objects.filter(user=cadre, kind="id_number").count() == 2


def test_step_form_notice_and_export_carry_no_id_number(
    client: Any, registered: dict[str, Any], cadre: Any
) -> None:
    h1 = registered["h1"]
    clue = write.add_clue(
        write.ClueIn(village=h1.village, household=h1, source="visit", text="因病"), by=cadre
    )
    client.force_login(cadre)
    step = clue.case.steps.get()
    refused = client.post(
        reverse("households:complete_step", args=[step.pk]),
        {"passed": "0", "note": ""},
        follow=True,
    )
    assert "未通过时须写明理由" in refused.content.decode()
    client.post(
        reverse("households:complete_step", args=[step.pk]),
        {"passed": "1", "authorised": "on", "target": "sudden", "note": "属实"},
    )
    step.refresh_from_db()
    assert step.passed
    assert clue.case.steps.count() == 2
    notice = client.get(reverse("households:notice", args=[clue.case.pk])).content.decode()
    assert "5日内向村委会提出意见" in notice
    export = client.get(reverse("households:export"))
    sheet = load_workbook(io.BytesIO(export.content)).active
    cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
    assert "H001" in cells
    for member in Member.objects.all():
        assert member.id_number not in cells
        assert member.id_number not in notice
    assert "13900000001" not in cells


def test_measure_and_payment_forms(client: Any, registered: dict[str, Any], cadre: Any) -> None:
    h1 = registered["h1"]
    client.force_login(cadre)
    client.post(
        reverse("households:add_measure", args=[h1.pk]),
        {"kind": "industry", "start": "2026-03-01", "expected_income": "3000"},
    )
    bad = client.post(
        reverse("households:add_payment", args=[h1.pk]),
        {"fund": "green", "amount": "-1", "paid_on": "2026-03-01"},
        follow=True,
    )
    assert "请检查救助金额和日期" in bad.content.decode()
    client.post(
        reverse("households:add_payment", args=[h1.pk]),
        {"fund": "green", "amount": "800", "paid_on": "2026-03-01"},
    )
    assert h1.measures.get().department == "农业农村"
    assert h1.payments.get().amount == 800
    refused = client.post(
        reverse("households:eliminate", args=[h1.pk]), follow=True
    ).content.decode()
    assert "不能启动风险消除" in refused


def test_api_with_a_households_key(client: Any, county: dict[str, Any]) -> None:
    from minsheng.accounts import keys

    _, raw = keys.issue("乡村振兴局", scopes=["households"])
    _, other = keys.issue("别的系统", scopes=["api"])
    body = {"csv": REGISTER.format(make_id(1), make_id(2), make_id(3, 1950))}
    url = "/api/v1/households/register"
    assert (
        client.post(
            url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {other}"
        ).status_code
        == 401
    )
    ok = client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert ok.status_code == 200
    assert ok.json() == {"households": 2}
    feed = {"csv": f"id_number,amount,date,note\n{make_id(1)},9500,2026-03-02,\n{make_id(4)},1,,\n"}
    refused = client.post(
        "/api/v1/households/feeds/medical",
        feed,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "row 3", "message": "身份证号未在监测登记中找到"}]
    assert not Clue.objects.exists()
    feed = {"csv": f"id_number,amount,date,note\n{make_id(1)},9500,2026-03-02,住院\n"}
    done = client.post(
        "/api/v1/households/feeds/medical",
        feed,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert done.json() == {"rows": 1, "flagged": 1, "cases": 1}


def test_commands_all_or_nothing(tmp_path: Path, county: dict[str, Any]) -> None:
    good = tmp_path / "register.csv"
    good.write_text(REGISTER.format(make_id(1), make_id(2), make_id(3, 1950)), encoding="utf-8")
    out = io.StringIO()
    call_command("households_import", str(good), stdout=out)
    assert "已导入 2 户" in out.getvalue()
    assert StatusEvent.objects.count() == 2
    feed = tmp_path / "feed.csv"
    feed.write_text(
        f"id_number,amount,date,note\n{make_id(1)},,,\n{make_id(3, 1950)},bad,,\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match="第 3 行：金额不是数字"):
        call_command("households_feed", "--source", "emergency", str(feed))
    assert not Clue.objects.exists()
    feed.write_text(f"id_number,amount,date,note\n{make_id(1)},,,房屋受损\n", encoding="utf-8")
    call_command("households_feed", "--source", "emergency", str(feed), stdout=out)
    assert Clue.objects.get().case.green_channel


def test_dashboard_panel(client: Any, registered: dict[str, Any], cadre: Any) -> None:
    client.force_login(cadre)
    page = client.get("/analytics/")
    assert page.status_code == 200
    assert "households/funnel/" in page.content.decode()


def test_resident_report_in_english(client: Any, registered: dict[str, Any]) -> None:
    from django.conf import settings
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        html = client.get(reverse("households_m:report")).content.decode()
    finally:
        translation.activate(settings.LANGUAGE_CODE)
    assert "Report a hardship (one tap)" in html
    assert "Submit report" in html
