"""Project lists through their write module, and their tickets through the loop."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from minsheng.notifications.models import Notification
from minsheng.projects import records
from minsheng.projects.models import Event, Milestone, Project, ProjectList, ProjectTicket
from minsheng.projects.rules import RuleError
from minsheng.tickets.models import Status, Ticket
from minsheng.tickets.transitions import WorkflowError

pytestmark = pytest.mark.django_db


def test_residents_propose_and_support_once_per_phone(gudong_list: Any) -> None:
    proposal = records.propose(
        gudong_list, title="小区加装电梯", text="六层老楼，老人上下楼难。", phone="13812345678",
        place=None,
    )  # fmt: skip
    assert records.support(proposal, phone="13900001111") is True
    assert records.support(proposal, phone="139 0000 1111") is False  # the same phone
    assert proposal.supports.count() == 1
    with pytest.raises(RuleError, match="手机号"):
        records.support(proposal, phone="12")


def test_a_list_is_published_only_after_review_and_with_projects(
    gudong_list: Any, city: dict[str, Any], street_leader: Any
) -> None:
    proposal = records.propose(
        gudong_list, title="修路灯", text="巷子太黑。", phone="13812345678", place=None
    )
    records.move_list(gudong_list, "submit", by=street_leader)
    with pytest.raises(RuleError, match="还没有项目"):
        records.move_list(gudong_list, "publish", by=street_leader)
    records.move_list(gudong_list, "return", by=street_leader)
    project = records.add_project(
        gudong_list, title="背街小巷路灯", owner=city["gudong"], proposal=proposal,
        by=street_leader,
    )  # fmt: skip
    records.move_list(gudong_list, "submit", by=street_leader)
    records.move_list(gudong_list, "publish", by=street_leader)
    gudong_list.refresh_from_db()
    assert gudong_list.state == ProjectList.State.PUBLISHED
    proposal.refresh_from_db()
    assert proposal.state == "adopted"
    assert project.title in proposal.answer
    assert [e.action for e in Event.objects.filter(plist=gudong_list).order_by("pk")] == [
        "open", "submit", "return", "add", "submit", "publish",
    ]  # fmt: skip
    with pytest.raises(RuleError, match="停止征集"):
        records.propose(gudong_list, title="x", text="y", phone="13812345678", place=None)
    with pytest.raises(RuleError, match="已公布"):
        records.add_project(gudong_list, title="晚来的", owner=city["gudong"], by=street_leader)


def test_money_is_never_paid_beyond_its_source(running_project: Any, street_leader: Any) -> None:
    funding = records.add_funding(
        running_project, source="市级财政", amount="100000", by=street_leader
    )
    records.disburse(
        funding, amount="60000", on=timezone.localdate(), note="首付", by=street_leader
    )
    with pytest.raises(RuleError, match="超过"):
        records.disburse(
            funding, amount="40000.01", on=timezone.localdate(), note="", by=street_leader
        )
    assert funding.disbursements.count() == 1


def test_an_overdue_milestone_is_chased_through_the_loop_once(
    running_project: Any, street_leader: Any, city: dict[str, Any]
) -> None:
    today = timezone.localdate()
    late = records.add_milestone(
        running_project, title="井道施工", due=today - timedelta(days=2), by=street_leader
    )
    records.add_milestone(
        running_project, title="验收", due=today + timedelta(days=90), by=street_leader
    )
    assert records.chase_due(today=today) == 1
    late.refresh_from_db()
    ticket = late.chase_ticket
    assert ticket is not None
    assert ticket.status == Status.DISPATCHED
    assert ticket.unit == city["gudong"]
    assert ticket.category.code == "PJ-MILESTONE"
    assert ticket.channel == "proactive"
    assert "井道施工" in ticket.description
    assert "逾期" in ticket.title
    assert records.chase_due(today=today) == 0  # chased once
    # Finishing the milestone answers the 督办 ticket through the workflow.
    records.finish_milestone(late, by=street_leader)
    ticket.refresh_from_db()
    assert ticket.status == Status.REPLIED
    assert "东街社区加装电梯" in ticket.reply
    assert Event.objects.filter(project=running_project, action="chase").count() == 1


def test_a_milestone_due_soon_tells_the_owner_once(
    running_project: Any, street_leader: Any, street_handler: Any
) -> None:
    today = timezone.localdate()
    records.add_milestone(
        running_project, title="招标", due=today + timedelta(days=1), by=street_leader
    )
    assert records.chase_due(today=today) == 1
    assert records.chase_due(today=today) == 0
    notices = Notification.objects.filter(kind="project_milestone")
    assert {n.user for n in notices} == {street_leader, street_handler}
    assert "招标" in notices.first().body  # type: ignore[union-attr]


def test_drafts_are_not_chased(gudong_list: Any, city: dict[str, Any], street_leader: Any) -> None:
    project = records.add_project(
        gudong_list, title="草稿项目", owner=city["gudong"], by=street_leader
    )
    records.add_milestone(
        project, title="设计", due=timezone.localdate() - timedelta(days=5), by=street_leader
    )
    assert records.chase_due() == 0


def test_the_project_settles_a_ticket_with_a_reply_naming_it(
    running_project: Any, dispatched: Ticket, street_handler: Any, guxi_handler: Any
) -> None:
    link = records.link_ticket(
        running_project, dispatched, role=ProjectTicket.Role.SETTLES, by=street_handler
    )
    with pytest.raises(RuleError, match="已关联"):
        records.link_ticket(running_project, dispatched, role="prompted", by=street_handler)
    with pytest.raises(WorkflowError):  # another street cannot answer 鼓东's ticket
        records.settle(link, by=guxi_handler)
    dispatched.refresh_from_db()
    assert dispatched.status == Status.DISPATCHED  # nothing written
    records.settle(link, by=street_handler, text="预计年底完工。")
    dispatched.refresh_from_db()
    assert dispatched.status == Status.REPLIED
    assert "民生实事项目《东街社区加装电梯》" in dispatched.reply
    assert "预计年底完工" in dispatched.reply
    link.refresh_from_db()
    assert link.settled_at is not None
    with pytest.raises(RuleError, match="已经答复"):
        records.settle(link, by=street_handler)


def test_residents_rate_only_a_finished_project_and_once_per_phone(
    running_project: Any, street_leader: Any
) -> None:
    with pytest.raises(RuleError, match="完成后"):
        records.evaluate(running_project, phone="13812345678", score="satisfied")
    milestone = records.add_milestone(
        running_project, title="完工", due=timezone.localdate(), by=street_leader
    )
    with pytest.raises(RuleError, match="未完成的节点"):
        records.move_project(running_project, "finish", by=street_leader)
    records.finish_milestone(milestone, by=street_leader)
    records.move_project(running_project, "finish", by=street_leader)
    assert running_project.state == Project.State.DONE
    records.evaluate(running_project, phone="13812345678", score="unsatisfied")
    records.evaluate(running_project, phone="13812345678", score="satisfied", comment="好")
    assert list(running_project.evaluations.values_list("score", flat=True)) == ["satisfied"]
    with pytest.raises(RuleError, match="请选择"):
        records.evaluate(running_project, phone="13900000000", score="great")
    assert Milestone.objects.get(pk=milestone.pk).done_on == timezone.localdate()


def test_hotspots_and_monthly_topics_come_as_candidates_with_their_tickets(
    gudong_list: Any, dispatched: Ticket, street_leader: Any, city: dict[str, Any]
) -> None:
    from datetime import date

    from minsheng.analytics.models import Hotspot, HotspotTicket, MonthlyTopic
    from minsheng.projects import queries

    now = timezone.now()
    topic = MonthlyTopic.objects.create(
        month=date(gudong_list.year, 3, 1), title="老旧小区加装电梯难",
        ticket_numbers=[dispatched.number], adopted_at=now,
    )  # fmt: skip
    spot = Hotspot.objects.create(
        key="cluster:noise-dongjie", kind="cluster", title="东街夜间施工噪音", area=city["gudong"],
        first_at=now, last_at=now, size=1, detected_at=now,
    )  # fmt: skip
    HotspotTicket.objects.create(hotspot=spot, ticket=dispatched)
    found = {c["key"]: c for c in queries.candidates(gudong_list)}
    assert set(found) == {f"topic:{topic.pk}", "hotspot:cluster:noise-dongjie"}
    assert found[f"topic:{topic.pk}"]["numbers"] == [dispatched.number]
    c = found["hotspot:cluster:noise-dongjie"]
    proposal = records.add_candidate(
        gudong_list, source=c["source"], key=c["key"], title=c["title"], text="",
        tickets=[dispatched],
    )  # fmt: skip
    assert queries.candidates(gudong_list) == [found[f"topic:{topic.pk}"]]  # proposed once
    project = records.add_project(
        gudong_list, title="工地夜间施工治理", owner=city["gudong"], proposal=proposal,
        by=street_leader,
    )  # fmt: skip
    assert list(project.links.values_list("ticket", "role")) == [(dispatched.pk, "prompted")]


def test_one_phone_proposes_at_most_five_times_per_list(gudong_list: Any) -> None:
    for n in range(records.MAX_PROPOSALS):
        records.propose(gudong_list, title=f"提议{n}", text="内容", phone="13812345678", place=None)
    with pytest.raises(RuleError, match="最多提 5 条"):
        records.propose(gudong_list, title="第六条", text="内容", phone="13812345678", place=None)
