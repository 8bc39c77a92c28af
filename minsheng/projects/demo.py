"""The programme's part of `minsheng load_demo` (idempotent), written through `records`,
`inspections` and the loop like any user would:

- this year's city list (published) with a project in every state: a finished one rated by
  residents, two under way (one with an overdue milestone chased through the loop), one not
  started, one cancelled; next year's district list open for residents' proposals;
- a finished gas-safety campaign modelled on Hefei's (102 days in old compounds, hazards in
  331 households): 1,200 households, 331 hazards, most fixed and re-inspected, some still
  open past their deadline, a few refused with a reason.
"""

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from time import monotonic
from typing import Any

from django.db import transaction
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.citizens import registry
from minsheng.orgs.models import Unit
from minsheng.projects import inspections, records
from minsheng.projects.models import Campaign, Project, ProjectList, ProjectTicket
from minsheng.tickets import workflow
from minsheng.tickets.models import Status, Ticket

CAMPAIGN_TITLE = "鼓东街道老旧小区燃气安全排查整治"
HOUSEHOLDS = 1200
HAZARD_HOUSEHOLDS = 331  # Hefei's figure
CAMPAIGN_DAYS = 102  # Hefei's figure
STILL_OPEN = 10
REFUSED = 3
CHECKLIST = (
    # question, hazard answer, hazard type, responsible unit code (None: the campaign's)
    ("燃气软管是否老化、开裂", "是", "软管老化", None),
    ("是否安装燃气泄漏报警器", "否", "未装报警器", None),
    ("灶具是否带熄火保护", "否", "灶具无熄火保护", None),
    ("燃气管道是否被私自改装、包封", "是", "私改管道", "350102001"),
)


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def _staff(code: str) -> User:
    """A handler of the unit: the demo's unit account u_<code>, or any member."""
    user = User.objects.filter(username=f"u_{code}").first()
    return user or User.objects.filter(memberships__unit__code=code).order_by("pk").first()  # type: ignore[return-value]


def _at(day: date, hour: int, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, rng.randrange(0, 60))))


def load(*, now: datetime, log: Callable[[str], None], password: str) -> None:
    rng = random.Random(18)
    if not ProjectList.objects.filter(unit__code="3501", year=now.year).exists():
        started = monotonic()
        with transaction.atomic():
            _lists(now, rng)
        log(f"民生实事：今年的市级清单与明年的区级征集清单（{monotonic() - started:.1f} 秒）")
    if not Campaign.objects.filter(title=CAMPAIGN_TITLE).exists():
        started = monotonic()
        with transaction.atomic():  # one commit, not thousands: the whole campaign or nothing
            _campaign(now, rng)
        log(
            f"排查整治：{CAMPAIGN_TITLE}（{HOUSEHOLDS} 户，隐患 {HAZARD_HOUSEHOLDS} 户，"
            f"{monotonic() - started:.1f} 秒）"
        )


def _lists(now: datetime, rng: random.Random) -> None:
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    assert admin is not None
    today = timezone.localdate(now)
    city = records.open_list(
        unit=_unit("3501"), year=now.year, title=f"福州市{now.year}年为民办实事项目", by=admin
    )
    residents = [registry.remember(phone=f"1390000{i:04d}") for i in range(60)]
    wish = records.propose(
        city,
        title="老小区房子办不了不动产权证",
        text="九十年代的房改房一直没有产权证，买卖、落户、上学都受影响，希望集中办理。",
        phone="13900009999",
        place=None,
    )
    for r in residents[:25]:
        records.support(wish, phone=r.phone)
    specs: list[dict[str, Any]] = [
        {
            "title": "历史遗留住宅不动产权证集中办理",
            "owner": "FZ-ZGJ",
            "co": ["FZ-ZJJ", "350102"],
            "proposal": wish,
            "kpi": ("办证户数", "户", 94000, 94000),
            "money": [("市级财政", 3_000_000, 3_000_000)],
            "milestones": [("摸底登记", -200, -205), ("集中受理", -120, -118), ("发证", -30, -32)],
            "end": "done",
        },
        {
            "title": "东街口农贸市场提升改造",
            "owner": "350102",
            "co": ["FZ-SCJ", "350102001"],
            "kpi": ("改造摊位", "个", 120, 80),
            "money": [("区级财政", 8_600_000, 5_000_000), ("社会资金", 2_000_000, 0)],
            "milestones": [("设计方案", -90, -95), ("主体改造完工", -6, None), ("开业", 40, None)],
            "end": "underway",
        },
        {
            "title": "老旧小区既有住宅加装电梯",
            "owner": "FZ-ZJJ",
            "co": ["350102001", "350102002"],
            "kpi": ("加装电梯", "部", 60, 35),
            "money": [("中央补助", 3_600_000, 2_100_000), ("市级财政", 2_400_000, 1_400_000)],
            "milestones": [("首批 30 部完工", -20, -22), ("全部完工", 60, None)],
            "end": "underway",
        },
        {
            "title": "社区长者食堂建设",
            "owner": "FZ-MZJ",
            "co": ["350102001"],
            "kpi": ("新建长者食堂", "个", 20, 0),
            "money": [("市级财政", 1_000_000, 0)],
            "milestones": [("选址", 30, None)],
            "end": "planned",
        },
        {
            "title": "背街小巷路灯改造",
            "owner": "FZ-CGW",
            "co": [],
            "kpi": ("改造路灯", "盏", 800, 0),
            "money": [],
            "milestones": [],
            "end": "cancelled",
        },
    ]
    projects: list[tuple[Project, dict[str, Any]]] = []
    for spec in specs:
        project = records.add_project(
            city,
            title=spec["title"],
            owner=_unit(spec["owner"]),
            co_units=[_unit(c) for c in spec["co"]],
            due=date(now.year, 12, 31),
            proposal=spec.get("proposal"),
            by=admin,
        )
        name, measure, target, actual = spec["kpi"]
        records.set_kpi(project, name=name, measure=measure, target=target, actual=actual, by=admin)
        for title, due_in, _ in spec["milestones"]:
            records.add_milestone(
                project, title=title, due=today + timedelta(days=due_in), by=admin
            )
        for source, amount, paid in spec["money"]:
            funding = records.add_funding(project, source=source, amount=amount, by=admin)
            if paid:
                records.disburse(funding, amount=paid, on=today, note="按进度拨付", by=admin)
        projects.append((project, spec))
    records.move_list(city, "submit", by=admin)
    records.move_list(city, "publish", by=admin)
    for project, spec in projects:
        owner = _staff(spec["owner"])
        if spec["end"] == "cancelled":
            records.move_project(project, "cancel", by=owner, note="与城市更新项目合并实施。")
            continue
        if spec["end"] == "planned":
            continue
        records.move_project(project, "start", by=owner)
        for milestone, (_, _due, done_in) in zip(
            project.milestones.all(), spec["milestones"], strict=True
        ):
            if done_in is not None:
                records.finish_milestone(milestone, by=owner, on=today + timedelta(days=done_in))
        records.report(project, text="施工队伍已进场，按计划推进。", by=owner)
        if spec["end"] == "done":
            records.move_project(project, "finish", by=owner)
            for i, resident in enumerate(residents):
                score = (
                    "satisfied" if i % 10 < 8 else ("basically" if i % 10 == 8 else "unsatisfied")
                )
                comment = "终于拿到证了，孩子上学不愁了。" if i == 0 else ""
                records.evaluate(project, phone=resident.phone, score=score, comment=comment)
    # The overdue milestone of the market is chased through the loop.
    records.chase_due(today=today)
    market = projects[1][0]
    for ticket in Ticket.objects.filter(unit__code="350102001", status=Status.ACCEPTED)[:2]:
        records.link_ticket(market, ticket, role=ProjectTicket.Role.SETTLES, by=admin)
    district = records.open_list(
        unit=_unit("350102"),
        year=now.year + 1,
        title=f"鼓楼区{now.year + 1}年民生实事征集",
        by=admin,
    )
    wishes = [
        ("小区门口增设公交站", "从六一社区到地铁站要走二十分钟，希望增设一站。"),
        ("老旧小区增设电动车充电桩", "楼道里飞线充电很危险，希望小区统一建充电棚。"),
        ("社区建一个四点半课堂", "双职工家庭孩子放学没人管，希望社区提供课后托管。"),
        ("公园增设公共厕所", "温泉公园里只有一个厕所，周末排长队。"),
    ]
    for n, (title, text) in enumerate(wishes):
        proposal = records.propose(
            district, title=title, text=text, phone=f"1370000{n:04d}", place=None
        )
        for r in residents[: rng.randrange(3, 30)]:
            records.support(proposal, phone=r.phone)


def _campaign(now: datetime, rng: random.Random) -> None:
    street = _unit("350102001")
    leader = _staff("350102001")
    gas = _staff("FZ-GAS")
    today = timezone.localdate(now)
    start = today - timedelta(days=CAMPAIGN_DAYS + 20)
    end = start + timedelta(days=CAMPAIGN_DAYS - 1)
    campaign = inspections.create_campaign(
        unit=street,
        title=CAMPAIGN_TITLE,
        start=start,
        end=end,
        responsible=_unit("FZ-GAS"),
        fix_workdays=7,
        by=leader,
    )
    items = [
        inspections.add_item(
            campaign,
            question=q,
            kind="yesno",
            hazard_answers=bad,
            hazard_type=kind,
            responsible=_unit(code) if code else None,
        )
        for q, bad, kind, code in CHECKLIST
    ]
    communities = list(Unit.objects.filter(parent=street, kind=Unit.Kind.COMMUNITY))
    rows = []
    for n in range(HOUSEHOLDS):
        area = communities[n % len(communities)]
        rows.append(
            {
                "编号": f"GD-{n + 1:04d}",
                "类型": "住户",
                "地址": f"{area.name}{n // 24 + 1}号楼{n % 24 // 4 + 1}0{n % 4 + 1}室",
                "社区编码": area.code,
                "经度": str(round((area.lon or 119.3) + rng.uniform(-0.003, 0.003), 6)),
                "纬度": str(round((area.lat or 26.09) + rng.uniform(-0.003, 0.003), 6)),
            }
        )
    inspections.import_targets(campaign, rows)
    inspections.add_inspector(campaign, user=leader, area=street)
    inspections.move_campaign(campaign, "start", by=leader)
    targets = list(campaign.targets.select_related("campaign__unit", "area").order_by("ref"))
    bad = set(rng.sample(range(HOUSEHOLDS), HAZARD_HOUSEHOLDS))
    nobody = set(rng.sample(sorted(set(range(HOUSEHOLDS)) - bad), 15))
    found: list[tuple[int, datetime]] = []
    for n, target in enumerate(targets):
        day = start + timedelta(
            days=min(CAMPAIGN_DAYS - 25, n * (CAMPAIGN_DAYS - 25) // HOUSEHOLDS)
        )
        at = _at(day, rng.choice((9, 10, 14, 15, 16)), rng)
        if n in nobody:
            outcome, answers = "nobody", {}
        else:
            outcome = "inspected"
            answers = {i.pk: ("否" if i.hazard_answers == "是" else "是") for i in items}
            if n in bad:
                item = rng.choice(items)
                answers[item.pk] = item.hazard_answers
                found.append((n, at))
        inspections.record_visit(
            target, client_id=f"demo-{n:05d}", outcome=outcome, answers=answers, photos={},
            at=at, by=leader,
        )  # fmt: skip
    hazards = list(campaign.hazards.select_related("ticket", "unit").order_by("pk"))
    refused = set(range(REFUSED))
    still_open = set(range(REFUSED, REFUSED + STILL_OPEN))
    photo = _photo()
    for k, hazard in enumerate(hazards):
        if k in refused:
            inspections.refuse(hazard, reason="住户表示房屋即将出售，不同意更换。", by=leader)
            continue
        if k in still_open:
            continue
        assert hazard.ticket is not None
        fixer = gas if hazard.unit.code == "FZ-GAS" else _staff(hazard.unit.code)
        found_at = timezone.localtime(hazard.ticket.received_at)
        fixed_at = found_at + timedelta(days=rng.randint(1, 12), hours=1)
        workflow.accept(hazard.ticket, by=fixer, at=found_at + timedelta(hours=1))
        workflow.reply(hazard.ticket, by=fixer, text=f"已上门整改（{hazard.kind}）。", at=fixed_at)
        inspections.recheck(
            hazard, passed=True, photo=photo, note="整改到位。", by=leader,
            at=fixed_at + timedelta(days=1),
        )  # fmt: skip
    inspections.move_campaign(campaign, "finish", by=leader)


def _photo() -> bytes:
    """A small generated JPEG standing in for a re-inspection photo."""
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 90)).save(buffer, "JPEG")
    return buffer.getvalue()
