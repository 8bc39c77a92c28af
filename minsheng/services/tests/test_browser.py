"""In a real browser (Debian's Chromium through Playwright):

- a 出生一件事 application walked to completion: the resident fills the one form, each
  department finishes its item on its page (the police send 户口登记 back for one material,
  the resident fixes it), the progress page ends 已办结 and one SMS is queued;
- a proxy application: a daughter asks for an authorisation, her father confirms by SMS code,
  she applies for his retirement; the staff page shows both names;
- a video pre-review: two browser contexts with Chromium's fake camera and microphone connect
  over WebRTC through the platform's signalling pages, media flows, and the clerk's checklist
  reaches the resident.
"""

import os
import re
import shutil
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from minsheng.services.tests.conftest import BIRTH_ANSWERS

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[3] / "test-output" / "screenshots"
MEDIA_FLAGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"services-{name}.png"), full_page=True)


def _login(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}")
    with page.expect_navigation():
        page.click("form[action$='/login/'] button[type=submit]")
    assert "/login/" not in page.url, f"{username} could not log in"


def _submit(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def _wait_text(locator: Any, pattern: str, seconds: float = 30) -> str:
    """Poll an element's text until it matches (no wait_for_function with strings)."""
    deadline = time.monotonic() + seconds
    text = ""
    while time.monotonic() < deadline:
        text = locator.inner_text()
        if re.search(pattern, text):
            return text
        time.sleep(0.25)
    raise AssertionError(f"{pattern!r} not seen; last text {text!r}")


def test_a_birth_bundle_walked_to_completion(
    transactional_db: Any, live_server: Any, chromium: Any, bundles: Any, departments: Any
) -> None:
    from minsheng.notifications.models import Notification
    from minsheng.services.models import Application

    base = live_server.url
    phone = chromium.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    phone.goto(f"{base}/m/services/")
    with phone.expect_navigation():
        phone.click(".bundle:has-text('出生一件事') a.btn")
    phone.fill("#id_name", "陈丽")
    phone.fill("#id_phone", "13800000101")
    for key, value in BIRTH_ANSWERS.items():
        if key == "sex":
            phone.select_option(f"#id_f_{key}", value)
        else:
            phone.fill(f"#id_f_{key}", value)
    _submit(phone, "#apply button[type=submit]")
    progress = phone.url
    assert phone.inner_text("#app-state") == "办理中"
    app = Application.objects.get()
    staff = chromium.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")

    def finish(code: str, item: str) -> None:
        work = app.works.get(item__code=item)
        _login(staff, base, f"u_{code}")
        staff.goto(f"{base}/services/works/{work.pk}/")
        _submit(staff, "#approve button[type=submit]")
        assert staff.inner_text("#work-state") == "已办结"

    finish("FZ-WJW", "cert")
    # The police send 户口登记 back for one material; the vaccination booklet goes on.
    hukou = app.works.get(item__code="hukou")
    _login(staff, base, "u_FZ-GAJ")
    staff.goto(f"{base}/services/works/{hukou.pk}/")
    staff.select_option("#reject select[name=material]", "父母户口簿")
    staff.fill("#reject [name=reason]", "户口簿照片模糊，请重新上传。")
    _submit(staff, "#reject button[type=submit]")
    assert staff.inner_text("#work-state") == "待补正"
    phone.goto(progress)
    assert phone.inner_text("#app-state") == "待补正"
    assert "父母户口簿" in phone.inner_text(".work[data-state=rejected] .fix-ask")
    phone.fill(".work[data-state=rejected] textarea[name=note]", "已重新上传清晰的户口簿。")
    _submit(phone, ".work[data-state=rejected] form.fix button[type=submit]")
    assert phone.inner_text("#app-state") == "办理中"
    finish("FZ-GAJ", "hukou")
    finish("FZ-WJW", "vaccine")
    finish("FZ-YBJ", "medical")
    finish("FZ-RSJ", "sscard")
    phone.goto(progress)
    assert phone.inner_text("#app-state") == "已办结"
    assert phone.locator(".work[data-state=done]").count() == 5
    _shot(phone, "birth-done")
    assert Notification.objects.filter(kind="services_done", phone="13800000101").count() == 1


def test_a_daughter_applies_for_her_father(
    transactional_db: Any, live_server: Any, chromium: Any, bundles: Any, admin_user: Any
) -> None:
    from minsheng.notifications.models import Notification

    base = live_server.url
    page = chromium.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page.goto(f"{base}/m/services/proxy/")
    page.fill("#id_principal_name", "林国栋")
    page.fill("#id_principal_phone", "13800000201")
    page.fill("#id_proxy_name", "林晓红")
    page.fill("#id_proxy_phone", "13800000202")
    page.fill("#id_relation", "女儿")
    page.check("#authorise label:has-text('退休一件事') input")
    page.fill("#id_valid_until", str(timezone.localdate() + timedelta(days=90)))
    page.check("#authorise input[value=sms]")
    _submit(page, "#authorise button[type=submit]")
    assert page.inner_text("#auth-state") == "待委托人确认"
    code_text = Notification.objects.get(kind="services_proxy_code").body
    page.fill("#id_code", code_text.split("验证码 ")[1][:6])
    _submit(page, "#confirm button[type=submit]")
    assert page.inner_text("#auth-state") == "有效"
    auth_code = page.inner_text("#auth-code")
    page.goto(f"{base}/m/services/apply/retire/")
    page.fill("#id_proxy_code", auth_code)
    page.fill("#id_proxy_phone", "13800000202")
    page.fill("#id_f_id", "350102196001011234")
    page.fill("#id_f_employer", "福州第二纺织厂")
    page.fill("#id_f_bank", "6222020000001234")
    _submit(page, "#apply button[type=submit]")
    assert page.inner_text("#app-state") == "办理中"
    assert "林晓红（代林国栋办理）" in page.inner_text(".services-timeline")
    staff = chromium.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    _login(staff, base, "zhou")
    staff.goto(f"{base}/services/proxies/")
    _submit(staff, "tr:has-text('林国栋') button[type=submit]")
    assert "已撤销" in staff.inner_text("tr:has-text('林国栋')")
    page.goto(f"{base}/m/services/apply/retire/")
    page.fill("#id_proxy_code", auth_code)
    page.fill("#id_proxy_phone", "13800000202")
    page.fill("#id_f_id", "350102196001011234")
    page.fill("#id_f_employer", "福州第二纺织厂")
    page.fill("#id_f_bank", "6222020000001234")
    page.click("#apply button[type=submit]")
    page.wait_for_selector(".errorlist:has-text('撤销')")
    _shot(page, "proxy-revoked")


@pytest.fixture
def media_chromium() -> Any:
    """Chromium with its fake camera and microphone (the root fixture's launch has no media
    flags); skipped or failed like the root fixture where there is no Chromium."""
    path = os.environ.get("MINSHENG_CHROMIUM") or shutil.which("chromium") or ""
    if not path or not os.access(path, os.X_OK):
        if os.environ.get("MINSHENG_REQUIRE_BROWSER") == "1":
            pytest.fail("未找到可用的 Chromium")
        pytest.skip("未找到可用的 Chromium（apt-get install chromium）")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    args = ["--no-sandbox", "--disable-gpu", "--no-first-run", *MEDIA_FLAGS]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=args)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def test_a_video_pre_review_between_two_browsers(
    transactional_db: Any,
    live_server: Any,
    media_chromium: Any,
    bundles: Any,
    clerk: Any,
    city: Any,
) -> None:
    from minsheng.services import calls, write
    from minsheng.services.models import Review

    app = write.apply(
        bundles["birth"], name="陈丽", phone="13800000101", answers=dict(BIRTH_ANSWERS)
    )
    now = timezone.localtime()
    calls.add_slots(city["gulou"], day=now.date() + timedelta(days=1), times=[now.time()])
    base = live_server.url
    browser = media_chromium
    home = browser.new_context(locale="zh-CN", permissions=["camera", "microphone"])
    resident = home.new_page()
    resident.goto(f"{base}/m/services/p/{app.key}/")
    _submit(resident, "#video form button.slot >> nth=0")
    review = Review.objects.get()
    office = browser.new_context(locale="zh-CN", permissions=["camera", "microphone"])
    desk = office.new_page()
    _login(desk, base, "huang")
    desk.goto(f"{base}/services/slots/")
    with desk.expect_navigation():
        desk.click(f"a[href$='/calls/{review.room}/']")
    with resident.expect_navigation():
        resident.click("#join-call")
    for page in (resident, desk):
        _wait_text(page.locator("#call-state"), "^已连接$")
    for page in (resident, desk):
        _wait_text(page.locator("#call-video"), r"^[1-9]\d*x[1-9]\d*$")
        bytes_seen = _wait_text(page.locator("#call-bytes"), r"^[1-9]\d{3,}$")
        assert int(bytes_seen) > 1000
    _shot(desk, "video-clerk")
    desk.check("#checklist input[value='父母身份证']")
    desk.check("#checklist input[value='结婚证']")
    _submit(desk, "#checklist button[type=submit]")
    assert "缺少" in desk.inner_text("#review-result")
    resident.goto(f"{base}/m/services/p/{app.key}/")
    assert "住院分娩记录" in resident.inner_text("#review-result")
    assert "视频预审：材料不全" in resident.inner_text(".services-timeline")
