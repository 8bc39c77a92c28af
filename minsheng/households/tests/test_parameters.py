"""The county's own staff set the parameters on a page (not only in the database)."""

from typing import Any

import pytest
from django.urls import reverse

from minsheng.households import queries
from minsheng.households.models import Parameters

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(county: dict[str, Any]) -> Any:
    from minsheng.accounts.models import User
    from minsheng.orgs.models import Membership

    user = User.objects.create_user(username="zheng", password="pw-zheng")
    Membership.objects.create(user=user, unit=county["county"], role="leader")
    return user


def _form(county: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data = {
        "jurisdiction": county["county"].pk,
        "year": 2027,
        "name": "晋安区 2027",
        "line_fixed": "",
        "dibao_monthly": "815",
        "dibao_factor": "2",
        "window": "same_month",
        "medical_mode": "share",
        "medical_low": "0.5",
        "medical_general": "1.0",
        "province_rural_income": "18179",
        "home_check_workdays": 5,
        "decision_workdays": 15,
        "notice_days": 5,
        "stable_months": 6,
        "feed_cycle_days": 10,
    }
    return {**data, **changes}


def test_a_handler_reads_the_parameters_but_cannot_set_them(
    client: Any, registered: dict[str, Any], cadre: Any
) -> None:
    client.force_login(cadre)
    page = client.get(reverse("households:parameters"))
    assert page.status_code == 200
    assert "测试县 2026" in page.content.decode()
    assert "?id=" not in page.content.decode()
    assert client.get(reverse("households:edit_parameters")).status_code == 403


def test_the_countys_leader_sets_a_year_from_a_preset_and_edits_it(
    client: Any, registered: dict[str, Any], leader: Any
) -> None:
    client.force_login(leader)
    url = reverse("households:edit_parameters")
    page = client.get(url + "?preset=dehua-2024")
    assert page.status_code == 200
    assert page.context["form"].initial["dibao_monthly"] == 815
    refused = client.post(url, _form(registered, notice_days=3, line_fixed="7800"))
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "公示不少于 5 天" in html
    assert "二选一" in html
    assert not Parameters.objects.filter(year=2027).exists()
    done = client.post(url, _form(registered))
    assert done.status_code == 302
    saved = Parameters.objects.get(year=2027)
    assert queries.params_for(registered["h1"], 2027).line() == 19560
    edited = client.post(
        url,
        _form(registered, id=saved.pk, dibao_monthly="", dibao_factor="", line_fixed="8500"),
    )
    assert edited.status_code == 302
    assert queries.params_for(registered["h1"], 2027).line() == 8500
    assert Parameters.objects.filter(year=2027).count() == 1


def test_a_leader_cannot_set_another_countys_parameters(
    client: Any, registered: dict[str, Any], leader: Any
) -> None:
    from minsheng.orgs.models import Unit

    other = Unit.objects.create(
        code="350199", name="邻区", kind=Unit.Kind.DISTRICT, parent=registered["fz"]
    )
    client.force_login(leader)
    url = reverse("households:edit_parameters")
    page = client.post(url, _form(registered, jurisdiction=other.pk))
    assert page.status_code == 200
    assert not Parameters.objects.filter(jurisdiction=other).exists()
    theirs = Parameters.objects.create(jurisdiction=other, year=2026, name="邻区", line_fixed=1)
    assert client.get(url + f"?id={theirs.pk}").status_code == 404
