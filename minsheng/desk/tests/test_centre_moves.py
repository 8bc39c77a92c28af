"""The ticket page's newer actions: 催办/督办 by hand, 二次派单; and what the timeline says."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from minsheng.notifications.models import Notification
from minsheng.orgs.models import Membership
from minsheng.tickets import workflow
from minsheng.tickets.models import Ticket
from minsheng.tickets.names import Action


def _login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def _act(client: Any, ticket: Ticket, action: str, **data: Any) -> Any:
    return client.post(reverse("desk:act", args=[ticket.number, action]), data, follow=True)


@pytest.fixture
def district_handler(city: Any, django_user_model: Any) -> Any:
    user = django_user_model.objects.create_user(username="gulou", first_name="鼓楼区承办")
    Membership.objects.create(user=user, unit=city["gulou"], role="handler")
    return user


def test_the_supervisor_urges_and_escalates_from_the_ticket_page_with_a_note(
    client: Any, dispatched: Ticket, supervisor: Any, street_handler: Any
) -> None:
    page = _login(client, supervisor).get(dispatched.get_absolute_url()).content.decode()
    assert 'id="action-urge"' in page
    assert 'id="action-escalate"' in page
    _act(client, dispatched, "urge", note="群众再次来电，请尽快联系。")
    response = _act(client, dispatched, "escalate", note="请街道分管领导督促。")
    assert "督办完成" in response.content.decode()
    notes = list(
        dispatched.events.filter(action__in=["urge", "escalate"]).values_list("note", flat=True)
    )
    assert notes == ["群众再次来电，请尽快联系。", "请街道分管领导督促。"]
    bodies = dict(
        Notification.objects.filter(user=street_handler, kind__in=["urge", "escalate"]).values_list(
            "kind", "body"
        )
    )
    assert bodies["urge"].startswith("催办")
    assert "群众再次来电" in bodies["urge"]
    assert bodies["escalate"].startswith("督办")
    assert "分管领导" in bodies["escalate"]


def test_an_urge_without_a_note_writes_nothing(
    client: Any, dispatched: Ticket, supervisor: Any
) -> None:
    response = _act(_login(client, supervisor), dispatched, "urge", note="")
    assert "请填写催办意见" in response.content.decode()
    assert not dispatched.events.filter(action=Action.URGE).exists()


def test_a_handler_is_not_offered_the_urge(
    client: Any, dispatched: Ticket, street_handler: Any
) -> None:
    page = _login(client, street_handler).get(dispatched.get_absolute_url()).content.decode()
    assert 'id="action-urge"' not in page
    response = _act(client, dispatched, "urge", note="自己催自己")
    assert "没有" in response.content.decode()
    assert not dispatched.events.filter(action=Action.URGE).exists()


def test_the_district_passes_a_ticket_down_and_its_inbox_names_the_street(
    client: Any,
    make_ticket: Any,
    dispatcher: Any,
    district_handler: Any,
    street_handler: Any,
    city: Any,
) -> None:
    ticket = make_ticket()
    workflow.dispatch(ticket, to=city["gulou"], by=dispatcher)
    page = _login(client, district_handler).get(ticket.get_absolute_url()).content.decode()
    form = page.split('id="action-delegate"')[1].split("</details>")[0]
    assert "鼓东街道" in form
    assert "福州水务集团" not in form  # only the units below the district
    until = timezone.localtime(ticket.resolve_by - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    _act(client, ticket, "delegate", unit=str(city["gudong"].pk), until=until, note="请办理。")
    ticket.refresh_from_db()
    assert ticket.sub_unit == city["gudong"]
    inbox = client.get(reverse("desk:inbox")).content.decode()
    assert "鼓东街道办理" in inbox
    street_inbox = _login(client, street_handler).get(reverse("desk:inbox")).content.decode()
    assert ticket.number in street_inbox
    assert "承办（二次派单）" in street_inbox


def test_a_lapsed_extension_request_shows_in_the_timeline(
    client: Any, dispatched: Ticket, street_handler: Any
) -> None:
    workflow.accept(dispatched, by=street_handler)
    until = dispatched.resolve_by + timedelta(days=3)
    workflow.request_extension(dispatched, by=street_handler, until=until, reason="需协调。")
    workflow.reply(dispatched, by=street_handler, text="已处理完毕。")
    page = _login(client, street_handler).get(dispatched.get_absolute_url()).content.decode()
    assert "待审批的延期申请随答复自动失效" in page


# --- reaching the resident ---------------------------------------------------------------------


def test_the_handling_unit_reveals_the_phone_on_request_and_each_reveal_is_recorded(
    client: Any, dispatched: Ticket, street_handler: Any
) -> None:
    from minsheng.citizens.models import Reveal

    page = _login(client, street_handler).get(dispatched.get_absolute_url()).content.decode()
    assert "138****5678" in page
    assert "13812345678" not in page
    assert 'id="reveal-phone"' in page
    url = reverse("desk:reveal_phone", args=[dispatched.number])
    for _ in range(2):
        response = client.post(url)
        assert "13812345678" in response.content.decode()
        assert response["Cache-Control"] == "no-store"
    reveals = Reveal.objects.filter(user=street_handler, kind="phone")
    assert reveals.count() == 2
    assert reveals.first().subject == f"ticket:{dispatched.number}"  # type: ignore[union-attr]


def test_others_cannot_reveal_the_phone(
    client: Any, dispatched: Ticket, water_handler: Any, guxi_handler: Any, city: Any
) -> None:
    from minsheng.citizens.models import Reveal

    url = reverse("desk:reveal_phone", args=[dispatched.number])
    assert _login(client, water_handler).post(url).status_code == 404
    # a co-handler sees the ticket but does not call the resident back
    workflow.add_cohandler(dispatched, unit=city["guxi"], by=_dispatcher_of(dispatched))
    page = _login(client, guxi_handler).get(dispatched.get_absolute_url()).content.decode()
    assert 'id="reveal-phone"' not in page
    assert client.post(url).status_code == 403
    assert not Reveal.objects.exists()


def _dispatcher_of(ticket: Ticket) -> Any:
    return ticket.events.get(action=Action.DISPATCH).actor


def test_the_sms_sent_to_the_resident_are_on_the_ticket_page(
    client: Any, dispatched: Ticket, street_handler: Any
) -> None:
    workflow.accept(dispatched, by=street_handler)
    workflow.reply(dispatched, by=street_handler, text="已处理。")
    page = _login(client, street_handler).get(dispatched.get_absolute_url()).content.decode()
    section = page.split('id="sms"')[1].split("</section>")[0]
    assert "已由承办单位答复" in section
    assert "待发送" in section
    assert "13812345678" not in page


def test_the_unit_is_told_why_it_cannot_pause_and_a_pause_shows_its_reason(
    client: Any, make_ticket: Any, catalogue: Any, dispatcher: Any, water_handler: Any, city: Any
) -> None:
    from minsheng.sla.models import DeadlinePolicy

    DeadlinePolicy.objects.filter(pk=catalogue["water_cut"].policy_id).update(allow_pause=False)
    ticket = make_ticket(category=catalogue["water_cut"], request_type="help")
    workflow.dispatch(ticket, to=city["water"], by=dispatcher)
    workflow.accept(ticket, by=water_handler)
    page = _login(client, water_handler).get(ticket.get_absolute_url()).content.decode()
    assert 'id="action-pause"' not in page
    assert "暂停计时暂不可用：该类诉求的时限规则不允许暂停计时。" in page


def test_a_paused_ticket_shows_why(client: Any, dispatched: Ticket, street_handler: Any) -> None:
    workflow.accept(dispatched, by=street_handler)
    workflow.pause(dispatched, by=street_handler, reason="等待群众补充现场照片。")
    page = _login(client, street_handler).get(dispatched.get_absolute_url()).content.decode()
    assert "暂停计时中：等待群众补充现场照片。" in page
