from typing import Any

import pytest

from minsheng.households import rules


def make_id(seq: int, year: int = 1980) -> str:
    body = f"350111{year}0101{seq:03d}"
    total = sum(int(d) * w for d, w in zip(body, rules._WEIGHTS, strict=True))
    return body + rules._CHECK[total % 11]


@pytest.fixture
def county(city: dict[str, Any]) -> dict[str, Any]:
    """A county under the test city: one township with two villages, on the Gansu 2024 line."""
    from minsheng.households.models import Parameters
    from minsheng.orgs.models import Unit

    jinan = Unit.objects.create(
        code="350111", name="晋安区", kind=Unit.Kind.DISTRICT, parent=city["fz"]
    )
    town = Unit.objects.create(
        code="350111201", name="寿山乡", kind=Unit.Kind.TOWNSHIP, parent=jinan
    )
    a = Unit.objects.create(code="350111201001", name="寿山村", kind=Unit.Kind.VILLAGE, parent=town)
    b = Unit.objects.create(code="350111201002", name="九峰村", kind=Unit.Kind.VILLAGE, parent=town)
    params = Parameters.objects.create(
        jurisdiction=jinan,
        year=2026,
        name="测试县 2026",
        line_fixed=7800,
        medical_mode=rules.MEDICAL_SHARE,
        medical_low="0.5",
        medical_general="1.0",
        province_rural_income=18179,
    )
    return {"county": jinan, "town": town, "a": a, "b": b, "params": params, **city}


REGISTER = (
    "household,village,head,phone,residence,status,name,relation,id_number,birth_year,labour,disability,illness,schooling\n"
    "H001,350111201001,陈建国,13900000001,,former_poor,陈建国,户主,{0},1975,full,,,\n"
    "H001,350111201001,陈建国,13900000001,,former_poor,林秀英,配偶,{1},1978,weak,,慢性病,\n"
    "H002,350111201001,黄明华,13900000002,350111201002,general,黄明华,户主,{2},1950,none,二级,,\n"
)


@pytest.fixture
def registered(county: dict[str, Any]) -> dict[str, Any]:
    from minsheng.households import importing
    from minsheng.households.models import Household

    importing.import_register(REGISTER.format(make_id(1), make_id(2), make_id(3, 1950)), by="测试")
    return {
        **county,
        "h1": Household.objects.get(code="H001"),
        "h2": Household.objects.get(code="H002"),
    }


@pytest.fixture
def cadre(county: dict[str, Any]) -> Any:
    """Wu, a handler of 晋安区: every step's ticket in the county is his unit's work."""
    from minsheng.accounts.models import User
    from minsheng.orgs.models import Membership

    user = User.objects.create_user(username="wu", password="pw-wu", first_name="吴干部")
    Membership.objects.create(user=user, unit=county["county"], role="handler")
    return user
