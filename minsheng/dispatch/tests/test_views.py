"""The rule pages over HTTP: who may open them, the rule form, "test a rule", the history."""

from typing import Any

import pytest
from django.urls import reverse

from minsheng.dispatch import routing
from minsheng.dispatch.models import DispatchRule, RuleChange, Target

pytestmark = pytest.mark.urls("minsheng.dispatch.tests.urls")


@pytest.fixture
def rules(city: dict[str, Any], catalogue: dict[str, Any]) -> list[DispatchRule]:
    return [
        routing.save_rule(
            None,
            {"name": "政策咨询派区", "categories": [catalogue["policy"]], "target": "district"},
            by=None,
        ),
        routing.save_rule(
            None,
            {"name": "噪音直派街道", "categories": [catalogue["noise"]], "target": "street"},
            by=None,
        ),
        routing.save_rule(None, {"name": "兜底", "target": Target.DISTRICT}, by=None),
    ]


@pytest.fixture
def rule_post(city: dict[str, Any], catalogue: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "夜间噪音派区城管",
        "is_active": "on",
        "categories": [str(catalogue["noise"].pk)],
        "request_types": ["complaint"],
        "places": [str(city["gulou"].pk)],
        "time_from": "22:00",
        "time_to": "06:00",
        "weekdays": ["5", "6"],
        "keywords": "噪音，音响",
        "target": "unit",
        "unit": str(city["gulou"].pk),
        "cohandlers": [str(city["gudong"].pk)],
        "priority": "",
    }


@pytest.mark.parametrize(
    "name", ["dispatch:rules", "dispatch:rule_new", "dispatch:test", "dispatch:history"]
)
def test_unit_handlers_cannot_open_the_rule_pages(
    client: Any, street_handler: Any, name: str
) -> None:
    client.force_login(street_handler)
    assert client.get(reverse(name)).status_code == 403


def test_agents_cannot_move_rules(client: Any, agent: Any, rules: list[DispatchRule]) -> None:
    client.force_login(agent)
    assert client.post(reverse("dispatch:rule_down", args=[rules[0].pk])).status_code == 403
    assert DispatchRule.objects.first() == rules[0]


def test_the_dispatcher_sees_the_rules_in_order_in_words(
    client: Any, dispatcher: Any, rules: list[DispatchRule]
) -> None:
    client.force_login(dispatcher)
    html = client.get(reverse("dispatch:rules")).content.decode()
    names = [html.index(f">{name}</a>") for name in ("政策咨询派区", "噪音直派街道", "兜底")]
    assert names == sorted(names)
    assert "分类：噪音扰民" in html
    assert "主办：所在街道乡镇（直派）" in html
    assert "任何诉求（兜底）" in html


def test_an_administrator_moves_a_rule_down_and_it_is_recorded(
    client: Any, admin_user: Any, rules: list[DispatchRule]
) -> None:
    client.force_login(admin_user)
    response = client.post(reverse("dispatch:rule_down", args=[rules[0].pk]))

    assert response.status_code == 302
    assert list(DispatchRule.objects.values_list("name", flat=True)) == [
        "噪音直派街道",
        "政策咨询派区",
        "兜底",
    ]
    assert RuleChange.objects.first().by == admin_user


def test_moving_the_last_rule_down_says_why_not(
    client: Any, dispatcher: Any, rules: list[DispatchRule]
) -> None:
    client.force_login(dispatcher)
    response = client.post(reverse("dispatch:rule_down", args=[rules[2].pk]), follow=True)
    assert "已经是最后一条规则。" in response.content.decode()


def test_the_dispatcher_creates_a_rule_with_every_condition(
    client: Any, dispatcher: Any, rules: list[DispatchRule], rule_post: dict[str, Any]
) -> None:
    client.force_login(dispatcher)
    response = client.post(reverse("dispatch:rule_new"), rule_post)

    assert response.status_code == 302
    rule = DispatchRule.objects.get(name="夜间噪音派区城管")
    assert rule.order == 3  # before the fallback
    assert rule.keywords == "噪音|音响"
    assert rule.weekdays == [5, 6]
    assert RuleChange.objects.filter(rule=rule, kind="created", by=dispatcher).exists()


def test_the_edit_form_shows_the_rule_as_stored(
    client: Any, dispatcher: Any, rules: list[DispatchRule], rule_post: dict[str, Any]
) -> None:
    client.force_login(dispatcher)
    client.post(reverse("dispatch:rule_new"), rule_post)
    rule = DispatchRule.objects.get(name="夜间噪音派区城管")
    html = client.get(reverse("dispatch:rule_edit", args=[rule.pk])).content.decode()
    assert 'value="22:00"' in html
    assert 'value="噪音|音响"' in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "请填写规则名称。"),
        ({"name": "兜底"}, "已有名为“兜底”的规则。"),
        ({"unit": ""}, "“指定单位”须选择主办单位。"),
        ({"time_to": ""}, "时段须同时填写起止时间，或都不填。"),
        ({"time_from": "25:99"}, "请输入正确的时间，如 22:00。"),
        ({"polygon": "{not json"}, "划定范围不是有效的 GeoJSON。"),
        ({"polygon": '{"type": "Point", "coordinates": [1, 2]}'}, "Polygon 或 MultiPolygon"),
        ({"target": "moon"}, "请选择主办单位的确定方式。"),
        ({"categories": ["999999"]}, "请选择派单目录中的分类。"),
        ({"weekdays": ["9"]}, "星期不正确。"),
    ],
)
def test_bad_input_in_the_rule_form_shows_chinese_errors_and_writes_nothing(
    client: Any,
    dispatcher: Any,
    rules: list[DispatchRule],
    rule_post: dict[str, Any],
    change: dict[str, Any],
    message: str,
) -> None:
    client.force_login(dispatcher)
    before = (DispatchRule.objects.count(), RuleChange.objects.count())
    response = client.post(reverse("dispatch:rule_new"), {**rule_post, **change})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert (DispatchRule.objects.count(), RuleChange.objects.count()) == before


def test_test_this_rule_shows_the_match_and_what_earlier_rules_failed_on(
    client: Any, dispatcher: Any, rules: list[DispatchRule], catalogue: dict[str, Any], city: Any
) -> None:
    client.force_login(dispatcher)
    response = client.get(
        reverse("dispatch:test"),
        {
            "category": catalogue["noise"].pk,
            "request_type": "complaint",
            "place": city["dongjie"].pk,
            "text": "广场舞音响太吵",
            "at": "2026-03-04T21:30",
        },
    )
    html = response.content.decode()
    assert "匹配规则“噪音直派街道”，派往鼓东街道" in html
    assert "分类=噪音扰民；主办=所在街道" in html
    assert "<strong>政策咨询派区</strong>：分类不是政策咨询" in html


def test_test_this_rule_with_bad_input_explains_in_chinese(
    client: Any, dispatcher: Any, rules: list[DispatchRule]
) -> None:
    client.force_login(dispatcher)
    response = client.get(reverse("dispatch:test"), {"category": "x", "at": "yesterday"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "请选择派单目录中的具体小类。" in html
    assert "请输入正确的日期和时间。" in html


def test_the_history_shows_who_changed_what(
    client: Any, dispatcher: Any, rules: list[DispatchRule]
) -> None:
    client.force_login(dispatcher)
    client.post(reverse("dispatch:rule_up", args=[rules[1].pk]))
    html = client.get(reverse("dispatch:history")).content.decode()
    assert "刘派单" in html
    assert "调整顺序" in html
    assert "<code>order</code>：2 → 1" in html
