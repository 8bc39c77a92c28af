"""Campaigns: visits arrive once, hazards become tickets, the re-inspection closes them."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from minsheng.projects import inspections, queries
from minsheng.projects.models import Hazard, Target, Visit
from minsheng.projects.rules import RuleError
from minsheng.tickets import workflow
from minsheng.tickets.models import Status

pytestmark = pytest.mark.django_db


def _items(campaign: Any) -> tuple[Any, Any]:
    hose, years = campaign.items.order_by("order")
    return hose, years


def _visit(campaign: Any, ref: str, by: Any, hose: str = "是", client_id: str = "") -> Any:
    a, b = _items(campaign)
    target = campaign.targets.get(ref=ref)
    return inspections.record_visit(
        target,
        client_id=client_id or f"c-{ref}-{hose}-000",
        outcome="inspected",
        answers={a.pk: hose, b.pk: "6"},
        photos={},
        at=timezone.now(),
        by=by,
    )


def test_a_hazard_becomes_a_ticket_to_the_responsible_unit(
    gas_campaign: Any, street_handler: Any, city: dict[str, Any]
) -> None:
    visit, new = _visit(gas_campaign, "A-1", street_handler)
    assert new
    (hazard,) = visit.hazards.all()
    assert hazard.kind == "软管老化"
    assert hazard.state == Hazard.State.OPEN
    ticket = hazard.ticket
    assert ticket.status == Status.DISPATCHED
    assert ticket.unit == city["water"]
    assert ticket.category.code == "PJ-HAZARD"
    assert ticket.channel == "grid"
    assert "东街88号101" in ticket.description
    assert str(hazard.due) in ticket.description
    assert hazard.due > hazard.found_on
    assert Target.objects.get(ref="A-1").outcome == "inspected"


def test_a_resent_visit_is_recorded_once(gas_campaign: Any, street_handler: Any) -> None:
    first, new = _visit(gas_campaign, "A-1", street_handler, client_id="phone-queue-1")
    again, new_again = _visit(gas_campaign, "A-1", street_handler, client_id="phone-queue-1")
    assert new
    assert not new_again
    assert again.pk == first.pk
    assert Visit.objects.count() == 1
    assert Hazard.objects.count() == 1


def test_a_bad_visit_writes_nothing(
    gas_campaign: Any, street_handler: Any, guxi_handler: Any
) -> None:
    a, _ = _items(gas_campaign)
    target = gas_campaign.targets.get(ref="A-1")
    with pytest.raises(RuleError, match="每一个"):
        inspections.record_visit(
            target, client_id="c-incomplete", outcome="inspected", answers={a.pk: "是"},
            photos={}, at=timezone.now(), by=street_handler,
        )  # fmt: skip
    with pytest.raises(RuleError, match="排查片区"):
        _visit(gas_campaign, "A-1", guxi_handler)
    assert Visit.objects.count() == 0
    assert Hazard.objects.count() == 0


def test_nobody_at_home_is_counted_and_visited_again(
    gas_campaign: Any, street_handler: Any
) -> None:
    target = gas_campaign.targets.get(ref="A-2")
    inspections.record_visit(
        target, client_id="c-nobody-1", outcome="nobody", answers={}, photos={},
        at=timezone.now(), by=street_handler,
    )  # fmt: skip
    board = queries.campaign_board(gas_campaign, timezone.localdate())
    assert (board.targets, board.inspected, board.nobody) == (2, 0, 1)
    _visit(gas_campaign, "A-2", street_handler, hose="否")
    board = queries.campaign_board(gas_campaign, timezone.localdate())
    assert (board.inspected, board.nobody, board.hazards) == (1, 0, 0)


def test_the_recheck_closes_the_ticket_through_the_loop(
    gas_campaign: Any, street_handler: Any, water_handler: Any, photo_bytes: bytes
) -> None:
    visit, _ = _visit(gas_campaign, "A-1", street_handler)
    hazard = visit.hazards.get()
    with pytest.raises(RuleError, match="尚未答复"):
        inspections.recheck(hazard, passed=True, photo=photo_bytes, note="", by=street_handler)
    workflow.accept(hazard.ticket, by=water_handler)
    workflow.reply(hazard.ticket, by=water_handler, text="已更换软管。")
    with pytest.raises(RuleError, match="照片"):
        inspections.recheck(hazard, passed=True, photo=None, note="", by=street_handler)
    inspections.recheck(hazard, passed=True, photo=photo_bytes, note="更换到位", by=street_handler)
    hazard.refresh_from_db()
    hazard.ticket.refresh_from_db()
    assert hazard.state == Hazard.State.FIXED
    assert hazard.recheck_photo is not None
    assert hazard.ticket.status == Status.CLOSED
    assert hazard.ticket.ratings.get().resolved is True
    board = queries.campaign_board(gas_campaign, timezone.localdate())
    assert (board.hazards, board.fixed, board.median_days_to_fix) == (1, 1, 0.0)


def test_a_failed_recheck_goes_back_to_the_centre(
    gas_campaign: Any, street_handler: Any, water_handler: Any
) -> None:
    hazard = _visit(gas_campaign, "A-1", street_handler)[0].hazards.get()
    workflow.accept(hazard.ticket, by=water_handler)
    workflow.reply(hazard.ticket, by=water_handler, text="已处理。")
    inspections.recheck(hazard, passed=False, photo=None, note="软管未换", by=street_handler)
    hazard.refresh_from_db()
    hazard.ticket.refresh_from_db()
    assert hazard.state == Hazard.State.OPEN
    assert hazard.ticket.status == Status.VISITED  # unsatisfied: the centre reopens or closes


def test_a_refusal_is_kept_with_its_reason_and_overdue_hazards_are_counted(
    gas_campaign: Any, street_handler: Any
) -> None:
    one = _visit(gas_campaign, "A-1", street_handler)[0].hazards.get()
    _visit(gas_campaign, "A-2", street_handler)
    with pytest.raises(RuleError, match="原因"):
        inspections.refuse(one, reason=" ", by=street_handler)
    inspections.refuse(one, reason="房屋将出售", by=street_handler)
    one.refresh_from_db()
    assert one.state == Hazard.State.REFUSED
    assert one.reason == "房屋将出售"
    later = timezone.localdate() + timedelta(days=60)
    board = queries.campaign_board(gas_campaign, later)
    assert (board.hazards, board.refused, board.overdue) == (2, 1, 1)


def test_target_import_checks_every_row_first(gas_campaign: Any) -> None:
    result = inspections.import_targets(
        gas_campaign,
        [
            {"编号": "B-1", "类型": "住户", "地址": "鼓东路1号", "社区编码": "350102001001"},
            {"编号": "B-2", "类型": "别墅", "地址": "鼓东路2号", "社区编码": "350102001001"},
            {"编号": "B-3", "类型": "商铺", "地址": "鼓西路3号", "社区编码": "350102002"},
        ],
    )
    assert result.created == 0
    assert len(result.errors) == 2
    assert "第 3 行" in result.errors[0]
    assert "第 4 行" in result.errors[1]
    assert gas_campaign.targets.count() == 2


def test_the_ticket_keeps_the_campaigns_deadline_where_a_policy_matches(
    gas_campaign: Any, street_handler: Any
) -> None:
    from minsheng.projects.models import Campaign

    Campaign.objects.filter(pk=gas_campaign.pk).update(fix_workdays=15)  # the 复杂 policy
    gas_campaign.refresh_from_db()
    hazard = _visit(gas_campaign, "A-1", street_handler)[0].hazards.get()
    assert timezone.localdate(hazard.ticket.resolve_by) == hazard.due
