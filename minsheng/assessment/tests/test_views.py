"""The assessment pages: who sees what, click-through, exports, and bad input."""

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from minsheng.assessment import exports, queries, scoring
from minsheng.assessment.models import Appeal, Exclusion, ScoringPolicy
from minsheng.assessment.tests.conftest import PERIOD

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def scored(handled: Any, street_handler: Any, guxi_handler: Any) -> dict[str, Any]:
    tickets = {
        "gudong": handled("gudong", street_handler, "unsatisfied", resolved=False),
        "guxi": handled("guxi", guxi_handler),
    }
    scoring.compute(PERIOD)
    return tickets


def test_the_supervisor_sees_every_street_and_clicks_through_to_the_tickets(
    scored: dict[str, Any], supervisor: Any
) -> None:
    client = client_for(supervisor)
    page = client.get(reverse("assessment:ranking"), {"period": PERIOD}).content.decode()
    assert "鼓东街道" in page
    assert "鼓西街道" in page
    drill = reverse("assessment:drill", args=["350102001", PERIOD, "satisfaction"])
    assert drill in page
    listing = client.get(drill).content.decode()
    assert f'href="/t/{scored["gudong"].number}/"' in listing


def test_the_ranking_states_the_red_and_black_lines_and_each_units_place(
    scored: dict[str, Any], supervisor: Any
) -> None:
    page = client_for(supervisor).get(reverse("assessment:ranking"), {"period": PERIOD})
    text = page.content.decode()
    assert "前 3 名且得分不低于 90" in text
    assert "后 3 名且得分低于 80" in text
    assert "至多占参与排名单位的三分之一" in text


def test_a_street_sees_its_own_page_but_not_another_streets(
    scored: dict[str, Any], street_handler: Any
) -> None:
    client = client_for(street_handler)
    own = client.get(reverse("assessment:unit", args=["350102001"]))
    assert own.status_code == 200
    assert "<svg" in own.content.decode()
    assert client.get(reverse("assessment:unit", args=["350102002"])).status_code == 404
    other = reverse("assessment:drill", args=["350102002", PERIOD, "volume"])
    assert client.get(other).status_code == 404
    ranking = client.get(reverse("assessment:ranking")).content.decode()
    assert reverse("assessment:unit", args=["350102002"]) not in ranking


def test_the_ranking_exports_to_xlsx_and_csv_without_formulas(
    scored: dict[str, Any], supervisor: Any, city: Any
) -> None:
    city["guxi"].name = '=HYPERLINK("http://evil")'
    city["guxi"].save()
    client = client_for(supervisor)
    xlsx = client.get(reverse("assessment:export", args=["xlsx"]), {"period": PERIOD})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("排名", "单位", "综合得分")
    names = {r[1] for r in rows[1:]}
    assert names == {"鼓东街道", '\'=HYPERLINK("http://evil")'}
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    csv = client.get(reverse("assessment:export", args=["csv"]), {"period": PERIOD})
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("排名,单位,综合得分")
    assert "'=HYPERLINK" in text


def test_exports_give_rates_as_percentages_not_raw_fractions(
    handled: Any, street_handler: Any, supervisor: Any
) -> None:
    """#13 defect 14: the CSV printed 0.6666666666666666."""
    for rating in ("satisfied", "satisfied", "unsatisfied"):
        handled("gudong", street_handler, rating)
    scoring.compute(PERIOD)
    client = client_for(supervisor)
    csv = client.get(reverse("assessment:export", args=["csv"]), {"period": PERIOD})
    lines = csv.content.decode("utf-8-sig").splitlines()
    header, row = lines[0].split(","), lines[1].split(",")
    assert "满意率（%）" in header
    assert "工单量" in header
    assert row[header.index("满意率（%）")] == "66.67"
    assert row[header.index("工单量")] == "3"
    assert not any(len(cell) > 8 and cell.startswith("0.") for cell in row)
    xlsx = client.get(reverse("assessment:export", args=["xlsx"]), {"period": PERIOD})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[1][table[0].index("满意率（%）")] == 66.67


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1"])
def test_cells_that_start_like_a_formula_are_made_text(value: str) -> None:
    assert exports.safe(value) == "'" + value


def test_the_unit_flags_a_ticket_and_the_dispatcher_approves_it_on_the_pages(
    scored: dict[str, Any], street_handler: Any, dispatcher: Any
) -> None:
    number = scored["gudong"].number
    url = reverse("assessment:new_exclusion", args=[number])
    response = client_for(street_handler).post(
        url, {"reason": "unreasonable", "evidence": "恶意诉求"}
    )
    assert response.status_code == 302
    exclusion = Exclusion.objects.get()
    page = client_for(dispatcher).get(reverse("assessment:exclusions")).content.decode()
    assert number in page
    assert "恶意诉求" in page
    client_for(dispatcher).post(
        reverse("assessment:decide_exclusion", args=[exclusion.pk]),
        {"approve": "1", "note": "属实"},
    )
    exclusion.refresh_from_db()
    assert exclusion.decision == "approved"


def test_bad_exclusion_input_gets_a_message_and_writes_nothing(
    scored: dict[str, Any], street_handler: Any, guxi_handler: Any
) -> None:
    url = reverse("assessment:new_exclusion", args=[scored["gudong"].number])
    response = client_for(street_handler).post(url, {"reason": "unreasonable", "evidence": "  "})
    assert response.status_code == 400
    assert "请填写事实与依据" in response.content.decode()
    response = client_for(street_handler).post(url, {"reason": "bribe", "evidence": "x"})
    assert response.status_code == 400
    assert "请选择剔除类型" in response.content.decode()
    assert client_for(guxi_handler).get(url).status_code == 404
    assert not Exclusion.objects.exists()


def test_a_unit_cannot_decide_an_exclusion(
    scored: dict[str, Any], street_handler: Any, city: Any
) -> None:
    exclusion = scoring.request_exclusion(
        scored["gudong"],
        unit=city["gudong"],
        by=street_handler,
        reason="unreasonable",
        evidence="x",
    )
    client_for(street_handler).post(
        reverse("assessment:decide_exclusion", args=[exclusion.pk]), {"approve": "1"}
    )
    exclusion.refresh_from_db()
    assert exclusion.decision == "pending"


def test_an_appeal_on_an_unpublished_month_is_refused_with_a_message(
    scored: dict[str, Any], street_handler: Any, city: Any
) -> None:
    data = {"unit": city["gudong"].pk, "period": PERIOD, "reason": "不服"}
    response = client_for(street_handler).post(reverse("assessment:appeals"), data)
    assert response.status_code == 400
    assert "尚未发布" in response.content.decode()
    data["period"] = "十月"
    response = client_for(street_handler).post(reverse("assessment:appeals"), data)
    assert "格式不正确" in response.content.decode()
    assert not Appeal.objects.exists()


def test_the_supervisor_publishes_and_decides_an_appeal_on_the_pages(
    scored: dict[str, Any], street_handler: Any, supervisor: Any, city: Any
) -> None:
    client_for(supervisor).post(reverse("assessment:run"), {"period": PERIOD, "publish": "1"})
    data = {"unit": city["gudong"].pk, "period": PERIOD, "reason": "不服"}
    assert client_for(street_handler).post(reverse("assessment:appeals"), data).status_code == 302
    appeal = Appeal.objects.get()
    url = reverse("assessment:decide_appeal", args=[appeal.pk])
    client_for(supervisor).post(url, {"approve": "1", "note": "同意重算"})
    appeal.refresh_from_db()
    assert appeal.decision == "approved"


def test_the_policy_page_makes_a_new_version_and_refuses_bad_weights(
    admin_user: Any, supervisor: Any
) -> None:
    client = client_for(admin_user)
    form = client.get(reverse("assessment:policy")).context["form"]
    data = {name: form[name].value() for name in form.fields}
    bad = {**data, "street_response": 60, "note": "调整"}
    response = client.post(reverse("assessment:policy"), bad)
    assert response.status_code == 400
    assert "三率权重之和须为 100" in response.content.decode()
    assert ScoringPolicy.objects.count() == 1
    good = {
        **data,
        "street_response": 20,
        "street_resolution": 40,
        "street_satisfaction": 40,
        "note": "调整",
    }
    assert client.post(reverse("assessment:policy"), good).status_code == 302
    assert ScoringPolicy.objects.order_by("-version").first().street_response == 20
    assert client_for(supervisor).get(reverse("assessment:policy")).status_code == 403


def test_a_drill_down_counts_the_same_for_the_centre_and_for_the_unit(
    scored: dict[str, Any], supervisor: Any, street_handler: Any, city: Any
) -> None:
    # The centre's counts come from the facts alone; a unit's through what it may open.
    for user in (supervisor, street_handler):
        behind = queries.tickets_behind(
            user, city["gudong"], PERIOD, "satisfaction", cohandling="main"
        )
        assert (behind.hit_count, behind.miss_count) == (0, 1)
        assert [t.pk for t in behind.misses] == [scored["gudong"].pk]
