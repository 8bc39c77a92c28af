"""Filing on a phone in a real browser: Debian's headless Chromium driven by Playwright.

A 390×844 phone in large-type mode picks a category by searching, attaches a photo, taps the map,
gives a phone number and lands on the receipt. Screenshots go to test-output/screenshots/.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from minsheng.residents.tests.pictures import jpeg_with_gps

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[3] / "test-output" / "screenshots"


@pytest.fixture
def phone(
    chromium: Any, live_server: Any, transactional_db: Any, settings: Any, tmp_path: Any
) -> Iterator[Any]:
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", "--no-history", verbosity=0)
    context = chromium.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    yield context.new_page()
    context.close()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_resident_files_on_a_phone_in_large_type_tapping_the_map(
    live_server: Any, phone: Any
) -> None:
    from minsheng.tickets.models import Channel, Ticket

    page = phone
    page.goto(f"{live_server.url}/m/new/")
    page.click("[data-large-toggle]")
    assert "large-type" in page.get_attribute("html", "class")

    page.fill("[data-category-search]", "噪音")
    page.click("label.m-choice:visible:has-text('噪音扰民')")
    page.check("input[name=request_type][value=complaint]")
    page.fill("#id_description", "楼下商铺每天晚上用大音响放音乐到十一点，噪音很大，老人睡不好。")
    page.set_input_files(
        "#id_photo", {"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}
    )
    shot(page, "m-new-1-what")
    page.click("form[enctype] button[type=submit]")

    page.wait_for_url("**/m/new/where/")
    assert "large-type" in page.get_attribute("html", "class")
    page.wait_for_selector(".m-map path.leaflet-interactive, .m-map svg path")
    box = page.locator("#m-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    # A selector, not wait_for_function: the page's CSP forbids evaluating strings.
    page.wait_for_selector("[data-located]:has-text('已选择')")
    assert page.input_value("#id_lon")
    assert page.input_value("#id_lat")
    shot(page, "m-new-2-where")
    page.click("form[action$='/where/'] button[type=submit]")

    page.wait_for_url("**/m/new/who/")
    page.fill("#id_phone", "13905911234")
    page.fill("#id_name", "陈阿姨")
    shot(page, "m-new-3-who")
    page.click("form[action$='/who/'] button[type=submit]")

    page.wait_for_url("**/m/new/done/*/")
    number = page.inner_text("[data-ticket-number]").strip()
    shot(page, "m-new-4-receipt")
    ticket = Ticket.objects.get(number=number)
    assert ticket.channel == Channel.MOBILE
    assert ticket.place is not None
    assert ticket.lon is not None
    assert ticket.attachments.count() == 1
    page.click("text=查看办理进度")
    page.wait_for_url(f"**/m/t/{number}/")
    assert "large-type" in page.get_attribute("html", "class")


@pytest.fixture
def phone_here(
    chromium: Any, live_server: Any, transactional_db: Any, settings: Any, tmp_path: Any
) -> Iterator[Any]:
    """A phone that shares its position (the centre of 鼓楼区) with the page."""
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", "--no-history", verbosity=0)
    context = chromium.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        geolocation={"latitude": 26.0825, "longitude": 119.2965},
        permissions=["geolocation"],
    )
    yield context.new_page()
    context.close()


def test_locate_me_and_an_address_in_another_street_are_flagged_before_next(
    live_server: Any, phone_here: Any
) -> None:
    """#13 defect 3: the map had no "locate me", and a tap silently overrode the address."""
    page = phone_here
    page.goto(f"{live_server.url}/m/new/")
    page.fill("[data-category-search]", "噪音")
    page.click("label.m-choice:visible:has-text('噪音扰民')")
    page.check("input[name=request_type][value=complaint]")
    page.fill("#id_description", "路口工地夜间施工，噪音很大。")
    with page.expect_navigation():
        page.click("form[enctype] button[type=submit]")

    page.wait_for_selector(".m-map path.leaflet-interactive, .m-map svg path")
    page.fill("#id_address", "宦溪镇政府门口")
    page.click("[data-locate-me]")
    page.wait_for_selector("[data-located]:has-text('两者不一致')")
    warning = page.inner_text("[data-located]")
    assert "宦溪镇" in warning
    assert "鼓楼区" in warning
    assert page.input_value("#id_lon")
    shot(page, "m-new-2-where-conflict")

    with page.expect_navigation():
        page.click("form[action$='/where/'] button[type=submit]")
    assert page.locator(".errorlist, [role=alert]").first.is_visible()
    assert "两者不一致" in page.content()
    page.check("#id_confirm_place")
    with page.expect_navigation():
        page.click("form[action$='/where/'] button[type=submit]")
    assert page.url.endswith("/m/new/who/")
