"""Scores from real timelines: policy versions, exclusions, publication, appeals, co-handling."""

from typing import Any

import pytest
from django.core.management import CommandError, call_command

from minsheng.assessment import scoring
from minsheng.assessment.models import (
    Appeal,
    Decision,
    Exclusion,
    Recompute,
    ScoreSnapshot,
    ScoringPolicy,
    TicketFact,
)
from minsheng.assessment.scoring import AssessmentError
from minsheng.assessment.tests.conftest import PERIOD
from minsheng.tickets import workflow

pytestmark = pytest.mark.django_db


def snapshot(unit: Any) -> ScoreSnapshot:
    return ScoreSnapshot.objects.get(period__period=PERIOD, unit=unit)


@pytest.fixture
def two_tickets(handled: Any, street_handler: Any) -> tuple[Any, Any]:
    """鼓东街道: one ticket solved and satisfied, one unsolved and unsatisfied."""
    good = handled("gudong", street_handler)
    bad = handled("gudong", street_handler, "unsatisfied", resolved=False)
    return good, bad


def test_the_score_is_computed_from_the_timeline(two_tickets: Any, city: Any) -> None:
    scoring.compute(PERIOD)
    s = snapshot(city["gudong"])
    assert (s.volume, s.responded, s.rated, s.resolved, s.satisfied) == (2, 2, 2, 1, 1)
    # 30 × 1 + 35 × 0.5 + 35 × 0.5
    assert s.score == 65.0


def test_a_new_policy_is_a_new_version_and_the_old_one_stays(admin_user: Any) -> None:
    v1 = scoring.policy_in_force()
    v2 = scoring.revise_policy(
        by=admin_user, note="提高满意率权重", street_response=20, street_satisfaction=45
    )
    v1.refresh_from_db()
    assert (v1.version, v1.street_response, v2.version, v2.street_response) == (1, 30, 2, 20)
    with pytest.raises(Exception, match="只能发布新版本"):
        v2.save()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"street_response": 50}, "三率权重之和须为 100"),
        ({"basically_weight": "1.2"}, "基本满意不高于满意"),
        ({"min_volume": "many"}, "不小于 0 的数"),
        ({"cohandling": "split"}, "协办工单计入方式不正确"),
        ({"red_min_score": 70, "black_below_score": 80}, "黑榜得分线不能高于红榜最低得分"),
        ({"red_min_score": 120}, "红榜最低得分不能高于 100"),
    ],
)
def test_a_bad_policy_is_refused_and_nothing_is_written(
    admin_user: Any, values: dict[str, Any], message: str
) -> None:
    scoring.policy_in_force()
    with pytest.raises(AssessmentError, match=message):
        scoring.revise_policy(by=admin_user, note="试", **values)
    assert ScoringPolicy.objects.count() == 1


def test_only_an_administrator_revises_the_policy(supervisor: Any) -> None:
    with pytest.raises(AssessmentError, match="系统管理员"):
        scoring.revise_policy(by=supervisor, note="试", min_volume=1)


def test_a_published_period_keeps_its_policy_version_forever(
    two_tickets: Any, admin_user: Any, supervisor: Any, city: Any
) -> None:
    scoring.compute(PERIOD, publish=True, by=supervisor)
    scoring.revise_policy(
        by=admin_user, note="改", street_response=100, street_resolution=0, street_satisfaction=0
    )
    scoring.recompute(PERIOD, reason="核对", by=supervisor)
    assert snapshot(city["gudong"]).score == 65.0
    assert snapshot(city["gudong"]).period.policy.version == 1


def test_an_approved_exclusion_takes_the_ticket_out_of_the_units_rates(
    two_tickets: Any, street_handler: Any, dispatcher: Any, city: Any
) -> None:
    _, bad = two_tickets
    exclusion = scoring.request_exclusion(
        bad,
        unit=city["gudong"],
        by=street_handler,
        reason="unreasonable",
        evidence="诉求人要求拆除合法建筑。",
    )
    scoring.compute(PERIOD)
    assert snapshot(city["gudong"]).score == 65.0  # pending: no effect yet
    scoring.decide_exclusion(exclusion, by=dispatcher, approve=True, note="核实属实")
    # The draft month is recomputed by the decision itself: the street's score changes at once.
    s = snapshot(city["gudong"])
    assert (s.volume, s.excluded, s.score) == (1, 1, 100.0)
    assert workflow.Ticket.objects.filter(pk=bad.pk).exists()  # still there, still visible


def test_an_exclusion_leaves_a_published_month_as_published(
    two_tickets: Any, street_handler: Any, dispatcher: Any, supervisor: Any, city: Any
) -> None:
    _, bad = two_tickets
    exclusion = scoring.request_exclusion(
        bad, unit=city["gudong"], by=street_handler, reason="unreasonable", evidence="无理要求。"
    )
    scoring.compute(PERIOD, publish=True, by=supervisor)
    scoring.decide_exclusion(exclusion, by=dispatcher, approve=True, note="核实属实")
    assert snapshot(city["gudong"]).score == 65.0  # frozen until an appeal or a recompute


def test_a_refused_exclusion_needs_a_reason_and_changes_nothing(
    two_tickets: Any, street_handler: Any, dispatcher: Any, city: Any
) -> None:
    exclusion = scoring.request_exclusion(
        two_tickets[1],
        unit=city["gudong"],
        by=street_handler,
        reason="out_of_duty",
        evidence="属物业。",
    )
    with pytest.raises(AssessmentError, match="不同意的理由"):
        scoring.decide_exclusion(exclusion, by=dispatcher, approve=False, note=" ")
    scoring.decide_exclusion(exclusion, by=dispatcher, approve=False, note="属本街道职责")
    scoring.compute(PERIOD)
    assert snapshot(city["gudong"]).score == 65.0


def test_a_unit_cannot_exclude_another_units_ticket_nor_decide_its_own(
    two_tickets: Any, guxi_handler: Any, water_handler: Any, street_handler: Any, city: Any
) -> None:
    for person, unit in (
        (guxi_handler, "guxi"),
        (water_handler, "water"),
        (guxi_handler, "gudong"),
    ):
        with pytest.raises(AssessmentError):
            scoring.request_exclusion(
                two_tickets[0], unit=city[unit], by=person, reason="unreasonable", evidence="x"
            )
    exclusion = scoring.request_exclusion(
        two_tickets[0], unit=city["gudong"], by=street_handler, reason="unreasonable", evidence="x"
    )
    with pytest.raises(AssessmentError, match="派单员、督办员"):
        scoring.decide_exclusion(exclusion, by=street_handler, approve=True)
    with pytest.raises(AssessmentError, match="已有待审核"):
        scoring.request_exclusion(
            two_tickets[0],
            unit=city["gudong"],
            by=street_handler,
            reason="unreasonable",
            evidence="y",
        )
    assert Exclusion.objects.get().decision == Decision.PENDING


def test_a_published_snapshot_stays_frozen_until_a_recorded_recompute(
    two_tickets: Any, street_handler: Any, dispatcher: Any, supervisor: Any, city: Any
) -> None:
    scoring.compute(PERIOD, publish=True, by=supervisor)
    exclusion = scoring.request_exclusion(
        two_tickets[1], unit=city["gudong"], by=street_handler, reason="unreasonable", evidence="x"
    )
    scoring.decide_exclusion(exclusion, by=dispatcher, approve=True)
    with pytest.raises(AssessmentError, match="已发布"):
        scoring.compute(PERIOD)
    assert snapshot(city["gudong"]).score == 65.0
    with pytest.raises(CommandError, match="理由"):
        call_command("recompute_scores", period=PERIOD, reason=" ")
    call_command("recompute_scores", period=PERIOD, reason="剔除审核后更正", by="zhao")
    assert snapshot(city["gudong"]).score == 100.0
    record = Recompute.objects.get()
    assert (record.by, record.reason, record.changes) == (
        supervisor,
        "剔除审核后更正",
        {"350102001": [65.0, 100.0]},
    )


def test_an_approved_appeal_recomputes_and_a_refused_one_does_not(
    two_tickets: Any, street_handler: Any, dispatcher: Any, supervisor: Any, city: Any
) -> None:
    with pytest.raises(AssessmentError, match="尚未发布"):
        scoring.file_appeal(PERIOD, unit=city["gudong"], by=street_handler, reason="x")
    scoring.compute(PERIOD, publish=True, by=supervisor)
    appeal = scoring.file_appeal(
        PERIOD, unit=city["gudong"], by=street_handler, reason="一单属恶意诉求"
    )
    with pytest.raises(AssessmentError, match="待处理的申诉"):
        scoring.file_appeal(PERIOD, unit=city["gudong"], by=street_handler, reason="再诉")
    with pytest.raises(AssessmentError, match="督办员"):
        scoring.decide_appeal(appeal, by=street_handler, approve=True, note="x")
    scoring.decide_appeal(appeal, by=supervisor, approve=False, note="证据不足")
    assert (snapshot(city["gudong"]).score, Recompute.objects.count()) == (65.0, 0)

    exclusion = scoring.request_exclusion(
        two_tickets[1],
        unit=city["gudong"],
        by=street_handler,
        reason="unreasonable",
        evidence="录音",
    )
    scoring.decide_exclusion(exclusion, by=dispatcher, approve=True)
    second = scoring.file_appeal(PERIOD, unit=city["gudong"], by=street_handler, reason="已补证据")
    scoring.decide_appeal(second, by=supervisor, approve=True, note="剔除后重算")
    assert snapshot(city["gudong"]).score == 100.0
    assert Recompute.objects.get().appeal == Appeal.objects.get(pk=second.pk)


def test_the_fact_table_follows_new_events_without_signals(
    dispatched: Any, street_handler: Any, city: Any
) -> None:
    assert scoring.refresh_facts() == 1
    fact = TicketFact.objects.get(ticket=dispatched)
    assert (fact.accepted_in_time, fact.replied) == (False, False)
    workflow.accept(dispatched, by=street_handler)
    workflow.reply(dispatched, by=street_handler, text="已处理。")
    assert TicketFact.objects.get(ticket=dispatched).replied is False  # nothing until pulled
    scoring.refresh_facts()
    fact = TicketFact.objects.get(ticket=dispatched)
    assert (fact.accepted_in_time, fact.replied, fact.responded) == (True, True, True)


def test_each_group_is_ranked_apart_with_the_minimum_volume(
    handled: Any,
    street_handler: Any,
    guxi_handler: Any,
    water_handler: Any,
    admin_user: Any,
    city: Any,
    catalogue: Any,
) -> None:
    scoring.revise_policy(by=admin_user, note="小样本", min_volume=2, red_list=1, black_list=1)
    handled("gudong", street_handler)
    handled("gudong", street_handler, "basically")
    handled("guxi", guxi_handler, "unsatisfied", resolved=False)
    handled("guxi", guxi_handler)
    handled("water", water_handler)
    scoring.compute(PERIOD)
    gudong, guxi, water = (snapshot(city[u]) for u in ("gudong", "guxi", "water"))
    assert (gudong.group, gudong.rank, gudong.board) == ("street", 1, "red")
    assert (guxi.group, guxi.rank, guxi.board) == ("street", 2, "black")
    assert (water.group, water.rank, water.score) == (
        "enterprise",
        None,
        100.0,
    )  # one ticket: unranked


@pytest.mark.parametrize(("rule", "water_counts"), [("main", False), ("both", True)])
def test_co_handled_tickets_count_for_the_co_handler_only_when_the_policy_says_so(
    handled: Any, street_handler: Any, admin_user: Any, city: Any, rule: str, water_counts: bool
) -> None:
    scoring.revise_policy(by=admin_user, note="协办", cohandling=rule)
    handled("gudong", street_handler, cohandlers=[city["water"]])
    scoring.compute(PERIOD)
    assert ScoreSnapshot.objects.filter(unit=city["water"]).exists() is water_counts
    assert snapshot(city["gudong"]).volume == 1


def test_compute_scores_refuses_a_badly_written_period() -> None:
    with pytest.raises(CommandError, match="格式不正确"):
        call_command("compute_scores", period="2026-13")
