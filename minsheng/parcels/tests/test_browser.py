"""The logistics officer's day in headless Chromium: the map draws, the day is planned, a trip
is cancelled and the day re-planned. Screenshots under test-output/screenshots/parcels-*.png."""

from pathlib import Path
from typing import Any

import pytest

from minsheng.parcels import county, write
from minsheng.parcels.models import Plan
from minsheng.parcels.tests.test_chains import day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[3] / "test-output" / "screenshots"


def test_plan_cancel_and_replan_on_the_map(
    live_server: Any, chromium: Any, water_handler: Any, city: dict[str, Any]
) -> None:
    data = {**day(), "outline": county.ninghai()["outline"]}
    network = write.import_network(data, office=city["water"], name="宁海县（测试）")
    page = chromium.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("#id_username", "sun")
    page.fill("#id_password", "pw-sun")
    page.click("form[action$='/login/'] button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{base}/parcels/network/{network.pk}/")
    page.wait_for_selector("#parcels-map canvas")  # Leaflet drew the outline, lines and points
    page.click("text=排今日计划")
    page.wait_for_selector("text=每个村的链路与理由")
    page.wait_for_selector("#parcels-map canvas")
    assert "班次 T1（07:00）20 件；延后 10 件" in page.content()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "parcels-plan.png"), full_page=True)

    page.select_option("#id_trips", ["T1"])
    page.fill("#id_reason", "车辆故障")
    page.click("text=取消并重排")
    page.wait_for_selector("text=已取消 1 个班次并重排")
    assert "邮路 L1 30 件" in page.content()
    assert Plan.objects.filter(network=network).count() == 2
    page.screenshot(path=str(SHOTS / "parcels-replan.png"), full_page=True)

    page.goto(f"{base}/parcels/network/{network.pk}/site/?p=1")
    page.wait_for_selector("#parcels-map canvas")  # the assignments drawn
    assert "已证明最优" in page.content()
    assert errors == []
