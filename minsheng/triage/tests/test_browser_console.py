"""The agent's console in Debian's headless Chromium: the suggestion panel follows the words as
they are typed, and the knowledge panel the search box (#13 defect 4)."""

from typing import Any

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser


def test_the_suggestions_follow_the_description_while_the_agent_types(
    live_server: Any, chromium: Any, transactional_db: Any
) -> None:
    call_command("load_demo", "--no-history", "--no-programmes", verbosity=0)
    page = chromium.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/triage/" in r.url else None)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "agent")
    page.fill("#id_password", "minsheng-demo")
    with page.expect_navigation():
        page.click("form[action$='/login/'] button[type=submit]")
    page.goto(f"{live_server.url}/intake/new/")
    page.wait_for_selector("#triage .triage-suggestions")
    before = len(asked)
    page.click("#id_description")
    # Chinese arrives as committed text (an input method), with no key going up.
    page.keyboard.insert_text("鼓东街道东街口人行道路灯不亮，晚上很黑")
    page.wait_for_selector("#triage .triage-suggestions:has-text('鼓东街道')", timeout=10000)
    assert len(asked) > before
    page.fill("#id_address", "华林路12号")
    page.dispatch_event("#id_address", "change")
    page.wait_for_timeout(1500)
    place = page.inner_text("#triage [data-triage-set=place]")
    assert "鼓东街道" in place

    # The knowledge panel follows its search box the same way.
    page.click("#id_kb-q")
    page.keyboard.insert_text("公积金")
    page.wait_for_selector("#answers:has-text('公积金')", timeout=10000)
    assert not errors
