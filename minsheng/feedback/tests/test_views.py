"""The resident pages under /m/: tracking a ticket, following it, rating it; the agent's call."""

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from minsheng.feedback.models import Rating
from minsheng.tickets import workflow
from minsheng.tickets.models import Status, TicketEvent

MISMATCH = "工单编号或手机号后四位不正确"


@pytest.fixture(autouse=True)
def _fresh_throttle(db: Any) -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def replied(dispatched: Any, street_handler: Any) -> Any:
    """The noise complaint, accepted and answered by 鼓东街道."""
    workflow.accept(dispatched, by=street_handler)
    workflow.reply(dispatched, by=street_handler, text="已约谈施工方，夜间停止施工。")
    return dispatched


def track(client: Client, number: str, last4: str, **extra: Any) -> Any:
    return client.post(reverse("residents:track"), {"number": number, "last4": last4}, **extra)


def proved_client(ticket: Any) -> Client:
    """A resident's phone that has proved the ticket is theirs."""
    client = Client()
    response = track(client, ticket.number, "5678")
    assert response.status_code == 302
    return client


def rate(client: Client, ticket: Any, **fields: str) -> Any:
    return client.post(reverse("residents:rate", args=[ticket.number]), fields, follow=True)


def page(client: Client, ticket: Any) -> str:
    response = client.get(reverse("resident_ticket", args=[ticket.number]))
    assert response.status_code == 200
    return response.content.decode()


def event_count(ticket: Any) -> int:
    return TicketEvent.objects.filter(ticket=ticket).count()


# --- tracking ------------------------------------------------------------------------------


def test_m_redirects_to_the_tracking_form(client: Client, db: Any) -> None:
    response = client.get("/m/")

    assert response.status_code == 302
    assert response["Location"] == reverse("residents:track")


def test_the_tracking_form_is_a_phone_page_in_chinese(client: Client, db: Any) -> None:
    response = client.get(reverse("residents:track"))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="viewport"' in body
    assert "手机号后四位" in body
    assert "csrfmiddlewaretoken" in body


def test_the_right_last_four_digits_open_the_ticket(client: Client, dispatched: Any) -> None:
    response = track(client, dispatched.number, "5678")

    assert response.status_code == 302
    assert response["Location"] == reverse("resident_ticket", args=[dispatched.number])
    assert client.session["m_tickets"] == [dispatched.number]
    assert dispatched.title in page(client, dispatched)


def test_the_number_is_read_without_spaces_and_in_any_case(client: Client, dispatched: Any) -> None:
    typed = " " + dispatched.number.lower()[:6] + " " + dispatched.number[6:] + " "

    response = track(client, typed, "５６７８")  # full-width digits from a Chinese keyboard

    assert response.status_code == 302
    assert client.session["m_tickets"] == [dispatched.number]


def test_wrong_last_four_digits_give_no_access(client: Client, dispatched: Any) -> None:
    response = track(client, dispatched.number, "1234")

    assert response.status_code == 200
    assert MISMATCH in response.content.decode()
    assert "m_tickets" not in client.session
    follow = client.get(reverse("resident_ticket", args=[dispatched.number]))
    assert follow["Location"] == reverse("residents:track")


def test_an_unknown_number_gets_the_same_message_as_a_wrong_phone(
    client: Client, dispatched: Any
) -> None:
    wrong_phone = track(client, dispatched.number, "1234").content.decode()
    unknown = track(client, "FZ9901010001", "5678").content.decode()

    assert MISMATCH in wrong_phone
    assert MISMATCH in unknown
    assert wrong_phone.count(MISMATCH) == unknown.count(MISMATCH)


def test_last_four_must_be_four_digits(client: Client, dispatched: Any) -> None:
    response = track(client, dispatched.number, "56a8")

    assert response.status_code == 200
    assert "请输入手机号后四位数字" in response.content.decode()
    assert "m_tickets" not in client.session


def test_after_five_failures_the_session_is_refused_even_with_the_right_digits(
    client: Client, dispatched: Any
) -> None:
    for _ in range(5):
        assert track(client, dispatched.number, "0000").status_code == 200

    response = track(client, dispatched.number, "5678")

    assert response.status_code == 429
    assert "尝试次数过多，请 15 分钟后再试" in response.content.decode()
    assert "m_tickets" not in client.session


def test_five_failures_from_one_address_refuse_a_new_session_too(dispatched: Any) -> None:
    for _ in range(5):
        track(Client(), dispatched.number, "0000", REMOTE_ADDR="203.0.113.9")

    refused = track(Client(), dispatched.number, "5678", REMOTE_ADDR="203.0.113.9")
    elsewhere = track(Client(), dispatched.number, "5678", REMOTE_ADDR="198.51.100.7")

    assert refused.status_code == 429
    assert elsewhere.status_code == 302


def test_a_resident_cannot_open_a_ticket_they_have_not_proved(
    make_ticket: Any, dispatched: Any
) -> None:
    other = make_ticket(title="路灯不亮")
    client = proved_client(dispatched)

    response = client.get(reverse("resident_ticket", args=[other.number]))

    assert response.status_code == 302
    assert response["Location"] == reverse("residents:track")
    assert client.get(response["Location"]).status_code == 200


def test_a_resident_cannot_rate_a_ticket_they_have_not_proved(client: Client, replied: Any) -> None:
    response = client.post(
        reverse("residents:rate", args=[replied.number]),
        {"satisfaction": "satisfied", "resolved": "yes"},
    )

    assert response["Location"] == reverse("residents:track")
    assert not Rating.objects.exists()


# --- the ticket page -----------------------------------------------------------------------


def test_the_page_shows_progress_unit_and_the_masked_phone(dispatched: Any) -> None:
    body = page(proved_client(dispatched), dispatched)

    assert dispatched.number in body
    assert "噪音扰民" in body
    assert "鼓东街道" in body
    assert "138****5678" in body
    assert '<ol class="steps">' in body
    assert 'aria-current="step"' in body


def test_the_public_page_never_shows_the_phone_staff_names_or_return_reasons(
    dispatched: Any, street_handler: Any, dispatcher: Any, city: dict[str, Any]
) -> None:
    workflow.send_back(dispatched, by=street_handler, reason="不属于本街道辖区，内部说明")
    client = proved_client(dispatched)
    returned = page(client, dispatched)
    workflow.dispatch(dispatched, to=city["guxi"], by=dispatcher, note="改派鼓西，内部备注")
    redispatched = page(client, dispatched)

    for body in (returned, redispatched):
        assert "13812345678" not in body
        assert "李承办" not in body
        assert "刘派单" not in body
        assert "王话务" not in body
        assert "内部" not in body
    assert "正在重新分派" in returned
    assert "已退单" not in returned
    assert "鼓西街道" in redispatched


def test_the_reply_and_the_residents_own_rating_are_on_the_page(replied: Any) -> None:
    client = proved_client(replied)

    rate(client, replied, satisfaction="satisfied", resolved="yes", comment="处理及时")

    body = page(client, replied)
    assert "已约谈施工方，夜间停止施工。" in body
    assert "满意，问题已解决" in body
    assert "处理及时" in body


def test_a_merged_ticket_names_the_ticket_it_joined(
    make_ticket: Any, dispatched: Any, dispatcher: Any
) -> None:
    duplicate = make_ticket()
    workflow.merge(duplicate, into=dispatched, by=dispatcher)

    body = page(proved_client(duplicate), duplicate)

    assert "已合并办理" in body
    assert dispatched.number in body


def test_a_declined_ticket_shows_where_to_turn(make_ticket: Any, agent: Any) -> None:
    ticket = make_ticket()
    workflow.decline(ticket, by=agent, referral="此事属于法院诉讼，请向鼓楼区人民法院咨询。")

    body = page(proved_client(ticket), ticket)

    assert "不予受理" in body
    assert "请向鼓楼区人民法院咨询" in body


def test_the_rating_form_appears_only_once_replied(dispatched: Any, street_handler: Any) -> None:
    client = proved_client(dispatched)
    before = page(client, dispatched)
    workflow.accept(dispatched, by=street_handler)
    workflow.reply(dispatched, by=street_handler, text="已处理。")

    after = page(client, dispatched)

    assert reverse("residents:rate", args=[dispatched.number]) not in before
    assert reverse("residents:rate", args=[dispatched.number]) in after
    assert 'value="basically"' in after


# --- rating --------------------------------------------------------------------------------


def test_a_satisfied_rating_closes_the_ticket(replied: Any) -> None:
    client = proved_client(replied)

    response = rate(client, replied, satisfaction="satisfied", resolved="yes")

    replied.refresh_from_db()
    body = response.content.decode()
    assert replied.status == Status.CLOSED
    assert Rating.objects.filter(ticket=replied, via=Rating.Via.WEB).count() == 1
    assert list(replied.events.order_by("-seq").values_list("action", flat=True)[:2]) == [
        "close",
        "visit",
    ]
    assert "感谢您的评价" in body
    assert 'class="badge status-closed"' in body


def test_an_unsatisfied_rating_stays_visited_and_says_the_centre_will_check(
    replied: Any,
) -> None:
    client = proved_client(replied)

    response = rate(client, replied, satisfaction="unsatisfied", resolved="no", comment="还在施工")

    replied.refresh_from_db()
    assert replied.status == Status.VISITED
    assert "您的意见已提交，热线中心将核实后安排重办" in response.content.decode()
    assert "您的意见已提交，热线中心将核实后安排重办" in page(client, replied)


def test_rating_twice_is_refused_with_a_message_and_writes_nothing(replied: Any) -> None:
    client = proved_client(replied)
    rate(client, replied, satisfaction="unsatisfied", resolved="no")
    events = event_count(replied)

    response = rate(client, replied, satisfaction="satisfied", resolved="yes")

    replied.refresh_from_db()
    assert "不能重复评价" in response.content.decode()
    assert replied.status == Status.VISITED
    assert Rating.objects.count() == 1
    assert event_count(replied) == events


def test_rating_before_the_reply_is_refused(dispatched: Any) -> None:
    client = proved_client(dispatched)
    events = event_count(dispatched)

    response = rate(client, dispatched, satisfaction="satisfied", resolved="yes")

    assert "答复后才能评价" in response.content.decode()
    assert not Rating.objects.exists()
    assert event_count(dispatched) == events


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"resolved": "yes"}, "请选择满意、基本满意或不满意。"),
        ({"satisfaction": "xyz", "resolved": "yes"}, "请选择满意、基本满意或不满意。"),
        ({"satisfaction": "satisfied"}, "请选择问题是否解决。"),
        ({"satisfaction": "satisfied", "resolved": "maybe"}, "请选择问题是否解决。"),
        (
            {"satisfaction": "satisfied", "resolved": "yes", "comment": "好" * 501},
            "意见最多 500 字，现在有 501 字",
        ),
    ],
    ids=[
        "missing-satisfaction",
        "invalid-satisfaction",
        "missing-resolved",
        "invalid-resolved",
        "comment-too-long",
    ],
)
def test_bad_rating_input_gives_a_chinese_error_and_writes_nothing(
    replied: Any, fields: dict[str, str], message: str
) -> None:
    client = proved_client(replied)
    events = event_count(replied)

    response = rate(client, replied, **fields)

    replied.refresh_from_db()
    assert response.status_code == 200
    assert message in response.content.decode()
    assert replied.status == Status.REPLIED
    assert not Rating.objects.exists()
    assert event_count(replied) == events


def test_a_script_in_the_comment_is_shown_escaped(replied: Any) -> None:
    client = proved_client(replied)
    script = "<script>alert('x')</script>"

    refused = rate(client, replied, resolved="yes", comment=script).content.decode()
    rate(client, replied, satisfaction="unsatisfied", resolved="no", comment=script)
    shown = page(client, replied)

    for body in (refused, shown):
        assert script not in body
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    assert Rating.objects.get().comment == script


# --- the agent's phone visit ---------------------------------------------------------------


def test_an_agent_records_a_phone_visit(client: Client, replied: Any, agent: Any) -> None:
    client.force_login(agent)

    response = client.post(
        reverse("feedback:phone_visit", args=[replied.number]),
        {"satisfaction": "basically", "resolved": "yes", "comment": "电话回访"},
    )

    replied.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == replied.get_absolute_url()
    assert replied.status == Status.CLOSED
    rating = Rating.objects.get()
    assert (rating.via, rating.satisfaction) == (Rating.Via.PHONE, "basically")
    assert replied.events.get(action="visit").actor == agent


def test_a_street_handler_cannot_record_a_phone_visit(
    client: Client, replied: Any, street_handler: Any
) -> None:
    client.force_login(street_handler)

    response = client.post(
        reverse("feedback:phone_visit", args=[replied.number]),
        {"satisfaction": "satisfied", "resolved": "yes"},
    )

    replied.refresh_from_db()
    assert response.status_code == 403
    assert replied.status == Status.REPLIED
    assert not Rating.objects.exists()


def test_a_phone_visit_with_bad_input_writes_nothing(
    client: Client, replied: Any, agent: Any
) -> None:
    client.force_login(agent)

    response = client.post(
        reverse("feedback:phone_visit", args=[replied.number]),
        {"satisfaction": "xyz", "resolved": "yes"},
    )

    replied.refresh_from_db()
    assert response.status_code == 302
    assert replied.status == Status.REPLIED
    assert not Rating.objects.exists()


def test_a_phone_visit_needs_a_login_and_a_post(client: Client, replied: Any, agent: Any) -> None:
    url = reverse("feedback:phone_visit", args=[replied.number])

    anonymous = client.post(url, {"satisfaction": "satisfied", "resolved": "yes"})
    client.force_login(agent)
    fetched = client.get(url)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert fetched.status_code == 405
    assert not Rating.objects.exists()


def test_the_admin_lists_ratings_read_only(client: Client, replied: Any, admin_user: Any) -> None:
    rate(proved_client(replied), replied, satisfaction="satisfied", resolved="yes")
    client.force_login(admin_user)

    listing = client.get(reverse("admin:feedback_rating_changelist"))
    adding = client.get(reverse("admin:feedback_rating_add"))

    assert listing.status_code == 200
    assert replied.number in listing.content.decode()
    assert adding.status_code == 403


def test_a_ticket_without_a_provable_contact_is_not_reachable(
    client: Client, make_ticket: Any
) -> None:
    """A paper slip filed without a phone belongs to a placeholder whose last four digits are
    public (0000000001); nobody may open, follow or rate it from the resident pages."""
    from minsheng.citizens import registry

    slip_box = registry.remember(phone="0000000001", name="说事箱")
    ticket = make_ticket(channel="offline", resident=slip_box)

    response = track(client, ticket.number, "0001")

    assert response.status_code == 200  # the form again, with its error
    assert client.get(reverse("resident_ticket", args=[ticket.number])).status_code != 200


def test_five_failures_at_one_ticket_do_not_lock_out_a_neighbour_at_the_same_address(
    make_ticket: Any, dispatched: Any
) -> None:
    """One carrier NAT or community Wi-Fi: a mistyping neighbour blocks only the ticket tried."""
    other = make_ticket(title="路灯不亮")
    for _ in range(5):
        track(Client(), other.number, "0000", REMOTE_ADDR="203.0.113.9")

    neighbour = track(Client(), dispatched.number, "5678", REMOTE_ADDR="203.0.113.9")

    assert neighbour.status_code == 302


def test_guesses_at_one_ticket_from_many_addresses_are_bounded_too(dispatched: Any) -> None:
    for n in range(20):
        track(Client(), dispatched.number, "0000", REMOTE_ADDR=f"198.51.100.{n}")

    response = track(Client(), dispatched.number, "5678", REMOTE_ADDR="192.0.2.1")

    assert response.status_code == 429
