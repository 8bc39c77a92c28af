"""For every view and every role: a unit can neither see nor act on another unit's ticket.

Three tickets: one dispatched to 鼓东街道 (with an attachment), one to the water company, one to
鼓西街道. Each person of the cast tries every view on each ticket; what they may not see is a 404
(or 403 for screens of another role), shows no trace of the ticket, and writes nothing.
"""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minsheng.tickets import workflow
from minsheng.tickets.models import TicketEvent
from minsheng.tickets.names import Action

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
CENTRE = ("agent", "dispatcher", "supervisor", "admin_user")
UNIT_PEOPLE = ("street_handler", "street_leader", "water_handler", "guxi_handler")
# Which of the three tickets each unit person may see.
OWN = {
    "street_handler": {"gudong"},
    "street_leader": {"gudong"},
    "water_handler": {"water"},
    "guxi_handler": {"guxi"},
}
LISTS = ["desk:queue", "desk:inbox", "desk:all", "desk:overdue", "sla:calendar"]


@pytest.fixture
def world(
    make_ticket: Any,
    dispatcher: Any,
    street_handler: Any,
    city: dict[str, Any],
    catalogue: dict[str, Any],
) -> dict[str, Any]:
    tickets = {}
    for key, unit, category in [
        ("gudong", city["gudong"], catalogue["noise"]),
        ("water", city["water"], catalogue["water_cut"]),
        ("guxi", city["guxi"], catalogue["noise"]),
    ]:
        ticket = make_ticket(category=category, request_type="help", title=f"{key} 工单")
        workflow.dispatch(ticket, to=unit, by=dispatcher)
        tickets[key] = ticket
    workflow.attach(
        tickets["gudong"],
        by=dispatcher,
        upload=SimpleUploadedFile("现场.png", PNG, content_type="image/png"),
    )
    return tickets


def _people(request: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: request.getfixturevalue(name) for name in names}


@pytest.mark.parametrize("person", UNIT_PEOPLE)
def test_a_unit_cannot_open_another_units_ticket(
    request: Any, client: Any, world: dict[str, Any], person: str
) -> None:
    client.force_login(request.getfixturevalue(person))
    for key, ticket in world.items():
        expected = 200 if key in OWN[person] else 404
        assert client.get(reverse("ticket", args=[ticket.number])).status_code == expected
        for attachment in ticket.attachments.all():
            url = reverse("desk:attachment", args=[ticket.number, attachment.pk])
            assert client.get(url).status_code == expected


@pytest.mark.parametrize("person", UNIT_PEOPLE)
def test_a_unit_cannot_act_on_another_units_ticket(
    request: Any, client: Any, world: dict[str, Any], person: str
) -> None:
    client.force_login(request.getfixturevalue(person))
    events = TicketEvent.objects.count()
    for key, ticket in world.items():
        if key in OWN[person]:
            continue
        for action in Action:
            url = reverse("desk:act", args=[ticket.number, action])
            data = {"reason": "不是我们的", "text": "已处理", "note": "x", "unit": "1"}
            assert client.post(url, data).status_code == 404, action
        visit = reverse("feedback:phone_visit", args=[ticket.number])
        assert client.post(visit, {"satisfaction": "satisfied", "resolved": "yes"}).status_code in (
            403,
            404,
        )
    assert TicketEvent.objects.count() == events


@pytest.mark.parametrize("person", UNIT_PEOPLE)
def test_lists_show_a_unit_only_its_own_tickets(
    request: Any, client: Any, world: dict[str, Any], person: str
) -> None:
    client.force_login(request.getfixturevalue(person))
    for name in LISTS:
        response = client.get(reverse(name))
        assert response.status_code in (200, 403), name
        body = response.content.decode()
        for key, ticket in world.items():
            if key not in OWN[person]:
                assert ticket.number not in body, (name, key)
    inbox = client.get(reverse("desk:inbox")).content.decode()
    for key in OWN[person]:
        assert world[key].number in inbox
    assert client.get(reverse("intake:history"), {"phone": "13812345678"}).status_code == 403


@pytest.mark.parametrize("person", CENTRE)
def test_the_centre_sees_every_ticket_with_the_full_phone(
    request: Any, client: Any, world: dict[str, Any], person: str
) -> None:
    client.force_login(request.getfixturevalue(person))
    for ticket in world.values():
        response = client.get(reverse("ticket", args=[ticket.number]))
        assert response.status_code == 200
        if person != "admin_user":  # administrators keep reference data, not residents' data
            assert "13812345678" in response.content.decode()


@pytest.mark.parametrize("person", UNIT_PEOPLE)
def test_unit_staff_see_the_phone_masked(
    request: Any, client: Any, world: dict[str, Any], person: str
) -> None:
    client.force_login(request.getfixturevalue(person))
    key = next(iter(OWN[person]))
    body = client.get(reverse("ticket", args=[world[key].number])).content.decode()
    assert "138****5678" in body
    assert "13812345678" not in body


def test_a_resident_sees_only_the_tickets_they_proved(client: Any, world: dict[str, Any]) -> None:
    own, other = world["gudong"], world["water"]
    client.post(reverse("residents:track"), {"number": own.number, "last4": "5678"})
    assert client.get(reverse("resident_ticket", args=[own.number])).status_code == 200
    response = client.get(reverse("resident_ticket", args=[other.number]))
    assert response.status_code == 302
    assert other.number not in client.get(response["Location"]).content.decode()


def test_anonymous_visitors_see_no_staff_screen(client: Any, world: dict[str, Any]) -> None:
    number = world["gudong"].number
    for url in [
        *(reverse(name) for name in LISTS),
        reverse("intake:new"),
        reverse("ticket", args=[number]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    assert client.post(reverse("desk:act", args=[number, "accept"])).status_code == 302
    assert TicketEvent.objects.filter(ticket=world["gudong"], action="accept").count() == 0
