"""The dashboard, the big screen and the map in Debian's headless Chromium (see
minsheng/tests/test_browser.py); screenshots under test-output/screenshots/analytics-*.png."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[3] / "test-output" / "screenshots"


@pytest.fixture
def page(transactional_db: Any) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    call_command("load_demo", verbosity=0)
    call_command("refresh_analytics", verbosity=0)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        yield browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"analytics-{name}.png"), full_page=True)


def _login(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "minsheng-demo")
    page.click("form[action$='/login/'] button[type=submit]")
    page.wait_for_load_state()


def _charts_drawn(page: Any) -> int:
    return page.eval_on_selector_all("[data-chart] canvas", "els => els.length")


def test_the_dashboard_big_screen_and_map_draw_in_a_browser(live_server: Any, page: Any):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    base = live_server.url
    _login(page, base, "supervisor")

    page.goto(f"{base}/analytics/?days=90")
    page.wait_for_selector("[data-chart=channels] canvas")
    page.wait_for_timeout(800)
    assert _charts_drawn(page) == 8
    assert page.inner_text("[data-value=total]") != "0"
    _shot(page, "dashboard")

    page.goto(f"{base}/analytics/screen/?days=90")
    page.wait_for_selector("[data-chart=days] canvas")
    page.wait_for_timeout(800)
    assert _charts_drawn(page) == 8
    _shot(page, "screen")

    page.goto(f"{base}/analytics/map/?days=90&level=street")
    page.wait_for_selector(".leaflet-overlay-pane canvas")
    page.wait_for_selector("#map-legend .swatch")
    page.wait_for_selector(".marker-cluster, .ticket-dot")
    page.wait_for_timeout(500)
    assert "件您可查看的工单" in page.inner_text("#map-status")
    _shot(page, "map")

    page.goto(f"{base}/analytics/hotspots/")
    _shot(page, "hotspots")
    page.goto(f"{base}/analytics/topics/")
    _shot(page, "topics")

    _login(page, base, "gudong")
    page.goto(f"{base}/analytics/map/?days=90&level=community")
    page.wait_for_selector(".marker-cluster, .ticket-dot")
    page.wait_for_timeout(500)
    _shot(page, "map-street")
    assert errors == []
