"""Both walks of the community network in a real browser (Debian's Chromium, Playwright):

- a 楼栋长 signs in on his phone from the SMS invitation with a one-time code and reports a
  blocked drain in unit 3 → it is offered to the building's volunteer steward → the steward's
  deadline passes (the worker's step, run for a later time) → the grid worker has it, accepts
  and replies on the ticket page → the 楼栋长 sees it solved at the grid level;
- a leader logs a visit on the phone with a problem found → the problem is a ticket with the
  leader's name, shown on the compliance board.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from conftest import _member

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[3] / "test-output" / "screenshots"


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"community-{name}.png"), full_page=True)


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


def test_report_climbs_to_the_grid_worker_who_solves_it(
    transactional_db: Any, live_server: Any, chromium: Any, net: dict[str, Any]
) -> None:
    from minsheng.community import linkage, network
    from minsheng.community.models import Linkage
    from minsheng.notifications.models import Notification

    base = live_server.url
    token = network.invite(net["head"], by=net["street"])
    phone = chromium.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    phone.goto(f"{base}/m/community/join/{token}/")
    _submit(phone, "#send button[type=submit]")
    assert "验证码已发送" in phone.content()
    sms = Notification.objects.filter(phone="13900000001", body__contains="验证码").get()
    phone.fill("#id_code", sms.body.split("验证码是 ")[1][:6])
    _submit(phone, "#verify button[type=submit]")
    assert "楼栋长 王建" in phone.content()

    phone.select_option("#id_building", str(net["b1"].pk))
    phone.fill("#id_stairwell", "3")
    phone.fill("#id_room", "201")
    phone.fill("#id_text", "3单元下水道堵了，污水漫到楼道里。")
    _submit(phone, "#report button[type=submit]")
    assert "已上报" in phone.content()
    _shot(phone, "01-reported")
    item = Linkage.objects.get()
    number = item.ticket.number
    assert item.level == "steward"
    assert item.steward == net["steward"]

    # The steward does nothing; two hours later the worker's step hands it to the grid worker.
    assert linkage.climb_due(now=timezone.now() + timedelta(hours=2, minutes=1)) == 1

    staff = chromium.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    _login(staff, base, "gridder")
    staff.goto(f"{base}/community/linkage/{item.pk}/")
    assert "网格员" in staff.inner_text(".linkage-level")
    assert "超时未办" in staff.content()
    staff.goto(f"{base}/t/{number}/")
    timeline = staff.content()
    assert "五方联动：志愿楼长超时未办，转网格员" in timeline
    staff.click("#action-accept summary")
    _submit(staff, "#action-accept button[type=submit]")
    staff.click("#action-reply summary")
    staff.fill("#action-reply textarea[name=text]", "已联系疏通队疏通下水道，楼道已清理。")
    _submit(staff, "#action-reply button[type=submit]")
    _shot(staff, "02-replied")
    item.refresh_from_db()
    assert (item.state, item.settled_level) == ("settled", "grid")

    phone.goto(f"{base}/m/community/head/r/{item.pk}/")
    page = phone.content()
    assert "已由网格员解决" in page
    assert "已联系疏通队疏通下水道" in page
    _shot(phone, "03-solved")


def test_a_leaders_visit_finds_a_problem_that_becomes_a_ticket(
    transactional_db: Any, live_server: Any, chromium: Any, net: dict[str, Any], city: Any
) -> None:
    from minsheng.community.models import Leader, Pairing, Problem

    user = _member("xu", "许市长", city["fz"], "leader")
    leader = Leader.objects.create(
        name="许明", title="副市长", level="city", user=user, contact_point=city["dongjie"]
    )
    Pairing.objects.create(
        leader=leader, household="陈阿婆", address="东街小区1号楼1单元101",
        since=timezone.localdate() - timedelta(days=120),
    )  # fmt: skip
    base = live_server.url
    page = chromium.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    _login(page, base, "xu")
    page.goto(f"{base}/community/visit/")
    assert "已逾期" in page.content()
    page.select_option("#id_pairing", label="陈阿婆（东街小区1号楼1单元101）")
    page.fill("#id_people_met", "陈阿婆及女儿")
    page.fill("#id_notes", "老人身体尚好。")
    page.fill("#id_problems", "单元门禁坏了一个月，老人进出不便。")
    _submit(page, "#visit button[type=submit]")
    assert "走访已记录" in page.content()
    problem = Problem.objects.get()
    number = problem.ticket.number
    assert "副市长许明" in problem.ticket.title
    assert number in page.content()
    _shot(page, "04-visit")

    _login(page, base, "li")  # 鼓东街道's handler gets the ticket
    page.goto(f"{base}/t/{number}/")
    assert "单元门禁坏了" in page.content()
    assert "副市长许明" in page.content()
    page.goto(f"{base}/community/leaders/")
    assert "单元门禁坏了" in page.content()
