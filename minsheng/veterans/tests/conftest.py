"""The veterans' cast: the city bureau and Gulou's, their staff, and a few martyrs' records."""

from typing import Any

import pytest


@pytest.fixture
def bureaus(city: dict[str, Any]) -> dict[str, Any]:
    from minsheng.orgs.models import Unit
    from minsheng.veterans.models import Bureau

    city_bureau = Unit.objects.create(
        code="FZ-TYJ", name="福州市退役军人事务局", kind=Unit.Kind.DEPARTMENT, parent=city["fz"]
    )
    gulou_bureau = Unit.objects.create(
        code="FZ-GL-TYJ", name="鼓楼区退役军人事务局", kind=Unit.Kind.DEPARTMENT, parent=city["fz"]
    )
    Bureau.objects.create(unit=city_bureau, county_code="")
    Bureau.objects.create(unit=gulou_bureau, county_code="350102")
    return {"city": city_bureau, "gulou": gulou_bureau}


def _member(username: str, unit: Any, *roles: str) -> Any:
    from minsheng.accounts.models import User
    from minsheng.orgs.models import Membership

    user = User.objects.create_user(username=username, password="pw", first_name=username)
    for role in roles:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def officer(bureaus: dict[str, Any]) -> Any:
    """Zheng, handler and leader at the city's veterans bureau."""
    return _member("zheng", bureaus["city"], "handler", "leader")


@pytest.fixture
def gulou_officer(bureaus: dict[str, Any]) -> Any:
    """Lin, handler at Gulou's bureau: Gulou's beneficiaries only."""
    return _member("lin", bureaus["gulou"], "handler")


@pytest.fixture
def martyrs(db: Any) -> list[Any]:
    from minsheng.veterans import casework

    rows = [
        {
            "name": "钟德胜",
            "aliases": "乳名:石伢子",
            "native_place": "江西省雩都县",
            "birth_year": 1912,
            "death_year": 1934,
            "unit": "红三军团第四师",
            "burial_place": "湘江战役红军烈士陵园",
        },
        {"name": "钟德生", "native_place": "福建省长汀县", "birth_year": 1910, "death_year": 1931},
        {"name": "刘福林", "native_place": "湖北省黄安县", "birth_year": 1915, "death_year": 1936},
    ]
    return [casework.save_record(r) for r in rows]
