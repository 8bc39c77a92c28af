"""`minsheng eldercare_import FILE.csv`: all or nothing, a Chinese error per bad row."""

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from minsheng.eldercare import rows
from minsheng.eldercare.models import Contact, Household, Meter
from minsheng.eldercare.tests.conftest import SHEET

pytestmark = pytest.mark.django_db
HEADER = SHEET.splitlines()[0]


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "sheet.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_good_sheet_enrols_households_contacts_and_meters(
    city: Any, tmp_path: Path, capsys: Any
) -> None:
    call_command("eldercare_import", write(tmp_path, SHEET))
    assert "已导入 1 户、2 块表" in capsys.readouterr().out
    h = Household.objects.get(code="GD-001")
    assert (h.unit, h.consent_by, h.consent_how) == (city["dongjie"], "林秀英", "书面同意书")
    assert list(Contact.objects.values_list("order", "relation", "relation_note")) == [
        (1, "family", "儿子"),
        (2, "grid", "网格员"),
    ]
    assert dict(Meter.objects.values_list("code", "report_minutes")) == {"W-001": 30, "E-001": 30}
    # importing again updates, never duplicates
    call_command("eldercare_import", write(tmp_path, SHEET))
    assert Household.objects.count() == 1
    assert Contact.objects.count() == 2


def test_one_bad_row_refuses_the_whole_sheet_naming_each_row(city: Any, tmp_path: Path) -> None:
    bad = SHEET + (
        "GD-002,陈桂兰,12345,鼓楼区东街2号,东街社区,W-002,水表,30,陈丽:13900000002:女儿\n"
        "GD-003,黄玉英,,鼓楼区东街3号,东街社区,W-003,热水表,30,黄明:13900000003:儿子\n"
        "GD-004,郑国华,,鼓楼区东街4号,不存在社区,W-004,水表,30,郑一:13900000004:儿子\n"
        "GD-001,林秀英,13800000001,鼓楼区东街9号,东街社区,W-005,水表,30,林晓明:13900000001:儿子\n"
        "GD-006,刘淑芳,,鼓楼区东街6号,东街社区,W-006,水表,半小时,刘二:13900000006:儿子\n"
        "GD-007,张建国,,鼓楼区东街7号,东街社区,W-007,水表,30,张三-13900000007\n"
    )
    with pytest.raises(CommandError) as caught:
        call_command("eldercare_import", write(tmp_path, bad))
    message = str(caught.value)
    assert "未导入任何一户" in message
    assert "第4行：电话号码不正确" in message
    assert "第5行：表类型“热水表”应为 水表、电表 或 燃气表" in message
    assert "第7行：户 GD-001 的住址、联系人与第2行不一致" in message
    assert "第8行：上报间隔应为整数分钟" in message
    assert "第9行：联系人“张三-13900000007”应写成 姓名:电话:关系" in message
    assert Household.objects.count() == 0
    assert Meter.objects.count() == 0


def test_an_unknown_unit_is_named_after_the_rows_are_read(city: Any, tmp_path: Path) -> None:
    sheet = (
        f"{HEADER}\nGD-004,郑国华,,鼓楼区东街4号,不存在社区,W-004,水表,30,郑一:13900000004:儿子\n"
    )
    with pytest.raises(CommandError, match="第2行：找不到社区或网格“不存在社区”"):
        call_command("eldercare_import", write(tmp_path, sheet))
    assert not Household.objects.exists()


def test_missing_columns_and_files(city: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="缺少列：contacts"):
        call_command("eldercare_import", write(tmp_path, HEADER.removesuffix(",contacts") + "\n"))
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("eldercare_import", str(tmp_path / "none.csv"))


def test_payloads_are_read_strictly() -> None:
    assert (
        len(rows.read_payload(b'{"readings": [{"at": "2026-03-02T08:00+08:00", "value": 1.5}]}'))
        == 1
    )
    for bad, why in (
        (b"[]", "JSON对象"),
        (b'{"at": "yesterday", "value": 1}', "ISO-8601"),
        (b'{"at": "2026-03-02T08:00+08:00", "value": "1"}', "数字"),
        (b'{"at": "2026-03-02T08:00+08:00", "value": -1}', "负数"),
        (b'{"readings": []}', "非空"),
        (b'{"at": "2026-03-02T08:00+08:00", "value": NaN}', "数字"),
    ):
        with pytest.raises(ValueError, match=why):
            rows.read_payload(bad)


def test_readings_from_a_csv_are_stored_once(elder: Any, tmp_path: Path, capsys: Any) -> None:
    from minsheng.eldercare.models import Problem, Reading

    path = tmp_path / "readings.csv"
    path.write_text(
        "meter,at,value\n"
        "W-001,2026-03-02T00:00:00+08:00,100.0\n"
        "W-001,2026-03-02T00:30:00+08:00,100.004\n"
        "NOPE,2026-03-02T00:30:00+08:00,1\n"
        "E-001,yesterday,3\n",
        encoding="utf-8",
    )
    call_command("eldercare_readings", str(path))
    assert "新存入 2 条" in capsys.readouterr().out
    call_command("eldercare_readings", str(path))
    assert "重复 2 条" in capsys.readouterr().out
    assert Reading.objects.count() == 2
    assert Problem.objects.filter(source="csv").count() == 4
