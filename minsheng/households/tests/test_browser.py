"""The resident's one-tap self-report on a phone, in a real browser (headless Chromium)."""

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_a_resident_reports_a_difficulty_on_a_phone(
    transactional_db: Any, live_server: Any, chromium: Any, registered: dict[str, Any]
) -> None:
    from minsheng.households.models import Clue

    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/m/households/report/")
        page.fill("#id_name", "陈建国")
        page.fill("#id_phone", "139 0000 0001")
        page.select_option("#id_village", label="寿山村")
        page.fill("#id_difficulty", "老伴住院做手术，自付了五万多，家里没钱了")
        page.click("button[type=submit]")
        page.wait_for_selector("text=已收到您的申报")
        assert "入户核实最迟在" in page.content()
    finally:
        context.close()
    clue = Clue.objects.get()
    assert clue.household == registered["h1"]
    assert clue.cause == "illness"
    assert clue.case.steps.get().ticket.unit == registered["a"]
