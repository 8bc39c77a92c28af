"""A dispatcher's, a supervisor's and a street leader's morning from the work lists, in Debian's
headless Chromium (the `chromium` fixture of the root conftest.py); screenshots under
test-output/screenshots/desk-*.png."""

from pathlib import Path
from typing import Any

import pytest
import time_machine

from conftest import at

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[3] / "test-output" / "screenshots"


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"desk-{name}.png"), full_page=True)


def _login(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}")
    with page.expect_navigation():
        page.click("form[action$='/login/'] button[type=submit]")
    assert "/login/" not in page.url, f"{username} could not log in"


def test_the_dispatcher_the_supervisor_and_a_unit_leader_work_from_their_lists(
    live_server: Any,
    chromium: Any,
    make_ticket: Any,
    dispatcher: Any,
    supervisor: Any,
    street_handler: Any,
    street_leader: Any,
    city: Any,
) -> None:
    from minsheng.tickets import workflow
    from minsheng.tickets.models import Status, Ticket
    from minsheng.tickets.names import Action

    quick = make_ticket(title="共享单车乱停放")
    noise = make_ticket(title="工地夜间施工")
    urgent = make_ticket(title="井盖缺失", urgency="urgent")
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        late = make_ticket(title="路灯不亮")
        workflow.dispatch(late, to=city["guxi"], by=dispatcher)
    base = live_server.url
    page = chromium.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    # The queue's quick dispatch: the row's select gets the full unit list when touched.
    _login(page, base, "liu")
    page.goto(f"{base}/queue/")
    row_select = f"#unit-{quick.pk}"
    assert page.locator(f"{row_select} option").count() == 2  # placeholder and the suggestion
    page.click(row_select)
    assert page.locator(f"{row_select} option").count() > 3
    assert page.input_value(row_select) == str(city["gudong"].pk)  # the suggestion stays chosen
    page.select_option(row_select, str(city["guxi"].pk))
    with page.expect_navigation():  # the POST's redirect, not the page already loaded
        page.click(f"#dispatch-{quick.pk} button[type=submit]")
    quick.refresh_from_db()
    assert quick.unit == city["guxi"]

    # 派单: the menu's drop-down counts each list; to the list, the emergency first; tick
    # both, one unit, one click.
    page.hover("nav.nav li.has-sub > a")
    page.wait_for_selector("nav.nav ul.subnav", state="visible")
    assert "待派单2" in "".join(page.inner_text("nav.nav ul.subnav").split())
    _shot(page, "menu-worklists")
    with page.expect_navigation():
        page.click("nav.nav li.has-sub > a")
    assert page.inner_text("#list-dispatch .count") == "2"
    rows = page.locator("table.list tbody tr")
    assert urgent.number in rows.nth(0).inner_text()
    _shot(page, "worklist-dispatch")
    page.check("#check-all")
    page.select_option("#bulk-unit", str(city["gudong"].pk))
    page.click("#bulk-submit")
    page.wait_for_selector("#bulk-outcomes")
    assert "完成 2 张，未完成 0 张" in page.content()
    _shot(page, "bulk-result")
    for ticket in (noise, urgent):
        ticket.refresh_from_db()
        assert ticket.status == Status.DISPATCHED
        assert ticket.unit == city["gudong"]
    with page.expect_navigation():
        page.click("text=返回")
    assert page.inner_text("#list-dispatch .count") == "0"

    # 催办: the supervisor opens the overdue list, counted by unit, and urges with a note.
    _login(page, base, "zhao")
    page.goto(f"{base}/lists/overdue/")
    assert "鼓西街道" in page.inner_text(".stats")
    page.check(f"input[name=tickets][value='{late.number}']")
    page.select_option("#bulk-action", Action.URGE)
    page.fill("#bulk-note", "已超过签收时限，请今天内签收并联系群众。")
    _shot(page, "worklist-overdue")
    page.click("#bulk-submit")
    page.wait_for_selector("#bulk-outcomes")
    assert "完成 1 张" in page.content()
    assert Ticket.objects.get(pk=late.pk).events.filter(action=Action.URGE).count() == 1

    # The printable 督办单 of the late ticket.
    page.goto(f"{base}/t/{late.number}/print/supervision/")
    assert "12345热线督办单" in page.content()
    assert "请今天内签收" in page.content()
    _shot(page, "print-supervision")

    # The street's leader reviews an extension request from the 待审延期 list (the policy asks
    # the leader first), and the request moves on to the centre.
    from datetime import timedelta

    from minsheng.sla.models import DeadlinePolicy
    from minsheng.tickets.models import ExtensionRequest

    DeadlinePolicy.objects.update(extension_needs_leader=True)
    workflow.accept(noise, by=street_handler)
    workflow.request_extension(
        noise, by=street_handler, until=noise.resolve_by + timedelta(days=3), reason="需协调物业。"
    )
    _login(page, base, "chen")
    with page.expect_navigation():
        page.click("nav.nav li.has-sub > a")
    assert page.inner_text("#list-extensions .count") == "1"
    page.check(f"input[name=tickets][value='{noise.number}']")
    page.select_option("#bulk-action", Action.LEADER_APPROVE_EXTENSION)
    page.click("#bulk-submit")
    page.wait_for_selector("#bulk-outcomes")
    assert "完成 1 张" in page.content()
    assert ExtensionRequest.objects.get(ticket=noise).leader_at is not None
    assert errors == []
