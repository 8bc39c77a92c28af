"""`minsheng load_demo`: the demo city, its accounts and its history, loaded once and then again."""

import json
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.citizens.models import Resident
from minsheng.demo import builder
from minsheng.demo.accounts import ACCOUNTS, DEMO_ACCOUNTS, DEMO_PASSWORD
from minsheng.feedback.models import Rating
from minsheng.orgs.models import Membership, Unit
from minsheng.taxonomy.loading import request_types
from minsheng.taxonomy.models import Category, RequestType
from minsheng.tickets.models import CoHandler, ExtensionRequest, Status, Ticket, TicketEvent

CITY = Path(__file__).resolve().parents[2] / "orgs" / "data" / "fuzhou.json"
MODELS = [Unit, Membership, User, Category, Resident, Ticket, TicketEvent, Rating, CoHandler,
          ExtensionRequest]  # fmt: skip


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def load() -> str:
    """The demo city and its history; each programme's part is tested by the programme (its
    tests/test_demo.py) and all of them together by tests/test_extensions.py."""
    out = StringIO()
    call_command("load_demo", "--no-programmes", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_request_types_are_read_from_chinese_words():
    assert request_types("投诉|举报") == [RequestType.COMPLAINT, RequestType.REPORT]
    assert request_types(" 咨询 | 表扬 |") == [RequestType.CONSULT, RequestType.PRAISE]
    with pytest.raises(ValueError, match="催办"):
        request_types("投诉|催办")


@pytest.mark.django_db
def test_load_demo_builds_the_city_accounts_and_history_once(client):
    printed = load()

    # The city: five districts with their real streets, as in the data file.
    with CITY.open(encoding="utf-8") as fh:
        city = json.load(fh)
    assert Unit.objects.get(code="3501").kind == Unit.Kind.CITY
    assert Unit.objects.get(code="FZ-12345").parent.code == "3501"
    assert Unit.objects.filter(kind=Unit.Kind.DISTRICT).count() == 5
    for district in city["districts"]:
        unit = Unit.objects.get(code=district["code"], kind=Unit.Kind.DISTRICT)
        streets = set(unit.children.values_list("name", flat=True))
        assert streets == {s["name"] for s in district["streets"]}
        assert unit.boundary
        assert unit.lon is not None
        assert unit.lat is not None
    gudong = Unit.objects.get(name="鼓东街道")
    assert gudong.path == "3501/350102/350102001/"
    assert gudong.children.filter(kind=Unit.Kind.COMMUNITY).exists()
    assert Unit.objects.filter(kind=Unit.Kind.VILLAGE).exists()
    assert Unit.objects.filter(kind=Unit.Kind.GRID, path__startswith=gudong.path).exists()
    assert Unit.objects.filter(kind=Unit.Kind.DEPARTMENT).count() >= 12
    for code in ("FZ-WATER", "FZ-POWER", "FZ-GAS"):
        assert Unit.objects.get(code=code).kind == Unit.Kind.ENTERPRISE

    # The catalogue: groups and leaves, each leaf with a policy and the request types it allows.
    leaves = Category.objects.filter(parent__isnull=False)
    assert leaves.count() >= 40
    assert (
        Category.objects.filter(parent__isnull=True, children__isnull=False).distinct().count() >= 8
    )
    for leaf in leaves:
        assert leaf.policy_id is not None
        assert leaf.request_types
        assert set(leaf.request_types) <= set(RequestType.values)

    # The accounts: each can sign in with the documented password, in the unit it is listed with.
    for username, _name, _role, unit_name in DEMO_ACCOUNTS:
        assert client.login(username=username, password=DEMO_PASSWORD), username
        assert username in printed
        user = User.objects.get(username=username)
        if not user.is_superuser:
            assert user.memberships.filter(unit__name=unit_name).exists(), username
    assert User.objects.get(username="admin").is_superuser
    for account in ACCOUNTS:
        user = User.objects.get(username=account.username)
        held = set(
            user.memberships.filter(unit__code=account.unit_code).values_list("role", flat=True)
        )
        assert held == set(account.roles)
    for unit in Unit.objects.filter(kind__in=builder.HANDLING_KINDS):
        assert Membership.objects.filter(unit=unit, role="handler").exists(), unit.code
    assert client.login(username="u_350102002", password=DEMO_PASSWORD)

    # The history: every status, mostly closed, all in the past, in order, with intact chains.
    statuses = builder.status_counts()
    assert sum(statuses.values()) >= 600
    assert all(statuses[s] >= 10 for s in Status.values), statuses
    assert statuses[Status.CLOSED] > sum(statuses.values()) / 2
    now = timezone.now()
    assert not TicketEvent.objects.filter(at__gt=now).exists()
    assert Ticket.objects.filter(received_at__lt=now - timedelta(days=50)).exists()
    assert not Ticket.objects.filter(received_at__lt=now - timedelta(days=61)).exists()
    assert all(t.phone.startswith("1390000") for t in Resident.objects.all())
    assert Rating.objects.filter(satisfaction="unsatisfied").exists()
    assert Ticket.objects.filter(reopen_count__gt=0, status=Status.CLOSED).exists()
    assert CoHandler.objects.exists()
    decisions = set(ExtensionRequest.objects.values_list("decision", flat=True))
    assert {"approved", "refused"} <= decisions
    work = builder.workload(now)
    assert work["dispatch_queue"] >= 15
    assert work["gudong_inbox"] >= 10
    assert work["gudong_overdue"] >= 1
    assert work["water_inbox"] >= 1
    assert work["overdue"] >= 10
    call_command("verify_timeline", stdout=StringIO())

    # Loading again changes nothing.
    before = row_counts()
    printed = load()
    assert row_counts() == before
    assert "已受理" in printed
    assert DEMO_PASSWORD in printed
