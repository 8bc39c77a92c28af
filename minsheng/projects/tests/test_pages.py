"""The staff pages, the residents' pages and the API over HTTP: scoping first."""

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook

from minsheng.accounts import keys
from minsheng.projects import queries, records
from minsheng.projects.models import Hazard, Project, ProjectList, Proposal, Target, Visit
from minsheng.tickets import workflow
from minsheng.tickets.models import Status

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_street_sees_its_own_list_and_not_its_neighbours(
    running_project: Any, street_handler: Any, guxi_handler: Any, dispatcher: Any
) -> None:
    plist = running_project.plist
    mine, other, centre = _client(street_handler), _client(guxi_handler), _client(dispatcher)
    assert plist.title in mine.get("/projects/").content.decode()
    assert plist.title not in other.get("/projects/").content.decode()
    for url in (f"/projects/lists/{plist.pk}/", f"/projects/{running_project.pk}/",
                f"/projects/lists/{plist.pk}/export.xlsx"):  # fmt: skip
        assert mine.get(url).status_code == 200
        assert other.get(url).status_code == 404
        assert centre.get(url).status_code == 200
    # The co-unit's people see the project too, but may not report on it.
    assert other.post(f"/projects/{running_project.pk}/", {"form": "report"}).status_code == 404


def test_staff_open_a_list_adopt_a_proposal_and_only_the_leader_publishes(
    city: dict[str, Any], street_handler: Any, street_leader: Any
) -> None:
    handler = _client(street_handler)
    year = timezone.localdate().year
    response = handler.post(
        "/projects/", {"unit": city["gudong"].pk, "year": year, "title": "鼓东街道实事"}
    )
    plist = ProjectList.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/projects/lists/{plist.pk}/"
    # Not the neighbour's unit: refused.
    assert (
        handler.post(
            "/projects/", {"unit": city["guxi"].pk, "year": year, "title": "x"}
        ).status_code
        == 200
    )
    assert ProjectList.objects.count() == 1
    proposal = records.propose(
        plist, title="修路灯", text="巷子太黑。", phone="13812345678", place=None
    )
    url = f"/projects/lists/{plist.pk}/"
    handler.post(url, {"form": "project", "title": "背街小巷路灯", "owner": city["gudong"].pk,
                       "proposal": proposal.pk})  # fmt: skip
    assert Proposal.objects.get().state == Proposal.State.ADOPTED
    handler.post(url, {"form": "move", "action": "submit"})
    page = handler.post(url, {"form": "move", "action": "publish"}, follow=True)
    assert "只有本级单位负责人可以公布清单" in page.content.decode()
    _client(street_leader).post(url, {"form": "move", "action": "publish"})
    assert ProjectList.objects.get().state == ProjectList.State.PUBLISHED
    bad = _client(street_leader).post(url, {"form": "move", "action": "publish"}, follow=True)
    assert "当前状态不能公布清单" in bad.content.decode()


def test_the_project_page_records_money_kpis_milestones_reports_and_tickets(
    running_project: Any, street_handler: Any, dispatched: Any, photo_bytes: bytes
) -> None:
    client = _client(street_handler)
    url = f"/projects/{running_project.pk}/"
    client.post(url, {"form": "funding", "source": "市级财政", "amount": "500000"})
    funding = running_project.fundings.get()
    client.post(url, {"form": "disbursement", "funding": funding.pk, "amount": "900000",
                      "on": timezone.localdate().isoformat()})  # fmt: skip
    assert funding.disbursements.count() == 0  # more than the source holds: refused
    client.post(
        url, {"form": "kpi", "name": "加装电梯", "measure": "部", "target": "12", "actual": "3"}
    )
    client.post(url, {"form": "milestone", "title": "井道施工",
                      "due": (timezone.localdate() + timedelta(days=20)).isoformat()})  # fmt: skip
    upload = io.BytesIO(photo_bytes)
    upload.name = "site.jpg"
    client.post(url, {"form": "report", "text": "井道开挖。", "photo": upload})
    client.post(url, {"form": "link", "number": dispatched.number, "role": "settles"})
    link = running_project.links.get()
    client.post(url, {"form": "settle", "link": link.pk, "text": ""})
    dispatched.refresh_from_db()
    assert dispatched.status == Status.REPLIED
    assert "东街社区加装电梯" in dispatched.reply
    page = client.get(url).content.decode()
    assert "加装电梯" in page
    assert "井道施工" in page
    assert "井道开挖" in page
    report = running_project.reports.get()
    assert client.get(f"/projects/photos/{report.photo_id}/")["Content-Type"] == "image/jpeg"
    bad = client.post(url, {"form": "milestone", "title": "", "due": "明天"}, follow=True)
    assert bad.status_code == 200
    assert running_project.milestones.count() == 1


def test_residents_propose_support_follow_and_rate(
    gudong_list: Any, city: dict[str, Any], street_leader: Any
) -> None:
    resident = Client()
    assert gudong_list.title in resident.get("/m/projects/").content.decode()
    url = f"/m/projects/lists/{gudong_list.pk}/"
    resident.post(
        url, {"title": "增设充电桩", "text": "楼道飞线充电危险。", "phone": "13812345678"}
    )
    proposal = Proposal.objects.get()
    assert proposal.source == "resident"
    assert proposal.resident is not None
    support = f"/m/projects/lists/{gudong_list.pk}/support/"
    resident.post(support, {"proposal": proposal.pk, "phone": "13900001111"})
    page = resident.post(support, {"proposal": proposal.pk, "phone": "13900001111"}, follow=True)
    assert "您已经附议过" in page.content.decode()
    assert proposal.supports.count() == 1
    listing = resident.get(url).content.decode()
    assert "增设充电桩" in listing
    assert "13812345678" not in listing
    assert "1381234" not in listing
    bad = resident.post(url, {"title": "x", "text": "y", "phone": "123"}, follow=True)
    assert bad.status_code == 200
    assert Proposal.objects.count() == 1
    project = records.add_project(
        gudong_list, title="增设充电桩", owner=city["gudong"], proposal=proposal, by=street_leader
    )
    assert resident.get(f"/m/projects/{project.pk}/").status_code == 404  # not yet published
    records.move_list(gudong_list, "submit", by=street_leader)
    records.move_list(gudong_list, "publish", by=street_leader)
    records.move_project(project, "start", by=street_leader)
    page = resident.post(
        f"/m/projects/{project.pk}/", {"score": "satisfied", "phone": "13812345678"}, follow=True
    )
    assert "项目完成后才能评价" in page.content.decode()
    records.move_project(project, "finish", by=street_leader)
    resident.post(
        f"/m/projects/{project.pk}/",
        {"score": "basically", "comment": "不错", "phone": "13812345678"},
    )
    assert Project.objects.get().evaluations.get().score == "basically"
    assert "满意率 100%" in resident.get(url).content.decode()


def test_the_inspectors_page_accepts_a_queued_visit_once(
    gas_campaign: Any, street_handler: Any, guxi_handler: Any, photo_bytes: bytes
) -> None:
    import base64

    client = _client(street_handler)
    assert "东街88号101" in client.get(f"/campaigns/{gas_campaign.pk}/inspect/").content.decode()
    hose, years = gas_campaign.items.order_by("order")
    target = gas_campaign.targets.get(ref="A-1")
    body = {
        "client_id": "3b0c7d2e-queued-1",
        "target": target.pk,
        "outcome": "inspected",
        "answers": {str(hose.pk): "是", str(years.pk): "9"},
        "photos": {
            str(hose.pk): "data:image/jpeg;base64," + base64.b64encode(photo_bytes).decode()
        },
        "at": timezone.now().isoformat(),
    }
    url = f"/campaigns/{gas_campaign.pk}/visits"
    first = client.post(url, json.dumps(body), content_type="application/json").json()
    again = client.post(url, json.dumps(body), content_type="application/json").json()
    assert first["ok"]
    assert first["new"]
    assert not again["new"]
    assert first["visit"] == again["visit"]
    assert first["hazards"][0]["kind"] == "软管老化"
    assert first["hazards"][0]["ticket"]
    assert Visit.objects.count() == 1
    assert Hazard.objects.count() == 1
    bad = client.post(url, json.dumps({**body, "client_id": "other-123", "answers": {}}),
                      content_type="application/json")  # fmt: skip
    assert bad.status_code == 400
    assert "每一个" in bad.json()["message"]
    garbage = client.post(url, "{not json", content_type="application/json")
    assert garbage.status_code == 400
    assert (
        _client(guxi_handler)
        .post(url, json.dumps(body), content_type="application/json")
        .status_code
        == 404
    )
    board = client.get(f"/campaigns/{gas_campaign.pk}/").content.decode()
    assert "软管老化" in board
    assert "50%" in board
    export = client.get(f"/campaigns/{gas_campaign.pk}/export.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(export)))
    assert rows[1][0] == "A-1"
    assert rows[1][3] == "软管老化"


def test_the_hazard_page_takes_the_recheck_with_a_photo(
    gas_campaign: Any,
    street_handler: Any,
    water_handler: Any,
    guxi_handler: Any,
    photo_bytes: bytes,
) -> None:
    from minsheng.projects import inspections

    hose, years = gas_campaign.items.order_by("order")
    visit, _ = inspections.record_visit(
        gas_campaign.targets.get(ref="A-1"), client_id="c-recheck-1", outcome="inspected",
        answers={hose.pk: "是", years.pk: "9"}, photos={}, at=timezone.now(), by=street_handler,
    )  # fmt: skip
    hazard = visit.hazards.get()
    url = f"/campaigns/hazards/{hazard.pk}/"
    assert _client(guxi_handler).get(url).status_code == 404
    client = _client(street_handler)
    early = client.post(url, {"form": "recheck", "passed": "1"}, follow=True)
    assert "尚未答复" in early.content.decode()
    workflow.accept(hazard.ticket, by=water_handler)
    workflow.reply(hazard.ticket, by=water_handler, text="已更换。")
    upload = io.BytesIO(photo_bytes)
    upload.name = "after.jpg"
    client.post(url, {"form": "recheck", "passed": "1", "photo": upload, "note": "合格"})
    hazard.refresh_from_db()
    assert hazard.state == Hazard.State.FIXED
    assert hazard.ticket.status == Status.CLOSED


def test_the_api_lists_a_years_projects_and_a_campaigns_summary(
    running_project: Any, gas_campaign: Any, street_handler: Any
) -> None:
    _, raw = keys.issue("大屏", scopes=["projects"])
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    year = timezone.localdate().year
    rows = client.get(f"/api/v1/projects?year={year}").json()
    assert [r["title"] for r in rows] == ["东街社区加装电梯"]
    assert rows[0]["state"] == "underway"
    assert rows[0]["co_units"] == ["东街社区"]
    assert client.get(f"/api/v1/projects?year={year - 1}").json() == []
    summary = client.get(f"/api/v1/campaigns/{gas_campaign.pk}/summary").json()
    assert {k: summary[k] for k in ("targets", "inspected", "hazards", "fixed", "overdue")} == {
        "targets": 2, "inspected": 0, "hazards": 0, "fixed": 0, "overdue": 0,
    }  # fmt: skip
    assert client.get("/api/v1/campaigns/999999/summary").status_code == 404
    assert Client().get(f"/api/v1/projects?year={year}").status_code == 401


def test_the_import_commands(
    city: dict[str, Any], admin_user: Any, gas_campaign: Any, tmp_path: Any
) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["序号", "项目名称", "主要内容", "牵头单位", "配合单位", "资金来源",
                  "投资金额（万元）", "绩效指标", "目标值", "计量单位", "完成时限"])  # fmt: skip
    sheet.append([1, "老旧小区改造", "改造燃气、线路", "鼓东街道", "东街社区", "区级财政", 120,
                  "改造户数", 331, "户", "2026-12-31"])  # fmt: skip
    path = tmp_path / "list.xlsx"
    book.save(path)
    out = io.StringIO()
    call_command("projects_import", str(path), "--unit", "350102", "--year", "2026", stdout=out)
    project = Project.objects.get()
    assert project.owner == city["gudong"]
    assert project.fundings.get().amount == 1_200_000
    assert project.kpis.get().target == 331
    assert "已导入 1 个项目" in out.getvalue()
    targets = tmp_path / "targets.csv"
    targets.write_text("编号,类型,地址,社区编码,经度,纬度\nC-1,商铺,东街1号,350102001001,119.3,26.09\n",
                       encoding="utf-8")  # fmt: skip
    call_command("campaign_import", str(targets), "--campaign", str(gas_campaign.pk), stdout=out)
    assert Target.objects.get(ref="C-1").kind == "shop"


def test_the_dashboard_panel_is_scoped(
    running_project: Any, guxi_handler: Any, street_handler: Any
) -> None:
    today = timezone.localdate()
    mine = queries.panel(street_handler, today.replace(day=1), today, None)
    assert mine is not None
    assert ("实施中", 1) in mine["states"]
    assert queries.panel(guxi_handler, today.replace(day=1), today, None) is None


def test_the_big_screen_ranks_owners_by_milestones_on_time(
    running_project: Any, street_leader: Any, dispatcher: Any
) -> None:
    today = timezone.localdate()
    late = records.add_milestone(
        running_project, title="招标", due=today - timedelta(days=10), by=street_leader
    )
    records.add_milestone(
        running_project, title="设计", due=today - timedelta(days=20), by=street_leader
    )
    records.finish_milestone(late, by=street_leader, on=today - timedelta(days=12))
    rows = queries.owners_on_time(Project.objects.all(), today)
    assert rows == [{"owner": "鼓东街道", "milestones": 2, "rate": 0.5}]
    page = _client(dispatcher).get("/projects/screen/").content.decode()
    assert "鼓东街道" in page
    assert "50%" in page


def test_the_panel_shows_on_the_dashboard(running_project: Any, street_leader: Any) -> None:
    page = _client(street_leader).get("/analytics/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "民生实事与排查整治" in text
    assert "实施中 <strong>1</strong>" in text
