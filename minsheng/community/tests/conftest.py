"""Fixtures of the community network on the root cast: 东街社区 of 鼓东街道 with two grids, a
building in each, their heads (楼栋长 Wang Jian of building 1, the volunteer steward Zhou Min of
building 1, 楼栋长 Lin Fang of building 2), a grid worker (grid 1) and a community worker."""

from typing import Any

import pytest

from conftest import _member


@pytest.fixture
def net(city: dict[str, Any], street_handler: Any) -> dict[str, Any]:
    from minsheng.community.models import Building, Head, Stairwell
    from minsheng.orgs.models import Unit

    dongjie = city["dongjie"]
    dongjie.lon, dongjie.lat = 119.2952, 26.0946
    dongjie.save()
    g1 = Unit.objects.create(
        code="35010200100101", name="东街社区第1网格", kind=Unit.Kind.GRID, parent=dongjie
    )
    g2 = Unit.objects.create(
        code="35010200100102", name="东街社区第2网格", kind=Unit.Kind.GRID, parent=dongjie
    )
    b1 = Building.objects.create(
        code="DJ-1", name="东街小区1号楼", community=dongjie, grid=g1,
        address="鼓楼区东街88号", lon=119.2951, lat=26.0945, households=36,
    )  # fmt: skip
    b2 = Building.objects.create(
        code="DJ-2", name="东街小区2号楼", community=dongjie, grid=g2, address="鼓楼区东街90号"
    )
    for b in (b1, b2):
        for n in (1, 2, 3):
            Stairwell.objects.create(building=b, number=n)
    head = Head.objects.create(
        name="王建", phone="13900000001", role=Head.Role.BUILDING, community=dongjie, grid=g1,
        building=b1,
    )  # fmt: skip
    steward = Head.objects.create(
        name="周敏", phone="13900000002", role=Head.Role.STEWARD, community=dongjie, grid=g1,
        building=b1,
    )  # fmt: skip
    other = Head.objects.create(
        name="林芳", phone="13900000003", role=Head.Role.BUILDING, community=dongjie, grid=g2,
        building=b2,
    )  # fmt: skip
    return {
        "g1": g1,
        "g2": g2,
        "b1": b1,
        "b2": b2,
        "head": head,
        "steward": steward,
        "other": other,
        "gridder": _member("gridder", "郑网格", g1, "handler"),
        "worker": _member("worker", "何社工", dongjie, "handler"),
        "street": street_handler,
    }


@pytest.fixture
def signed_in(net: dict[str, Any]) -> Any:
    """A function: the session key of a head, through invitation and code."""
    from minsheng.community import network

    def sign_in(head: Any) -> str:
        token = network.invite(head, by=net["street"])
        code = network.send_code(token)
        return network.verify(token, code)

    return sign_in
