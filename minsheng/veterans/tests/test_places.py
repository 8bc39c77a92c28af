"""Native places resolved to today's divisions, old names and communes included (pure)."""

import pytest

from minsheng.veterans import places


@pytest.fixture(scope="module")
def index() -> places.PlaceIndex:
    return places.default_index()


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("江西雩都县", "360731"),  # renamed 1957
        ("宁冈县", "360881"),  # merged into 井冈山市 in 2000
        ("博生县", "360730"),  # the soviet-era name of 宁都
        ("湖北黄安", "421122"),  # 红安 since 1952
        ("浏阳县", "430181"),  # a county become a city keeps its short name
        ("兴国县长冈公社", "360732217"),  # a commune become a township
    ],
)
def test_an_old_place_name_resolves_to_todays_division(
    index: places.PlaceIndex, written: str, code: str
) -> None:
    assert index.resolve(written).codes[0] == code


def test_the_rename_is_said_in_words(index: places.PlaceIndex) -> None:
    assert index.resolve("江西雩都县").via == "雩都县今为于都县（1957年）"


def test_every_rename_in_the_table_points_at_a_division_of_today() -> None:
    renames = places.read_renames()
    index = places.default_index()
    assert len(renames) >= 30
    for rename in renames:
        assert index.resolve(rename.old_name).found, rename.old_name


def test_two_places_are_compared_by_division_and_distance(index: places.PlaceIndex) -> None:
    same = index.compare(index.resolve("江西雩都县"), index.resolve("江西省赣州市于都县"))
    assert same.level == places.SAME_COUNTY
    near = index.compare(index.resolve("兴国"), index.resolve("于都"))
    assert near.level == places.NEARBY
    assert 20 < (near.km or 0) < 60
    far = index.compare(index.resolve("兴国"), index.resolve("湖北黄安"))
    assert far.level == places.FAR
    assert (far.km or 0) > 400


def test_an_unknown_place_is_neither_a_match_nor_a_mismatch(index: places.PlaceIndex) -> None:
    assert index.compare(index.resolve("老家"), index.resolve("兴国")).level == places.UNKNOWN
