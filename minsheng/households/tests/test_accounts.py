"""Monthly accounts: the file (command and API, all or nothing) and the calculator page."""

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from conftest import at
from minsheng.households import importing
from minsheng.households.models import MonthAccount

pytestmark = pytest.mark.django_db
HEADER = "household,month,wage,business,property,transfer,production_cost,medical,school\n"
NOW = at(2026, 3, 10, 10)


@time_machine.travel(NOW, tick=False)
def test_a_bad_accounts_file_writes_nothing_and_names_each_row(
    registered: dict[str, Any],
) -> None:
    text = HEADER + (
        "H001,2026-01,1500,200,0,100,50,0,0\n"
        "H009,2026-01,1,0,0,0,0,0,0\n"
        "H001,2026/01,1,0,0,0,0,0,0\n"
        "H001,2026-03,1,0,0,0,0,0,0\n"
        "H002,2026-02,abc,-5,0,0,0,0,0\n"
        "H001,2026-01,1,0,0,0,0,0,0\n"
    )
    with pytest.raises(importing.FileRefused) as refused:
        importing.import_accounts(text, by="测试")
    assert [str(e) for e in refused.value.errors] == [
        "第 3 行：户编号 H009 未登记",
        "第 4 行：月份应为 YYYY-MM",
        "第 5 行：只能录入已结束的月份",
        "第 6 行：工资性收入不是数字；经营性收入应为不小于 0 的金额",
        "第 7 行：同一户同一月份重复",
    ]
    assert not MonthAccount.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_accounts_by_command_and_api_replace_a_month(
    tmp_path: Path, client: Any, registered: dict[str, Any]
) -> None:
    from minsheng.accounts import keys

    path = tmp_path / "accounts.csv"
    path.write_text(
        HEADER + "H001,2026-01,1500,200,0,100,50,300,0\nH002,2026-02,800,,,,,,1200\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("households_accounts", str(path), stdout=out)
    assert "已导入 2 户 2 个月的收支" in out.getvalue()
    january = MonthAccount.objects.get(household=registered["h1"])
    assert january.as_rule().net == Decimal(1750)
    assert january.medical == Decimal(300)
    path.write_text(HEADER + "H001,2026-13,1,,,,,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第 2 行：月份应为 YYYY-MM"):
        call_command("households_accounts", str(path))
    _, raw = keys.issue("统计站", scopes=["households"])
    done = client.post(
        "/api/v1/households/accounts",
        {"csv": HEADER + "H001,2026-01,2000,0,0,0,0,0,0\n"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert done.status_code == 200
    assert done.json() == {"households": 1, "months": 1}
    january.refresh_from_db()
    assert january.as_rule().net == Decimal(2000)  # replaced, not added
    assert MonthAccount.objects.count() == 2


@time_machine.travel(NOW, tick=False)
def test_the_calculator_page_adds_a_month_and_shows_the_window(
    client: Any, registered: dict[str, Any], cadre: Any, street_handler: Any
) -> None:
    h1 = registered["h1"]
    url = reverse("households:accounts", args=[h1.pk])
    client.force_login(cadre)
    page = client.get(url)
    assert page.status_code == 200
    assert "尚未录入收支" in page.content.decode()
    posted = client.post(
        url, {"month": "2026-02", "wage": "1300", "transfer": "100", "production_cost": "50"}
    )
    assert posted.status_code == 302
    saved = MonthAccount.objects.get(household=h1)
    assert saved.as_rule().net == Decimal(1350)
    page = client.get(url)
    html = page.content.decode()
    assert "2026-02" in html
    # 1,350 in a 12-month window, two persons: 1,350 / 2 = 675.00 a person
    assert page.context["acc"].per_capita == Decimal("675.00")
    assert page.context["months"][0]["per_capita"] == Decimal("8100.00")
    refused = client.post(url, {"month": "2026-03", "wage": "1"})
    assert refused.status_code == 200
    assert "只能录入已结束的月份" in refused.content.decode()
    refused = client.post(url, {"month": "2026-01", "wage": "-1"})
    assert refused.status_code == 200
    assert MonthAccount.objects.count() == 1
    household_page = client.get(reverse("households:household", args=[h1.pk])).content.decode()
    assert url in household_page
    client.force_login(street_handler)
    assert client.get(url).status_code == 404
