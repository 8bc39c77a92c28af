"""The extension points (docs/extending.md), through a programme that exists only in tests.

`minsheng.tests.sample_programme` declares one of everything; these tests show the core reads
each declaration without naming the programme anywhere.
"""

import threading
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from minsheng.accounts import keys
from minsheng.accounts.models import User
from minsheng.citizens.masking import NO_CONTACT
from minsheng.intake import door
from minsheng.lib.extensions import programmes
from minsheng.orgs.models import Membership
from minsheng.taxonomy import loading
from minsheng.tests.sample_programme import hooks
from minsheng.tests.sample_programme.apps import CATEGORY
from minsheng.tickets import queries
from minsheng.tickets.models import Channel, Status, Urgency
from minsheng.tickets.transitions import Actor

PROGRAMME = Actor(label="样例项目", kind="system")


@pytest.fixture(autouse=True)
def _fresh_calls() -> None:
    hooks.CALLS.clear()


def test_the_sample_programme_is_found() -> None:
    assert "sample_programme" in [c.label for c in programmes()]


@pytest.mark.django_db
def test_menu_entries_follow_roles(client: Client, dispatcher: Any, street_handler: Any) -> None:
    client.force_login(dispatcher)
    page = client.get("/queue/").content.decode()
    assert "样例项目" in page
    assert 'aria-label="7 项"' in page  # the declared count
    assert "样例管理" not in page  # for administrators only
    assert "样例抽查" in page  # the role fits and visible(user) says yes
    client.force_login(street_handler)  # not a dispatcher
    page = client.get("/inbox/").content.decode()
    assert "样例项目" not in page
    assert "样例抽查" in page
    other = User.objects.create_user("cgw_sample")
    Membership.objects.create(
        user=other, unit=street_handler.memberships.first().unit, role="handler"
    )
    client.force_login(other)  # the role fits, but visible(user) says no
    assert "样例抽查" not in client.get("/inbox/").content.decode()


@pytest.mark.django_db
def test_staff_and_resident_pages_are_mounted(client: Client) -> None:
    assert client.get("/sample/").content.decode() == "样例项目首页"
    page = client.get("/m/sample/").content.decode()
    assert "样例服务" in page
    assert "/m/sample/" in client.get("/m/track/").content.decode()  # the residents' links


@pytest.mark.django_db
def test_the_router_is_mounted_with_its_own_scope(client: Client) -> None:
    _, sample = keys.issue("样例系统", scopes=["sample"])
    _, plain = keys.issue("工单系统", scopes=["api"])
    ok = client.get("/api/v1/sample/ping", headers={"Authorization": f"Bearer {sample}"})
    assert ok.status_code == 200
    assert ok.json() == {"key": "样例系统"}
    refused = client.get("/api/v1/sample/ping", headers={"Authorization": f"Bearer {plain}"})
    assert refused.status_code == 401
    with pytest.raises(ValueError, match="scopes must be some of"):
        keys.issue("未知", scopes=["nonsense"])


@pytest.mark.django_db
def test_dashboard_panels_get_the_period(client: Client, supervisor: Any) -> None:
    client.force_login(supervisor)
    page = client.get("/analytics/?days=30").content.decode()
    assert "样例面板" in page
    assert "样例面板：30 天" in page


@pytest.mark.django_db
def test_categories_are_made_on_first_use_only_once(city: Any) -> None:
    first = loading.ensure(CATEGORY)
    again = loading.ensure(CATEGORY)
    assert first.pk == again.pk
    assert first.parent is not None
    assert first.parent.code == "SAMPLE"
    assert first.policy is not None
    assert first.policy.code == "emergency"


@pytest.mark.django_db
def test_a_programme_files_through_the_door_to_a_named_unit(city: Any) -> None:
    category = loading.ensure(CATEGORY)
    ticket = door.submit(
        door.Request(
            channel=Channel.SENSOR,
            category=category,
            description="独居老人 24 小时用水低于阈值",
            urgency=Urgency.URGENT,
            unit=city["dongjie"],
            note="样例项目：发往所在社区",
        ),
        by=PROGRAMME,
    )
    assert ticket.status == Status.DISPATCHED
    assert ticket.unit == city["dongjie"]
    assert ticket.resident.phone == NO_CONTACT
    assert [e.action for e in ticket.events.order_by("seq")] == ["receive", "dispatch"]
    # Every event reached the programme's listener, inside the transaction.
    assert [c for c in hooks.CALLS if c[0] == "event"] == [
        ("event", (ticket.number, "receive")),
        ("event", (ticket.number, "dispatch")),
    ]
    # Nobody to answer: no SMS, and the resident pages cannot reach it with "0000".
    assert queries.for_resident(ticket.number, last4="0000") is None


@pytest.mark.django_db
def test_no_sms_goes_to_a_placeholder(city: Any, street_handler: Any) -> None:
    from minsheng.notifications.models import Notification

    door.submit(
        door.Request(
            channel=Channel.PROACTIVE,
            category=loading.ensure(CATEGORY),
            description="主动发现的事项",
            unit=city["gudong"],
        ),
        by=PROGRAMME,
    )
    assert not Notification.objects.filter(channel=Notification.Channel.SMS).exists()
    assert Notification.objects.filter(user=street_handler).exists()  # the unit is told


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_steps_and_services(city: Any) -> None:
    call_command("worker", "--batch")
    assert ("step", 200) in hooks.CALLS
    from minsheng.ops.management.commands.worker import Command

    stop = threading.Event()
    threads = Command().start_services(stop)
    for _ in range(50):
        if ("service", None) in hooks.CALLS:
            break
        threading.Event().wait(0.05)
    stop.set()
    for thread in threads:
        thread.join(timeout=5)
    assert ("service", None) in hooks.CALLS
    assert not any(t.is_alive() for t in threads)


@pytest.mark.django_db(transaction=True)
def test_load_demo_calls_each_programme_demo() -> None:
    call_command("load_demo", "--no-history", verbosity=0, stdout=StringIO(), stderr=StringIO())
    assert ("demo", "minsheng-demo") in hooks.CALLS
    # The programmes' parts keep the demo city's rules: no event ahead of the clock, a handler
    # account for every handling unit, and timelines that verify.
    from minsheng.demo import builder
    from minsheng.orgs.models import Membership, Unit
    from minsheng.tickets.models import TicketEvent

    assert not TicketEvent.objects.filter(at__gt=timezone.now()).exists()
    for unit in Unit.objects.filter(kind__in=builder.HANDLING_KINDS):
        assert Membership.objects.filter(unit=unit, role="handler").exists(), unit.code
    call_command("verify_timeline", stdout=StringIO())
