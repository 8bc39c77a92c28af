"""suggest() and the pages on the conftest city: duplicates, units, bad input, who may see what."""

from typing import Any

import pytest

from minsheng.triage import queries
from minsheng.triage.models import ModelVersion, Place
from minsheng.triage.suggest import agreement, agreements, suggest

NOISE = "东街社区旁工地每天夜里十一点后还在施工，噪音很大，影响休息。"


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    queries.reset()


@pytest.fixture
def catalogue_words(catalogue: dict[str, Any]) -> dict[str, Any]:
    catalogue["noise"].keywords = "噪音|施工|扰民|夜间施工"
    catalogue["noise"].save()
    catalogue["water_cut"].keywords = "停水|没水|自来水"
    catalogue["water_cut"].save()
    return catalogue


@pytest.mark.django_db
def test_cold_start_suggests_category_place_and_the_street(
    city: dict[str, Any], catalogue_words: dict[str, Any]
) -> None:
    s = suggest("夜间施工噪音扰民", address="鼓楼区鼓东街道东街88号")
    assert s.cold_start
    assert s.category.category == catalogue_words["noise"]
    assert s.category.group.name == "城市管理"
    assert [c.category.code for c in s.categories][:1] == ["CG-NOISE"]
    assert s.place == city["gudong"]  # 东街88号 is a road, not 东街社区
    assert s.units[0].unit == city["gudong"]
    assert s.request_type is not None
    water = suggest("今天一早就停水了，什么时候恢复", address="鼓楼区")
    assert water.category.category == catalogue_words["water_cut"]
    assert water.units[0].unit == city["water"]
    assert "指定" in water.units[0].reason


@pytest.mark.django_db
def test_agreement_is_the_probability_of_the_chosen_category_when_it_is_the_best_guess(
    catalogue_words: dict[str, Any],
) -> None:
    noise, water = catalogue_words["noise"], catalogue_words["water_cut"]
    requests = [
        ("夜间施工噪音扰民", noise),
        ("夜间施工噪音扰民", water),
        ("", noise),
        ("停水", water),
    ]

    together = agreements(requests)

    assert together == [agreement(text, category) for text, category in requests]
    assert together[0] == suggest("夜间施工噪音扰民").category.confidence > 0
    assert together[1] == together[2] == 0.0  # not its best guess; nothing to read
    assert together[3] > 0


@pytest.mark.django_db
def test_similar_open_tickets_nearby_are_offered_for_merging(
    make_ticket: Any, city: dict[str, Any], catalogue_words: dict[str, Any]
) -> None:
    first = make_ticket(description=NOISE)
    make_ticket(description="仓山区有路灯不亮", place=city["guxi"], title="路灯")
    s = suggest("东街社区旁边的工地每天夜里十一点还在施工，很吵", address="鼓楼区东街")
    assert [d.ticket for d in s.duplicates] == [first]
    assert 0.3 <= s.duplicates[0].similarity < 1
    assert suggest(NOISE, exclude=first.pk).duplicates == []


@pytest.mark.django_db
def test_an_admins_place_name_and_a_map_pin_locate_the_request(
    city: dict[str, Any], catalogue_words: dict[str, Any]
) -> None:
    Place.objects.create(name="三坊七巷", aliases="南后街", unit=city["gudong"])
    assert suggest("南后街有人占道经营").place == city["gudong"]
    queries.reset()
    city["guxi"].boundary = {
        "type": "Polygon",
        "coordinates": [[[119.28, 26.08], [119.30, 26.08], [119.30, 26.10], [119.28, 26.08]]],
    }
    city["guxi"].save()
    pinned = suggest("这里路灯不亮", lat="26.085", lon="119.295")
    assert pinned.place == city["guxi"]
    assert pinned.location.confidence >= 0.85


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "address", "lat"),
    [
        ("", "", None),
        ("😀😀😀", "", None),
        ("噪音" * 50_000, "", None),  # 100 kB
        ("Noise 噪音 ذذذ шум", "鼓楼区", "not a number"),
        ("噪音", "", "95"),
    ],
)
def test_bad_input_gives_a_warning_or_low_confidence_never_a_crash(
    city: dict[str, Any], catalogue_words: dict[str, Any], text: str, address: str, lat: Any
) -> None:
    s = suggest(text, address=address, lat=lat, lon="119.3")
    assert s.warnings or s.category is None or s.category.confidence <= 1
    assert s.as_record()["warnings"] == s.warnings


@pytest.mark.django_db
def test_the_partial_is_for_the_centre_only(
    client: Any, agent: Any, street_handler: Any, catalogue_words: dict[str, Any]
) -> None:
    client.force_login(street_handler)
    assert client.get("/triage/suggest/", {"description": "停水"}).status_code == 403
    client.force_login(agent)
    response = client.get(
        "/triage/suggest/", {"description": "夜间施工噪音", "address": "鼓楼区鼓东街道"}
    )
    assert response.status_code == 200
    assert "噪音扰民" in response.text
    assert "鼓东街道" in response.text
    assert "data-triage-set" in response.text


@pytest.mark.django_db
def test_the_model_page_retrains_and_rolls_back_for_superusers_only(
    client: Any, dispatcher: Any, admin_user: Any, catalogue_words: dict[str, Any]
) -> None:
    client.force_login(dispatcher)
    assert client.get("/triage/model/").status_code == 403
    assert client.post("/triage/model/retrain/").status_code == 403
    client.force_login(admin_user)
    page = client.get("/triage/model/")
    assert page.status_code == 200
    assert "冷启动" in page.text
    assert client.get("/triage/model/retrain/").status_code == 405
    retrain = client.post("/triage/model/retrain/", follow=True)
    assert "已办结工单不足" in retrain.text
    back = client.post("/triage/model/rollback/", follow=True)
    assert "没有更早的模型版本" in back.text
    assert not ModelVersion.objects.exists()


@pytest.mark.django_db
def test_the_centre_records_a_correction_and_a_unit_cannot(
    client: Any, dispatcher: Any, street_handler: Any, make_ticket: Any, catalogue: Any
) -> None:
    from minsheng.triage.models import Correction

    ticket = make_ticket()
    data = {
        "ticket": ticket.number,
        "category": catalogue["policy"].pk,
        "suggested": '{"category": "CG-NOISE"}',
    }
    client.force_login(street_handler)
    assert client.post("/triage/corrections/", data).status_code == 403
    client.force_login(dispatcher)
    assert client.post("/triage/corrections/", data).status_code == 204
    assert client.post("/triage/corrections/", {**data, "suggested": "{bad"}).status_code == 204
    assert Correction.objects.filter(ticket=ticket, category=catalogue["policy"]).count() == 2
    assert client.post("/triage/corrections/", {"ticket": "NOPE"}).status_code == 404
