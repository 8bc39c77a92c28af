"""Both walks in a real browser (Debian's Chromium through Playwright):

- a list: a resident proposes and another supports → the street adopts and publishes it → a
  milestone goes overdue → the worker files the 督办 ticket to the owner, who sees it in the
  unit's inbox → the milestone and the project are finished → a resident rates the project;
- a campaign: the inspector records a visit offline (queued in the browser), the network
  returns and it is sent once → the hazard is a ticket to the responsible unit → the unit
  replies → the re-inspection (复查) with a photo closes it.
"""

from datetime import timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[3] / "test-output" / "screenshots"


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"projects-{name}.png"), full_page=True)


def _login(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}")
    page.click("form[action$='/login/'] button[type=submit]")
    page.wait_for_load_state()
    assert "/login/" not in page.url, f"{username} could not log in"


def _post(page: Any, selector: str) -> None:
    page.click(selector)
    page.wait_for_load_state()


def test_propose_publish_chase_finish_and_rate(
    transactional_db: Any,
    live_server: Any,
    chromium: Any,
    city: dict[str, Any],
    street_leader: Any,
    street_handler: Any,
) -> None:
    from minsheng.projects import records
    from minsheng.projects.models import Milestone, Project, ProjectList
    from minsheng.tickets.models import Status

    base = live_server.url
    staff = chromium.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    _login(staff, base, "chen")
    staff.goto(f"{base}/projects/")
    staff.select_option("#id_unit", str(city["gudong"].pk))
    staff.fill("#id_title", "鼓东街道民生实事")
    _post(staff, "form.form button[type=submit]")
    plist = ProjectList.objects.get()

    # 群众点单: one resident proposes on the phone page, another supports it.
    phone = chromium.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    phone.goto(f"{base}/m/projects/")
    _post(phone, "a.btn.primary")
    phone.fill("#id_title", "老楼加装电梯")
    phone.fill("#id_text", "东街社区六层老楼，老人上下楼很难。")
    phone.fill("#id_phone", "13812345678")
    _post(phone, "#propose button[type=submit]")
    assert "提议已提交" in phone.content()
    phone.context.clear_cookies()  # another resident, on the same phone page
    phone.reload()
    phone.click(".proposal details summary")
    phone.fill(".proposal input[name=phone]", "13900001111")
    _post(phone, ".proposal button[type=submit]")
    assert phone.inner_text(".proposal .supports") == "1"
    _shot(phone, "01-propose")

    # 部门接单: the street adopts it, submits the list and its leader publishes it.
    staff.goto(f"{base}/projects/lists/{plist.pk}/")
    staff.click("#proposals details summary")
    staff.select_option("#proposals select[name=owner]", str(city["gudong"].pk))
    _post(staff, "#proposals button.primary")
    _post(staff, "#submit-review")
    _post(staff, "#publish")
    assert ProjectList.objects.get().state == "published"
    _shot(staff, "02-published-list")
    project = Project.objects.get()
    staff.goto(f"{base}/projects/{project.pk}/")
    _post(staff, "#start")
    staff.click("#milestone-form >> xpath=..//summary")
    staff.fill("#milestone-form input[name=title]", "井道施工")
    yesterday = timezone.localdate() - timedelta(days=1)
    staff.fill("#milestone-form input[name=due]", yesterday.isoformat())
    _post(staff, "#milestone-form button[type=submit]")
    assert "已逾期" in staff.inner_text("#milestones")

    # 督办: the worker's step files the chase ticket to the owner, through the loop.
    assert records.chase_due() == 1
    ticket = Milestone.objects.get().chase_ticket
    assert ticket is not None
    assert ticket.status == Status.DISPATCHED
    staff.reload()
    assert ticket.number in staff.inner_text("#milestones")
    _login(staff, base, "li")
    staff.goto(f"{base}/inbox/")
    assert ticket.number in staff.content()
    _shot(staff, "03-chase-in-inbox")

    # Finished: the milestone (answering the chase ticket), then the project.
    staff.goto(f"{base}/projects/{project.pk}/")
    _post(staff, "#milestones button[type=submit]")
    ticket.refresh_from_db()
    assert ticket.status == Status.REPLIED
    assert "井道施工" in ticket.reply
    _post(staff, "#finish")
    assert Project.objects.get().state == "done"

    # 群众评单: a resident rates the finished project.
    phone.goto(f"{base}/m/projects/{project.pk}/")
    phone.check("#evaluate input[value=satisfied]")
    phone.fill("#evaluate input[name=phone]", "13812345678")
    phone.fill("#evaluate textarea[name=comment]", "电梯装好了，谢谢！")
    _post(phone, "#evaluate button[type=submit]")
    assert "满意率 100%" in phone.inner_text("#m-evaluation")
    _shot(phone, "04-rated")


def test_inspect_offline_then_online_hazard_ticket_recheck(
    transactional_db: Any,
    live_server: Any,
    chromium: Any,
    gas_campaign: Any,
    street_handler: Any,
    water_handler: Any,
) -> None:
    from minsheng.projects.models import Hazard, Visit
    from minsheng.tickets import workflow
    from minsheng.tickets.models import Status

    base = live_server.url
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    _login(page, base, "li")
    page.goto(f"{base}/campaigns/{gas_campaign.pk}/inspect/")
    hose, years = gas_campaign.items.order_by("order")

    context.set_offline(True)
    page.select_option("#target", str(gas_campaign.targets.get(ref="A-1").pk))
    page.check(f"input[name=item-{hose.pk}][value=是]")
    page.fill(f"input[name=item-{years.pk}]", "9")
    page.click("#save-visit")
    # Selectors, not wait_for_function: the page's CSP forbids evaluating strings.
    page.wait_for_selector("#queue-count:text-is('1')")
    assert page.inner_text("#net") == "离线"
    assert Visit.objects.count() == 0
    _shot(page, "05-offline-queued")

    context.set_offline(False)
    page.wait_for_selector("#queue-count:text-is('0')", timeout=20000)
    page.wait_for_selector("#results li:has-text('软管老化')")
    assert Visit.objects.count() == 1
    hazard = Hazard.objects.get()
    assert hazard.ticket is not None
    assert hazard.ticket.status == Status.DISPATCHED
    assert hazard.ticket.number in page.inner_text("#results")
    _shot(page, "06-sent")

    # The responsible unit fixes it and replies through the loop.
    workflow.accept(hazard.ticket, by=water_handler)
    workflow.reply(hazard.ticket, by=water_handler, text="已上门更换燃气软管。")

    # 复查: the inspector re-inspects with a photo; the ticket closes.
    buffer = BytesIO()
    Image.new("RGB", (80, 60), (60, 120, 200)).save(buffer, "JPEG")
    page.goto(f"{base}/campaigns/hazards/{hazard.pk}/")
    page.check("#recheck-form input[name=passed][value='1']")
    page.set_input_files(
        "#recheck-form input[name=photo]",
        files=[{"name": "after.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}],
    )
    _post(page, "#recheck-form button[type=submit]")
    assert page.inner_text("#hazard-state") == "已整改"
    hazard.refresh_from_db()
    assert hazard.state == Hazard.State.FIXED
    assert hazard.ticket.status == Status.CLOSED  # type: ignore[union-attr]
    _shot(page, "07-rechecked")
    page.goto(f"{base}/campaigns/{gas_campaign.pk}/")
    assert "软管老化" in page.inner_text("#board ~ .grid-2")
    context.close()
