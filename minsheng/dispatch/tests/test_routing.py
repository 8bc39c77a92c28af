"""Routing new tickets by the rules, assigning handlers by strategy, and editing the rules."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from minsheng.dispatch import queries, routing
from minsheng.dispatch.loading import FALLBACK_NAME, load_demo_rules
from minsheng.dispatch.models import DispatchRule, RuleChange, Target, UnitStrategy
from minsheng.intake import door
from minsheng.orgs.models import Membership
from minsheng.tickets.models import Status, Ticket


@pytest.fixture
def rulebook(city: dict[str, Any], catalogue: dict[str, Any]) -> dict[str, DispatchRule]:
    """Noise goes straight to the street, water cuts to the water company, then the fallback."""
    return {
        "noise": routing.save_rule(
            None,
            {"name": "噪音直派街道", "categories": [catalogue["noise"]], "target": Target.STREET},
            by=None,
        ),
        "water": routing.save_rule(
            None,
            {
                "name": "停水派水务",
                "categories": [catalogue["water_cut"]],
                "target": Target.UNIT,
                "unit": city["water"],
            },
            by=None,
        ),
        "fallback": routing.save_rule(None, {"name": "兜底", "target": Target.DISTRICT}, by=None),
    }


def _handler(username: str, unit: Any, *extra_units: Any) -> Any:
    from minsheng.accounts.models import User

    user = User.objects.create_user(username=username, password="pw")
    for u in (unit, *extra_units):
        Membership.objects.create(user=user, unit=u, role="handler")
    return user


def test_a_confident_ticket_is_dispatched_by_the_rule_and_says_so(
    rulebook: dict[str, DispatchRule], make_ticket: Callable[..., Ticket], city: dict[str, Any]
) -> None:
    ticket = make_ticket()
    routed = routing.route_new(ticket, confidence=0.93)

    ticket.refresh_from_db()
    assert routed.dispatched
    assert ticket.status == Status.DISPATCHED
    assert ticket.unit == city["gudong"]
    event = ticket.events.get(action="dispatch")
    assert event.actor_label == "系统"
    assert event.data["rule"] == "噪音直派街道"
    assert event.note == "自动派单：噪音直派街道（分类=噪音扰民；主办=所在街道）"


def test_an_unsure_ticket_waits_for_the_dispatcher(
    rulebook: dict[str, DispatchRule], make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket()
    routed = routing.route_new(ticket, confidence=0.5)

    ticket.refresh_from_db()
    assert not routed.dispatched
    assert routed.reason.startswith("分类不确定（分类器前三：")
    assert routed.reason.endswith("置信度 0.50，低于自动派单阈值 0.80")
    assert ticket.status == Status.RECEIVED
    # The timeline says why, with the classifier's guesses for a one-click dispatch.
    _received, hold = ticket.events.order_by("seq")
    assert hold.action == "hold"
    assert hold.data["reason"] == "uncertain_category"
    assert len(hold.data["candidates"]) == 3
    assert hold.note == routed.reason


def test_a_ticket_without_a_place_or_a_rule_says_so(
    rulebook: dict[str, DispatchRule], make_ticket: Callable[..., Ticket], catalogue: Any
) -> None:
    nowhere = make_ticket(place=None)
    routing.route_new(nowhere, confidence=1.0)
    policy = make_ticket(category=catalogue["policy"], request_type="consult")
    routing.route_new(policy, confidence=1.0)

    assert nowhere.events.get(action="hold").data["reason"] == "no_place"
    assert nowhere.events.get(action="hold").note == "未识别出诉求地点"
    held = policy.events.filter(action="hold")
    assert [e.data["reason"] for e in held] in ([], ["no_rule"])  # a 兜底 rule may send it on


def test_the_threshold_is_a_setting(
    rulebook: dict[str, DispatchRule], make_ticket: Callable[..., Ticket], settings: Any
) -> None:
    settings.MINSHENG_AUTO_DISPATCH_CONFIDENCE = 0.4
    assert routing.route_new(make_ticket(), confidence=0.5).dispatched


def test_a_ticket_without_a_place_is_left_for_humans_with_the_reason(
    rulebook: dict[str, DispatchRule], make_ticket: Callable[..., Ticket]
) -> None:
    routed = routing.route_new(make_ticket(place=None), confidence=1.0)
    assert not routed.dispatched
    assert routed.reason == "未识别出诉求地点"


def test_a_named_unit_with_co_handlers_receives_the_ticket(
    rulebook: dict[str, DispatchRule],
    make_ticket: Callable[..., Ticket],
    catalogue: dict[str, Any],
    city: dict[str, Any],
) -> None:
    rule = rulebook["water"]
    routing.save_rule(rule, {**queries.rule_data(rule), "cohandlers": [city["gudong"]]}, by=None)
    ticket = make_ticket(category=catalogue["water_cut"], request_type="help")
    routing.route_new(ticket, confidence=1.0)

    assert ticket.unit == city["water"]
    assert list(ticket.cohandlers.values_list("unit__code", flat=True)) == ["350102001"]


def test_intake_routes_the_new_ticket_with_the_callers_confidence(
    rulebook: dict[str, DispatchRule], agent: Any, catalogue: dict[str, Any], city: dict[str, Any]
) -> None:
    data = {
        "phone": "13912345678",
        "request_type": "complaint",
        "category": catalogue["noise"],
        "description": "楼下商铺音响很吵。",
        "place": city["dongjie"],
    }
    confident = door.submit(door.Request.of(data, chooser="programme"), by=agent)
    default = door.submit(door.Request.of(data, chooser="dispatcher"), by=agent)

    assert confident.status == Status.DISPATCHED
    assert default.status == Status.RECEIVED


def test_an_agents_ticket_is_sure_only_when_a_specific_rule_names_the_unit(
    rulebook: dict[str, DispatchRule],
    catalogue: dict[str, Any],
    city: dict[str, Any],
    make_ticket: Callable[..., Ticket],
) -> None:
    noise = make_ticket(category=catalogue["noise"], request_type="complaint")
    policy = make_ticket(category=catalogue["policy"], request_type="consult")
    nowhere = make_ticket(category=catalogue["noise"], request_type="complaint", place=None)
    assert queries.confidence("agent", ticket=noise) == 1.0
    assert queries.confidence("agent", ticket=policy) == 0.0  # only the 兜底 fallback matches
    assert queries.confidence("agent", ticket=nowhere) == 0.0


def test_round_robin_takes_three_handlers_in_turn(
    rulebook: dict[str, DispatchRule], make_ticket: Callable[..., Ticket], city: dict[str, Any]
) -> None:
    handlers = [_handler(f"h{i}", city["gudong"]) for i in range(3)]
    routing.set_strategy(city["gudong"], UnitStrategy.Strategy.ROUND_ROBIN)

    got = [routing.route_new(make_ticket(), confidence=1.0).handler for _ in range(4)]

    assert got == [*handlers, handlers[0]]
    assert Ticket.objects.filter(handler=handlers[1]).get().events.last().action == "assign"


def test_least_open_work_goes_to_the_least_busy_handler(
    rulebook: dict[str, DispatchRule], make_ticket: Callable[..., Ticket], city: dict[str, Any]
) -> None:
    busy, idle = _handler("busy", city["gudong"]), _handler("idle", city["gudong"])
    routing.set_strategy(city["gudong"], UnitStrategy.Strategy.ROUND_ROBIN)
    routing.route_new(make_ticket(), confidence=1.0)  # busy (first in turn) gets one
    routing.set_strategy(city["gudong"], UnitStrategy.Strategy.LEAST_OPEN)

    assert routing.route_new(make_ticket(), confidence=1.0).handler == idle
    assert Ticket.objects.filter(handler=busy).count() == 1


def test_by_grid_chooses_the_handler_whose_grid_holds_the_place(
    rulebook: dict[str, DispatchRule], make_ticket: Callable[..., Ticket], city: dict[str, Any]
) -> None:
    _handler("street_only", city["gudong"])
    grid_worker = _handler("grid_worker", city["gudong"], city["dongjie"])
    routing.set_strategy(city["gudong"], UnitStrategy.Strategy.BY_GRID)

    assert routing.route_new(make_ticket(), confidence=1.0).handler == grid_worker
    no_grid = routing.route_new(make_ticket(place=city["gudong"]), confidence=1.0)
    assert no_grid.dispatched
    assert no_grid.handler is None


def test_by_default_the_units_leader_assigns(
    rulebook: dict[str, DispatchRule], make_ticket: Callable[..., Ticket], street_handler: Any
) -> None:
    routed = routing.route_new(make_ticket(), confidence=1.0)
    assert routed.dispatched
    assert routed.handler is None


def test_a_new_rule_goes_before_the_fallback(
    rulebook: dict[str, DispatchRule], catalogue: dict[str, Any]
) -> None:
    routing.save_rule(
        None,
        {"name": "政策咨询派区", "categories": [catalogue["policy"]], "target": "district"},
        by=None,
    )
    assert list(DispatchRule.objects.values_list("name", flat=True)) == [
        "噪音直派街道",
        "停水派水务",
        "政策咨询派区",
        "兜底",
    ]


def test_every_rule_change_is_recorded_with_before_and_after(
    rulebook: dict[str, DispatchRule], dispatcher: Any
) -> None:
    rule = rulebook["noise"]
    routing.save_rule(rule, {**queries.rule_data(rule), "keywords": "噪音，吵"}, by=dispatcher)
    routing.move_rule(rule, up=False, by=dispatcher)

    moved, updated = RuleChange.objects.all()[:2]
    assert (updated.kind, updated.by_label) == ("updated", "刘派单")
    assert (updated.before["keywords"], updated.after["keywords"]) == ("", "噪音|吵")
    assert (moved.kind, moved.before, moved.after) == ("moved", {"order": 1}, {"order": 2})
    with pytest.raises(ValidationError):
        moved.save()
    with pytest.raises(ValidationError):
        moved.delete()


def test_saving_a_rule_unchanged_records_nothing(rulebook: dict[str, DispatchRule]) -> None:
    before = RuleChange.objects.count()
    routing.save_rule(rulebook["noise"], queries.rule_data(rulebook["noise"]), by=None)
    assert RuleChange.objects.count() == before


def test_the_first_rule_cannot_move_up(rulebook: dict[str, DispatchRule]) -> None:
    with pytest.raises(routing.RuleError, match="已经是第一条规则"):
        routing.move_rule(rulebook["noise"], up=True, by=None)


def test_a_bad_rule_is_refused_and_nothing_is_written(
    rulebook: dict[str, DispatchRule], city: dict[str, Any]
) -> None:
    before = (DispatchRule.objects.count(), RuleChange.objects.count())
    for data, message in [
        ({"name": "", "target": "street"}, "请填写规则名称"),
        ({"name": "兜底", "target": "street"}, "已有名为“兜底”的规则"),
        ({"name": "新", "target": "unit"}, "须选择主办单位"),
        ({"name": "新", "target": "street", "time_from": "x"}, "时段须同时填写"),
        ({"name": "新", "target": "unit", "unit": city["centre"]}, "不是在用的承办单位"),
        ({"name": "新", "target": "street", "polygon": {"type": "Point"}}, "Polygon"),
    ]:
        with pytest.raises(routing.RuleError, match=message):
            routing.save_rule(None, data, by=None)
    assert (DispatchRule.objects.count(), RuleChange.objects.count()) == before


def test_a_rule_change_reaches_the_compiled_rules_at_once(
    rulebook: dict[str, DispatchRule], make_ticket: Callable[..., Ticket], city: dict[str, Any]
) -> None:
    ticket = make_ticket()
    assert queries.decide(ticket).unit == (city["gudong"].pk, "鼓东街道")
    token = queries.current_token()
    rule = rulebook["noise"]
    routing.save_rule(rule, {**queries.rule_data(rule), "is_active": False}, by=None)

    assert queries.current_token() != token
    assert queries.decide(ticket).rule.name == "兜底"  # type: ignore[union-attr]


def test_another_process_sees_the_change_through_the_version_token(
    rulebook: dict[str, DispatchRule], make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket()
    queries.decide(ticket)
    # Another web process changes a rule: only the database row tells this one.
    DispatchRule.objects.filter(pk=rulebook["noise"].pk).update(is_active=False)
    assert queries.decide(ticket).rule.name == "噪音直派街道"  # type: ignore[union-attr]
    routing.move_rule(rulebook["water"], up=True, by=None)
    assert queries.decide(ticket).rule.name == "兜底"  # type: ignore[union-attr]


def test_the_demo_rules_follow_the_catalogues_hints_and_end_with_the_fallback(
    city: dict[str, Any], catalogue: dict[str, Any], make_ticket: Callable[..., Ticket]
) -> None:
    assert load_demo_rules() == 4
    assert load_demo_rules() == 0
    names = list(DispatchRule.objects.values_list("name", flat=True))
    assert names == ["派往福州水务集团", "直派：所在街道乡镇", "区级事项：所在区", FALLBACK_NAME]
    policy_ticket = make_ticket(category=catalogue["policy"], request_type="consult")
    assert queries.decide(policy_ticket).unit == (city["gulou"].pk, "鼓楼区")


def test_a_dispatch_the_workflow_refuses_leaves_the_ticket_received(
    rulebook: dict[str, DispatchRule], make_ticket: Callable[..., Ticket], city: dict[str, Any]
) -> None:
    city["gudong"].is_active = False
    city["gudong"].save()
    ticket = make_ticket()
    routed = routing.route_new(ticket, confidence=1.0)

    ticket.refresh_from_db()
    assert not routed.dispatched
    assert routed.reason == "请选择一个在用的承办单位。"
    assert ticket.status == Status.RECEIVED
    assert list(ticket.events.values_list("action", flat=True)) == ["receive", "hold"]
    assert ticket.events.get(action="hold").data["reason"] == "refused"


def test_a_rules_deadline_policy_and_priority_reach_the_ticket(
    rulebook: dict[str, DispatchRule], make_ticket: Callable[..., Ticket]
) -> None:
    from minsheng.sla.models import DeadlinePolicy

    rule = rulebook["noise"]
    quick = DeadlinePolicy.objects.get(code="utility")
    routing.save_rule(rule, {**queries.rule_data(rule), "policy": quick}, by=None)
    ticket = make_ticket()
    routing.route_new(ticket, confidence=1.0)

    event = ticket.events.get(action="dispatch")
    assert event.data["policy"] == "utility"
    assert event.data["policy_override"] == "utility"
    ticket.refresh_from_db()
    assert ticket.resolve_by == ticket.dispatched_at + timedelta(hours=24)


def test_the_queue_and_the_dashboard_say_why_tickets_wait(
    rulebook: dict[str, DispatchRule],
    make_ticket: Callable[..., Ticket],
    dispatcher: Any,
    client: Any,
) -> None:
    from django.urls import reverse

    routing.route_new(make_ticket(place=None), confidence=1.0)
    routing.route_new(make_ticket(), confidence=1.0)  # sent on to the street by its rule

    client.force_login(dispatcher)
    queue = client.get(reverse("desk:queue")).content.decode()
    assert "待派原因" in queue
    assert "未识别出诉求地点" in queue
    board = client.get(reverse("analytics:dashboard") + "?days=7").content.decode()
    assert "自动派单" in board
    assert "本时段受理 2 件，1 件由派单规则自动派出。" in board
    assert '<th scope="row">未识别出诉求地点</th><td class="num">1</td>' in board
