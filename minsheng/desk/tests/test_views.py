"""The staff screens: who gets which page, what it shows, and every action through HTTP."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from conftest import at
from minsheng.lib.extensions import declared
from minsheng.tickets import transitions, workflow
from minsheng.tickets.models import Status, Ticket, TicketEvent

# The installed programmes' menu badges: at most two queries each (a lookup, a count).
BADGES = 2 * sum(1 for _config, entry in declared("menu") if entry.count)


def _login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def _act(client: Any, ticket: Ticket, action: str, **data: Any) -> Any:
    return client.post(reverse("desk:act", args=[ticket.number, action]), data, follow=True)


def _accepted(dispatched: Ticket, street_handler: Any) -> Ticket:
    workflow.accept(dispatched, by=street_handler)
    return dispatched


def _visited(ticket: Ticket, handler: Any, agent: Any, satisfaction: str) -> Ticket:
    workflow.accept(ticket, by=handler)
    workflow.reply(ticket, by=handler, text="已协调工地停止夜间施工。")
    workflow.record_visit(ticket, by=agent, satisfaction=satisfaction, resolved=False)
    return ticket


# --- home -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "target"),
    [
        ("agent", "intake:new"),
        ("dispatcher", "desk:queue"),
        ("supervisor", "desk:worklists"),
        ("street_handler", "desk:inbox"),
        ("admin_user", "desk:all"),
    ],
)
def test_home_sends_each_role_to_its_own_screen(
    client: Any, request: Any, who: str, target: str
) -> None:
    response = _login(client, request.getfixturevalue(who)).get("/")
    assert response.status_code == 302
    assert response.url == reverse(target)


def test_home_asks_anonymous_visitors_to_log_in(client: Any, db: Any) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- dispatch queue ---------------------------------------------------------------------------


def test_dispatcher_sees_new_ticket_with_the_catalogue_suggestion_preselected(
    client: Any, make_ticket: Any, dispatcher: Any, city: dict[str, Any]
) -> None:
    ticket = make_ticket()
    response = _login(client, dispatcher).get(reverse("desk:queue"))
    assert response.status_code == 200
    html = response.content.decode()
    assert ticket.number in html
    assert f'<option value="{city["gudong"].pk}" selected data-suggested>鼓东街道</option>' in html
    assert "目录建议：鼓东街道" in html


def test_queue_shows_the_returning_units_reason(
    client: Any, dispatched: Ticket, street_handler: Any, dispatcher: Any
) -> None:
    workflow.send_back(dispatched, by=street_handler, reason="该工地属鼓西街道辖区")
    response = _login(client, dispatcher).get(reverse("desk:queue"))
    assert "该工地属鼓西街道辖区" in response.content.decode()


def test_handler_cannot_open_dispatch_queue(client: Any, street_handler: Any) -> None:
    assert _login(client, street_handler).get(reverse("desk:queue")).status_code == 403


def test_queue_reads_a_bounded_number_of_queries_whatever_its_length(
    client: Any,
    make_ticket: Any,
    dispatcher: Any,
    django_assert_max_num_queries: Any,
    catalogue: dict[str, Any],
    city: dict[str, Any],
    street_handler: Any,
) -> None:
    for i in range(12):
        ticket = make_ticket(
            title=f"噪音{i}",
            category=catalogue["water_cut" if i % 2 else "noise"],
            request_type="complaint",
        )
        if i % 3 == 0:
            workflow.dispatch(ticket, to=city["gudong"], by=dispatcher)
            workflow.send_back(ticket, by=street_handler, reason=f"不属本街道 {i}")
    _login(client, dispatcher)
    # + 3: the menu's work-list counts (one aggregate, pending exclusions, pending appeals)
    with django_assert_max_num_queries(15 + BADGES):
        response = client.get(reverse("desk:queue"))
    html = response.content.decode()
    assert html.count('class="quick-dispatch"') == 12
    # the unit list is on the page once, not once per row
    assert html.count(f'<option value="{city["guxi"].pk}">') == 1


def test_queue_paginates_and_survives_a_bad_page_number(
    client: Any, make_ticket: Any, dispatcher: Any
) -> None:
    make_ticket()
    response = _login(client, dispatcher).get(reverse("desk:queue"), {"page": "abc"})
    assert response.status_code == 200


# --- inbox --------------------------------------------------------------------------------------


def test_street_handler_sees_the_dispatched_ticket_in_the_inbox_as_main_unit(
    client: Any, dispatched: Ticket, street_handler: Any
) -> None:
    response = _login(client, street_handler).get(reverse("desk:inbox"))
    assert response.status_code == 200
    html = response.content.decode()
    assert dispatched.number in html
    assert "主办" in html
    assert "待签收" in html


def test_water_handler_does_not_see_street_tickets_in_the_inbox(
    client: Any, dispatched: Ticket, water_handler: Any
) -> None:
    response = _login(client, water_handler).get(reverse("desk:inbox"))
    assert response.status_code == 200
    assert dispatched.number not in response.content.decode()


def test_cohandler_sees_the_ticket_marked_as_co_handling(
    client: Any, dispatched: Ticket, dispatcher: Any, water_handler: Any, city: dict[str, Any]
) -> None:
    workflow.add_cohandler(dispatched, unit=city["water"], by=dispatcher)
    response = _login(client, water_handler).get(reverse("desk:inbox"))
    html = response.content.decode()
    assert dispatched.number in html
    assert "协办" in html


def test_inbox_marks_overdue_rows_and_filters_by_status(
    client: Any, make_ticket: Any, dispatcher: Any, street_handler: Any, city: dict[str, Any]
) -> None:
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        late = make_ticket(title="早已超期")
        workflow.dispatch(late, to=city["gudong"], by=dispatcher)
    with time_machine.travel(at(2026, 3, 20, 9), tick=False):
        fresh = make_ticket(title="刚派的单")
        workflow.dispatch(fresh, to=city["gudong"], by=dispatcher)
        workflow.accept(fresh, by=street_handler)
        _login(client, street_handler)
        html = client.get(reverse("desk:inbox")).content.decode()
        filtered = client.get(reverse("desk:inbox"), {"status": "accepted"}).content.decode()
    assert 'class="overdue"' in html
    assert html.index(late.number) < html.index(fresh.number)
    assert fresh.number in filtered
    assert late.number not in filtered


def test_dispatcher_without_a_unit_cannot_open_the_inbox(client: Any, dispatcher: Any) -> None:
    assert _login(client, dispatcher).get(reverse("desk:inbox")).status_code == 403


def test_inbox_reads_a_bounded_number_of_queries(
    client: Any,
    make_ticket: Any,
    dispatcher: Any,
    street_handler: Any,
    city: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    for i in range(10):
        workflow.dispatch(make_ticket(title=f"单{i}"), to=city["gudong"], by=dispatcher)
    _login(client, street_handler)
    with django_assert_max_num_queries(13 + BADGES):  # + 3: the menu's work-list counts
        response = client.get(reverse("desk:inbox"))
    assert response.content.decode().count("/t/FZ") == 10


# --- all tickets --------------------------------------------------------------------------------


def test_agent_finds_a_ticket_by_the_callers_phone(
    client: Any, make_ticket: Any, agent: Any
) -> None:
    ticket = make_ticket()
    response = _login(client, agent).get(reverse("desk:all"), {"q": "138 1234 5678"})
    assert response.status_code == 200
    assert ticket.number in response.content.decode()


def test_search_by_text_leaves_out_tickets_that_do_not_match(
    client: Any, make_ticket: Any, agent: Any
) -> None:
    noise = make_ticket()
    other = make_ticket(title="路灯不亮", description="东街路口路灯坏了三天。")
    html = _login(client, agent).get(reverse("desk:all"), {"q": "路灯"}).content.decode()
    assert other.number in html
    assert noise.number not in html


def test_all_tickets_reports_a_bad_filter_value_in_chinese(
    client: Any, make_ticket: Any, agent: Any
) -> None:
    make_ticket()
    response = _login(client, agent).get(reverse("desk:all"), {"status": "xyz", "group": "abc"})
    assert response.status_code == 200
    assert "状态不正确" in response.content.decode()


def test_handler_cannot_open_the_list_of_all_tickets(client: Any, street_handler: Any) -> None:
    assert _login(client, street_handler).get(reverse("desk:all")).status_code == 403


def test_all_tickets_reads_a_bounded_number_of_queries(
    client: Any, make_ticket: Any, admin_user: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(15):
        make_ticket(title=f"第{i}件")
    _login(client, admin_user)
    with django_assert_max_num_queries(13 + BADGES):  # + 3: the menu's work-list counts
        response = client.get(reverse("desk:all"))
    assert response.content.decode().count("status-received") == 15


# --- overdue ------------------------------------------------------------------------------------


def test_supervisor_sees_overdue_tickets_counted_per_unit(
    client: Any, make_ticket: Any, dispatcher: Any, supervisor: Any, city: dict[str, Any]
) -> None:
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        ticket = make_ticket()
        workflow.dispatch(ticket, to=city["gudong"], by=dispatcher)
    with time_machine.travel(at(2026, 3, 4, 11, 30), tick=False):
        response = _login(client, supervisor).get(reverse("desk:overdue"))
        by_unit = client.get(reverse("desk:overdue"), {"sort": "unit"})
    html = response.content.decode()
    assert response.status_code == 200
    assert ticket.number in html
    assert "鼓东街道" in html
    assert "1 天 2 小时" in html  # the 24-hour acceptance deadline passed on 3 March 9:00
    assert by_unit.status_code == 200


def test_handler_cannot_open_the_overdue_list(client: Any, street_handler: Any) -> None:
    assert _login(client, street_handler).get(reverse("desk:overdue")).status_code == 403


# --- ticket page --------------------------------------------------------------------------------


def test_street_handler_opens_own_ticket_with_the_phone_masked(
    client: Any, dispatched: Ticket, street_handler: Any
) -> None:
    response = _login(client, street_handler).get(dispatched.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "138****5678" in html
    assert "13812345678" not in html


def test_agent_sees_the_full_phone_number(client: Any, dispatched: Ticket, agent: Any) -> None:
    html = _login(client, agent).get(dispatched.get_absolute_url()).content.decode()
    assert "13812345678" in html
    assert "张先生" in html


def test_water_handler_cannot_open_street_ticket(
    client: Any, dispatched: Ticket, water_handler: Any
) -> None:
    assert _login(client, water_handler).get(dispatched.get_absolute_url()).status_code == 404


def test_unknown_ticket_number_is_not_found(client: Any, agent: Any) -> None:
    assert _login(client, agent).get("/t/FZ000000000/").status_code == 404


def test_ticket_page_offers_exactly_the_allowed_actions(
    client: Any, dispatched: Ticket, street_handler: Any
) -> None:
    html = _login(client, street_handler).get(dispatched.get_absolute_url()).content.decode()
    allowed = transitions.allowed_actions(street_handler, dispatched)
    assert set(allowed) == {"accept", "return", "note", "attach"}
    assert html.count('<details class="action') == len(allowed)
    for action in allowed:
        assert reverse("desk:act", args=[dispatched.number, action]) in html


def test_ticket_page_shows_the_timeline_with_labels_and_hashes(
    client: Any, dispatched: Ticket, dispatcher: Any
) -> None:
    html = _login(client, dispatcher).get(dispatched.get_absolute_url()).content.decode()
    event = dispatched.events.order_by("seq").last()
    assert "刘派单" in html
    assert "派单" in html
    assert event.hash[:8] in html


def test_ticket_page_flags_a_deadline_beyond_the_published_calendar(
    client: Any, make_ticket: Any, dispatcher: Any, city: dict[str, Any]
) -> None:
    with time_machine.travel(at(2026, 12, 28, 9), tick=False):
        ticket = make_ticket()
        workflow.dispatch(ticket, to=city["gudong"], by=dispatcher)
        html = _login(client, dispatcher).get(ticket.get_absolute_url()).content.decode()
    assert ticket.beyond_calendar
    assert "超出已发布日历，按工作日估算" in html


def test_agent_is_offered_the_phone_return_visit_after_the_reply(
    client: Any, dispatched: Ticket, street_handler: Any, agent: Any
) -> None:
    workflow.accept(dispatched, by=street_handler)
    workflow.reply(dispatched, by=street_handler, text="已处理。")
    html = _login(client, agent).get(dispatched.get_absolute_url()).content.decode()
    assert reverse("feedback:phone_visit", args=[dispatched.number]) in html
    assert 'name="satisfaction"' in html


def test_text_from_residents_is_rendered_escaped(client: Any, make_ticket: Any, agent: Any) -> None:
    ticket = make_ticket(description="<script>alert(1)</script>")
    html = _login(client, agent).get(ticket.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- actions through HTTP -----------------------------------------------------------------------


def test_dispatcher_dispatches_with_a_cohandler(
    client: Any, make_ticket: Any, dispatcher: Any, city: dict[str, Any]
) -> None:
    ticket = make_ticket()
    response = _act(
        _login(client, dispatcher),
        ticket,
        "dispatch",
        unit=city["gudong"].pk,
        cohandlers=[city["water"].pk],
        note="请尽快处理",
    )
    ticket.refresh_from_db()
    assert response.status_code == 200
    assert ticket.status == Status.DISPATCHED
    assert ticket.unit == city["gudong"]
    assert list(ticket.cohandlers.values_list("unit__code", flat=True)) == ["FZ-WATER"]
    assert "派单完成" in response.content.decode()


def test_quick_dispatch_from_the_queue_returns_to_the_queue(
    client: Any, make_ticket: Any, dispatcher: Any, city: dict[str, Any]
) -> None:
    ticket = make_ticket()
    response = _login(client, dispatcher).post(
        reverse("desk:act", args=[ticket.number, "dispatch"]),
        {"unit": city["gudong"].pk, "next": "/queue/"},
    )
    assert response.status_code == 302
    assert response.url == "/queue/"


def test_dispatch_can_correct_the_category(
    client: Any,
    make_ticket: Any,
    dispatcher: Any,
    city: dict[str, Any],
    catalogue: dict[str, Any],
) -> None:
    ticket = make_ticket()
    _act(
        _login(client, dispatcher),
        ticket,
        "dispatch",
        unit=city["water"].pk,
        category=catalogue["water_cut"].pk,
    )
    ticket.refresh_from_db()
    assert ticket.category == catalogue["water_cut"]


def test_dispatch_to_a_unit_that_does_not_exist_writes_nothing(
    client: Any, make_ticket: Any, dispatcher: Any
) -> None:
    ticket = make_ticket()
    response = _act(_login(client, dispatcher), ticket, "dispatch", unit="999999")
    ticket.refresh_from_db()
    assert ticket.status == Status.RECEIVED
    assert ticket.events.count() == 1
    assert "请选择一个在用的承办单位" in response.content.decode()


def test_leader_adds_a_cohandler(
    client: Any, dispatched: Ticket, street_leader: Any, city: dict[str, Any]
) -> None:
    _act(_login(client, street_leader), dispatched, "add_cohandler", unit=city["guxi"].pk)
    assert dispatched.cohandlers.filter(unit=city["guxi"]).exists()


def test_handler_accepts_the_ticket(client: Any, dispatched: Ticket, street_handler: Any) -> None:
    _act(_login(client, street_handler), dispatched, "accept")
    dispatched.refresh_from_db()
    assert dispatched.status == Status.ACCEPTED


def test_handler_returns_the_ticket_with_a_reason(
    client: Any, dispatched: Ticket, street_handler: Any
) -> None:
    _act(_login(client, street_handler), dispatched, "return", reason="不属本街道管辖")
    dispatched.refresh_from_db()
    assert dispatched.status == Status.RETURNED
    assert dispatched.events.order_by("seq").last().note == "不属本街道管辖"


def test_return_without_a_reason_is_refused_in_chinese(
    client: Any, dispatched: Ticket, street_handler: Any
) -> None:
    response = _act(_login(client, street_handler), dispatched, "return", reason="  ")
    dispatched.refresh_from_db()
    assert dispatched.status == Status.DISPATCHED
    assert "请填写退单理由" in response.content.decode()


def test_dispatcher_rejects_an_unfounded_return(
    client: Any, dispatched: Ticket, street_handler: Any, dispatcher: Any
) -> None:
    workflow.send_back(dispatched, by=street_handler, reason="不归我们")
    _act(_login(client, dispatcher), dispatched, "reject_return", note="地址在鼓东街道辖区内")
    dispatched.refresh_from_db()
    assert dispatched.status == Status.DISPATCHED


def test_handler_requests_an_extension_and_the_supervisor_approves_it(
    client: Any, dispatched: Ticket, street_handler: Any, supervisor: Any
) -> None:
    _accepted(dispatched, street_handler)
    until = timezone.localtime(dispatched.resolve_by + timedelta(days=3))
    _act(
        _login(client, street_handler),
        dispatched,
        "request_extension",
        until=until.strftime("%Y-%m-%dT%H:%M"),
        reason="需等待管线改造完工",
    )
    assert dispatched.extensions.get().decision == "pending"
    page = _login(client, supervisor).get(dispatched.get_absolute_url()).content.decode()
    assert "需等待管线改造完工" in page
    _act(client, dispatched, "approve_extension", note="同意")
    dispatched.refresh_from_db()
    assert dispatched.extensions.get().decision == "approved"
    assert dispatched.resolve_by == until.replace(second=0, microsecond=0)


def test_refusing_an_extension_needs_a_reason(
    client: Any, dispatched: Ticket, street_handler: Any, dispatcher: Any
) -> None:
    _accepted(dispatched, street_handler)
    workflow.request_extension(
        dispatched,
        by=street_handler,
        reason="材料未齐",
        until=dispatched.resolve_by + timedelta(days=2),
    )
    _login(client, dispatcher)
    _act(client, dispatched, "refuse_extension", note="")
    assert dispatched.extensions.get().decision == "pending"
    _act(client, dispatched, "refuse_extension", note="时限内可以办完")
    assert dispatched.extensions.get().decision == "refused"


def test_handler_pauses_and_resumes_the_clock(
    client: Any, dispatched: Ticket, street_handler: Any
) -> None:
    _accepted(dispatched, street_handler)
    _login(client, street_handler)
    _act(client, dispatched, "pause", reason="等待群众补充材料")
    dispatched.refresh_from_db()
    assert dispatched.paused_since is not None
    _act(client, dispatched, "resume")
    dispatched.refresh_from_db()
    assert dispatched.paused_since is None


def test_handler_replies(client: Any, dispatched: Ticket, street_handler: Any) -> None:
    _accepted(dispatched, street_handler)
    _act(_login(client, street_handler), dispatched, "reply", text="已责令工地夜间停工。")
    dispatched.refresh_from_db()
    assert dispatched.status == Status.REPLIED
    assert dispatched.reply == "已责令工地夜间停工。"


def test_supervisor_closes_after_a_visit(
    client: Any, dispatched: Ticket, street_handler: Any, agent: Any, supervisor: Any
) -> None:
    _visited(dispatched, street_handler, agent, "unsatisfied")
    _act(_login(client, supervisor), dispatched, "close", note="经核实已处理到位")
    dispatched.refresh_from_db()
    assert dispatched.status == Status.CLOSED


def test_dispatcher_reopens_after_an_unsatisfied_visit(
    client: Any, dispatched: Ticket, street_handler: Any, agent: Any, dispatcher: Any
) -> None:
    _visited(dispatched, street_handler, agent, "unsatisfied")
    _act(_login(client, dispatcher), dispatched, "reopen", note="群众反映仍有夜间施工")
    dispatched.refresh_from_db()
    assert dispatched.status == Status.DISPATCHED
    assert dispatched.reopen_count == 1


def test_dispatcher_merges_a_duplicate(client: Any, make_ticket: Any, dispatcher: Any) -> None:
    first, duplicate = make_ticket(), make_ticket()
    _act(_login(client, dispatcher), duplicate, "merge", into=first.number.lower())
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED
    assert duplicate.merged_into == first


def test_merge_into_an_unknown_number_writes_nothing(
    client: Any, make_ticket: Any, dispatcher: Any
) -> None:
    ticket = make_ticket()
    response = _act(_login(client, dispatcher), ticket, "merge", into="FZ999")
    ticket.refresh_from_db()
    assert ticket.status == Status.RECEIVED
    assert "找不到工单 FZ999" in response.content.decode()


def test_agent_declines_an_out_of_scope_request(client: Any, make_ticket: Any, agent: Any) -> None:
    ticket = make_ticket()
    _act(_login(client, agent), ticket, "decline", referral="属司法诉讼事项，请向法院咨询。")
    ticket.refresh_from_db()
    assert ticket.status == Status.DECLINED


def test_agent_answers_a_consultation(
    client: Any, make_ticket: Any, agent: Any, catalogue: dict[str, Any]
) -> None:
    ticket = make_ticket(request_type="consult", category=catalogue["policy"])
    _act(_login(client, agent), ticket, "answer", text="可通过市政府网站查询。")
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_cohandler_adds_a_note(
    client: Any, dispatched: Ticket, dispatcher: Any, water_handler: Any, city: dict[str, Any]
) -> None:
    workflow.add_cohandler(dispatched, unit=city["water"], by=dispatcher)
    _act(_login(client, water_handler), dispatched, "note", text="已派人查看供水管线。")
    assert dispatched.events.order_by("seq").last().note == "已派人查看供水管线。"


def test_a_forbidden_action_shows_the_reason_and_writes_no_event(
    client: Any, dispatched: Ticket, street_handler: Any
) -> None:
    before = TicketEvent.objects.count()
    response = _act(_login(client, street_handler), dispatched, "decline", referral="不归我管")
    dispatched.refresh_from_db()
    assert response.status_code == 200
    assert TicketEvent.objects.count() == before
    assert dispatched.status == Status.DISPATCHED
    assert "不能不予受理" in response.content.decode()


def test_an_action_on_a_ticket_out_of_scope_is_not_found(
    client: Any, dispatched: Ticket, water_handler: Any
) -> None:
    response = _login(client, water_handler).post(
        reverse("desk:act", args=[dispatched.number, "accept"])
    )
    assert response.status_code == 404
    assert dispatched.events.count() == 2


def test_an_unknown_action_is_not_found(client: Any, dispatched: Ticket, dispatcher: Any) -> None:
    response = _login(client, dispatcher).post(f"/t/{dispatched.number}/act/delete/")
    assert response.status_code == 404


def test_get_on_an_action_is_not_allowed(client: Any, dispatched: Ticket, dispatcher: Any) -> None:
    response = _login(client, dispatcher).get(reverse("desk:act", args=[dispatched.number, "note"]))
    assert response.status_code == 405


def test_sql_like_text_in_a_note_is_stored_literally(
    client: Any, dispatched: Ticket, dispatcher: Any
) -> None:
    _act(_login(client, dispatcher), dispatched, "note", text="' OR 1=1 --")
    assert dispatched.events.order_by("seq").last().note == "' OR 1=1 --"
    assert Ticket.objects.count() == 1


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_handler_attaches_a_photo_that_only_those_who_see_the_ticket_can_open(
    client: Any,
    dispatched: Ticket,
    street_handler: Any,
    water_handler: Any,
    settings: Any,
    tmp_path: Any,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    _act(_login(client, street_handler), dispatched, "attach", file=photo)
    item = dispatched.attachments.get()
    url = reverse("desk:attachment", args=[dispatched.number, item.pk])
    assert url in client.get(dispatched.get_absolute_url()).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert _login(client, water_handler).get(url).status_code == 404


def test_a_file_that_is_not_an_image_or_pdf_is_refused(
    client: Any, dispatched: Ticket, street_handler: Any, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image", content_type="image/png")
    response = _act(_login(client, street_handler), dispatched, "attach", file=fake)
    assert "只能上传" in response.content.decode()
    assert not dispatched.attachments.exists()


def test_the_visit_form_on_the_ticket_page_records_the_phone_visit(
    client: Any, dispatched: Ticket, street_handler: Any, agent: Any
) -> None:
    workflow.accept(dispatched, by=street_handler)
    workflow.reply(dispatched, by=street_handler, text="已处理。")
    _login(client, agent)
    client.post(
        reverse("feedback:phone_visit", args=[dispatched.number]),
        {"satisfaction": "unsatisfied", "resolved": "no", "comment": "晚上还有噪音"},
    )
    dispatched.refresh_from_db()
    assert dispatched.status == Status.VISITED


def test_the_queue_shows_no_template_comment(
    client: Any, make_ticket: Any, dispatcher: Any
) -> None:
    make_ticket()
    html = _login(client, dispatcher).get(reverse("desk:queue")).content.decode()
    assert "{#" not in html
    assert "#}" not in html
