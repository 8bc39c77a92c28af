"""Layout at a phone's 390 px and a desktop's 1440 px (#13 defect 12): the residents' request-type
buttons keep their words on one line; the staff top bar stays one line for each centre role, in
Chinese and in English. Heights are measured, not guessed from the CSS."""

from typing import Any

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser

ONE_LINE_TOPBAR = 64  # px: the bar's 3.25 rem and its border; a second line adds ~40


@pytest.fixture
def demo(transactional_db: Any) -> None:
    call_command("load_demo", "--no-history", "--no-programmes", verbosity=0)


def _login(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "minsheng-demo")
    with page.expect_navigation():
        page.click("form[action$='/login/'] button[type=submit]")
    assert "/login/" not in page.url, f"{username} could not log in"


def _type_button_heights(page: Any, base: str, width: int, *, large: bool) -> list[float]:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{base}/m/new/")
    if large != ("large-type" in (page.get_attribute("html", "class") or "")):
        page.click("[data-large-toggle]")
    labels = page.locator(".m-types label")
    assert labels.count() >= 4
    heights = []
    for i in range(labels.count()):
        box = labels.nth(i).bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= width  # nothing runs off the screen
        heights.append(box["height"])
    return heights


def test_the_request_type_buttons_keep_their_words_on_one_line_at_390px(
    live_server: Any, chromium: Any, demo: None
) -> None:
    """On a wide screen every name fits on one line; at 390 px the buttons must be as tall as
    there: a button whose word wraps (咨/询) is a line taller."""
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    for large in (False, True):
        wide = _type_button_heights(page, live_server.url, 1000, large=large)
        phone = _type_button_heights(page, live_server.url, 390, large=large)
        assert max(wide) - min(wide) < 1, wide
        assert all(abs(h - wide[0]) < 1 for h in phone), (large, phone, wide)
    context.close()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_top_bar_is_one_line_at_1440px_for_each_centre_role(
    live_server: Any, chromium: Any, demo: None, language: str
) -> None:
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    for username in ("agent", "dispatcher", "supervisor", "gudong", "gudong_leader"):
        _login(page, live_server.url, username)
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        page.goto(f"{live_server.url}/")
        bar = page.locator("header.topbar").bounding_box()
        assert bar is not None
        assert bar["height"] <= ONE_LINE_TOPBAR, (username, language, bar["height"])
        logout = page.locator("header.topbar form.logout button").bounding_box()
        brand = page.locator("header.topbar .brand").bounding_box()
        assert logout is not None
        assert brand is not None
        assert abs(logout["y"] - brand["y"]) < 20, (username, language)  # the same line
        more = page.locator("nav.nav li.nav-more")
        if more.count():  # what did not fit is one hover away, nothing is lost
            moved = more.locator("ul.subnav > li")
            assert moved.count() >= 1
            more.locator("> a").hover()
            assert moved.first.is_visible()
    context.close()


def test_filter_controls_are_styled_not_browser_defaults(
    live_server: Any, chromium: Any, demo: None
) -> None:
    """The analytics filter bar's select and date boxes had the browser's 20 px defaults."""
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    _login(page, live_server.url, "supervisor")
    page.goto(f"{live_server.url}/analytics/")
    for selector in (".filter-bar select[name=days]", ".filter-bar input[name=start]"):
        box = page.locator(selector).bounding_box()
        assert box is not None
        assert box["height"] >= 34, (selector, box["height"])  # the form's 2.25 rem boxes
    context.close()
