"""The calendar page: administrators see the published years and a loud warning before a gap."""

from typing import Any

import time_machine
from django.urls import reverse

from conftest import at
from minsheng.tickets import workflow


def test_administrator_sees_the_published_years_and_their_holidays(
    client: Any, admin_user: Any
) -> None:
    client.force_login(admin_user)
    with time_machine.travel(at(2026, 3, 1, 9), tick=False):
        response = client.get(reverse("sla:calendar"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "2026 年" in html
    assert "国庆节" in html
    assert reverse("admin:sla_calendarday_changelist") in html
    assert 'class="alert flag"' not in html


def test_a_missing_next_year_is_announced_loudly_sixty_days_ahead(
    client: Any, admin_user: Any
) -> None:
    client.force_login(admin_user)
    with time_machine.travel(at(2026, 11, 5, 9), tick=False):
        html = client.get(reverse("sla:calendar")).content.decode()
    assert 'class="alert flag"' in html
    assert "2027 年的节假日安排尚未录入：截止时间将按周一至周五估算" in html


def test_tickets_counted_past_the_calendar_are_listed(
    client: Any, admin_user: Any, make_ticket: Any, dispatcher: Any, city: dict[str, Any]
) -> None:
    with time_machine.travel(at(2026, 12, 28, 9), tick=False):
        flagged = make_ticket()
        workflow.dispatch(flagged, to=city["gudong"], by=dispatcher)
        client.force_login(admin_user)
        html = client.get(reverse("sla:calendar")).content.decode()
    assert flagged.beyond_calendar
    assert flagged.number in html


def test_dispatcher_cannot_open_the_calendar(client: Any, dispatcher: Any) -> None:
    client.force_login(dispatcher)
    assert client.get(reverse("sla:calendar")).status_code == 403


def test_admin_pages_of_the_calendar_and_units_open(
    client: Any, admin_user: Any, dispatched: Any
) -> None:
    client.force_login(admin_user)
    for name in (
        "admin:sla_calendarday_changelist",
        "admin:sla_calendaryear_changelist",
        "admin:sla_deadlinepolicy_changelist",
        "admin:orgs_unit_changelist",
        "admin:orgs_membership_changelist",
        "admin:taxonomy_category_changelist",
        "admin:tickets_ticket_changelist",
    ):
        assert client.get(reverse(name)).status_code == 200, name
    ticket_page = client.get(reverse("admin:tickets_ticket_change", args=[dispatched.pk]))
    assert ticket_page.status_code == 200
    assert dispatched.events.first().hash in ticket_page.content.decode()
    unit_page = client.get(reverse("admin:orgs_unit_change", args=[dispatched.unit_id]))
    assert unit_page.status_code == 200
