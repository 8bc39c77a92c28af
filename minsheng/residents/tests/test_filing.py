"""Following a similar open request instead of filing it again, and the daily limits."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minsheng.residents import filing
from minsheng.residents.models import Follower
from minsheng.residents.tests.conftest import IN_DONGJIE, file_text_only, what, where
from minsheng.tickets import workflow
from minsheng.tickets.models import Ticket

pytestmark = pytest.mark.django_db
SAME_NIGHT_WORKS = "东街社区旁工地每天夜里十一点后还在施工，噪音很大，影响休息。"


def reach_the_last_step(client: Client, catalogue: dict[str, Any]) -> str:
    what(client, catalogue["noise"])
    where(client, **IN_DONGJIE)
    return client.get(reverse("residents:who")).content.decode()


# --- similar requests nearby -------------------------------------------------------------------


def test_a_similar_open_request_in_the_same_street_is_offered_before_filing(
    client: Client, mapped: dict[str, Any], catalogue: dict[str, Any], make_ticket: Any
) -> None:
    earlier = make_ticket(description=SAME_NIGHT_WORKS, place=mapped["dongjie"])

    page = reach_the_last_step(client, catalogue)

    assert "附近已有相似的诉求正在办理" in page
    assert earlier.number in page
    assert reverse("residents:follow", args=[earlier.number]) in page


@pytest.mark.parametrize(
    "overrides",
    [
        {"description": "东街口路灯坏了好几天，晚上很黑，老人走路不安全。"},
        {"place_key": "guxi"},
        {"days_ago": 31},
    ],
    ids=["different-problem", "another-street", "older-than-30-days"],
)
def test_only_similar_recent_requests_of_the_same_street_are_offered(
    client: Client,
    mapped: dict[str, Any],
    catalogue: dict[str, Any],
    make_ticket: Any,
    overrides: dict[str, Any],
) -> None:
    days_ago = overrides.pop("days_ago", 0)
    place = mapped[overrides.pop("place_key", "dongjie")]
    fields = {"description": SAME_NIGHT_WORKS, "place": place, **overrides}
    make_ticket(at=timezone.now() - timedelta(days=days_ago), **fields)

    page = reach_the_last_step(client, catalogue)

    assert "附近已有相似的诉求正在办理" not in page


def test_a_closed_request_is_not_offered(
    client: Client,
    mapped: dict[str, Any],
    catalogue: dict[str, Any],
    make_ticket: Any,
    dispatcher: Any,
) -> None:
    earlier = make_ticket(description=SAME_NIGHT_WORKS, place=mapped["dongjie"])
    workflow.decline(earlier, by=dispatcher, referral="请向法院起诉。")

    assert "附近已有相似的诉求正在办理" not in reach_the_last_step(client, catalogue)


def test_following_a_similar_request_files_nothing_and_opens_its_tracking_page(
    client: Client, mapped: dict[str, Any], catalogue: dict[str, Any], make_ticket: Any
) -> None:
    earlier = make_ticket(description=SAME_NIGHT_WORKS, place=mapped["dongjie"])
    reach_the_last_step(client, catalogue)

    response = client.post(
        reverse("residents:follow", args=[earlier.number]), {"phone": "139 0000 1111"}
    )

    assert response.url == reverse("resident_ticket", args=[earlier.number])
    assert Ticket.objects.count() == 1
    follower = Follower.objects.get()
    assert (follower.ticket, follower.resident.phone) == (earlier, "13900001111")
    assert client.session["m_following"] == [earlier.number]
    assert "m_tickets" not in client.session
    assert "m_new" not in client.session
    page = client.get(response.url)
    assert page.status_code == 200
    # A follower is not the resident who filed it: no phone, and no rating form.
    assert "5678" not in page.content.decode()
    assert 'name="satisfaction"' not in page.content.decode()


def test_following_without_a_phone_keeps_no_record_but_still_shows_the_progress(
    client: Client, mapped: dict[str, Any], catalogue: dict[str, Any], make_ticket: Any
) -> None:
    earlier = make_ticket(description=SAME_NIGHT_WORKS, place=mapped["dongjie"])
    reach_the_last_step(client, catalogue)

    client.post(reverse("residents:follow", args=[earlier.number]), {"phone": ""})

    assert not Follower.objects.exists()
    assert client.session["m_following"] == [earlier.number]


def test_following_with_a_bad_phone_is_refused_in_chinese(
    client: Client, mapped: dict[str, Any], catalogue: dict[str, Any], make_ticket: Any
) -> None:
    earlier = make_ticket(description=SAME_NIGHT_WORKS, place=mapped["dongjie"])
    reach_the_last_step(client, catalogue)

    response = client.post(
        reverse("residents:follow", args=[earlier.number]), {"phone": "abc"}, follow=True
    )

    assert "请输入正确的手机号码。" in response.content.decode()
    assert not Follower.objects.exists()
    assert "m_tickets" not in client.session


def test_a_number_that_was_not_offered_cannot_be_followed(
    client: Client, mapped: dict[str, Any], catalogue: dict[str, Any], make_ticket: Any
) -> None:
    # Following grants access to the tracking page, so it must not open tickets by guessing.
    other = make_ticket(description="小区停水一整天了", place=mapped["guxi"])
    reach_the_last_step(client, catalogue)

    response = client.post(reverse("residents:follow", args=[other.number]), {}, follow=True)

    assert "只能关注为您找到的相似诉求。" in response.content.decode()
    assert "m_tickets" not in client.session
    assert not Follower.objects.exists()


def test_following_twice_with_the_same_phone_records_one_follower(
    mapped: dict[str, Any], make_ticket: Any
) -> None:
    earlier = make_ticket(description=SAME_NIGHT_WORKS, place=mapped["dongjie"])

    filing.follow(earlier, phone="13900001111")
    filing.follow(earlier, phone="+86 13900001111")

    assert Follower.objects.count() == 1


# --- daily limits ----------------------------------------------------------------------------


def test_a_sixth_request_from_one_phone_in_a_day_is_refused_with_the_hotline_number(
    client: Client, mapped: dict[str, Any], catalogue: dict[str, Any]
) -> None:
    for n in range(5):
        response = file_text_only(
            client, catalogue["noise"], phone="13912345678", address=f"东街{n}号"
        )
        assert response.status_code == 302

    response = file_text_only(client, catalogue["noise"], phone="13912345678", address="东街9号")

    assert response.status_code == 429
    assert "同一号码今天已提交 5 次，如情况紧急请直接拨打 12345" in response.content.decode()
    assert Ticket.objects.count() == 5


def test_the_limit_per_address_counts_every_phone(
    client: Client, mapped: dict[str, Any], catalogue: dict[str, Any], settings: Any
) -> None:
    settings.MINSHENG_MOBILE_PER_ADDRESS_PER_DAY = 2
    for phone in ("13900000001", "13900000002"):
        file_text_only(client, catalogue["noise"], phone=phone, address="鼓楼区东街88号")

    response = file_text_only(
        client, catalogue["noise"], phone="13900000003", address="鼓楼区 东街 ８８号"
    )

    assert response.status_code == 429
    assert "该地址今天已提交 2 次" in response.content.decode()
    assert Ticket.objects.count() == 2


def test_the_limits_are_settings_and_count_only_the_last_24_hours(
    mapped: dict[str, Any], catalogue: dict[str, Any], settings: Any
) -> None:
    settings.MINSHENG_MOBILE_PER_PHONE_PER_DAY = 1
    draft = filing.Draft(catalogue["noise"], "complaint", "夜里施工太吵", address="东街1号")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        filing.file_request(draft, phone="13912345678")
        with pytest.raises(filing.RateLimited):
            filing.file_request(draft, phone="13912345678")

    with time_machine.travel(start + timedelta(hours=24, minutes=1), tick=False):
        filing.file_request(draft, phone="13912345678")

    assert Ticket.objects.count() == 2


def test_requests_from_other_channels_do_not_count_towards_the_phone_limit(
    client: Client, mapped: dict[str, Any], catalogue: dict[str, Any], make_ticket: Any
) -> None:
    for _ in range(5):
        make_ticket()  # the resident's calls to the hotline, same phone 13812345678

    response = file_text_only(client, catalogue["noise"], phone="13812345678", address="东街8号")

    assert response.status_code == 302


def test_a_follower_cannot_rate_the_ticket(
    client: Client,
    mapped: dict[str, Any],
    catalogue: dict[str, Any],
    make_ticket: Any,
    dispatcher: Any,
    street_handler: Any,
    city: dict[str, Any],
) -> None:
    earlier = make_ticket(description=SAME_NIGHT_WORKS, place=mapped["dongjie"])
    reach_the_last_step(client, catalogue)
    client.post(reverse("residents:follow", args=[earlier.number]), {"phone": ""})
    workflow.dispatch(earlier, to=city["gudong"], by=dispatcher)
    workflow.accept(earlier, by=street_handler)
    workflow.reply(earlier, by=street_handler, text="已处理")

    client.post(
        reverse("residents:rate", args=[earlier.number]),
        {"satisfaction": "satisfied", "resolved": "yes"},
    )

    earlier.refresh_from_db()
    assert earlier.status == "replied"
    assert not earlier.ratings.exists()
