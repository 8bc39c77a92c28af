"""Who sees which tickets (`visible_to`), and which are overdue or due soon at a given moment."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import _member, at
from minsheng.accounts.models import User
from minsheng.citizens.models import Resident
from minsheng.tickets import queries, workflow

pytestmark = pytest.mark.django_db

MONDAY = at(2026, 3, 2, 9, 0)


@pytest.fixture
def district_leader(city):
    """Wu, who leads 鼓楼区."""
    return _member("wu", "吴区长", city["gulou"], "leader")


@pytest.fixture
def tickets(make_ticket, dispatcher, city, catalogue):
    """One ticket in each corner of the city, dispatched at 10:00 on Monday 2 March 2026."""
    when = MONDAY + timedelta(hours=1)

    def sent(to, cohandlers=(), **kwargs):
        t = make_ticket(at=MONDAY, **kwargs)
        workflow.dispatch(t, to=to, by=dispatcher, cohandlers=cohandlers, at=when)
        return t

    return {
        "new": make_ticket(at=MONDAY),
        "gudong": sent(city["gudong"]),
        "dongjie": sent(city["dongjie"]),
        "guxi": sent(city["guxi"]),
        "guxi_with_gudong": sent(city["guxi"], cohandlers=[city["gudong"]]),
        "gulou": sent(city["gulou"]),
        "water": sent(city["water"], category=catalogue["water_cut"], request_type="help"),
        "gudong_with_water": sent(city["gudong"], cohandlers=[city["water"]]),
    }


def _seen(user, tickets) -> set[str]:
    numbers = {t.number: name for name, t in tickets.items()}
    return {numbers[n] for n in queries.visible_to(user).values_list("number", flat=True)}


# --- visible_to ----------------------------------------------------------------------------


def test_centre_roles_and_administrators_see_every_ticket(
    tickets, agent, dispatcher, supervisor, admin_user
):
    for person in (agent, dispatcher, supervisor, admin_user):
        assert _seen(person, tickets) == set(tickets), person


def test_street_handler_sees_his_street_its_communities_and_what_it_co_handles(
    tickets, street_handler
):
    assert _seen(street_handler, tickets) == {
        "gudong",
        "dongjie",
        "guxi_with_gudong",
        "gudong_with_water",
    }


def test_street_leader_sees_the_same_as_the_street_handler(tickets, street_leader, street_handler):
    assert _seen(street_leader, tickets) == _seen(street_handler, tickets)


def test_sibling_street_sees_only_its_own(tickets, guxi_handler):
    assert _seen(guxi_handler, tickets) == {"guxi", "guxi_with_gudong"}


def test_water_handler_sees_only_water_tickets(tickets, water_handler):
    assert _seen(water_handler, tickets) == {"water", "gudong_with_water"}


def test_district_leader_sees_every_street_in_the_district(tickets, district_leader):
    assert _seen(district_leader, tickets) == {
        "gudong",
        "dongjie",
        "guxi",
        "guxi_with_gudong",
        "gulou",
        "gudong_with_water",
    }


def test_nobody_outside_the_staff_sees_anything(tickets, resident):
    assert not isinstance(resident, User)
    assert Resident._meta.get_field("phone")  # a resident is a phone number, not an account
    assert _seen(AnonymousUser(), tickets) == set()
    stranger = User.objects.create_user(username="stranger", password="pw-stranger")
    assert _seen(stranger, tickets) == set()


def test_an_inactive_user_or_a_closed_unit_sees_nothing(tickets, street_handler, city):
    street_handler.is_active = False
    street_handler.save()
    assert _seen(User.objects.get(pk=street_handler.pk), tickets) == set()
    street_handler.is_active = True
    street_handler.save()
    city["gudong"].is_active = False
    city["gudong"].save()
    assert _seen(User.objects.get(pk=street_handler.pk), tickets) == set()


def test_a_redispatched_ticket_leaves_the_first_streets_view(
    tickets, street_handler, guxi_handler, dispatcher, city
):
    t = tickets["gudong"]
    workflow.send_back(t, by=street_handler, reason="不在本街道", at=MONDAY + timedelta(hours=2))
    assert "gudong" in _seen(street_handler, tickets)  # returned: still the street's until moved
    workflow.dispatch(t, to=city["guxi"], by=dispatcher, at=MONDAY + timedelta(hours=3))
    assert "gudong" not in _seen(User.objects.get(pk=street_handler.pk), tickets)
    assert "gudong" in _seen(User.objects.get(pk=guxi_handler.pk), tickets)


def test_phone_numbers_are_for_the_centre_only(agent, street_handler, admin_user):
    assert queries.can_see_phone(agent)
    assert not queries.can_see_phone(street_handler)
    assert not queries.can_see_phone(admin_user)  # an administrator holds no centre role


def test_earlier_tickets_of_a_caller_are_scoped_too(tickets, agent, water_handler, resident):
    assert queries.earlier_tickets(agent, phone=resident.phone).count() == len(tickets)
    assert {t.number for t in queries.earlier_tickets(water_handler, phone=resident.phone)} == {
        tickets["water"].number,
        tickets["gudong_with_water"].number,
    }


# --- overdue and due_state ----------------------------------------------------------------


@pytest.fixture
def on_street(make_ticket, dispatcher, city):
    """General policy, dispatched Mon 2 Mar 10:00: accept by Tue 3 Mar 10:00, resolve by 11 Mar."""
    t = make_ticket(at=MONDAY)
    workflow.dispatch(t, to=city["gudong"], by=dispatcher, at=MONDAY + timedelta(hours=1))
    assert (t.accept_by, t.resolve_by) == (at(2026, 3, 3, 10, 0), at(2026, 3, 11, 18, 0))
    return t


def test_unaccepted_past_accept_by_is_overdue(on_street, supervisor, street_handler):
    before, after = at(2026, 3, 3, 9, 59), at(2026, 3, 3, 10, 1)
    assert on_street.due_state(before) == "due_soon"
    assert on_street.due_state(after) == "overdue"
    assert list(queries.overdue(supervisor, now=before)) == []
    assert list(queries.overdue(supervisor, now=after)) == [on_street]
    assert list(queries.overdue(street_handler, now=after)) == [on_street]


def test_acceptance_ends_the_acceptance_clock(on_street, street_handler, supervisor):
    workflow.accept(on_street, by=street_handler, at=at(2026, 3, 3, 11, 0))  # late, but taken
    assert on_street.due_state(at(2026, 3, 3, 12, 0)) == ""
    assert list(queries.overdue(supervisor, now=at(2026, 3, 3, 12, 0))) == []


def test_resolution_clock_soon_and_overdue(on_street, street_handler, supervisor):
    workflow.accept(on_street, by=street_handler, at=MONDAY + timedelta(hours=2))
    assert on_street.due_state(at(2026, 3, 10, 17, 59)) == ""
    assert on_street.due_state(at(2026, 3, 10, 18, 1)) == "due_soon"  # within 24 h
    assert on_street.due_state(at(2026, 3, 11, 17, 59)) == "due_soon"
    assert on_street.due_state(at(2026, 3, 11, 18, 1)) == "overdue"
    assert list(queries.overdue(supervisor, now=at(2026, 3, 11, 17, 59))) == []
    assert list(queries.overdue(supervisor, now=at(2026, 3, 11, 18, 1))) == [on_street]


def test_a_paused_ticket_is_neither_overdue_nor_due_soon(on_street, street_handler, supervisor):
    workflow.accept(on_street, by=street_handler, at=MONDAY + timedelta(hours=2))
    workflow.pause(on_street, by=street_handler, reason="等待群众", at=at(2026, 3, 10, 9, 0))
    late = at(2026, 3, 13, 9, 0)
    assert on_street.due_state(late) == ""
    assert list(queries.overdue(supervisor, now=late)) == []
    # once resumed the deadline has moved by the three working days paused, past the weekend
    workflow.resume(on_street, by=street_handler, at=late)
    assert on_street.resolve_by == at(2026, 3, 16, 18, 0)
    assert on_street.due_state(late) == ""
    assert on_street.due_state(at(2026, 3, 16, 9, 0)) == "due_soon"
    assert on_street.due_state(at(2026, 3, 16, 18, 1)) == "overdue"


def test_a_replied_or_returned_ticket_is_not_overdue(
    on_street, make_ticket, dispatcher, street_handler, supervisor, city
):
    workflow.accept(on_street, by=street_handler, at=MONDAY + timedelta(hours=2))
    workflow.reply(on_street, by=street_handler, text="已处理", at=MONDAY + timedelta(days=1))
    returned = make_ticket(at=MONDAY)
    workflow.dispatch(returned, to=city["gudong"], by=dispatcher, at=MONDAY)
    workflow.send_back(returned, by=street_handler, reason="不属本街道", at=MONDAY)
    much_later = at(2026, 4, 1, 9, 0)
    for t in (on_street, returned):
        assert t.due_state(much_later) == ""
    assert list(queries.overdue(supervisor, now=much_later)) == []


def test_overdue_is_scoped_to_the_viewer(on_street, water_handler, guxi_handler, district_leader):
    late = at(2026, 3, 12, 9, 0)
    assert list(queries.overdue(water_handler, now=late)) == []
    assert list(queries.overdue(guxi_handler, now=late)) == []
    assert list(queries.overdue(district_leader, now=late)) == [on_street]


def test_overdue_lists_the_earliest_deadline_first(
    make_ticket, dispatcher, supervisor, city, catalogue
):
    general = make_ticket(at=MONDAY)
    workflow.dispatch(general, to=city["gudong"], by=dispatcher, at=MONDAY)
    utility = make_ticket(category=catalogue["water_cut"], request_type="help", at=MONDAY)
    workflow.dispatch(utility, to=city["water"], by=dispatcher, at=MONDAY)
    assert list(queries.overdue(supervisor, now=at(2026, 3, 20, 9, 0))) == [utility, general]


def test_inbox_puts_the_nearest_due_first(make_ticket, dispatcher, street_handler, city, catalogue):
    slow = make_ticket(at=MONDAY)
    workflow.dispatch(slow, to=city["gudong"], by=dispatcher, at=MONDAY)
    workflow.accept(slow, by=street_handler, at=MONDAY + timedelta(hours=1))  # due 11 Mar
    fresh = make_ticket(at=MONDAY)
    workflow.dispatch(fresh, to=city["gudong"], by=dispatcher, at=MONDAY)  # accept by Tue 9:00
    assert list(queries.inbox(street_handler)) == [fresh, slow]


def test_beyond_calendar_lists_open_tickets_counted_on_weekdays(
    make_ticket, dispatcher, supervisor, street_handler, city
):
    december = make_ticket(at=at(2026, 12, 28, 9, 0))
    workflow.dispatch(december, to=city["gudong"], by=dispatcher, at=at(2026, 12, 28, 10, 0))
    march = make_ticket(at=MONDAY)
    workflow.dispatch(march, to=city["gudong"], by=dispatcher, at=MONDAY)
    assert list(queries.beyond_calendar(supervisor)) == [december]
    workflow.accept(december, by=street_handler, at=at(2026, 12, 28, 11, 0))
    workflow.reply(december, by=street_handler, text="已处理", at=at(2026, 12, 29, 11, 0))
    assert list(queries.beyond_calendar(supervisor)) == []
