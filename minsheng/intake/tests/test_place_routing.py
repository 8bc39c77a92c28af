"""A request that names its street in words, with no map point, is routed to that street through
every door (issue 12's Open311 examples); a place that cannot be settled waits, saying why."""

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from minsheng.accounts import keys
from minsheng.dispatch import routing
from minsheng.dispatch.models import Target
from minsheng.intake import door
from minsheng.orgs.models import Unit
from minsheng.taxonomy.models import Category
from minsheng.tickets.models import Channel, Status, Ticket
from minsheng.tickets.transitions import Actor


def _unit(code: str, name: str, kind: str, parent: Unit) -> Unit:
    return Unit.objects.create(code=code, name=name, kind=kind, parent=parent)


@pytest.fixture
def fuzhou(city: dict[str, Any]) -> dict[str, Unit]:
    """More of Fuzhou than the test city: 台江区宁化街道 and 仓山区 with two of its streets; the
    demo's 林浦社区 lies in 东升街道 (the real 林浦村 is in 城门镇, not one of our units)."""
    fz = city["fz"]
    taijiang = _unit("350103", "台江区", Unit.Kind.DISTRICT, fz)
    cangshan = _unit("350104", "仓山区", Unit.Kind.DISTRICT, fz)
    dongsheng = _unit("350104002", "东升街道", Unit.Kind.STREET, cangshan)
    units = {
        "taijiang": taijiang,
        "ninghua": _unit("350103012", "宁化街道", Unit.Kind.STREET, taijiang),
        "cangshan": cangshan,
        "dongsheng": dongsheng,
        "linpu": _unit("350104002001", "林浦社区", Unit.Kind.COMMUNITY, dongsheng),
        "chengmen": _unit("350104101", "城门镇", Unit.Kind.TOWNSHIP, cangshan),
        # One community name in two streets of 鼓楼区.
        "xincun_gudong": _unit("350102001009", "新村社区", Unit.Kind.COMMUNITY, city["gudong"]),
        "xincun_guxi": _unit("350102002009", "新村社区", Unit.Kind.COMMUNITY, city["guxi"]),
    }
    return {**city, **units}


@pytest.fixture
def street_rules(catalogue: dict[str, Any], fuzhou: dict[str, Unit]) -> dict[str, Category]:
    """Rubbish and street vending go straight to the street, as the demo catalogue says."""
    group = catalogue["noise"].parent
    rubbish = Category.objects.create(
        code="CG-RUBBISH",
        name="垃圾清运",
        parent=group,
        policy=catalogue["noise"].policy,
        request_types=["complaint", "report", "help"],
        handler_hint="street",
    )
    vending = Category.objects.create(
        code="CG-VENDING",
        name="占道经营",
        parent=group,
        policy=catalogue["noise"].policy,
        request_types=["complaint", "report"],
        handler_hint="street",
    )
    categories = [rubbish, vending, catalogue["noise"]]
    routing.save_rule(
        None, {"name": "街道直派", "categories": categories, "target": Target.STREET}, by=None
    )
    return {"rubbish": rubbish, "vending": vending, "noise": catalogue["noise"]}


@pytest.fixture
def classifier_agrees(monkeypatch: pytest.MonkeyPatch) -> None:
    """The classifier agrees with the chosen category (its quality is measured in triage)."""
    monkeypatch.setattr(routing, "agreements", lambda requests: [0.95] * len(requests))


def _open311(client: Client, key: str, code: str, address: str, description: str) -> Ticket:
    form = {"api_key": key, "service_code": code, "address_string": address}
    form |= {"description": description, "phone": "13900001111"} if description else {}
    form.setdefault("phone", "13900001111")
    response = client.post("/open311/v2/requests.json", form)
    assert response.status_code == 200, response.content.decode()
    return Ticket.objects.get(number=json.loads(response.content)[0]["service_request_id"])


# Issue 12: requests naming a Fuzhou street or township in address_string, no point.
NAMED_IN_TEXT = [
    ("CG-RUBBISH", "台江区宁化街道祥坂街", "垃圾堆放多日无人清运", "ninghua"),
    ("CG-RUBBISH", "台江区宁化街道祥坂街垃圾堆放多日无人清运", "", "ninghua"),
    ("CG-VENDING", "仓山区城门镇林浦村", "村口流动摊贩占道经营", "chengmen"),
    ("CG-NOISE", "城门林浦村委会旁", "夜里音响噪音扰民", "chengmen"),  # 镇 left out
    ("CG-NOISE", "小区楼下", "鼓西街道新村社区楼下广场舞音响太吵", "guxi"),  # in the words
]


@pytest.mark.parametrize(("code", "address", "description", "street"), NAMED_IN_TEXT)
def test_open311_requests_naming_their_street_are_dispatched_to_it_by_the_worker(
    client: Client,
    fuzhou: dict[str, Unit],
    street_rules: dict[str, Category],
    classifier_agrees: None,
    code: str,
    address: str,
    description: str,
    street: str,
) -> None:
    key = keys.issue("街坊随手拍", scopes=["open311"])[1]
    ticket = _open311(client, key, code, address, description)
    assert ticket.awaiting_route
    assert ticket.place is not None

    assert routing.route_waiting() == 1

    ticket.refresh_from_db()
    assert (ticket.status, ticket.unit) == (Status.DISPATCHED, fuzhou[street])
    assert "街道直派" in ticket.events.get(action="dispatch").note


def test_the_native_api_routes_by_the_street_named_in_the_description(
    fuzhou: dict[str, Unit], street_rules: dict[str, Category], classifier_agrees: None
) -> None:
    _, raw = keys.issue("市民热线小程序", scopes=["api"])
    body = {
        "phone": "13812345678",
        "request_type": "complaint",
        "category": "CG-RUBBISH",
        "description": "台江区宁化街道祥坂街垃圾堆放多日无人清运",
    }
    response = Client().post(
        "/api/v1/tickets",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}", "Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 201, response.content.decode()
    routing.route_waiting()

    ticket = Ticket.objects.get(number=response.json()["number"])
    assert (ticket.place, ticket.unit) == (fuzhou["ninghua"], fuzhou["ninghua"])
    assert ticket.status == Status.DISPATCHED


def test_the_agents_console_routes_at_once_by_the_street_in_the_words(
    fuzhou: dict[str, Unit], street_rules: dict[str, Category], agent: Any
) -> None:
    request = door.Request(
        category=street_rules["rubbish"],
        description="仓山区城门镇林浦村道路边垃圾堆放多日无人清运",
        phone="13812345678",
        request_type="complaint",
        chooser="agent",
    )
    ticket = door.submit(request, by=agent)

    assert ticket.place == fuzhou["chengmen"]  # not 东升街道's 林浦社区
    assert (ticket.status, ticket.unit) == (Status.DISPATCHED, fuzhou["chengmen"])


def test_an_ambiguous_place_waits_and_names_the_candidates(
    fuzhou: dict[str, Unit], street_rules: dict[str, Category], agent: Any
) -> None:
    request = door.Request(
        category=street_rules["rubbish"],
        description="新村社区门口垃圾堆积发臭",
        phone="13812345678",
        chooser="agent",
    )
    ticket = door.submit(request, by=agent)

    assert ticket.place is None
    hold = ticket.events.get(action="hold")
    assert hold.data["reason"] == "ambiguous_place"
    assert sorted(hold.data["places"]) == ["鼓楼区鼓东街道新村社区", "鼓楼区鼓西街道新村社区"]
    assert hold.note.startswith("地点有多个候选街道：「新村社区」可能指")


def test_another_citys_street_waits_as_outside_the_city(
    fuzhou: dict[str, Unit], street_rules: dict[str, Category], agent: Any
) -> None:
    request = door.Request(
        category=street_rules["noise"],
        description="北京市朝阳区望京街道工地夜间施工噪音",
        phone="13812345678",
        chooser="agent",
    )
    ticket = door.submit(request, by=agent)

    hold = ticket.events.get(action="hold")
    assert (ticket.place, hold.data["reason"]) == (None, "outside_city")
    assert "北京市朝阳区望京街道" in hold.note


def test_a_point_on_another_street_than_the_words_files_under_both_and_says_so(
    fuzhou: dict[str, Unit], street_rules: dict[str, Category], agent: Any
) -> None:
    gudong, guxi = fuzhou["gudong"], fuzhou["guxi"]
    gudong.boundary = _box(119.29, 26.07, 119.32, 26.10)
    gudong.save()
    guxi.boundary = _box(119.26, 26.07, 119.29, 26.10)
    guxi.save()
    request = door.Request(
        category=street_rules["noise"],
        description="鼓西街道新村社区楼下广场舞音响太吵",
        phone="13812345678",
        chooser="agent",
        lon=119.305,  # in 鼓东街道
        lat=26.085,
    )
    ticket = door.submit(request, by=agent)

    assert ticket.place == fuzhou["gulou"]  # the deepest unit both lie in
    hold = ticket.events.get(action="hold")
    assert hold.data["reason"] == "ambiguous_place"
    assert "诉求文字所述鼓楼区鼓西街道新村社区与定位点所在鼓楼区鼓东街道不一致" in hold.note


def test_a_point_and_words_on_one_line_take_the_deeper(
    fuzhou: dict[str, Unit], street_rules: dict[str, Category], agent: Any
) -> None:
    gudong = fuzhou["gudong"]
    gudong.boundary = _box(119.29, 26.07, 119.32, 26.10)
    gudong.save()
    request = door.Request(
        category=street_rules["noise"],
        description="鼓东街道新村社区楼下广场舞音响太吵",
        phone="13812345678",
        chooser="agent",
        lon=119.305,
        lat=26.085,
    )
    ticket = door.submit(request, by=agent)

    assert ticket.place == fuzhou["xincun_gudong"]
    assert ticket.unit == gudong


def test_a_batch_of_programme_alarms_is_filed_under_the_places_they_name(
    fuzhou: dict[str, Unit], street_rules: dict[str, Category]
) -> None:
    sensor = Actor(label="燃气报警器", kind="system")
    texts = ["台江区宁化街道祥坂街3号燃气浓度报警", "仓山区城门镇林浦村燃气报警", "燃气报警"]
    tickets = door.submit_many(
        [
            (
                door.Request(category=street_rules["noise"], description=t, chooser="programme"),
                sensor,
            )
            for t in texts
        ]
    )
    assert [t.place for t in tickets] == [fuzhou["ninghua"], fuzhou["chengmen"], None]
    assert all(t.channel == Channel.HOTLINE for t in tickets)


def _box(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def beijing(db: Any) -> dict[str, Unit]:
    """Another city's deployment, with its own codes for two streets of 朝阳区."""
    bj = Unit.objects.create(code="1101", name="北京市", kind=Unit.Kind.CITY)
    chaoyang = _unit("110105", "朝阳区", Unit.Kind.DISTRICT, bj)
    return {
        "chaoyang": chaoyang,
        "wangjing": _unit("BJ-CY-WJ", "望京街道", Unit.Kind.STREET, chaoyang),
        "jiuxianqiao": _unit("BJ-CY-JXQ", "酒仙桥街道", Unit.Kind.STREET, chaoyang),
    }


def test_another_citys_deployment_routes_by_its_own_street_names(
    beijing: dict[str, Unit], catalogue: dict[str, Any], agent_in: Callable[[Unit], Any]
) -> None:
    routing.save_rule(
        None,
        {"name": "噪音直派街道", "categories": [catalogue["noise"]], "target": Target.STREET},
        by=None,
    )
    request = door.Request(
        category=catalogue["noise"],
        description="朝阳区望京街道阜通东大街工地夜间施工噪音",
        phone="13812345678",
        chooser="agent",
    )
    ticket = door.submit(request, by=agent_in(beijing["chaoyang"]))

    assert ticket.place == beijing["wangjing"]
    assert (ticket.status, ticket.unit) == (Status.DISPATCHED, beijing["wangjing"])


@pytest.fixture
def agent_in(db: Any) -> Callable[[Unit], Any]:
    from minsheng.accounts.models import User
    from minsheng.orgs.models import Membership

    def make(unit: Unit) -> Any:
        centre = Unit.objects.create(
            code="BJ-12345", name="北京12345", kind=Unit.Kind.CENTRE, parent=unit.parent
        )
        user = User.objects.create_user(username="bj-agent", password="pw")
        Membership.objects.create(user=user, unit=centre, role="agent")
        return user

    return make


def test_a_batch_import_row_naming_its_street_in_the_address_is_dispatched_to_it(
    agent: Any, fuzhou: dict[str, Unit], street_rules: dict[str, Category], classifier_agrees: None
) -> None:
    """说事箱 slips name the street in the address, not in a column of their own."""
    from minsheng.intake import importing
    from minsheng.intake.tests.test_importing import _csv

    row = {
        "来源": "说事箱",
        "日期": "2026-12-01",
        "姓名": "林阿姨",
        "电话": "13905911234",
        "诉求类型": "投诉",
        "分类": "CG-RUBBISH",
        "内容": "垃圾堆放多日无人清运。",
        "地址": "台江区宁化街道祥坂街",
    }
    outcome = importing.import_file(_csv([row]), filename="slips.csv", by=agent)
    assert not outcome.errors, outcome.errors
    routing.route_waiting()

    ticket = Ticket.objects.get()
    assert ticket.place == fuzhou["ninghua"]
    assert (ticket.status, ticket.unit) == (Status.DISPATCHED, fuzhou["ninghua"])


def test_a_residents_phone_request_naming_its_street_is_dispatched_to_it(
    fuzhou: dict[str, Unit], street_rules: dict[str, Category], monkeypatch: pytest.MonkeyPatch
) -> None:
    """/m/new/ with no map point: the street named in the address routes it, as the classifier
    agrees with the resident's category."""
    from minsheng.dispatch import queries as dispatch_queries
    from minsheng.residents import filing

    monkeypatch.setattr(dispatch_queries.suggest, "agreement", lambda text, category: 0.95)
    draft = filing.Draft(
        street_rules["rubbish"],
        "complaint",
        "垃圾堆放多日无人清运，气味很大。",
        address="台江区宁化街道祥坂街",
    )
    ticket = filing.file_request(draft, phone="13905911234")

    ticket.refresh_from_db()
    assert ticket.place == fuzhou["ninghua"]
    assert (ticket.status, ticket.unit) == (Status.DISPATCHED, fuzhou["ninghua"])
