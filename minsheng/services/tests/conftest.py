"""Fixtures of bundled services on the root cast (conftest.py at the top): the departments the
demo's bundles need, one handler each, 鼓楼区 as the receiving window and the three bundles."""

from typing import Any

import pytest

DEPARTMENTS = {
    "FZ-WJW": "福州市卫生健康委员会",
    "FZ-GAJ": "福州市公安局",
    "FZ-YBJ": "福州市医疗保障局",
    "FZ-RSJ": "福州市人力资源和社会保障局",
    "FZ-GJJ": "福州住房公积金中心",
    "FZ-MZJ": "福州市民政局",
    "FZ-SCJ": "福州市市场监督管理局",
    "FZ-CGW": "福州市城市管理委员会",
}


@pytest.fixture
def departments(city: dict[str, Any]) -> dict[str, Any]:
    """The departments and a handler of each (username u_<code>, password pw-u_<code>)."""
    from minsheng.accounts.models import User
    from minsheng.orgs.models import Membership, Unit

    found = {}
    for code, name in DEPARTMENTS.items():
        unit = Unit.objects.create(
            code=code, name=name, kind=Unit.Kind.DEPARTMENT, parent=city["fz"]
        )
        user = User.objects.create_user(
            username=f"u_{code}", password=f"pw-u_{code}", first_name=f"{name[3:7]}承办"
        )
        Membership.objects.create(user=user, unit=unit, role="handler")
        found[code] = (unit, user)
    return found


@pytest.fixture
def clerk(city: dict[str, Any]) -> Any:
    """Huang, the window clerk of 鼓楼区's service centre."""
    from minsheng.accounts.models import User
    from minsheng.orgs.models import Membership

    user = User.objects.create_user(username="huang", password="pw-huang", first_name="黄窗口")
    Membership.objects.create(user=user, unit=city["gulou"], role="handler")
    return user


@pytest.fixture
def bundles(departments: dict[str, Any], city: dict[str, Any]) -> dict[str, Any]:
    from minsheng.services import demo

    return {b.code: b for b in demo.make_bundles(city["gulou"])}


BIRTH_ANSWERS = {
    "baby": "林小满",
    "born": "2026-11-30",
    "sex": "女",
    "mother_id": "350102199001011238",
    "father_name": "林建国",
    "hospital": "福建省妇幼保健院",
}
