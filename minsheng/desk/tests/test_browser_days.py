"""Each role's day in the browser, starting from its work lists (never from a known ticket
number): the agent, the dispatcher, the handler, the supervisor and the unit leader. Debian's
headless Chromium (the root conftest's `chromium` fixture); screenshots under
test-output/screenshots/day-*.png."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[3] / "test-output" / "screenshots"


@pytest.fixture(autouse=True)
def _complex_pauses_need_approval(live_server: Any) -> None:
    """What sla's migration 0005 seeds; the root conftest re-seeds only 0002 and 0004 after a
    transactional test flushed the tables."""
    from minsheng.sla.models import DeadlinePolicy

    DeadlinePolicy.objects.filter(code="complex").update(pause_needs_approval=True)


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"day-{name}.png"), full_page=True)


def _open(chromium: Any) -> tuple[Any, list[str]]:
    page = chromium.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page, errors


def _login(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}")
    with page.expect_navigation():
        page.click("form[action$='/login/'] button[type=submit]")
    assert "/login/" not in page.url, f"{username} could not log in"


def _menu_list(page: Any, label: str) -> None:
    """Open a work list from the menu's drop-down, as a person does."""
    page.hover("nav.nav li.has-sub > a")
    page.wait_for_selector("nav.nav ul.subnav", state="visible")
    with page.expect_navigation():
        page.click(f"nav.nav ul.subnav a:has-text('{label}')")


def _first_ticket(page: Any) -> str:
    """Open the first ticket of the list on screen; its number."""
    link = page.locator("table.list tbody tr a[href^='/t/']").first
    number = link.inner_text().strip()
    with page.expect_navigation():
        link.click()
    return number


def _act(page: Any, action: str, fields: dict[str, str] | None = None) -> None:
    """Take one action from the ticket page's panel: open it, fill it, confirm."""
    page.click(f"#action-{action} > summary")
    for selector, value in (fields or {}).items():
        page.fill(selector, value)
    with page.expect_navigation():
        page.click(f"#action-{action} button[type=submit]")


def _replied(make_ticket: Any, dispatcher: Any, handler: Any, city: Any, **kw: Any) -> Any:
    from minsheng.tickets import workflow

    with time_machine.travel(timezone.now() - timedelta(days=2), tick=False):
        ticket = make_ticket(**kw)
        workflow.dispatch(ticket, to=city["gudong"], by=dispatcher)
        workflow.accept(ticket, by=handler)
        workflow.reply(ticket, by=handler, text="已协调施工方夜间停工。")
    return ticket


def test_the_agent_calls_back_from_the_visit_list_and_retries_the_unreached(
    live_server: Any,
    chromium: Any,
    make_ticket: Any,
    agent: Any,
    dispatcher: Any,
    street_handler: Any,
    city: Any,
) -> None:
    from minsheng.tickets.models import Status, Ticket

    ticket = _replied(make_ticket, dispatcher, street_handler, city)
    base = live_server.url
    page, errors = _open(chromium)
    _login(page, base, "wang")
    _menu_list(page, "待回访")
    assert page.inner_text("#list-visits .count") == "1"
    assert page.inner_text("#list-retries .count") == "0"
    number = _first_ticket(page)
    # Nobody answers: 联系不上, counted on the ticket.
    _act(page, "visit_unreached", {"#id_visit_unreached_note": "两次拨打无人接听。"})
    assert "回访联系不上 1 次" in page.inner_text("#visit-attempts")
    _shot(page, "agent-unreached")
    _menu_list(page, "回访重拨")
    assert page.inner_text("#list-retries .count") == "1"
    assert page.inner_text("#list-visits .count") == "0"
    assert "已联系不上 1 次" in page.inner_text("table.list tbody")
    _shot(page, "agent-retries")
    assert _first_ticket(page) == number
    # The second call reaches the resident: satisfied, and the ticket closes.
    page.click("#action-visit > summary")
    page.check("#id_visit_satisfaction_0")
    page.check("#id_visit_resolved_0")
    with page.expect_navigation():
        page.click("#action-visit button[type=submit]")
    assert "工单已办结" in page.content()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED
    assert Ticket.objects.get(pk=ticket.pk).visit_attempts == 1
    assert errors == []


def test_the_dispatcher_decides_returns_and_pauses_and_keeps_a_saved_filter(
    live_server: Any,
    chromium: Any,
    make_ticket: Any,
    catalogue: Any,
    dispatcher: Any,
    street_handler: Any,
    city: Any,
) -> None:
    from minsheng.tickets import workflow
    from minsheng.tickets.models import Status, Ticket

    returned = make_ticket(title="小区垃圾清运不及时")
    workflow.dispatch(returned, to=city["gudong"], by=dispatcher)
    workflow.send_back(returned, by=street_handler, reason="该小区由物业负责清运。")
    paused = make_ticket(title="加装电梯政策", category=catalogue["policy"], request_type="consult")
    workflow.dispatch(paused, to=city["gudong"], by=dispatcher)
    workflow.accept(paused, by=street_handler)
    workflow.request_pause(paused, by=street_handler, reason="等待群众提供房屋产权证明。")
    make_ticket(title="燃气管道异味", urgency="urgent")
    make_ticket(title="夜间广场舞扰民")
    base = live_server.url
    page, errors = _open(chromium)
    _login(page, base, "liu")

    # 退单待审: the unit's reason is on the ticket; the return is unfounded, rejected.
    _menu_list(page, "退单待审")
    assert _first_ticket(page) == returned.number
    assert "该小区由物业负责清运" in page.content()
    _act(page, "reject_return", {"#id_reject_return_note": "合同约定由街道负责，请按时办理。"})
    assert Ticket.objects.get(pk=returned.pk).status == Status.DISPATCHED

    # 待审暂停: the request with its reason; approved from the list.
    _menu_list(page, "待审暂停")
    assert paused.number in page.inner_text("table.list tbody")
    page.check(f"input[name=tickets][value='{paused.number}']")
    page.select_option("#bulk-action", "approve_pause")
    _shot(page, "dispatcher-pauses")
    page.click("#bulk-submit")
    page.wait_for_selector("#bulk-outcomes")
    assert "完成 1 张" in page.content()
    assert Ticket.objects.get(pk=paused.pk).paused_since is not None

    # 待派单: filter the emergencies, save the filter; it stays in the menu with its count.
    _menu_list(page, "待派单")
    page.check("#id_urgent")
    with page.expect_navigation():
        page.click("#list-filter button[type=submit]")
    assert page.locator("table.list tbody tr").count() == 1
    page.fill("#id_name", "紧急件")
    with page.expect_navigation():
        page.click("#save-filter")
    assert "紧急件" in page.inner_text("#saved-filters")
    page.goto(f"{base}/lists/")
    _menu_list(page, "☆ 紧急件")
    assert "燃气管道异味" in page.inner_text("table.list tbody")
    assert "夜间广场舞扰民" not in page.inner_text("table.list tbody")
    _shot(page, "dispatcher-saved-filter")
    assert errors == []


def test_the_handler_works_the_inbox_asks_to_pause_and_is_told_why_not_otherwise(
    live_server: Any,
    chromium: Any,
    make_ticket: Any,
    catalogue: Any,
    dispatcher: Any,
    street_handler: Any,
    city: Any,
) -> None:
    from minsheng.tickets import workflow
    from minsheng.tickets.models import Status, Ticket

    noise = make_ticket(title="工地夜间施工")
    workflow.dispatch(noise, to=city["gudong"], by=dispatcher)
    lift = make_ticket(title="加装电梯", category=catalogue["policy"], request_type="consult")
    workflow.dispatch(lift, to=city["gudong"], by=dispatcher)
    workflow.accept(lift, by=street_handler)
    base = live_server.url
    page, errors = _open(chromium)
    _login(page, base, "li")
    assert "/inbox/" in page.url  # the handler's day starts at the unit's inbox
    with page.expect_navigation():
        page.click("nav.tabs a:has-text('待签收')")
    assert _first_ticket(page) == noise.number
    _act(page, "accept")
    with page.expect_navigation():
        page.click("nav.nav a:has-text('本单位工单')")
    with page.expect_navigation():
        page.click("nav.tabs a:has-text('办理中')")
    rows = page.inner_text("table.list tbody")
    assert noise.number in rows
    assert lift.number in rows

    # The complex matter: the clock stops only on the centre's approval; the page says so.
    page.goto(f"{base}/inbox/?status=accepted")
    with page.expect_navigation():
        page.click(f"table.list a:text-is('{lift.number}')")
    assert page.locator("#action-pause").count() == 0
    _act(page, "request_pause", {"#id_request_pause_reason": "等待群众补充房屋产权证明。"})
    assert "暂停计时待审批" in page.inner_text("#pause-requested")
    assert "等待热线中心审批" in page.inner_text("#blocked-actions")
    _shot(page, "handler-pause-requested")

    # The noise complaint is answered.
    page.goto(f"{base}/inbox/?status=accepted")
    with page.expect_navigation():
        page.click(f"table.list a:text-is('{noise.number}')")
    _act(page, "reply", {"#id_reply_text": "已责令施工方夜间停工，并安排巡查。"})
    assert Ticket.objects.get(pk=noise.pk).status == Status.REPLIED
    assert Ticket.objects.get(pk=lift.pk).pause_requested_at is not None
    assert errors == []


def test_the_supervisor_escalates_from_the_overdue_list_and_reopens_the_unsatisfied(
    live_server: Any,
    chromium: Any,
    make_ticket: Any,
    agent: Any,
    dispatcher: Any,
    supervisor: Any,
    street_handler: Any,
    city: Any,
) -> None:
    from minsheng.tickets import workflow
    from minsheng.tickets.models import Status, Ticket
    from minsheng.tickets.names import Action

    with time_machine.travel(timezone.now() - timedelta(days=20), tick=False):
        late = make_ticket(title="路灯不亮")
        workflow.dispatch(late, to=city["guxi"], by=dispatcher)
    unhappy = _replied(make_ticket, dispatcher, street_handler, city, title="楼上漏水")
    workflow.record_visit(unhappy, by=agent, satisfaction="unsatisfied", resolved=False)
    base = live_server.url
    page, errors = _open(chromium)
    _login(page, base, "zhao")
    assert "/lists/" in page.url  # the supervisor's day starts at the work lists

    # 超期, by unit: the street's count, then its ticket, escalated with a note (督办).
    _menu_list(page, "超期")
    with page.expect_navigation():
        page.click(".stats a.stat:has-text('鼓西街道')")
    assert _first_ticket(page) == late.number
    _act(page, "escalate", {"#id_escalate_note": "超期多日未签收，请主要负责同志督办。"})
    assert Ticket.objects.get(pk=late.pk).events.filter(action=Action.ESCALATE).count() == 1
    page.click("a:has-text('打印督办单')")
    page.wait_for_selector("text=12345热线督办单")
    _shot(page, "supervisor-supervision-sheet")

    # 不满意待重办: the words the resident chose, and a reopen with the centre's opinion.
    page.goto(f"{base}/lists/")
    _menu_list(page, "不满意待重办")
    assert _first_ticket(page) == unhappy.number
    assert "群众不满意（问题未解决）" in page.inner_text("#visit-outcome")
    _act(page, "reopen", {"#id_reopen_note": "群众反映仍在漏水，请重新上门处理。"})
    assert Ticket.objects.get(pk=unhappy.pk).status == Status.DISPATCHED
    assert errors == []


def test_the_leader_reviews_an_extension_and_takes_a_late_ticket_from_the_lists(
    live_server: Any,
    chromium: Any,
    make_ticket: Any,
    dispatcher: Any,
    street_handler: Any,
    street_leader: Any,
    city: Any,
) -> None:
    from minsheng.sla.models import DeadlinePolicy
    from minsheng.tickets import workflow
    from minsheng.tickets.models import ExtensionRequest, Status, Ticket

    DeadlinePolicy.objects.update(extension_needs_leader=True)
    longer = make_ticket(title="小区停车位划线")
    workflow.dispatch(longer, to=city["gudong"], by=dispatcher)
    workflow.accept(longer, by=street_handler)
    until = longer.resolve_by + timedelta(days=5)
    workflow.request_extension(longer, by=street_handler, until=until, reason="需业委会表决。")
    with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
        late = make_ticket(title="井盖松动")
        workflow.dispatch(late, to=city["gudong"], by=dispatcher)
    base = live_server.url
    page, errors = _open(chromium)
    _login(page, base, "chen")

    _menu_list(page, "待审延期")
    assert page.inner_text("#list-extensions .count") == "1"
    assert _first_ticket(page) == longer.number
    _act(page, "leader_approve_extension", {"#id_leader_approve_extension_note": "同意。"})
    assert ExtensionRequest.objects.get(ticket=longer).leader_at is not None

    _menu_list(page, "超期")
    assert _first_ticket(page) == late.number
    _act(page, "accept")
    assert Ticket.objects.get(pk=late.pk).status == Status.ACCEPTED
    _shot(page, "leader-accepted-late")
    assert errors == []
