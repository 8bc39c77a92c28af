"""Matching dispatch rules: pure code, no database."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from minsheng.dispatch.rules import (
    TARGET_DISTRICT,
    TARGET_STREET,
    Place,
    RuleSpec,
    Sample,
    compile_rules,
    in_window,
    parse_keywords,
    polygon_error,
)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo("Asia/Shanghai"))


FZ = Place(1, "福州市", "city", "3501/")
GULOU = Place(2, "鼓楼区", "district", "3501/350102/")
GUDONG = Place(3, "鼓东街道", "street", "3501/350102/350102001/")
DONGJIE = Place(4, "东街社区", "community", "3501/350102/350102001/350102001001/")
TAIJIANG = Place(5, "台江区", "district", "3501/350103/")
STALLS, NOISE, CITY_GROUP = (11, "占道经营"), (12, "噪音扰民"), (10, "城市管理")
CGW, WATER, GULOU_REF = (100, "市城管委"), (101, "水务集团"), (2, "鼓楼区")
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[119.29, 26.08], [119.31, 26.08], [119.31, 26.10], [119.29, 26.10]]],
}


def sample(**overrides: object) -> Sample:
    fields: dict[str, object] = {
        "category": STALLS,
        "group": CITY_GROUP,
        "request_type": "complaint",
        "places": (FZ, GULOU, GUDONG, DONGJIE),
        "text": "东街口有流动摊贩占道经营，堵塞人行道",
        "at": local(2026, 3, 4, 10, 30),  # a Wednesday morning
        "lon": 119.30,
        "lat": 26.09,
    }
    fields.update(overrides)
    return Sample(**fields)  # type: ignore[arg-type]


def rule(pk: int, **fields: object) -> RuleSpec:
    fields.setdefault("name", f"规则{pk}")
    fields.setdefault("order", pk)
    fields.setdefault("unit", CGW)
    return RuleSpec(id=pk, **fields)  # type: ignore[arg-type]


FALLBACK = rule(999, name="兜底：所在区", target=TARGET_DISTRICT, unit=None)


def test_a_category_rule_matches_its_leaf_and_explains_why() -> None:
    decision = compile_rules([rule(1, categories=(STALLS,))]).match(sample())
    assert decision.rule is not None
    assert decision.rule.id == 1
    assert decision.unit == CGW
    assert decision.why == "分类=占道经营"


def test_a_rule_on_a_group_matches_every_leaf_under_it() -> None:
    decision = compile_rules([rule(1, categories=(CITY_GROUP,))]).match(sample(category=NOISE))
    assert decision.why == "分类=城市管理"


def test_a_rule_on_another_category_does_not_match() -> None:
    assert compile_rules([rule(1, categories=(NOISE,))]).match(sample()).rule is None


def test_request_type_must_be_one_of_the_rules_types() -> None:
    book = compile_rules([rule(1, request_types=(("consult", "咨询"), ("help", "求助")))])
    assert book.match(sample()).rule is None
    assert book.match(sample(request_type="help")).why == "类型=求助"


def test_place_matches_the_area_and_everything_inside_it() -> None:
    book = compile_rules([rule(1, places=((GULOU.path, "鼓楼区"),))])
    assert book.match(sample()).why == "区域∈鼓楼区"
    assert book.match(sample(places=(FZ, TAIJIANG))).rule is None
    assert book.match(sample(places=())).rule is None


def test_a_polygon_matches_points_inside_it_only() -> None:
    book = compile_rules([rule(1, polygon=SQUARE)])
    assert book.match(sample()).why == "坐标在划定范围内"
    assert book.match(sample(lon=119.40)).rule is None
    assert book.match(sample(lon=None, lat=None)).rule is None


def test_a_night_window_runs_over_midnight() -> None:
    book = compile_rules([rule(1, time_from=time(22), time_to=time(6))])
    assert book.match(sample(at=local(2026, 3, 4, 23, 15))).why == "时间在22:00–06:00"
    assert book.match(sample(at=local(2026, 3, 5, 5, 59))).rule is not None
    assert book.match(sample(at=local(2026, 3, 5, 6, 0))).rule is None
    assert book.match(sample(at=None)).rule is None


def test_a_day_window_holds_between_its_ends() -> None:
    assert in_window(time(9), time(9), time(18))
    assert not in_window(time(18), time(9), time(18))
    assert not in_window(time(8, 59), time(9), time(18))


def test_weekdays_restrict_the_rule_to_those_days() -> None:
    book = compile_rules([rule(1, weekdays=(5, 6))])
    assert book.match(sample()).rule is None
    assert book.match(sample(at=local(2026, 3, 7, 10))).why == "星期∈周六、周日"


def test_any_one_keyword_is_enough() -> None:
    book = compile_rules([rule(1, keywords=("燃气", "摊贩"))])
    assert book.match(sample()).why == "关键词“摊贩”"
    assert book.match(sample(text="楼下很吵")).rule is None


def test_every_condition_of_a_rule_must_hold() -> None:
    spec = rule(1, categories=(STALLS,), places=((TAIJIANG.path, "台江区"),))
    assert compile_rules([spec]).match(sample()).rule is None


def test_rules_are_tried_in_order_and_the_first_match_wins() -> None:
    book = compile_rules(
        [
            rule(2, order=20, categories=(CITY_GROUP,), unit=WATER),
            rule(1, order=10, categories=(STALLS,)),
            FALLBACK,
        ]
    )
    assert book.match(sample()).rule.id == 1  # type: ignore[union-attr]
    assert book.match(sample(category=NOISE)).rule.id == 2  # type: ignore[union-attr]


def test_street_target_sends_to_the_places_street() -> None:
    decision = compile_rules([rule(1, target=TARGET_STREET, unit=None)]).match(sample())
    assert decision.unit == (GUDONG.id, GUDONG.name)
    assert decision.why == "主办=所在街道"


def test_a_street_rule_is_skipped_when_the_place_has_no_street() -> None:
    book = compile_rules([rule(1, target=TARGET_STREET, unit=None), FALLBACK])
    decision = book.match(sample(places=(FZ, GULOU)))
    assert decision.rule == FALLBACK
    assert decision.unit == GULOU_REF


def test_the_fallback_routes_anything_with_a_place_to_its_district() -> None:
    decision = compile_rules([rule(1, categories=(NOISE,)), FALLBACK]).match(sample())
    assert decision.rule == FALLBACK
    assert decision.unit == GULOU_REF
    assert decision.rule.is_catch_all


def test_without_a_place_the_fallback_uses_its_default_unit_or_leaves_it() -> None:
    no_place = sample(places=())
    assert compile_rules([FALLBACK]).match(no_place).rule is None
    with_default = rule(999, target=TARGET_DISTRICT, unit=None, fallback_unit=CGW)
    assert compile_rules([with_default]).match(no_place).unit == CGW


def test_no_rule_at_all_says_so() -> None:
    decision = compile_rules([]).match(sample())
    assert decision.rule is None
    assert decision.why == "没有匹配的派单规则，交派单员人工派单"


def test_explain_lists_what_every_earlier_rule_failed_on() -> None:
    book = compile_rules(
        [
            rule(1, categories=(NOISE,), request_types=(("consult", "咨询"),)),
            rule(2, places=((TAIJIANG.path, "台江区"),)),
            rule(3, categories=(STALLS,), places=((GULOU.path, "鼓楼区"),)),
            FALLBACK,
        ]
    )
    decision = book.explain(sample())
    assert decision.rule is not None
    assert decision.rule.id == 3
    assert decision.why == "分类=占道经营；区域∈鼓楼区"
    assert [(spec.id, reason) for spec, reason in decision.failures] == [
        (1, "类型不是咨询；分类不是噪音扰民"),
        (2, "东街社区不在台江区内"),
    ]
    assert book.match(sample()).why == decision.why


def test_a_long_list_of_names_is_shortened_in_explanations() -> None:
    many = tuple((100 + i, f"分类{i}") for i in range(6))
    decision = compile_rules([rule(1, categories=many)]).explain(sample())
    assert decision.failures[0][1] == "分类不是分类0、分类1、分类2、分类3等 6 个"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("燃气|煤气", ("燃气", "煤气")),
        ("燃气，煤气, 漏气；泄漏\n气味", ("燃气", "煤气", "漏气", "泄漏", "气味")),
        (" | 燃气 || 燃气 ", ("燃气",)),
        ("", ()),
    ],
)
def test_keywords_are_split_on_common_separators(text: str, expected: tuple[str, ...]) -> None:
    assert parse_keywords(text) == expected


@pytest.mark.parametrize(
    ("geojson", "error"),
    [
        (SQUARE, None),
        ({"type": "Point", "coordinates": [119.3, 26.1]}, "Polygon 或 MultiPolygon"),
        ({"type": "Polygon", "coordinates": "x"}, "坐标格式不正确"),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]},
            "自相交",
        ),
        ({"type": "Polygon", "coordinates": [[[0, 0], [500, 0], [500, 1], [0, 0]]]}, "WGS-84"),
    ],
)
def test_polygons_are_checked_before_they_are_stored(geojson: object, error: str | None) -> None:
    found = polygon_error(geojson)
    assert (found is None) if error is None else (found is not None and error in found)
