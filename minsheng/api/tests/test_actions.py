"""Every workflow action through the API, with the same permission rules as the ticket page."""

from datetime import timedelta
from typing import Any

import pytest

from minsheng.accounts import keys
from minsheng.feedback.models import Rating
from minsheng.tickets.models import ExtensionRequest, Status, Ticket, TicketEvent

from .conftest import ApiClient

pytestmark = pytest.mark.django_db


def act(client: Any, ticket: Any, action: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(f"/tickets/{ticket.number}/{action}", body or {})


def status_of(ticket: Any) -> str:
    return Ticket.objects.get(pk=ticket.pk).status


def test_the_whole_loop_runs_through_the_api(
    partner: Any, new_ticket_body: Any, street_handler: Any, city: Any
) -> None:
    number = partner.post("/tickets", new_ticket_body).json()["number"]
    ticket = Ticket.objects.get(number=number)

    assert act(partner, ticket, "dispatch", {"unit": "350102001"}).json()["status"] == "dispatched"
    assert act(partner, ticket, "accept", {"acting_user": "li"}).status_code == 200
    replied = act(partner, ticket, "reply", {"acting_user": "li", "text": "已约谈施工方。"})
    assert replied.json()["reply"] == "已约谈施工方。"
    rated = act(partner, ticket, "rate", {"satisfaction": "satisfied", "resolved": True})

    assert rated.status_code == 200
    assert rated.json()["status"] == "closed"
    assert Rating.objects.get(ticket=ticket).satisfaction == "satisfied"
    actors = list(ticket.events.order_by("seq").values_list("actor_label", flat=True))
    via_li = "李承办（经市民热线小程序）"
    assert actors[1:4] == ["接口：市民热线小程序", via_li, via_li]


def test_a_system_cannot_accept_without_a_member_acting(partner: Any, dispatched: Any) -> None:
    response = act(partner, dispatched, "accept")

    assert response.status_code == 403
    assert "acting_user" in response.json()["message"]
    assert status_of(dispatched) == Status.DISPATCHED


def test_a_key_issued_without_the_act_scope_cannot_act_for_staff(
    dispatched: Any, street_handler: Any, dispatcher: Any
) -> None:
    """The default of `issue_api_key … --scopes api` (a resident mini-program) acts for nobody."""
    _, raw = keys.issue("群众小程序", scopes=["api"])
    mini_program = ApiClient(raw)
    for member in ("li", "liu"):
        response = act(mini_program, dispatched, "accept", {"acting_user": member})
        assert response.status_code == 403
        assert response.json()["code"] == "acting_not_granted"
    assert status_of(dispatched) == Status.DISPATCHED


def test_a_member_without_the_role_is_403(
    partner: Any, dispatched: Any, water_handler: Any
) -> None:
    response = act(partner, dispatched, "accept", {"acting_user": "sun"})

    assert response.status_code == 403
    assert status_of(dispatched) == Status.DISPATCHED


def test_a_bound_key_acts_only_for_members_of_its_units(
    gudong_system: Any, dispatched: Any, street_handler: Any, dispatcher: Any
) -> None:
    outside = act(gudong_system, dispatched, "accept", {"acting_user": "liu"})
    unknown = act(gudong_system, dispatched, "accept", {"acting_user": "nobody"})
    inside = act(gudong_system, dispatched, "accept", {"acting_user": "li"})

    assert outside.status_code == unknown.status_code == 403
    assert outside.json()["code"] == "acting_user_not_allowed"
    assert inside.status_code == 200


def test_a_move_the_ticket_state_forbids_is_409_in_chinese(
    partner: Any, dispatched: Any, street_handler: Any
) -> None:
    response = act(partner, dispatched, "reply", {"acting_user": "li", "text": "已处理。"})

    assert response.status_code == 409
    assert response.json()["message"] == f"工单 {dispatched.number} 当前为“已派单”，不能答复。"
    assert TicketEvent.objects.filter(ticket=dispatched).count() == 2


def test_an_unknown_ticket_is_404(partner: Any, city: Any) -> None:
    response = partner.post("/tickets/FZ0000000000/accept", {})

    assert response.status_code == 404


def test_return_and_rejection_of_the_return(
    partner: Any, dispatched: Any, street_handler: Any, dispatcher: Any
) -> None:
    returned = act(partner, dispatched, "return", {"acting_user": "li", "reason": "不属本街道"})
    rejected = act(partner, dispatched, "reject-return", {"acting_user": "liu", "note": "属实"})

    assert returned.json()["status"] == "returned"
    assert rejected.json()["status"] == "dispatched"


def test_an_extension_is_requested_by_the_unit_and_approved_by_the_centre(
    partner: Any, dispatched: Any, street_handler: Any, dispatcher: Any
) -> None:
    act(partner, dispatched, "accept", {"acting_user": "li"})
    ticket = Ticket.objects.get(pk=dispatched.pk)
    until = (ticket.resolve_by + timedelta(days=3)).isoformat()

    asked = act(
        partner,
        ticket,
        "extension-request",
        {"acting_user": "li", "until": until, "reason": "待检测"},
    )
    decided = act(partner, ticket, "extension-decision", {"acting_user": "liu", "approve": True})

    assert (asked.status_code, decided.status_code) == (200, 200)
    assert ExtensionRequest.objects.get().decision == ExtensionRequest.Decision.APPROVED
    assert decided.json()["resolve_by"].startswith(until[:10])


def test_pause_resume_note_and_cohandler(
    partner: Any, dispatched: Any, street_handler: Any, street_leader: Any, city: Any
) -> None:
    act(partner, dispatched, "accept", {"acting_user": "li"})

    assert (
        act(partner, dispatched, "note", {"acting_user": "li", "text": "已电话联系"}).status_code
        == 200
    )
    added = act(partner, dispatched, "cohandlers", {"acting_user": "chen", "unit": "FZ-WATER"})
    assert added.status_code == 200
    assert dispatched.cohandlers.get().unit == city["water"]
    paused = act(partner, dispatched, "pause", {"acting_user": "li", "reason": "等群众补材料"})
    assert paused.json()["paused"] is True
    assert act(partner, dispatched, "resume", {"acting_user": "li"}).json()["paused"] is False


def test_unsatisfied_ticket_is_reopened_or_closed_by_the_centre(
    partner: Any, dispatched: Any, street_handler: Any, dispatcher: Any
) -> None:
    act(partner, dispatched, "accept", {"acting_user": "li"})
    act(partner, dispatched, "reply", {"acting_user": "li", "text": "已处理。"})
    act(partner, dispatched, "rate", {"satisfaction": "unsatisfied", "resolved": False})

    reopened = act(
        partner, dispatched, "reopen", {"acting_user": "liu", "note": "群众反映仍有噪音"}
    )

    assert reopened.json()["status"] == "dispatched"
    assert reopened.json()["reopen_count"] == 1


def test_close_by_the_system_after_an_unsatisfied_rating(
    partner: Any, dispatched: Any, street_handler: Any
) -> None:
    act(partner, dispatched, "accept", {"acting_user": "li"})
    act(partner, dispatched, "reply", {"acting_user": "li", "text": "已处理。"})
    act(partner, dispatched, "rate", {"satisfaction": "unsatisfied", "resolved": False})

    assert (
        act(partner, dispatched, "close", {"note": "群众诉求已超出职能"}).json()["status"]
        == "closed"
    )


def test_a_bound_key_cannot_rate_its_own_units_work(
    gudong_system: Any, dispatched: Any, street_handler: Any
) -> None:
    act(gudong_system, dispatched, "accept", {"acting_user": "li"})
    act(gudong_system, dispatched, "reply", {"acting_user": "li", "text": "已处理。"})

    response = act(
        gudong_system, dispatched, "rate", {"satisfaction": "satisfied", "resolved": True}
    )

    assert response.status_code == 403
    assert not Rating.objects.exists()


def test_merge_decline_and_answer(
    partner: Any, make_ticket: Any, dispatcher: Any, agent: Any
) -> None:
    first, duplicate, lawsuit = make_ticket(), make_ticket(), make_ticket()
    consult = make_ticket(request_type="consult")

    merged = act(partner, duplicate, "merge", {"acting_user": "liu", "into": first.number})
    declined = act(partner, lawsuit, "decline", {"acting_user": "wang", "referral": "请向法院起诉"})
    answered = act(partner, consult, "answer", {"acting_user": "wang", "text": "夜间施工须审批。"})

    assert merged.json()["merged_into"] == first.number
    assert declined.json()["status"] == "declined"
    assert answered.json()["status"] == "closed"


def test_assign_gives_the_ticket_to_a_handler_of_the_unit(
    partner: Any, dispatched: Any, street_handler: Any, street_leader: Any
) -> None:
    response = act(partner, dispatched, "assign", {"acting_user": "chen", "to": "li"})

    assert response.status_code == 200
    assert Ticket.objects.get(pk=dispatched.pk).handler == street_handler


def test_an_action_with_an_empty_required_text_is_422(
    partner: Any, dispatched: Any, street_handler: Any
) -> None:
    response = act(partner, dispatched, "return", {"acting_user": "li", "reason": "  "})

    assert response.status_code == 422
    assert status_of(dispatched) == Status.DISPATCHED


def test_a_replayed_action_does_not_run_twice(
    partner: Any, dispatched: Any, street_handler: Any
) -> None:
    path = f"/tickets/{dispatched.number}/note"
    first = partner.post(path, {"acting_user": "li", "text": "已电话联系"}, key="note-1")
    again = partner.post(path, {"acting_user": "li", "text": "已电话联系"}, key="note-1")

    assert (first.status_code, again.content) == (200, first.content)
    assert dispatched.events.filter(action="note").count() == 1
