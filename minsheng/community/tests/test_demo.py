"""The programme's demo on the demo city: buildings, units and heads for the communities of
鼓东街道, stations on the map, leaders with visits due, a meeting with resolutions, and reports
at every point of five-party linkage; loading twice changes nothing; the timelines verify."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from minsheng.community import demo, queries
from minsheng.community.models import Building, Head, Leader, Linkage, Meeting, Station
from minsheng.demo import builder
from minsheng.tickets.models import TicketEvent

pytestmark = pytest.mark.django_db


def test_the_demo_loads_and_verifies(client: Client) -> None:
    now = timezone.now()
    builder.build(history=False, now=now, log=lambda line: None)
    lines: list[str] = []
    demo.load(now=now, log=lines.append, password="x")
    demo.load(now=now, log=lines.append, password="x")  # idempotent
    assert "跳过" in lines[-1]

    communities = set(Building.objects.values_list("community__name", flat=True))
    assert communities == {"六一社区", "洪甘社区", "义井社区"}
    assert Building.objects.count() == 18
    assert {h.role for h in Head.objects.all()} == set(Head.Role.values)
    assert Station.objects.count() == 5
    assert Station.objects.filter(kind="red").count() == 2
    settled = dict(
        Linkage.objects.filter(state="settled").values_list("ticket__title", "settled_level")
    )
    assert sorted(settled.values()) == ["community", "grid", "steward"]
    assert Linkage.objects.filter(state="open", level="steward").count() == 1
    assert Linkage.objects.filter(source="station").count() == 1

    leaders = Leader.objects.all()
    assert {x.level for x in leaders} == {"city", "district", "street"}
    due = queries.visits_due(leaders, timezone.localdate(now))
    assert any(d.state == "overdue" for d in due)
    assert queries.compliance(leaders, timezone.localdate(now))["problems"].count() == 1

    meeting = Meeting.objects.get()
    assert meeting.state == "published"
    assert meeting.resolutions.count() == 3
    assert all(r.ticket_id for r in meeting.resolutions.all())
    page = client.get("/m/community/c/350102001001/").content.decode()
    assert "加装电梯" in page

    assert not TicketEvent.objects.filter(at__gt=timezone.now()).exists()
    call_command("verify_timeline", stdout=StringIO())

    # A grid worker's account of the demo sees its community's linkages on the staff page.
    from minsheng.accounts.models import User

    client.force_login(User.objects.get(username="u_35010200100102"))
    assert client.get("/community/").status_code == 200
    linkage = Linkage.objects.get(settled_level="community")
    assert client.get(f"/community/linkage/{linkage.pk}/").status_code == 200
    # The city leader's demo account opens the visit page (no unit membership needed).
    client.force_login(User.objects.get(username=demo.LEADER_USERNAME))
    visit_page = client.get("/community/visit/").content.decode()
    assert "单元门禁坏了一个月" in visit_page
    client.force_login(User.objects.get(username="u_35010200100102"))
    other = Linkage.objects.get(community__code="350102001002")
    assert client.get(f"/community/linkage/{other.pk}/").status_code == 404
    assert isinstance(lines, list)
    assert lines[0].startswith("基层治理网络：18 栋楼")


def test_the_dashboard_shows_the_panel(client: Client, supervisor: Any) -> None:
    now = timezone.now()
    builder.build(history=False, now=now, log=lambda line: None)
    demo.load(now=now, log=lambda line: None, password="x")
    from minsheng.accounts.models import User

    client.force_login(User.objects.get(username="supervisor"))
    page = client.get("/analytics/").content.decode()
    assert "五方联动" in page
    assert "社区内解决率" in page
