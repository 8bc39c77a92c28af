"""The programme's part of `minsheng load_demo` (idempotent), written through `importing`,
`network` and `linkage` as users would: in the three communities of 鼓东街道 (六一, 洪甘, 义井)

- buildings with their stairwells in every grid, a 网格长 for each grid, a 楼栋长 and a volunteer
  steward for each building, a 单元长 for some stairwells, with duty rosters; a grid worker
  account u_<grid code> and a community worker u_<community code> (password: the demo's);
- reports from the heads in every state of five-party linkage: solved by the steward, by the
  grid worker after the steward's deadline passed, passed up to the community, one still with
  the steward;
- 红色驿站 and 说事站/点/箱 on the map, with slips, one a ticket;
- a city, a district and a street leader with contact points and paired households, one
  visited with a problem found (its ticket), others due or overdue; a demo account `lianhu`
  for the city leader's visit page;
- a consultation meeting with resolutions, published on 六一社区's public page.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.community import importing, linkage, network
from minsheng.community.models import Building, Head, Leader, Linkage, Pairing, Station
from minsheng.orgs.models import Membership, Unit
from minsheng.tickets import workflow

STREET = "350102001"  # 鼓东街道
COMMUNITIES = ("350102001001", "350102001002", "350102001003")  # 六一, 洪甘, 义井
BUILDINGS_PER_GRID = 3
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = ("建国", "秀英", "志强", "丽华", "明", "芳", "国庆", "桂兰", "海燕", "文斌", "玉珍", "勇")
PHONE = "1770591"  # demo heads' numbers: 1770591 and four digits
LEADER_USERNAME = "lianhu"


def load(*, now: datetime, log: Callable[[str], None], password: str) -> None:
    if Building.objects.filter(code__startswith="GD-").exists():
        log("基层治理网络：演示数据已存在，跳过")
        return
    units = {u.code: u for u in Unit.objects.filter(path__contains=f"/{STREET}/")}
    if not all(code in units for code in COMMUNITIES):
        log("基层治理网络：演示城市中没有鼓东街道的社区，跳过")
        return
    _accounts(units, password)
    grids = [u for u in units.values() if u.kind == Unit.Kind.GRID]
    _sheets(units, grids)
    _reports(now)
    _stations(units, now)
    _leaders(units, now, password)
    _meeting(units, now)
    log(
        f"基层治理网络：{Building.objects.count()} 栋楼、{Head.objects.count()} 名三长与志愿楼长、"
        f"{Station.objects.count()} 个驿站、{Linkage.objects.count()} 件五方联动、"
        f"{Leader.objects.count()} 名联点领导、1 次院坝协商会"
    )


@transaction.atomic
def _accounts(units: dict[str, Unit], password: str) -> None:
    """A grid worker for every grid and a community worker for every community of the street."""
    hashed = make_password(password)
    for code in sorted(units):
        unit = units[code]
        if unit.kind not in (Unit.Kind.GRID, Unit.Kind.COMMUNITY):
            continue
        role = "网格员" if unit.kind == Unit.Kind.GRID else "社区工作者"
        user, _ = User.objects.get_or_create(
            username=f"u_{code}", defaults={"first_name": f"{unit.name}{role}", "password": hashed}
        )
        Membership.objects.get_or_create(user=user, unit=unit, role="handler")


def _name(k: int) -> str:
    return SURNAMES[k * 7 % len(SURNAMES)] + GIVEN[k % len(GIVEN)]


def _sheets(units: dict[str, Unit], grids: list[Unit]) -> None:
    """Buildings, heads and stations through the same sheets an administrator imports."""
    buildings, heads = [], []
    k = 0
    for grid in sorted(grids, key=lambda g: g.code):
        community = units[grid.code[:12]]
        for n in range(1, BUILDINGS_PER_GRID + 1):
            number = int(grid.code[-2:]) * 10 + n
            code = f"GD-{grid.code[-4:]}-{n}"
            lon = round((grid.lon or 119.296) + (n - 2) * 0.0006, 5)
            lat = round((grid.lat or 26.094) + (n % 2) * 0.0004, 5)
            buildings.append({
                "楼栋编码": code, "楼栋名称": f"{community.name[:-2]}小区{number}号楼",
                "社区编码": community.code, "网格编码": grid.code,
                "地址": f"鼓楼区鼓东路{number}号", "经度": str(lon), "纬度": str(lat),
                "层数": str(6 + n), "单元数": "3", "户数": str(36 + 6 * n),
            })  # fmt: skip
            for role, extra in (("楼栋长", {}), ("志愿楼长", {}), ("单元长", {"单元号": "1"})):
                k += 1
                heads.append({
                    "姓名": _name(k), "手机号": f"{PHONE}{k:04d}", "职责": role,
                    "社区编码": community.code, "网格编码": "", "楼栋编码": code,
                    "单元号": extra.get("单元号", ""),
                    "值班": "一至五 18:00-21:00；六、日 09:00-12:00",
                })  # fmt: skip
        k += 1
        heads.append({
            "姓名": _name(k), "手机号": f"{PHONE}{k:04d}", "职责": "网格长",
            "社区编码": community.code, "网格编码": grid.code, "楼栋编码": "", "单元号": "",
            "值班": "一至五 08:30-17:30",
        })  # fmt: skip
    importing.load("buildings", buildings)
    importing.load("heads", heads)


def _head(role: str, building: Building) -> Head:
    return Head.objects.get(role=role, building=building)


def _reports(now: datetime) -> None:
    """Four reports in 六一社区 and one in 洪甘社区, each at a different point of the linkage."""
    b = {x.code: x for x in Building.objects.filter(code__startswith="GD-")}
    start = now - timedelta(days=2)

    def report(code: str, text: str, stairwell: int, room: str, at: datetime) -> Linkage:
        building = b[code]
        return network.report(
            _head(Head.Role.BUILDING, building),
            network.Report(building, text, building.stairwells.get(number=stairwell), room),
            at=at,
        )

    def solve(item: Linkage, text: str, at: datetime) -> None:
        ticket = item.ticket
        ticket.refresh_from_db()
        assert ticket.handler is not None
        workflow.accept(ticket, by=ticket.handler, at=at)
        workflow.reply(ticket, by=ticket.handler, text=text, at=at + timedelta(minutes=30))

    # Solved by the steward, confirmed by the grid worker.
    first = report("GD-0101-1", "3单元楼道灯坏了三盏，晚上上下楼看不见。", 3, "", start)
    steward = _head(Head.Role.STEWARD, b["GD-0101-1"])
    linkage.steward_answers(
        first, head=steward, solved=True, text="已自购灯泡换好。", at=start + timedelta(hours=1)
    )
    solve(first, "经核实，志愿楼长已更换楼道灯，灯已亮。", start + timedelta(hours=2))
    # The steward's deadline passed: the grid worker took it and solved it.
    t2 = start + timedelta(hours=3)
    second = report("GD-0101-2", "1单元下水道堵塞，污水漫到一楼楼道。", 1, "101", t2)
    linkage.climb_due(now=t2 + timedelta(hours=2, minutes=5))
    solve(second, "已联系疏通队疏通下水道，并清理楼道。", t2 + timedelta(hours=3))
    # The steward and the grid worker could not: the community solved it.
    t3 = start + timedelta(hours=6)
    third = report("GD-0102-1", "2单元302厨房水管漏水，渗到楼下。", 2, "302", t3)
    linkage.steward_answers(
        third, head=_head(Head.Role.STEWARD, b["GD-0102-1"]), solved=False,
        text="住户不在家，需物业和社区协调。", at=t3 + timedelta(minutes=40),
    )  # fmt: skip
    gridder = User.objects.get(username="u_35010200100102")
    linkage.cannot(third, by=gridder, reason="需协调物业开户检修", at=t3 + timedelta(hours=2))
    solve(third, "社区协调物业入户关阀检修，漏水已止住。", t3 + timedelta(hours=5))
    # Still with a steward, in 洪甘社区.
    report("GD-0201-3", "楼顶水箱盖被风吹开，担心进脏东西。", 1, "", now - timedelta(minutes=40))


STATIONS = (
    # code, name, kind, community, dlon, dlat, services, hours
    ("GD-HZ-1", "六一社区红色驿站", "红色驿站", "350102001001", 0.0004, -0.0002,
     "歇脚、饮水、充电、应急药箱、法律咨询", "每天 08:00-20:00"),
    ("GD-HZ-2", "洪甘社区红色驿站", "红色驿站", "350102001002", -0.0003, 0.0003,
     "歇脚、饮水、快递暂存、理发（每月 10 日）", "每天 08:00-20:00"),
    ("GD-SS-1", "六一社区说事站", "说事站", "350102001001", -0.0005, 0.0004,
     "居民说事、调解、代办", "一至五 09:00-17:00"),
    ("GD-SD-1", "义井社区说事点", "说事点", "350102001003", 0.0002, 0.0001,
     "居民说事", "一、三、五 15:00-18:00"),
    ("GD-SX-1", "义井社区说事箱", "说事箱", "350102001003", -0.0004, -0.0003,
     "投递纸条，每天开箱", "全天"),
)  # fmt: skip


def _stations(units: dict[str, Unit], now: datetime) -> None:
    rows = [
        {
            "编码": code, "名称": name, "类型": kind, "社区编码": c,
            "地址": f"鼓楼区鼓东路{units[c].name}服务中心旁",
            "经度": str(round((units[c].lon or 119.296) + dlon, 5)),
            "纬度": str(round((units[c].lat or 26.094) + dlat, 5)),
            "服务": services, "开放时间": hours, "值守人员": "社区党员志愿者",
        }
        for code, name, kind, c, dlon, dlat, services, hours in STATIONS
    ]  # fmt: skip
    importing.load("stations", rows)
    worker = User.objects.get(username="u_350102001001")
    talk = Station.objects.get(code="GD-SS-1")
    network.take_slip(
        talk, text="来问老年人优待证怎么办理，已现场告知。", is_request=False, by=worker,
        at=now - timedelta(days=1, hours=3),
    )  # fmt: skip
    network.take_slip(
        talk, text="小区东门外人行道砖松动好几块，老人容易绊倒。", is_request=True, by=worker,
        at=now - timedelta(days=1, hours=2),
    )  # fmt: skip


def _leaders(units: dict[str, Unit], now: datetime, password: str) -> None:
    today = timezone.localdate(now)
    user, _ = User.objects.get_or_create(
        username=LEADER_USERNAME,
        defaults={"first_name": "许明（联点领导）", "password": make_password(password)},
    )
    people = (
        ("许明", "副市长", Leader.Level.CITY, "350102001001", user, 90),
        ("林涛", "区委副书记", Leader.Level.DISTRICT, "350102001002", None, 60),
        ("陈静", "街道党工委书记", Leader.Level.STREET, "350102001003", None, 30),
    )
    for k, (name, title, level, point, account, days) in enumerate(people):
        leader = Leader.objects.create(
            name=name, title=title, level=level, user=account,
            contact_point=units[point], every_days=days,
        )  # fmt: skip
        building = Building.objects.filter(community=units[point]).order_by("code").first()
        for j in range(2):
            Pairing.objects.create(
                leader=leader, household=f"{_name(40 + 3 * k + j)}家",
                address=f"{building.name if building else units[point].name}{j + 1}单元{j + 2}01",
                building=building, since=today - timedelta(days=days + 20 * (k + j)),
            )  # fmt: skip
    mayor = Leader.objects.get(user=user)
    pairing = mayor.pairings.order_by("pk").first()
    assert pairing is not None
    network.log_visit(
        mayor,
        network.VisitLog(
            pairing, today - timedelta(days=3), f"{pairing.household}老两口",
            notes="老人身体尚好，子女在外地。", problems=("单元门禁坏了一个月，老人进出不便。",),
        ),
        at=now - timedelta(days=3),
    )  # fmt: skip


def _meeting(units: dict[str, Unit], now: datetime) -> None:
    community = units["350102001001"]
    held = now - timedelta(days=5)
    meeting = network.plan_meeting(
        community,
        topic="六一小区 11 号楼加装电梯与停车秩序",
        place="11 号楼前院坝",
        held_at=held,
        convenor="六一社区党委书记",
        participants="住户代表 18 人、物业经理、鼓东街道城建办、网格员",
        agenda="一、加装电梯意愿与费用分摊；二、晚间乱停车；三、楼道堆物清理",
        at=held - timedelta(days=7),
    )
    deadline = timezone.localdate(now) + timedelta(days=30)
    network.record_outcome(
        meeting,
        minutes="到会住户 18 户，16 户同意加装电梯，按楼层分摊；停车改为划线停放，物业夜间巡查。",
        decisions=[
            network.Decision("征集 11 号楼全体住户加装电梯书面意见", community, deadline),
            network.Decision("向街道申请老旧小区加装电梯补助", units[STREET], deadline),
            network.Decision("小区主干道施划停车位", community, deadline - timedelta(days=10)),
        ],
        at=held + timedelta(hours=2),
    )
    network.publish(meeting)
