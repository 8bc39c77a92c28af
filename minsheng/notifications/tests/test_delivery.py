"""The outbox: stored once per key, sent by the worker with retries, read in the staff nav."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conftest import at
from minsheng.notifications import backends, delivery
from minsheng.notifications.delivery import Message
from minsheng.notifications.models import Notification

pytestmark = pytest.mark.django_db
NOW = at(2026, 3, 2, 9, 0)


def sms(key="k1", phone="13812345678"):
    return Message(
        kind="receipt", channel="sms", body="【12345】已受理", dedupe_key=key, phone=phone
    )


class Flaky:
    """A gateway that fails `failures` times, then accepts; it records what it delivered."""

    def __init__(self, failures):
        self.failures, self.delivered = failures, []

    def send(self, phone, text, *, key):
        if self.failures:
            self.failures -= 1
            raise backends.SendError("网关超时")
        self.delivered.append(key)


@pytest.fixture
def gateway(monkeypatch):
    def install(failures=0):
        flaky = Flaky(failures)
        monkeypatch.setattr(backends, "sms_backend", lambda: flaky)
        return flaky

    return install


def test_the_same_key_is_stored_once(db):
    delivery.enqueue([sms(), sms()], at=NOW)
    delivery.enqueue([sms()], at=NOW)
    assert Notification.objects.count() == 1


def test_a_message_without_an_address_is_not_stored(db):
    delivery.enqueue([sms(phone="")], at=NOW)
    assert not Notification.objects.exists()


def test_a_failed_send_is_retried_with_growing_pauses_then_sent_once(gateway):
    flaky = gateway(failures=2)
    delivery.enqueue([sms()], at=NOW)
    assert delivery.send_due(now=NOW).retried == 1
    notice = Notification.objects.get()
    assert notice.next_attempt_at == NOW + timedelta(minutes=1)
    assert delivery.send_due(now=NOW + timedelta(seconds=30)).retried == 0  # not yet
    delivery.send_due(now=NOW + timedelta(minutes=1))
    notice.refresh_from_db()
    assert notice.next_attempt_at == NOW + timedelta(minutes=3)  # 1 + 2 minutes
    assert delivery.send_due(now=NOW + timedelta(minutes=3)).sent == 1
    delivery.send_due(now=NOW + timedelta(hours=1))
    notice.refresh_from_db()
    assert (notice.state, notice.attempts, flaky.delivered) == ("sent", 3, ["k1"])


def test_a_message_that_keeps_failing_is_marked_failed_with_the_reason(gateway):
    gateway(failures=100)
    delivery.enqueue([sms()], at=NOW)
    moment = NOW
    for _ in range(delivery.MAX_ATTEMPTS):
        delivery.send_due(now=moment)
        moment += timedelta(hours=1)
    notice = Notification.objects.get()
    assert (notice.state, notice.last_error) == ("failed", "网关超时")


def test_a_row_claimed_by_a_worker_that_died_is_sent_after_its_lease(gateway):
    flaky = gateway()
    delivery.enqueue([sms()], at=NOW)
    lease = timedelta(seconds=settings.MINSHENG_NOTICE_LEASE_SECONDS)
    Notification.objects.update(claimed_until=NOW + lease)
    assert delivery.send_due(now=NOW).sent == 0
    assert delivery.send_due(now=NOW + lease + timedelta(seconds=1)).sent == 1
    assert flaky.delivered == ["k1"]


def test_backlogged_messages_older_than_the_stale_limit_are_not_sent(gateway, settings):
    settings.MINSHENG_NOTICE_STALE_HOURS = 72
    flaky = gateway()
    delivery.enqueue([sms()], at=NOW)
    report = delivery.send_due(now=NOW + timedelta(hours=73))
    assert Notification.objects.get().state == "failed"
    assert flaky.delivered == []
    # counted apart from the gateway's refusals: the worker says they expired, not failed
    assert (report.expired, report.failed) == (1, 0)


def test_the_http_gateway_without_a_url_reports_a_clear_error():
    with pytest.raises(backends.SendError, match="MINSHENG_SMS_HTTP_URL"):
        backends.HttpSmsBackend(url="").send("13812345678", "x", key="k")


def test_e_mail_goes_through_django(db):
    delivery.enqueue(
        [Message(kind="k", channel="email", body="正文", dedupe_key="e", email="a@b.org")], at=NOW
    )
    assert delivery.send_due(now=NOW).sent == 1
    assert [m.to for m in mail.outbox] == [["a@b.org"]]


def test_the_unit_hears_of_a_dispatch_and_the_nav_counts_unread(
    client, street_handler, street_leader, dispatched
):
    assert Notification.objects.filter(kind="dispatched", user=street_handler).count() == 1
    client.force_login(street_handler)
    nav = '消息提醒<span class="count" aria-label="1 项">1</span>'
    page = client.get(reverse("desk:inbox")).content.decode()
    assert nav in page.replace("\n", "").replace("  ", "")
    listing = client.get(reverse("notifications:list")).content.decode()
    assert dispatched.number in listing
    client.post(reverse("notifications:read"))
    page = client.get(reverse("desk:inbox")).content.decode()
    assert "消息提醒<span" not in page.replace("\n", "").replace("  ", "")


def test_another_units_member_sees_none_of_its_notices(
    client, street_handler, water_handler, dispatched
):
    client.force_login(water_handler)
    assert dispatched.number not in client.get(reverse("notifications:list")).content.decode()


def test_the_resident_gets_the_number_by_sms_on_receipt_and_no_phone_in_the_text(make_ticket):
    ticket = make_ticket()
    notice = Notification.objects.get(kind="receipt")
    assert (notice.channel, notice.phone) == ("sms", "13812345678")
    assert ticket.number in notice.body
    assert f"/m/t/{ticket.number}/" in notice.body
    assert "13812345678" not in notice.body


def test_the_daily_digest_is_one_e_mail_per_member_and_idempotent(street_handler, dispatched):
    street_handler.email = "li@example.org"
    street_handler.save()
    day = Notification.objects.get(user=street_handler).created_at
    with time_machine.travel(day, tick=False):
        # The day in Beijing, as the digest counts it (after 16:00 UTC it is already tomorrow).
        delivery.enqueue_digests(timezone.localdate(day))
        delivery.enqueue_digests(timezone.localdate(day))
    [digest] = Notification.objects.filter(kind="digest")
    assert digest.email == "li@example.org"
    assert dispatched.number in digest.body
