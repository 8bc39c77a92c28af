"""The three steps over HTTP: one ticket on the mobile channel, or a clear refusal and nothing
written; the photo is stored without its EXIF."""

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from minsheng.citizens.models import Resident
from minsheng.residents.models import PendingPhoto
from minsheng.residents.tests.conftest import (
    IN_BEIJING,
    IN_DONGJIE,
    file_text_only,
    upload,
    what,
    where,
    who,
)
from minsheng.residents.tests.pictures import GPS_IFD, jpeg_with_gps, png
from minsheng.tickets.models import Attachment, Channel, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def nothing_written() -> bool:
    return not (
        Ticket.objects.exists()
        or PendingPhoto.objects.exists()
        or Attachment.objects.exists()
        or Resident.objects.filter(phone="13912345678").exists()
    )


# --- the whole way ---------------------------------------------------------------------------


def test_a_resident_files_a_request_with_a_photo_and_a_map_point_in_three_steps(
    client: Client, mapped: dict[str, Any], catalogue: dict[str, Any]
) -> None:
    response = what(client, catalogue["noise"], photo=upload(jpeg_with_gps()))
    assert response.status_code == 302
    assert response.url == reverse("residents:where")
    assert PendingPhoto.objects.count() == 1

    response = where(client, **IN_DONGJIE)
    assert response.status_code == 302
    assert response.url == reverse("residents:who")

    response = who(client, phone="139 1234 5678", name="林女士")

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("residents:receipt", args=[ticket.number])
    assert ticket.channel == Channel.MOBILE
    assert ticket.category == catalogue["noise"]
    assert ticket.place == mapped["dongjie"]
    assert (ticket.lon, ticket.lat) == (119.3, 26.09)
    assert ticket.address == "鼓楼区鼓东街道东街社区（地图选点）"
    assert ticket.resident.phone == "13912345678"
    assert Resident.objects.filter(phone="13912345678").count() == 1
    assert not PendingPhoto.objects.exists()
    stored = ticket.attachments.get()
    assert stored.content_type == "image/jpeg"
    picture = Image.open(io.BytesIO(stored.file.read()))
    assert dict(picture.getexif()) == {}
    assert not picture.getexif().get_ifd(GPS_IFD)
    receive = TicketEvent.objects.get(ticket=ticket, action="receive")
    assert receive.actor_label == "诉求人（尾号5678）"
    attach = TicketEvent.objects.get(ticket=ticket, action="attach")
    assert attach.actor_label == "诉求人（尾号5678）"


def test_the_receipt_shows_the_number_and_opens_the_tracking_page_straight_away(
    client: Client, mapped: dict[str, Any], catalogue: dict[str, Any]
) -> None:
    response = file_text_only(client, catalogue["noise"], phone="13912345678", address="东街88号")
    ticket = Ticket.objects.get()

    receipt = client.get(response.url)
    tracking = client.get(reverse("resident_ticket", args=[ticket.number]))

    assert ticket.number in receipt.content.decode()
    assert f'href="/m/t/{ticket.number}/"' in receipt.content.decode()
    assert client.session["m_tickets"] == [ticket.number]
    assert tracking.status_code == 200


def test_a_text_only_request_needs_neither_javascript_nor_the_map(
    client: Client, mapped: dict[str, Any], catalogue: dict[str, Any]
) -> None:
    assert what(client, catalogue["noise"]).status_code == 302
    typed = " 鼓楼区 东街 ８８ 号 "
    assert where(client, address=typed, street=mapped["gudong"].pk).status_code == 302

    who(client, phone="+86 139-1234-5678")

    ticket = Ticket.objects.get()
    assert ticket.address == "鼓楼区东街88号"
    assert ticket.place == mapped["gudong"]
    assert ticket.lon is None
    assert ticket.attachments.count() == 0


def test_a_resident_who_does_not_know_the_category_gets_one_from_the_description(
    client: Client, mapped: dict[str, Any], catalogue: dict[str, Any]
) -> None:
    what(client, "unknown", description="楼下夜里施工太吵了")
    where(client, address="东街88号")

    page = client.get(reverse("residents:who")).content.decode()
    who(client)

    assert "噪音扰民" in page
    assert "根据您的描述选择" in page
    assert Ticket.objects.get().category == catalogue["noise"]


def test_the_category_search_works_without_javascript(
    client: Client, mapped: dict[str, Any], catalogue: dict[str, Any]
) -> None:
    page = client.get(reverse("residents:what"), {"q": "停水"}).content.decode()

    assert f'value="{catalogue["water_cut"].pk}"' in page
    assert f'value="{catalogue["noise"].pk}"' not in page


def test_a_later_step_without_the_earlier_ones_goes_back_to_the_first(client: Client) -> None:
    assert client.get(reverse("residents:where")).url == reverse("residents:what")
    assert client.get(reverse("residents:who")).url == reverse("residents:what")


def test_a_receipt_is_shown_only_to_the_phone_that_filed_it(
    client: Client, make_ticket: Any
) -> None:
    ticket = make_ticket()

    response = client.get(reverse("residents:receipt", args=[ticket.number]))

    assert response.url == reverse("residents:track")


@pytest.mark.parametrize("path", ["residents:what", "residents:where", "residents:who"])
def test_large_type_mode_stays_on_across_the_steps(
    client: Client, mapped: dict[str, Any], catalogue: dict[str, Any], path: str
) -> None:
    what(client, catalogue["noise"])
    where(client, address="东街88号")
    client.cookies["ms_large"] = "1"

    page = client.get(reverse(path)).content.decode()

    assert 'class="m-root large-type"' in page


# --- bad input -------------------------------------------------------------------------------

BIG_JPEG = b"\xff\xd8\xff\xe0" + b"\0" * (10 * 1024 * 1024 + 1)


def too_many_pixels() -> bytes:
    out = io.BytesIO()
    Image.new("L", (9000, 5000)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"description": ""}, "请描述您遇到的问题。"),
        ({"description": "   "}, "请描述您遇到的问题。"),
        ({"description": "长" * 4001}, "问题描述不能超过 4000 字（现有 4001 字）。"),
        ({"description": "<script>alert(1)</script>"}, "不能包含网页代码"),
        ({"category": ""}, "请选择问题分类"),
        ({"category": "999999"}, "请在列表中选择问题分类。"),
        ({"request_type": "bribe"}, "诉求类型不正确。"),
        ({"request_type": "praise"}, "“噪音扰民”不受理表扬类诉求"),
        ({"photo": upload(b"MZ\x90\x00\x03 this is an exe")}, "只能上传 JPEG、PNG 或 WebP"),
        ({"photo": upload(b"%PDF-1.4 fake", "scan.jpg")}, "只能上传 JPEG、PNG 或 WebP"),
        ({"photo": upload(BIG_JPEG)}, "照片不能超过 10 MB。"),
        ({"photo": upload(too_many_pixels(), "big.png", "image/png")}, "照片尺寸过大"),
    ],
)
def test_bad_input_on_the_first_step_is_refused_in_chinese_and_nothing_is_written(
    client: Client, mapped: dict[str, Any], catalogue: dict[str, Any], fields: Any, message: str
) -> None:
    category = fields.pop("category", catalogue["noise"])

    response = what(client, category, **fields)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "m_new" not in client.session
    assert nothing_written()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "请填写地址，或在地图上点选位置。"),
        (IN_BEIJING, "所选位置不在本市受理范围内"),
        ({"lon": "119.4", "lat": "26.09"}, "所选位置不在本市受理范围内"),
        ({"lon": "abc", "lat": "26.09"}, "坐标不正确"),
        ({"lon": "119.3"}, "坐标不正确"),
        ({"lon": "nan", "lat": "nan"}, "坐标不正确"),
        ({"address": "<script>alert(1)</script>"}, "不能包含网页代码"),
        ({"address": "路" * 201}, "地址不能超过 200 字。"),
        ({"address": "东街88号", "street": "999999"}, "请在列表中选择街道。"),
    ],
)
def test_bad_input_on_the_second_step_is_refused_in_chinese(
    client: Client, mapped: dict[str, Any], catalogue: dict[str, Any], fields: Any, message: str
) -> None:
    what(client, catalogue["noise"])

    response = where(client, **fields)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "address" not in client.session["m_new"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"phone": ""}, "请填写手机号码。"),
        ({"phone": "12ab"}, "请输入正确的手机号码。"),
        ({"phone": "123"}, "请输入正确的手机号码。"),
        ({"phone": "13912345678", "name": "<script>x</script>"}, "不能包含网页代码"),
    ],
)
def test_bad_input_on_the_third_step_is_refused_in_chinese_and_no_ticket_is_filed(
    client: Client, mapped: dict[str, Any], catalogue: dict[str, Any], fields: Any, message: str
) -> None:
    what(client, catalogue["noise"], photo=upload(png(), "a.png", "image/png"))
    where(client, address="东街88号")

    response = client.post(reverse("residents:who"), fields)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Ticket.objects.exists()
    assert not Attachment.objects.exists()
    assert not Resident.objects.filter(phone="13912345678").exists()


def test_a_resident_may_replace_or_remove_the_photo_before_filing(
    client: Client, mapped: dict[str, Any], catalogue: dict[str, Any]
) -> None:
    what(client, catalogue["noise"], photo=upload(jpeg_with_gps()))
    what(client, catalogue["noise"], photo=upload(png(), "b.png", "image/png"))
    assert PendingPhoto.objects.get().content_type == "image/png"

    what(client, catalogue["noise"], remove_photo="on")
    where(client, address="东街88号")
    who(client)

    assert not PendingPhoto.objects.exists()
    assert not Ticket.objects.get().attachments.exists()


# --- the map ---------------------------------------------------------------------------------


def test_the_map_outlines_districts_and_streets_as_geojson(
    client: Client, mapped: dict[str, Any]
) -> None:
    response = client.get(reverse("residents:areas"))

    data = response.json()
    assert response["Content-Type"] == "application/geo+json"
    assert data["type"] == "FeatureCollection"
    names = {f["properties"]["name"] for f in data["features"]}
    assert names == {"鼓楼区", "鼓东街道", "鼓西街道"}
    assert all(f["geometry"]["type"] == "Polygon" for f in data["features"])


def test_a_tapped_point_is_named_by_its_street_and_community(
    client: Client, mapped: dict[str, Any]
) -> None:
    inside = client.get(reverse("residents:locate"), IN_DONGJIE)
    outside = client.get(reverse("residents:locate"), IN_BEIJING)
    nonsense = client.get(reverse("residents:locate"), {"lon": "x"})

    assert inside.json() == {"place": "鼓楼区鼓东街道东街社区"}
    assert outside.status_code == 400
    assert "不在本市受理范围内" in outside.json()["error"]
    assert nonsense.status_code == 400
    assert "坐标不正确" in nonsense.json()["error"]


def test_a_tap_in_another_street_than_the_address_is_flagged_not_silently_used(
    client: Client, mapped: dict[str, Any], catalogue: dict[str, Any]
) -> None:
    """#13 defect 3: a tap in one street overrode the address typed for another, unannounced."""
    what(client, catalogue["noise"])

    warned = where(client, address="鼓西街道杨桥路12号", **IN_DONGJIE)

    page = warned.content.decode()
    assert warned.status_code == 200
    assert "您填写的地址在鼓楼区鼓西街道，地图选点却在鼓楼区鼓东街道东街社区" in page
    assert "两者不一致" in page
    assert 'name="confirm_place"' in page
    assert "address" not in client.session["m_new"]

    confirmed = where(client, address="鼓西街道杨桥路12号", confirm_place="on", **IN_DONGJIE)
    assert confirmed.status_code == 302
    who(client)

    ticket = Ticket.objects.get()
    assert ticket.address == "鼓西街道杨桥路12号"
    assert ticket.place == mapped["gulou"]  # the unit both lie in, not the tapped street
    hold = TicketEvent.objects.get(ticket=ticket, action="hold")  # the dispatcher is told
    assert hold.data["reason"] == "ambiguous_place"
    assert hold.data["places"] == ["鼓楼区鼓西街道", "鼓楼区鼓东街道东街社区"]


def test_an_address_and_a_tap_that_agree_go_straight_on(
    client: Client, mapped: dict[str, Any], catalogue: dict[str, Any]
) -> None:
    what(client, catalogue["noise"])
    assert where(client, address="鼓东街道东街88号", **IN_DONGJIE).status_code == 302
    who(client)
    assert Ticket.objects.get().place == mapped["dongjie"]


def test_the_map_warns_as_soon_as_the_tap_disagrees_with_the_address(
    client: Client, mapped: dict[str, Any]
) -> None:
    url = reverse("residents:locate")
    apart = client.get(url, {**IN_DONGJIE, "address": "鼓西街道杨桥路12号"}).json()
    together = client.get(url, {**IN_DONGJIE, "address": "东街88号"}).json()
    assert apart["place"] == "鼓楼区鼓东街道东街社区"
    assert "两者不一致" in apart["conflict"]
    assert "conflict" not in together


def test_without_any_boundary_the_map_is_not_offered(
    client: Client, city: dict[str, Any], catalogue: dict[str, Any]
) -> None:
    what(client, catalogue["noise"])

    page = client.get(reverse("residents:where")).content.decode()
    response = where(client, **IN_DONGJIE)

    assert "data-map" not in page
    assert "暂不支持地图选点，请填写地址。" in response.content.decode()
