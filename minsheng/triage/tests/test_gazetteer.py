"""Place recognition on the shipped national divisions, as a Fuzhou deployment sees them."""

import pytest

from minsheng.triage import divisions
from minsheng.triage.gazetteer import COMMUNITY, PLACE, Entry, Gazetteer, short_forms


@pytest.fixture(scope="module")
def fuzhou() -> Gazetteer:
    g = Gazetteer(city_code="3501")
    g.add_divisions(divisions.read())
    # Two of the deployment's own units and an admin's place name, as queries adds them.
    g.add(Entry("350102001", "鼓东街道", 4, "350102", unit="350102001", local=True))
    g.add(
        Entry("350102001001", "东街社区", COMMUNITY, "350102001", unit="350102001001", local=True)
    )
    g.add(
        Entry("place:1", "三坊七巷", PLACE, "350102001", unit="350102001", local=True),
        aliases=["南后街"],
        short=False,
    )
    return g.finish()


def test_the_shipped_file_covers_every_township_of_the_country() -> None:
    rows = dict(divisions.read())
    assert len(rows) > 44_000
    assert rows["350102001"] == "鼓东街道"
    assert rows["110105026"] == "望京街道"


@pytest.mark.parametrize(
    ("text", "district", "street"),
    [
        ("鼓楼区鼓东街道东街口有人占道经营", "鼓楼区", "鼓东街道"),
        ("福建省福州市晋安区岳峰镇某小区停水", "晋安区", "岳峰镇"),
        ("仓山区城门镇村道坑洼", "仓山区", "城门镇"),
        ("马尾区罗星街道路灯不亮", "马尾区", "罗星街道"),
    ],
)
def test_fuzhou_streets_are_found_with_their_district(
    fuzhou: Gazetteer, text: str, district: str, street: str
) -> None:
    found = fuzhou.locate(text)
    assert (found.district, found.street) == (district, street)
    assert not found.outside
    assert found.confidence >= 0.8


def test_a_short_name_means_the_district(fuzhou: Gazetteer) -> None:
    found = fuzhou.locate("仓山万达门口路灯不亮")
    assert found.district == "仓山区"
    assert found.street == ""  # not 仓山镇: the short name is the district's
    assert fuzhou.locate("家住鼓楼，楼下夜市太吵").district == "鼓楼区"


def test_community_and_place_names_lead_to_the_unit(fuzhou: Gazetteer) -> None:
    found = fuzhou.locate("东街社区旁工地夜间施工")
    assert (found.street, found.community, found.unit) == ("鼓东街道", "东街社区", "350102001001")
    place = fuzhou.locate("南后街游客太多噪音大")  # an alias of an admin's place name
    assert (place.place, place.unit) == ("三坊七巷", "350102001")


@pytest.mark.parametrize(
    ("text", "district", "street"),
    [
        ("北京市朝阳区望京街道夜间施工", "朝阳区", "望京街道"),
        ("海淀区中关村街道共享单车乱停", "海淀区", "中关村街道"),
        ("北京东城区东华门街道", "东城区", "东华门街道"),
    ],
)
def test_beijing_streets_are_recognised_as_outside_the_city(
    fuzhou: Gazetteer, text: str, district: str, street: str
) -> None:
    found = fuzhou.locate(text)
    assert (found.district, found.street, found.city) == (district, street, "北京市")
    assert found.outside
    assert found.unit == ""


def test_an_ambiguous_district_prefers_the_deployments_city(fuzhou: Gazetteer) -> None:
    assert fuzhou.locate("鼓楼区有井盖缺失").code == "350102"
    nanjing = fuzhou.locate("南京市鼓楼区湖南路")
    assert (nanjing.code, nanjing.outside) == ("320106", True)
    assert fuzhou.locate("徐州鼓楼区").city == "徐州市"


def test_the_same_district_name_elsewhere_is_not_local_without_our_city() -> None:
    nanjing = Gazetteer(city_code="3201")
    nanjing.add_divisions(divisions.read())
    nanjing.finish()
    assert nanjing.locate("鼓楼区").code == "320106"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "楼下噪音很大，请处理",
        "😀😀🚧🚧",
        "The road near 小区 is broken!!",
        "x" * 100_000,
    ],
)
def test_no_place_gives_an_empty_result_with_no_confidence(fuzhou: Gazetteer, text: str) -> None:
    found = fuzhou.locate(text)
    assert found.code == ""
    assert found.confidence == 0


def test_the_address_field_wins_over_the_text(fuzhou: Gazetteer) -> None:
    found = fuzhou.locate("上次在仓山反映过", address="鼓楼区鼓东街道东街88号")
    assert found.street == "鼓东街道"


def test_emoji_and_mixed_scripts_around_a_place_do_not_hide_it(fuzhou: Gazetteer) -> None:
    assert fuzhou.locate("🚧 Gulou 鼓楼区 road 坏了 🙏").district == "鼓楼区"
    assert fuzhou.locate("鼓楼区" + "很长的文字" * 20_000).district == "鼓楼区"


def test_short_forms_strip_suffixes_carefully() -> None:
    assert short_forms("鼓楼区", 3) == ["鼓楼"]
    assert short_forms("鼓东街道", 4) == ["鼓东"]
    assert short_forms("新区", 3) == []  # one character left: never a short form
    assert short_forms("城关镇", 4) == []  # too common to mean one place
    assert short_forms("内蒙古自治区", 1) == ["内蒙古"]
