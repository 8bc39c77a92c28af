"""The work lists (工作清单): what each holds, in which order, for whom, and their counts."""

import io
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import at
from minsheng.assessment.models import Exclusion
from minsheng.desk import worklists
from minsheng.notifications.models import Notification
from minsheng.sla.models import DeadlinePolicy
from minsheng.tickets import workflow
from minsheng.tickets.models import Ticket

MONDAY = at(2026, 3, 2, 10, 0)


def _login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def _numbers(key: str, user: Any, now: Any = None) -> list[str]:
    return [t.number for t in worklists.tickets(key, user, now=now)]


@pytest.fixture
def monday() -> Any:
    with time_machine.travel(MONDAY, tick=False):
        yield MONDAY


def _accepted(make_ticket: Any, dispatcher: Any, handler: Any, city: Any, **kw: Any) -> Ticket:
    ticket = make_ticket(**kw)
    workflow.dispatch(ticket, to=city["gudong"], by=dispatcher)
    workflow.accept(ticket, by=handler)
    return ticket


# --- what each list holds ---------------------------------------------------------------------


def test_the_dispatch_list_puts_emergencies_first_then_the_oldest(
    make_ticket: Any, dispatcher: Any, monday: Any
) -> None:
    with time_machine.travel(MONDAY - timedelta(hours=3), tick=False):
        old = make_ticket(title="最早")
    with time_machine.travel(MONDAY - timedelta(hours=2), tick=False):
        newer = make_ticket(title="较晚")
    with time_machine.travel(MONDAY - timedelta(hours=1), tick=False):
        urgent = make_ticket(title="燃气泄漏", urgency="urgent")
    assert _numbers("dispatch", dispatcher) == [urgent.number, old.number, newer.number]


def test_returned_tickets_wait_in_their_own_list_not_in_the_dispatch_list(
    dispatched: Ticket, street_handler: Any, dispatcher: Any
) -> None:
    workflow.send_back(dispatched, by=street_handler, reason="不属于本街道辖区。")
    assert _numbers("returns", dispatcher) == [dispatched.number]
    assert _numbers("dispatch", dispatcher) == []


def test_a_pending_extension_waits_for_the_centre_and_notifies_it(
    make_ticket: Any, dispatcher: Any, supervisor: Any, street_handler: Any, city: Any, monday: Any
) -> None:
    ticket = _accepted(make_ticket, dispatcher, street_handler, city)
    workflow.request_extension(
        ticket,
        by=street_handler,
        until=ticket.resolve_by + timedelta(days=3),
        reason="需协调物业。",
    )
    assert _numbers("extensions", dispatcher) == [ticket.number]
    assert _numbers("extensions", supervisor) == [ticket.number]
    notified = set(
        Notification.objects.filter(kind="extension_request").values_list(
            "user__username", flat=True
        )
    )
    assert notified == {"liu", "zhao"}


def test_where_the_leader_reviews_first_the_request_is_in_the_leaders_list_and_notices(
    make_ticket: Any,
    dispatcher: Any,
    street_handler: Any,
    street_leader: Any,
    water_handler: Any,
    city: Any,
    monday: Any,
) -> None:
    DeadlinePolicy.objects.update(extension_needs_leader=True)
    ticket = _accepted(make_ticket, dispatcher, street_handler, city)
    workflow.request_extension(
        ticket,
        by=street_handler,
        until=ticket.resolve_by + timedelta(days=3),
        reason="需协调物业。",
    )
    assert _numbers("extensions", street_leader) == [ticket.number]
    assert _numbers("extensions", dispatcher) == []  # not yet the centre's
    notices = Notification.objects.filter(kind="extension_request")
    assert set(notices.values_list("user__username", flat=True)) == {"chen"}
    assert "extensions" not in {w.key for w in worklists.available(water_handler)}
    workflow.review_extension(ticket, by=street_leader, approve=True)
    assert _numbers("extensions", street_leader) == []
    assert _numbers("extensions", dispatcher) == [ticket.number]
    assert "liu" in set(notices.values_list("user__username", flat=True))


def test_an_unsatisfied_rating_comes_back_to_a_list_and_to_the_notices(
    client: Any,
    make_ticket: Any,
    dispatcher: Any,
    supervisor: Any,
    street_handler: Any,
    agent: Any,
    city: Any,
) -> None:
    ticket = _accepted(make_ticket, dispatcher, street_handler, city)
    workflow.reply(ticket, by=street_handler, text="已协调。")
    workflow.record_visit(ticket, by=agent, satisfaction="unsatisfied", resolved=False)
    assert _numbers("unsatisfied", supervisor) == [ticket.number]
    notices = Notification.objects.filter(kind="unsatisfied", ticket_number=ticket.number)
    assert {"liu", "zhao", "li"} <= set(notices.values_list("user__username", flat=True))
    assert "不满意" in notices.first().body  # type: ignore[union-attr]
    html = _login(client, supervisor).get(ticket.get_absolute_url()).content.decode()
    assert "群众不满意" in html
    assert "未解决" in html


def test_the_visit_list_holds_replied_tickets_once_the_policy_says_so(
    make_ticket: Any, dispatcher: Any, street_handler: Any, agent: Any, city: Any, monday: Any
) -> None:
    ticket = _accepted(make_ticket, dispatcher, street_handler, city)
    workflow.reply(ticket, by=street_handler, text="已协调。")
    assert _numbers("visits", agent) == []
    assert _numbers("visits", agent, now=MONDAY + timedelta(days=2)) == [ticket.number]


def test_the_overdue_list_counts_per_unit_and_shows_the_longest_missed_first(
    client: Any, make_ticket: Any, dispatcher: Any, supervisor: Any, city: Any
) -> None:
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        first = make_ticket(title="先超期")
        workflow.dispatch(first, to=city["gudong"], by=dispatcher)
    with time_machine.travel(at(2026, 3, 3, 9, 0), tick=False):
        second = make_ticket(title="后超期")
        workflow.dispatch(second, to=city["guxi"], by=dispatcher)
    later = at(2026, 3, 20, 9, 0)
    assert _numbers("overdue", supervisor, now=later) == [first.number, second.number]
    with time_machine.travel(later, tick=False):
        html = _login(client, supervisor).get(reverse("desk:worklist", args=["overdue"]))
    page = html.content.decode()
    assert "鼓东街道" in page
    assert "鼓西街道" in page
    assert reverse("desk:print_supervision", args=[first.number]) in page


def test_pending_exclusions_are_in_the_review_list(
    client: Any, dispatched: Ticket, dispatcher: Any, street_handler: Any, city: Any
) -> None:
    Exclusion.objects.create(
        ticket=dispatched,
        unit=city["gudong"],
        reason=Exclusion.Reason.OUT_OF_DUTY,
        evidence="该路段属市政管辖。",
        requested_by=street_handler,
        requested_at=dispatched.received_at,
    )
    assert worklists.counts(dispatcher, worklists.available(dispatcher))["reviews"] == 1
    page = _login(client, dispatcher).get(reverse("desk:worklist", args=["reviews"]))
    assert dispatched.number in page.content.decode()


# --- who has which list, and the counts -----------------------------------------------------


def test_each_role_has_its_lists(
    dispatcher: Any, supervisor: Any, agent: Any, street_handler: Any, street_leader: Any
) -> None:
    def keys(user: Any) -> list[str]:
        return [w.key for w in worklists.available(user)]

    assert keys(dispatcher) == [
        "dispatch", "extensions", "pauses", "unsatisfied", "returns", "overdue", "reviews"
    ]  # fmt: skip
    assert keys(supervisor) == [
        "extensions", "pauses", "unsatisfied", "visits", "retries", "overdue", "reviews",
    ]  # fmt: skip
    assert keys(agent) == ["visits", "retries"]
    assert keys(street_leader) == ["extensions", "overdue"]
    assert keys(street_handler) == []


def test_the_menu_and_the_tabs_show_the_counts(
    client: Any, make_ticket: Any, dispatcher: Any
) -> None:
    make_ticket()
    make_ticket()
    response = _login(client, dispatcher).get(reverse("desk:worklist", args=["dispatch"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<a href="/lists/dispatch/" id="list-dispatch" class="active" aria-current="page">' in html
    )
    tab = html.split('id="list-dispatch"')[1].split("</a>")[0]
    assert '<span class="count">2</span>' in tab
    nav = [item for item in response.context["nav_items"] if item.url == reverse("desk:worklists")]
    assert nav[0].count == 2
    menu = {child.label: child.count for child in nav[0].children}
    assert menu["待派单"] == 2
    assert menu["退单待审"] == 0
    assert '<ul class="subnav">' in html


def test_a_unit_sees_only_its_own_tickets_in_its_lists(
    make_ticket: Any, dispatcher: Any, street_leader: Any, city: Any
) -> None:
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        mine = make_ticket()
        workflow.dispatch(mine, to=city["gudong"], by=dispatcher)
        other = make_ticket()
        workflow.dispatch(other, to=city["guxi"], by=dispatcher)
    later = at(2026, 3, 20, 9, 0)
    assert _numbers("overdue", street_leader, now=later) == [mine.number]
    assert _numbers("overdue", dispatcher, now=later) == [mine.number, other.number]


def test_a_list_the_role_does_not_have_is_forbidden_and_an_unknown_one_not_found(
    client: Any, street_handler: Any, agent: Any
) -> None:
    assert _login(client, agent).get(reverse("desk:worklist", args=["dispatch"])).status_code == 403
    assert client.get(reverse("desk:worklist", args=["nothing"])).status_code == 404
    assert client.get(reverse("desk:worklists")).url == reverse("desk:worklist", args=["visits"])
    assert _login(client, street_handler).get(reverse("desk:worklists")).status_code == 403


def test_the_lists_read_a_bounded_number_of_queries(
    client: Any, make_ticket: Any, dispatcher: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        make_ticket()
    _login(client, dispatcher)
    # 17: the filter bar's category groups and districts and the saved filters (the list's and
    # the menu's) included; none per row.
    with django_assert_max_num_queries(17):
        assert client.get(reverse("desk:worklist", args=["dispatch"])).status_code == 200


# --- export -----------------------------------------------------------------------------------


def test_a_list_exports_to_excel_with_the_phone_masked(
    client: Any, make_ticket: Any, dispatcher: Any
) -> None:
    ticket = make_ticket()
    response = _login(client, dispatcher).get(reverse("desk:export", args=["dispatch"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "工单编号"
    assert rows[1][0] == ticket.number
    assert "138****5678" in rows[1]
    assert "13812345678" not in str(rows)
    assert "张**" in rows[1]


def test_a_unit_cannot_export_a_centre_list(client: Any, street_leader: Any) -> None:
    response = _login(client, street_leader).get(reverse("desk:export", args=["dispatch"]))
    assert response.status_code == 403


# --- printing ---------------------------------------------------------------------------------


def test_the_printable_ticket_and_supervision_sheet_are_a4_and_scoped(
    client: Any, dispatched: Ticket, street_handler: Any, water_handler: Any
) -> None:
    page = _login(client, street_handler).get(
        reverse("desk:print_ticket", args=[dispatched.number])
    )
    html = page.content.decode()
    assert "size: A4" in html
    assert "12345热线工单" in html
    assert "138****5678" in html
    assert "13812345678" not in html
    sheet = client.get(reverse("desk:print_supervision", args=[dispatched.number]))
    assert "12345热线督办单" in sheet.content.decode()
    _login(client, water_handler)
    assert client.get(reverse("desk:print_ticket", args=[dispatched.number])).status_code == 404
    assert (
        client.get(reverse("desk:print_supervision", args=[dispatched.number])).status_code == 404
    )


def test_the_all_tickets_list_shows_the_deadline_its_overdue_badge_refers_to(
    client: Any, make_ticket: Any, dispatcher: Any, city: Any
) -> None:
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        ticket = make_ticket()
        workflow.dispatch(ticket, to=city["gudong"], by=dispatcher)
    with time_machine.travel(at(2026, 3, 4, 9, 0), tick=False):  # past acceptance only
        assert ticket.resolve_by > at(2026, 3, 4, 9, 0)
        html = _login(client, dispatcher).get(reverse("desk:all")).content.decode()
    row = html.split(f">{ticket.number}</a>")[1].split("</tr>")[0]
    assert "已超期" in row
    assert timezone.localtime(ticket.accept_by).strftime("%Y-%m-%d %H:%M") in row
    assert "签收时限" in row


def test_an_htmx_fragment_does_not_count_the_lists(
    rf: Any, make_ticket: Any, dispatcher: Any
) -> None:
    from minsheng.desk.context import navigation

    make_ticket()
    request = rf.get("/triage/suggest/", headers={"HX-Request": "true"})
    request.user = dispatcher
    # A fragment gets no menu at all (desk.context.navigation), so nothing is counted.
    assert "nav_items" not in navigation(request)
    full = rf.get("/queue/")
    full.user = dispatcher
    counted = [i for i in navigation(full)["nav_items"] if i.url == reverse("desk:worklists")]  # type: ignore[attr-defined]
    assert counted[0].count == 1
