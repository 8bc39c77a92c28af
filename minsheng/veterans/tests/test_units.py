"""Units compared by normalised name (pure)."""

from minsheng.veterans import units


def test_the_long_and_short_names_of_a_unit_agree() -> None:
    assert units.compare("中国工农红军第三军团第五师", "红三军团五师").level == units.SAME


def test_a_unit_and_its_division_overlap() -> None:
    assert units.compare("红三军团", "红三军团第五师").level == units.OVERLAP
    assert units.compare("八路军", "八路军第115师第343旅").level == units.OVERLAP


def test_different_units_and_missing_ones() -> None:
    assert units.compare("新四军第一支队", "八路军第120师").level == units.DIFFERENT
    assert units.compare("", "红军").level == units.UNKNOWN


def test_chinese_numerals_become_digits() -> None:
    assert units.chinese_number("三十一") == 31
    assert units.chinese_number("一百二十") == 120
    assert units.canonical("第八路军第一二〇师") != ""
