"""Five-party linkage: a 楼栋长's report is a ticket (channel grid, building and unit in it),
offered first to the building's volunteer steward; it climbs when the deadline passes or a
level cannot solve it, every hand-over on the ticket's timeline; the replying level settles it."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from minsheng.community import linkage, network, queries, rules
from minsheng.community.models import Handover, Linkage
from minsheng.tickets import workflow
from minsheng.tickets.models import Status
from minsheng.tickets.names import Action

pytestmark = pytest.mark.django_db


def _report(net: dict[str, Any], text: str = "3单元下水道堵了，污水漫到楼道里。") -> Linkage:
    stairwell = net["b1"].stairwells.get(number=3)
    return network.report(net["head"], network.Report(net["b1"], text, stairwell, "201"))


def test_a_report_is_a_grid_ticket_offered_to_the_steward(net: dict[str, Any]) -> None:
    item = _report(net)
    ticket = item.ticket
    assert ticket.channel == "grid"
    assert ticket.status == Status.DISPATCHED
    assert ticket.unit == net["g1"]
    assert "东街小区1号楼3单元201" in ticket.address
    assert "3单元" in ticket.title
    assert "楼栋长王建上报" in ticket.description
    assert (item.level, item.steward) == (rules.STEWARD, net["steward"])
    assert item.level_due == item.level_since + timedelta(hours=2)
    dispatch = ticket.events.get(action=Action.DISPATCH)
    assert "先交志愿楼长周敏处理" in dispatch.note
    from minsheng.notifications.models import Notification

    sms = Notification.objects.get(phone="13900000002")
    assert ticket.number in sms.body


def test_deadline_climbs_to_the_grid_worker_who_solves_it(net: dict[str, Any]) -> None:
    item = _report(net)
    assert linkage.climb_due(now=timezone.now()) == 0  # not due yet
    later = timezone.now() + timedelta(hours=2, minutes=1)
    assert linkage.climb_due(now=later) == 1
    item.refresh_from_db()
    assert item.level == rules.GRID
    assert item.level_due == later + timedelta(hours=4)
    ticket = item.ticket
    ticket.refresh_from_db()
    assert ticket.handler == net["gridder"]
    assign = ticket.events.get(action=Action.ASSIGN)
    assert assign.actor_label == "五方联动：志愿楼长超时未办，转网格员"
    assert assign.at <= timezone.now()  # the timeline never runs ahead of the clock
    hand = item.handovers.get(reason=Handover.Reason.DEADLINE)
    assert (hand.from_level, hand.to_level, hand.to_label) == ("steward", "grid", "郑网格")

    workflow.accept(ticket, by=net["gridder"])
    workflow.reply(ticket, by=net["gridder"], text="已疏通下水道。")
    item.refresh_from_db()
    assert (item.state, item.settled_level) == ("settled", rules.GRID)
    assert linkage.climb_due(now=later + timedelta(days=3)) == 0


def test_the_steward_solves_and_the_grid_worker_confirms(net: dict[str, Any]) -> None:
    item = _report(net)
    with pytest.raises(rules.RuleError):  # not offered to the 楼栋长 himself
        linkage.steward_answers(item, head=net["head"], solved=True, text="好了")
    linkage.steward_answers(item, head=net["steward"], solved=True, text="已找物业疏通。")
    item.refresh_from_db()
    assert item.level_due is None
    assert item.steward_answer == "已找物业疏通。"
    ticket = item.ticket
    ticket.refresh_from_db()
    assert ticket.handler == net["gridder"]
    workflow.accept(ticket, by=net["gridder"])
    workflow.reply(ticket, by=net["gridder"], text="经核实，志愿楼长已协调物业疏通。")
    item.refresh_from_db()
    assert (item.state, item.settled_level) == ("settled", rules.STEWARD)


def test_levels_that_cannot_pass_it_up_with_a_note(net: dict[str, Any]) -> None:
    item = _report(net)
    linkage.steward_answers(item, head=net["steward"], solved=False, text="需要专业疏通。")
    item.refresh_from_db()
    assert item.level == rules.GRID
    with pytest.raises(rules.RuleError):  # the community is not at the grid's level
        linkage.cannot(item, by=net["worker"], reason="不归我们")
    linkage.cannot(item, by=net["gridder"], reason="需要动用维修资金")
    item.refresh_from_db()
    assert item.level == rules.COMMUNITY
    ticket = item.ticket
    ticket.refresh_from_db()
    assert ticket.handler == net["worker"]
    note = ticket.events.get(action=Action.NOTE)
    assert "网格员无法解决（需要动用维修资金）" in note.note
    linkage.cannot(item, by=net["worker"], reason="须街道协调")
    item.refresh_from_db()
    assert item.level == rules.STREET
    ticket.refresh_from_db()
    assert ticket.handler == net["street"]
    assert [h.to_level for h in item.handovers.all()] == [
        "steward", "grid", "community", "street",
    ]  # fmt: skip
    # Past the street's deadline the ticket is left to the loop's own 催办/督办.
    assert linkage.climb_due(now=timezone.now() + timedelta(hours=49)) == 1
    item.refresh_from_db()
    assert item.state == "left"


def test_a_level_without_anybody_is_skipped(net: dict[str, Any]) -> None:
    from minsheng.orgs.models import Membership

    Membership.objects.filter(user=net["gridder"]).delete()
    net["steward"].is_active = False
    net["steward"].save()
    item = _report(net)
    assert item.level == rules.COMMUNITY
    assert [(h.to_level, h.reason) for h in item.handovers.all()] == [
        ("grid", "nobody"), ("community", "offered"),
    ]  # fmt: skip
    item.ticket.refresh_from_db()
    assert item.ticket.handler == net["worker"]


def test_the_panel_counts_settled_requests_by_level(net: dict[str, Any], supervisor: Any) -> None:
    first, second = _report(net), _report(net, "2单元楼道灯不亮了，晚上看不见。")
    linkage.steward_answers(first, head=net["steward"], solved=True, text="换了灯泡。")
    for item in (first, second):
        t = item.ticket
        t.refresh_from_db()
        workflow.accept(t, by=net["gridder"])
        workflow.reply(t, by=net["gridder"], text="已处理。")
    today = timezone.localdate()
    panel = queries.panel(supervisor, today, today, None)
    assert panel is not None
    assert panel["levels"][:2] == [("志愿楼长", 1), ("网格员", 1)]
    assert panel["share"] == 100.0
    assert panel["total"] == 2
    earlier = today - timedelta(days=9)
    assert queries.panel(supervisor, earlier, earlier, None) is None  # nothing in that period
    assert queries.panel(net["worker"], today, today, net["g2"]) is None  # another area


def test_the_steward_on_duty_is_offered_it_first(net: dict[str, Any]) -> None:
    from datetime import time

    from minsheng.community.models import Duty, Head

    evening = Head.objects.create(
        name="吴晚", phone="13900000009", role=Head.Role.STEWARD, community=net["b1"].community,
        grid=net["g1"], building=net["b1"],
    )  # fmt: skip
    now = timezone.localtime()
    Duty.objects.create(
        head=evening, weekday=now.weekday(), starts=time(0, 0), ends=time(23, 59, 59)
    )
    origin = linkage.Origin(community=net["b1"].community, building=net["b1"], reporter=net["head"])
    assert linkage.steward_for(origin, now) == evening
    other_day = now + timedelta(days=1)
    assert linkage.steward_for(origin, other_day) == net["steward"]  # nobody on duty: the first
    assert _report(net).steward == evening
