"""二次派单: a district passes its ticket down to a street with a deadline inside its own; and
the deadlines other moves set stay consistent (驳回退单, co-handlers)."""

from datetime import timedelta

import pytest

from conftest import at
from minsheng.notifications.models import Notification
from minsheng.orgs.models import Membership
from minsheng.tickets import queries, transitions, workflow
from minsheng.tickets.models import Status
from minsheng.tickets.names import Action
from minsheng.tickets.transitions import WorkflowError

pytestmark = pytest.mark.django_db

MONDAY = at(2026, 3, 2, 10, 0)


@pytest.fixture
def district_handler(city, django_user_model):
    user = django_user_model.objects.create_user(username="gulou", first_name="鼓楼区承办")
    Membership.objects.create(user=user, unit=city["gulou"], role="handler")
    return user


@pytest.fixture
def on_district(make_ticket, dispatcher, city):
    ticket = make_ticket(at=MONDAY)
    workflow.dispatch(ticket, to=city["gulou"], by=dispatcher, at=MONDAY)
    return ticket


def test_the_district_passes_the_ticket_to_a_street_which_then_sees_and_works_it(
    on_district, district_handler, street_handler, guxi_handler, city
):
    assert Action.DELEGATE in transitions.allowed_actions(district_handler, on_district, at=MONDAY)
    assert not queries.visible_to(street_handler).filter(pk=on_district.pk).exists()
    until = on_district.resolve_by - timedelta(days=1)
    workflow.delegate(
        on_district, by=district_handler, to=city["gudong"], until=until, note="请鼓东街道办理。",
        at=MONDAY + timedelta(minutes=5),
    )  # fmt: skip
    on_district.refresh_from_db()
    assert on_district.unit == city["gulou"]  # the district stays answerable
    assert on_district.sub_unit == city["gudong"]
    assert on_district.sub_resolve_by == until
    assert queries.visible_to(street_handler).filter(pk=on_district.pk).exists()
    assert not queries.visible_to(guxi_handler).filter(pk=on_district.pk).exists()
    assert Notification.objects.filter(kind="dispatched", user=street_handler).exists()
    # the street accepts and replies as the handling unit; it cannot pass it on itself
    offered = transitions.allowed_actions(street_handler, on_district, at=MONDAY)
    assert Action.ACCEPT in offered
    assert Action.DELEGATE not in offered
    workflow.accept(on_district, by=street_handler, at=MONDAY + timedelta(hours=1))
    workflow.reply(on_district, by=street_handler, text="已处理。", at=MONDAY + timedelta(hours=2))
    assert on_district.status == Status.REPLIED


def test_the_sub_deadline_must_fall_inside_the_main_units(on_district, district_handler, city):
    with pytest.raises(WorkflowError, match="办结时限"):
        workflow.delegate(
            on_district, by=district_handler, to=city["gudong"],
            until=on_district.resolve_by + timedelta(hours=1), at=MONDAY,
        )  # fmt: skip
    on_district.refresh_from_db()
    assert on_district.sub_unit is None


def test_only_a_unit_below_the_main_unit_may_receive_it(on_district, district_handler, city):
    with pytest.raises(WorkflowError, match="下属"):
        workflow.delegate(
            on_district, by=district_handler, to=city["water"],
            until=on_district.resolve_by - timedelta(hours=1), at=MONDAY,
        )  # fmt: skip


def test_a_street_main_unit_is_not_offered_the_second_dispatch(
    make_ticket, dispatcher, street_leader, city
):
    ticket = make_ticket(at=MONDAY)
    workflow.dispatch(ticket, to=city["gudong"], by=dispatcher, at=MONDAY)
    assert Action.DELEGATE not in transitions.allowed_actions(street_leader, ticket, at=MONDAY)


def test_a_new_dispatch_clears_the_sub_unit(
    on_district, district_handler, street_handler, dispatcher, city
):
    until = on_district.resolve_by - timedelta(days=1)
    workflow.delegate(on_district, by=district_handler, to=city["gudong"], until=until, at=MONDAY)
    workflow.send_back(on_district, by=district_handler, reason="非本区职责。", at=MONDAY)
    workflow.dispatch(on_district, to=city["water"], by=dispatcher, at=MONDAY)
    assert on_district.sub_unit is None
    assert not queries.visible_to(street_handler).filter(pk=on_district.pk).exists()


# --- deadlines that other moves set -------------------------------------------------------------


def test_rejecting_a_return_gives_the_unit_a_fresh_acceptance_deadline(
    make_ticket, dispatcher, street_handler, city
):
    ticket = make_ticket(at=MONDAY)
    workflow.dispatch(ticket, to=city["gudong"], by=dispatcher, at=MONDAY)
    workflow.send_back(
        ticket, by=street_handler, reason="不属本街道", at=MONDAY + timedelta(hours=1)
    )
    review = MONDAY + timedelta(days=2)  # the old acceptance deadline passed meanwhile
    workflow.reject_return(ticket, by=dispatcher, note="属本街道辖区。", at=review)
    assert ticket.accept_by > review
    assert ticket.due_state(review) == ""
    assert ticket.urged_for == ""


def test_a_cohandlers_deadline_is_never_later_than_the_main_units(
    make_ticket, dispatcher, catalogue, city
):
    # the water cut's 24-hour policy: a co-handler added late would otherwise get a fresh 24 hours
    ticket = make_ticket(category=catalogue["water_cut"], request_type="help", at=MONDAY)
    workflow.dispatch(ticket, to=city["water"], by=dispatcher, at=MONDAY)
    workflow.add_cohandler(
        ticket, unit=city["gudong"], by=dispatcher, at=MONDAY + timedelta(hours=20)
    )
    co = ticket.cohandlers.get()
    assert co.resolve_by <= ticket.resolve_by
    assert co.accept_by <= co.resolve_by
