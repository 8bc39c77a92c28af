"""The dashboard, map and hotspot pages: the centre sees the city, a street its own tickets."""

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from minsheng.analytics.models import Hotspot

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_centre_dashboard_counts_every_ticket(streets_with_tickets: Any, supervisor: Any):
    response = _client(supervisor).get(reverse("analytics:dashboard"))
    assert response.status_code == 200
    data = response.context["data"]
    assert data["total"] == 4
    assert data["open"] == {**data["open"], "open": 4, "overdue": 0}
    assert {a["name"]: a["value"] for a in data["areas"]} == {"鼓楼区": 4}
    assert {c["name"]: c["value"] for c in data["channels"]} == {"12345热线": 4}
    assert sum(data["hours"]) == 4
    assert sum(data["weekdays"]) == 4
    assert b'data-value="total">4<' in response.content
    assert b'id="dashboard-data"' in response.content


def test_a_street_dashboard_counts_only_its_own_tickets(
    streets_with_tickets: Any, street_handler: Any, guxi_handler: Any
):
    gudong = _client(street_handler).get(reverse("analytics:dashboard")).context["data"]
    guxi = _client(guxi_handler).get(reverse("analytics:data")).json()
    assert (gudong["total"], gudong["open"]["open"]) == (3, 3)
    assert (guxi["total"], guxi["open"]["open"]) == (1, 1)


def test_the_dashboard_filters_by_area_and_period(
    streets_with_tickets: Any, supervisor: Any, city: dict[str, Any]
):
    client = _client(supervisor)
    by_street = client.get(reverse("analytics:dashboard"), {"area": "350102002"})
    assert by_street.context["data"]["total"] == 1
    old = client.get(reverse("analytics:dashboard"), {"start": "2020-01-01", "end": "2020-01-31"})
    assert old.context["data"]["total"] == 0


def _selected_period(html: str) -> list[str]:
    select = re.search(r'<select name="days">(.*?)</select>', html, re.S)
    assert select is not None
    return re.findall(r"<option [^>]*selected>([^<]*)</option>", select.group(1))


@pytest.mark.parametrize("page", ["analytics:dashboard", "analytics:map"])
def test_the_period_select_names_the_30_days_shown_not_7(
    streets_with_tickets: Any, supervisor: Any, page: str
):
    """#13 defect 8: the pages showed 30 days' data under a select reading 近7天."""
    client = _client(supervisor)
    html = client.get(reverse(page)).content.decode()
    assert _selected_period(html) == ["近30天"]
    assert _selected_period(client.get(reverse(page), {"days": "90"}).content.decode()) == [
        "近90天"
    ]
    dated = client.get(reverse(page), {"start": "2026-01-01", "end": "2026-01-31"})
    assert _selected_period(dated.content.decode()) == ["按起止日期"]


def test_bad_filter_input_shows_a_chinese_message_and_the_default_period(
    streets_with_tickets: Any, supervisor: Any, street_handler: Any
):
    client = _client(supervisor)
    response = client.get(reverse("analytics:dashboard"), {"start": "昨天", "days": "13"})
    assert response.status_code == 200
    assert "开始日期格式不正确。" in response.content.decode()
    assert response.context["data"]["total"] == 4
    foreign = _client(street_handler).get(reverse("analytics:dashboard"), {"area": "350102002"})
    assert "您无权查看该区域，或该区域不存在。" in foreign.content.decode()
    assert foreign.context["data"]["total"] == 3
    bad_json = client.get(reverse("analytics:data"), {"end": "2026-13-40"})
    assert bad_json.status_code == 400
    assert bad_json.json()["errors"] == ["结束日期格式不正确。"]


def test_the_big_screen_shows_the_same_numbers_and_refreshes_itself(
    streets_with_tickets: Any, supervisor: Any
):
    response = _client(supervisor).get(reverse("analytics:screen"))
    html = response.content.decode()
    assert response.context["data"]["total"] == 4
    assert 'data-refresh-seconds="60"' in html
    assert 'class="screen"' in html
    assert "<script>" not in html


def test_the_map_shades_areas_for_the_centre_and_only_own_numbers_for_a_street(
    streets_with_tickets: Any, supervisor: Any, street_handler: Any
):
    url = reverse("analytics:map_areas")
    centre = _client(supervisor).get(url, {"level": "street"}).json()
    street = _client(street_handler).get(url, {"level": "street"}).json()
    assert {f["properties"]["name"]: f["properties"]["value"] for f in centre["features"]} == {
        "鼓东街道": 3,
        "鼓西街道": 1,
    }
    assert {f["properties"]["name"]: f["properties"]["value"] for f in street["features"]} == {
        "鼓东街道": 3,
        "鼓西街道": None,
    }
    assert centre["features"][0]["geometry"]["type"] == "Polygon"


def test_a_street_sees_only_its_own_points_and_no_personal_data(
    streets_with_tickets: Any, supervisor: Any, street_handler: Any
):
    url = reverse("analytics:map_points")
    centre = _client(supervisor).get(url).json()["points"]
    street = _client(street_handler).get(url).json()["points"]
    guxi = streets_with_tickets["guxi"].number
    assert guxi in {p["number"] for p in centre}
    assert len(centre) == 4
    assert {p["number"] for p in street} == {t.number for t in streets_with_tickets["gudong"]}
    assert set(street[0]) == {"number", "category", "status", "lon", "lat", "url"}
    assert "138" not in json.dumps(centre)


def test_the_map_page_names_no_tile_server_unless_one_is_set(
    streets_with_tickets: Any, supervisor: Any, settings: Any
):
    client = _client(supervisor)
    assert 'data-tile-url=""' in client.get(reverse("analytics:map")).content.decode()
    settings.MINSHENG_TILE_URL = "https://tiles.example.gov.cn/{z}/{x}/{y}.png"
    assert "tiles.example.gov.cn" in client.get(reverse("analytics:map")).content.decode()
    bad = client.get(reverse("analytics:map"), {"level": "planet"})
    assert "请选择区、街道或社区。" in bad.content.decode()


def test_hotspots_list_the_cluster_and_its_tickets_for_those_who_may_see_them(
    streets_with_tickets: Any, supervisor: Any, street_handler: Any, guxi_handler: Any
):
    spot = Hotspot.objects.get(kind="cluster")
    numbers = sorted(t.number for t in streets_with_tickets["gudong"])
    assert sorted(spot.members.values_list("ticket__number", flat=True)) == numbers
    listing = _client(street_handler).get(reverse("analytics:hotspots")).content.decode()
    assert spot.title in listing
    page = _client(street_handler).get(reverse("analytics:hotspot", args=[spot.key]))
    assert all(f"/t/{n}/" in page.content.decode() for n in numbers)
    assert (
        spot.title not in _client(guxi_handler).get(reverse("analytics:hotspots")).content.decode()
    )
    hidden = _client(guxi_handler).get(reverse("analytics:hotspot", args=[spot.key]))
    assert hidden.status_code == 404
    wrong_kind = _client(supervisor).get(reverse("analytics:hotspots"), {"kind": "nope"})
    assert "热点类型不正确，已显示全部热点。" in wrong_kind.content.decode()


def test_the_map_marks_the_top_hotspots_by_rank_for_those_who_may_see_them(
    streets_with_tickets: Any, supervisor: Any, guxi_handler: Any
):
    url = reverse("analytics:map_points")
    top = Hotspot.objects.exclude(lon=None).order_by("-score", "-size", "key").first()
    assert top is not None
    markers = _client(supervisor).get(url).json()["hotspots"]
    assert markers[0]["rank"] == 1
    assert markers[0]["title"] == top.title
    assert markers[0]["url"] == reverse("analytics:hotspot", args=[top.key])
    others = _client(guxi_handler).get(url).json()["hotspots"]
    assert top.title not in {m["title"] for m in others}


def test_someone_without_a_unit_is_refused_with_a_chinese_message(db: Any, client: Client):
    from minsheng.accounts.models import User

    nobody = User.objects.create_user(username="nobody", password="pw")
    client.force_login(nobody)
    response = client.get(reverse("analytics:dashboard"))
    assert response.status_code == 403
    anonymous = Client().get(reverse("analytics:dashboard"))
    assert anonymous.status_code == 302
