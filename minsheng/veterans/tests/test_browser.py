"""A family's request in a real browser: registered on the phone page, candidates with reasons
on the bureau's page, evidence, confirmation, and the SMS to the family."""

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[3] / "test-output" / "screenshots"


def test_a_family_finds_its_martyr(
    live_server: Any, chromium: Any, transactional_db: Any, bureaus: Any, martyrs: Any, officer: Any
) -> None:
    from minsheng.notifications.models import Notification
    from minsheng.veterans.models import FamilyRequest

    base = live_server.url
    page = chromium.new_page(viewport={"width": 420, "height": 900}, locale="zh-CN")
    page.goto(f"{base}/m/veterans/")
    page.fill("#id_ancestor_names", "钟得胜；石伢子")
    page.fill("#id_native_place", "江西雩都")
    page.fill("#id_death_year", "1934")
    page.fill("#id_requester_name", "钟小明")
    page.fill("#id_relation", "孙子")
    page.fill("#id_phone", "13905910001")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "已收到您的登记" in page.content()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "veterans-01-resident.png"), full_page=True)

    request = FamilyRequest.objects.get()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{base}/login/")
    page.fill("#id_username", "zheng")
    page.fill("#id_password", "pw")
    page.click("form[action$='/login/'] button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{base}/veterans/requests/{request.pk}/")
    first = page.locator("section.candidate").first
    assert "钟德胜" in first.inner_text()
    assert "石伢子" in first.inner_text()  # the milk name the family remembered
    assert "雩都县今为于都县" in first.inner_text()
    page.screenshot(path=str(SHOTS / "veterans-02-candidates.png"), full_page=True)
    first.locator("button", has_text="开始核实").click()
    page.wait_for_load_state()
    first = page.locator("section.candidate").first
    first.locator("textarea[name=text]").fill("家谱与英名录一致，村里老人证实。")
    first.locator("button", has_text="证据已收集").click()
    page.wait_for_load_state()
    first = page.locator("section.candidate").first
    first.locator("input[name=text]").first.fill("证据充分")
    first.locator("button", has_text="局审核确认").click()
    page.wait_for_load_state()
    assert page.inner_text("#stage") == "已告知家属"
    page.screenshot(path=str(SHOTS / "veterans-03-confirmed.png"), full_page=True)
    sms = Notification.objects.get(kind="veterans_found")
    assert sms.phone == "13905910001"
    assert "钟德胜" in sms.body
