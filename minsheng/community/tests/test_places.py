"""Leaders' contact points and visits, stations and their slips, consultation meetings, and
the API: visits due, nearest stations."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import _member
from minsheng.accounts import keys
from minsheng.community import network, queries, rules
from minsheng.community.models import Leader, Meeting, Pairing, Problem, Station

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(net: dict[str, Any], city: dict[str, Any]) -> Leader:
    """Mayor Xu, whose contact point is 东街社区; two paired households, one visited lately."""
    user = _member("xu", "许市长", city["fz"], "leader")
    xu = Leader.objects.create(
        name="许明", title="副市长", level=Leader.Level.CITY, user=user,
        contact_point=city["dongjie"], every_days=90,
    )  # fmt: skip
    today = timezone.localdate()
    old = Pairing.objects.create(
        leader=xu, household="陈阿婆", address="东街小区1号楼1单元101", building=net["b1"],
        since=today - timedelta(days=200),
    )  # fmt: skip
    fresh = Pairing.objects.create(
        leader=xu, household="刘大爷", address="东街小区2号楼2单元502", since=today
    )
    network.log_visit(xu, network.VisitLog(old, today - timedelta(days=100), "陈阿婆"))
    assert fresh.pk
    return xu


@pytest.fixture
def stations(city: dict[str, Any]) -> list[Station]:
    d = city["dongjie"]
    return [
        Station.objects.create(
            code="HZ-1", name="东街红色驿站", kind="red", community=d, address="东街88号",
            lon=119.2950, lat=26.0945, services="歇脚、饮水、充电", hours="8:00-20:00",
        ),
        Station.objects.create(
            code="SS-1", name="东街说事站", kind="talk", community=d, address="东街120号",
            lon=119.3050, lat=26.1000,
        ),
    ]  # fmt: skip


def test_visits_due_and_a_problem_becomes_a_ticket_with_the_leader_name(
    leader: Leader, client: Client, supervisor: Any
) -> None:
    today = timezone.localdate()
    due = queries.visits_due(Leader.objects.all(), today)
    assert [(d.pairing.household, d.state) for d in due] == [
        ("陈阿婆", "overdue"),
        ("刘大爷", "ok"),
    ]
    _, raw = keys.issue("考核平台", scopes=["community"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    rows = client.get(f"/api/v1/community/visits?due={today.isoformat()}", **auth).json()
    assert [r["household"] for r in rows] == ["陈阿婆（东街小区1号楼1单元101）"]
    far = (today + timedelta(days=120)).isoformat()
    assert len(client.get(f"/api/v1/community/visits?due={far}", **auth).json()) == 2
    assert client.get("/api/v1/community/visits?due=soon", **auth).status_code == 422
    assert client.get("/api/v1/community/visits").status_code == 401

    client.force_login(leader.user)
    page = client.get("/community/visit/").content.decode()
    assert "陈阿婆" in page
    assert "已逾期" in page
    pairing = leader.pairings.get(household="陈阿婆")
    response = client.post(
        "/community/visit/",
        {
            "pairing": pairing.pk, "visited_on": today.isoformat(), "people_met": "陈阿婆及女儿",
            "notes": "身体尚好。", "problems": "楼道扶手松动\n\n门口路灯不亮",
        },
    )  # fmt: skip
    assert response.status_code == 302
    problems = Problem.objects.order_by("pk")
    assert [p.text for p in problems] == ["楼道扶手松动", "门口路灯不亮"]
    ticket = problems[0].ticket
    assert "副市长许明" in ticket.title
    assert "副市长许明" in ticket.description
    assert ticket.unit is not None
    assert ticket.unit.name == "鼓东街道"
    assert ticket.channel == "proactive"
    assert queries.visits_due(Leader.objects.all(), today)[0].state == "ok"
    with pytest.raises(rules.RuleError):  # not tomorrow
        network.log_visit(leader, network.VisitLog(pairing, today + timedelta(days=1), "x"))

    client.force_login(supervisor)
    board = client.get("/community/leaders/").content.decode()
    assert "市级" in board
    assert "楼道扶手松动" in board
    assert ticket.number in board


def test_nearest_stations_and_a_slip_becomes_an_offline_ticket(
    net: dict[str, Any], stations: list[Station], client: Client
) -> None:
    _, raw = keys.issue("地图", scopes=["community"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    rows = client.get("/api/v1/community/stations?near=26.1001,119.3049", **auth).json()
    assert [r["code"] for r in rows] == ["SS-1", "HZ-1"]
    assert rows[0]["distance_m"] < 50 < rows[1]["distance_m"]
    assert client.get("/api/v1/community/stations?near=abc", **auth).status_code == 422
    page = client.get("/m/community/?near=26.0946,119.2951").content.decode()
    assert page.index("东街红色驿站") < page.index("东街说事站")

    client.force_login(net["worker"])
    station = stations[1]
    client.post(
        f"/community/stations/{station.pk}/",
        {"is_request": "1", "text": "小区门口的井盖松了，踩上去晃。", "phone": "13812340000"},
    )
    client.post(f"/community/stations/{station.pk}/", {"is_request": "0", "text": "来问社保。"})
    slip = station.slips.get(is_request=True)
    assert slip.ticket is not None
    assert slip.ticket.channel == "offline"
    assert "说事站“东街说事站”" in slip.ticket.description
    assert slip.ticket.community_linkage.level == "community"  # no steward, grid: community
    board = client.get("/community/stations/").content.decode()
    assert "东街说事站" in board
    row = next(r for r in queries.station_board(Station.objects.all()) if r.station == station)
    assert (row.slips, row.requests, row.open) == (2, 1, 1)
    bad = client.post(
        f"/community/stations/{station.pk}/", {"is_request": "1", "text": "x", "phone": "12"}
    )
    assert bad.status_code == 302
    assert station.slips.count() == 2


def test_a_meeting_with_resolutions_and_its_public_page(
    net: dict[str, Any], city: dict[str, Any], client: Client
) -> None:
    client.force_login(net["worker"])
    held = timezone.localtime() - timedelta(hours=2)
    response = client.post(
        "/community/meetings/",
        {
            "community": city["dongjie"].pk, "topic": "1号楼加装电梯", "place": "1号楼前院坝",
            "held_at": held.strftime("%Y-%m-%dT%H:%M"), "convenor": "社区书记何芳",
            "participants": "1号楼住户代表 12 人", "agenda": "加装电梯意愿；费用分摊",
        },
    )  # fmt: skip
    meeting = Meeting.objects.get()
    assert response.headers["Location"] == f"/community/meetings/{meeting.pk}/"
    deadline = (timezone.localdate() + timedelta(days=30)).isoformat()
    client.post(
        f"/community/meetings/{meeting.pk}/",
        {
            "minutes": "多数住户同意加装。", "text1": "征集全体住户签字",
            "owner1": city["dongjie"].pk, "deadline1": deadline,
            "text2": "报街道申请补助", "owner2": city["gudong"].pk, "deadline2": deadline,
        },
    )  # fmt: skip
    meeting.refresh_from_db()
    assert meeting.state == "held"
    tickets = [r.ticket for r in meeting.resolutions.all()]
    assert [t.unit.name for t in tickets if t and t.unit] == ["东街社区", "鼓东街道"]
    assert client.get(f"/m/community/c/{city['dongjie'].code}/").content.decode().count("征集") == 0
    client.post(f"/community/meetings/{meeting.pk}/", {"publish": "1"})
    public = Client().get(f"/m/community/c/{city['dongjie'].code}/").content.decode()
    assert "多数住户同意加装" in public
    assert "征集全体住户签字" in public
    assert "已派单" in public
    with pytest.raises(rules.RuleError):
        network.record_outcome(meeting, minutes="再来一次", decisions=[])


def test_residents_are_invited_by_sms_and_sign_in_with_the_meeting_code(
    net: dict[str, Any], city: dict[str, Any], client: Client
) -> None:
    from minsheng.notifications.models import Notification

    meeting = network.plan_meeting(
        city["dongjie"], topic="楼道堆物清理", place="2号楼前", convenor="何芳",
        held_at=timezone.now() + timedelta(hours=1),
    )  # fmt: skip
    client.force_login(net["worker"])
    client.post(
        f"/community/meetings/{meeting.pk}/",
        {"invite": "1", "people": "张三,13812340001\n李四，13812340002"},
    )
    assert Notification.objects.filter(body__contains="院坝协商会").count() == 2
    assert network.invite_people(meeting, [("张三", "13812340001")]) == 0  # once
    with pytest.raises(rules.RuleError):
        network.invite_people(meeting, [("王五", "12")])
    page = client.get(f"/community/meetings/{meeting.pk}/").content.decode()
    assert "138****0001" in page
    assert "13812340001" not in page

    resident = Client()
    wrong = "000000" if meeting.sign_code != "000000" else "111111"
    resident.post(
        f"/m/community/meetings/{meeting.pk}/sign/", {"phone": "13812340001", "code": wrong}
    )
    assert not meeting.people.filter(signed_in_at__isnull=False).exists()
    response = resident.post(
        f"/m/community/meetings/{meeting.pk}/sign/",
        {"phone": "13812340001", "code": meeting.sign_code},
    )
    assert response.status_code == 302
    network.sign_in(meeting, phone="13812349999", code=meeting.sign_code, name="路过的居民")
    assert meeting.people.filter(signed_in_at__isnull=False).count() == 2
    with pytest.raises(rules.RuleError, match="会议当天"):
        network.sign_in(
            meeting, phone="13812340002", code=meeting.sign_code,
            at=timezone.now() + timedelta(days=2),
        )  # fmt: skip


def test_leaders_are_reminded_of_visits_due_once(leader: Leader) -> None:
    from minsheng.notifications.models import Notification

    network.remind_visits()
    network.remind_visits()
    notices = Notification.objects.filter(user=leader.user, kind="community")
    assert notices.count() == 1
    assert "陈阿婆" in notices.get().body
    assert "已逾期" in notices.get().body


def test_a_visit_keeps_its_photo_and_refuses_other_files(
    leader: Leader, settings: Any, tmp_path: Any
) -> None:
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = str(tmp_path)
    buffer = BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(buffer, "JPEG")
    pairing = leader.pairings.get(household="刘大爷")
    today = timezone.localdate()
    photo = SimpleUploadedFile("visit.jpg", buffer.getvalue(), content_type="image/jpeg")
    visit = network.log_visit(leader, network.VisitLog(pairing, today, "刘大爷", photo=photo))
    assert visit.photo.name.endswith(".jpg")
    fake = SimpleUploadedFile("visit.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(rules.RuleError):
        network.log_visit(leader, network.VisitLog(pairing, today, "刘大爷", photo=fake))
    assert pairing.visits.count() == 1


def test_nearest_stations_match_a_full_scan(city: dict[str, Any]) -> None:
    import random

    rng = random.Random(609)
    Station.objects.bulk_create(
        Station(
            code=f"S{n:03d}", name=f"驿站{n}", kind="red", community=city["dongjie"],
            address="", lon=112.1 + rng.uniform(-0.3, 0.3), lat=32.0 + rng.uniform(-0.3, 0.3),
        )
        for n in range(200)
    )  # fmt: skip
    every = list(Station.objects.all())
    for _ in range(40):
        lat, lon = 32.0 + rng.uniform(-0.6, 0.6), 112.1 + rng.uniform(-0.6, 0.6)
        full = sorted(every, key=lambda s: (rules.distance_m(lat, lon, s.lat, s.lon), s.code))
        found = [s for s, _ in queries.nearest_stations(lat, lon, limit=5)]
        assert found == full[:5]
