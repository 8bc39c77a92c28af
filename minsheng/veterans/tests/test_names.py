"""Names compared by characters, forms and sounds (pure)."""

import pytest

from minsheng.veterans import names


@pytest.mark.parametrize(
    ("remembered", "recorded", "level"),
    [
        ("王建国", "王建国", names.EXACT),
        ("陳德勝", "陈德胜", names.FORM),
        ("萧克", "肖克", names.FORM),
        ("王剑国", "王建国", names.SOUND),
        ("张志生", "张致森", names.NEAR_SOUND),
        ("王国", "王建国", names.DROPPED),
        ("王建华", "王建国", names.PARTIAL),
        ("李四", "刘德", names.NONE),
    ],
)
def test_a_remembered_name_is_compared_with_the_record_at_its_level(
    remembered: str, recorded: str, level: str
) -> None:
    assert names.compare(remembered, recorded).level == level


def test_the_reason_names_the_characters_that_differ() -> None:
    assert names.compare("王剑国", "王建国").reason == "同音字：剑→建"
    assert "建" in names.compare("王国", "王建国").reason


def test_a_surname_is_heard_in_any_of_its_readings() -> None:
    assert names.compare("善德明", "单德明").level == names.SOUND  # 单 read shan as a surname


def test_huang_and_wang_sound_alike_as_in_southern_dialects() -> None:
    assert names.compare("黄德明", "王德明").level == names.NEAR_SOUND


def test_aliases_are_read_with_their_kind() -> None:
    assert names.alias_parts("字:子明;乳名：狗娃;李明") == [
        ("字", "子明"),
        ("乳名", "狗娃"),
        ("", "李明"),
    ]


def test_a_homophone_costs_less_than_a_dropped_character() -> None:
    assert names.compare("王剑国", "王建国").cost < names.compare("王国", "王建国").cost
