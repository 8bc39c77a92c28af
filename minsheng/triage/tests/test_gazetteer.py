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


def test_a_road_named_after_a_street_is_not_the_street(fuzhou: Gazetteer) -> None:
    assert fuzhou.locate("东街88号门口").code == ""  # not 东街街道, nor 东街社区
    assert fuzhou.locate("鼓东路口积水").code == ""
    assert fuzhou.locate("鼓东街道东街88号").street == "鼓东街道"


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


def test_a_street_named_in_the_text_wins_over_a_road_in_the_address(fuzhou: Gazetteer) -> None:
    """#13 defect 4: 鼓东街道东街口… with the address 华林路12号 suggested 华林路's street."""
    g = fuzhou.copy()
    g.add(Entry("350102003", "安泰街道", 4, "350102", unit="350102003", local=True))
    g.add(Entry("place:2", "华林路", PLACE, "350102003", unit="350102003", local=True), short=False)
    g.finish()
    found = g.locate("鼓东街道东街口路灯不亮", address="华林路12号")
    assert (found.street, found.unit) == ("鼓东街道", "350102001")
    # The road alone, or a text naming the road's own street, keeps the road.
    assert g.locate("路灯不亮", address="华林路12号").place == "华林路"
    same = g.locate("安泰街道路灯不亮", address="华林路12号")
    assert (same.street, same.place) == ("安泰街道", "华林路")
    # An address that names a division itself still wins over the text.
    assert g.locate("鼓东街道东街口", address="安泰街道华林路12号").street == "安泰街道"


def test_emoji_and_mixed_scripts_around_a_place_do_not_hide_it(fuzhou: Gazetteer) -> None:
    assert fuzhou.locate("🚧 Gulou 鼓楼区 road 坏了 🙏").district == "鼓楼区"
    assert fuzhou.locate("鼓楼区" + "很长的文字" * 20_000).district == "鼓楼区"


def test_short_forms_strip_suffixes_carefully() -> None:
    assert short_forms("鼓楼区", 3) == ["鼓楼"]
    assert short_forms("鼓东街道", 4) == ["鼓东"]
    assert short_forms("新区", 3) == []  # one character left: never a short form
    assert short_forms("城关镇", 4) == []  # too common to mean one place
    assert short_forms("内蒙古自治区", 1) == ["内蒙古"]
    assert short_forms("东街社区", COMMUNITY) == []
    assert short_forms("东街社区居委会", COMMUNITY) == ["东街社区"]
    assert short_forms("林浦村委会", COMMUNITY) == ["林浦村"]


@pytest.fixture(scope="module")
def cangshan() -> Gazetteer:
    """The demo's 林浦社区 lies in 东升街道; the real 林浦村 in 城门镇 is not one of its units."""
    g = Gazetteer(city_code="3501")
    g.add_divisions(divisions.read())
    g.add(Entry("350104002", "东升街道", 4, "350104", unit="350104002", local=True))
    g.add(Entry("350104101", "城门镇", 4, "350104", unit="350104101", local=True))
    g.add(
        Entry("350104002001", "林浦社区", COMMUNITY, "350104002", unit="350104002001", local=True)
    )
    g.add(Entry("350103012", "宁化街道", 4, "350103", unit="350103012", local=True))
    for street in ("350102001", "350102002"):  # one community name in two streets
        g.add(Entry(f"{street}009", "新村社区", COMMUNITY, street, unit=f"{street}009", local=True))
    return g.finish()


def test_the_chain_the_text_states_wins_over_another_place_of_the_name(
    cangshan: Gazetteer,
) -> None:
    found = cangshan.locate("仓山区城门镇林浦村道路坑洼")
    assert (found.district, found.street, found.community) == ("仓山区", "城门镇", "")
    assert found.unit == "350104101"
    assert found.confidence >= 0.85  # 0.95 × 0.9: said in the text, not the address field
    assert not found.alternatives


def test_a_village_is_not_taken_for_the_community_of_the_same_name(cangshan: Gazetteer) -> None:
    assert cangshan.locate("林浦村道路坑洼").code == ""  # not 东升街道's 林浦社区
    assert cangshan.locate("林浦社区道路坑洼").unit == "350104002001"


def test_a_street_named_in_full_or_without_its_suffix_is_found(cangshan: Gazetteer) -> None:
    found = cangshan.locate("台江区宁化街道祥坂街垃圾堆放多日无人清运")
    assert (found.street, found.unit) == ("宁化街道", "350103012")
    assert found.confidence >= 0.85
    assert cangshan.locate("仓山城门林浦村路面坑洼").unit == "350104101"  # 镇 left out
    assert cangshan.locate("宁化祥坂街垃圾没人清运").unit == "350103012"  # 街道 left out


def test_one_name_in_two_streets_is_ambiguous(cangshan: Gazetteer) -> None:
    found = cangshan.locate("新村社区门口垃圾堆积")
    assert sorted(found.alternatives) == ["350102001009", "350102002009"]
    assert found.confidence < 0.6
    # Naming the street settles it.
    assert cangshan.locate("鼓西街道新村社区门口垃圾堆积").unit == "350102002009"
