"""`minsheng community_import buildings|heads|stations FILE.csv`: all rows or none, with a
Chinese message for every bad row."""

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from minsheng.community import rules
from minsheng.community.models import Building, Head, Stairwell, Station

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid(city: dict[str, Any]) -> Any:
    from minsheng.orgs.models import Unit

    return Unit.objects.create(
        code="35010200100101", name="东街社区第1网格", kind="grid", parent=city["dongjie"]
    )


def _csv(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8-sig")
    return str(path)


BUILDINGS = (
    "楼栋编码,楼栋名称,社区编码,网格编码,地址,经度,纬度,层数,单元数,户数\n"
    "DJ-1,东街小区1号楼,350102001001,35010200100101,东街88号,119.2951,26.0945,6,3,36\n"
    "DJ-2,东街小区2号楼,350102001001,,东街90号,,,7,2,28\n"
)


def test_buildings_heads_and_stations_load(grid: Any, tmp_path: Path, capsys: Any) -> None:
    call_command("community_import", "buildings", _csv(tmp_path, "b.csv", BUILDINGS))
    assert "已导入 2 行" in capsys.readouterr().out
    assert Stairwell.objects.filter(building__code="DJ-1").count() == 3
    assert Building.objects.get(code="DJ-1").grid == grid
    heads = (
        "姓名,手机号,职责,社区编码,网格编码,楼栋编码,单元号,值班\n"
        "王建,13900000001,楼栋长,350102001001,,DJ-1,,一至五 18:00-21:00；六 09:00-12:00\n"
        "赵丽,13900000004,单元长,350102001001,,DJ-1,2,\n"
        "郑网,13900000005,网格长,350102001001,35010200100101,,,\n"
    )
    call_command("community_import", "heads", _csv(tmp_path, "h.csv", heads))
    wang = Head.objects.get(name="王建")
    assert wang.grid == grid
    assert wang.duties.count() == 6
    assert Head.objects.get(name="赵丽").stairwell == Stairwell.objects.get(
        building__code="DJ-1", number=2
    )
    stations = (
        "编码,名称,类型,社区编码,地址,经度,纬度,服务,开放时间,值守人员\n"
        "HZ-1,东街红色驿站,红色驿站,350102001001,东街88号,119.295,26.0945,歇脚,8:00-20:00,党员志愿者\n"
    )
    call_command("community_import", "stations", _csv(tmp_path, "s.csv", stations))
    assert Station.objects.get().kind == "red"
    # Loading again updates, not duplicates.
    call_command("community_import", "buildings", _csv(tmp_path, "b.csv", BUILDINGS))
    assert Building.objects.count() == 2


def test_a_bad_sheet_writes_nothing_and_names_every_bad_row(
    grid: Any, tmp_path: Path, capsys: Any
) -> None:
    bad = (
        "楼栋编码,楼栋名称,社区编码,网格编码,地址,经度,纬度,层数,单元数,户数\n"
        "DJ-1,东街小区1号楼,350102001001,,东街88号,,,6,3,36\n"
        "DJ-3,,350102001001,,,,,,,\n"
        "DJ-4,东街4号楼,350102001,,,,,,,\n"
        "DJ-5,东街5号楼,350102001001,35010200100101,,200,26,,,\n"
        "DJ-1,重复,350102001001,,,,,,,\n"
    )
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("community_import", "buildings", _csv(tmp_path, "bad.csv", bad))
    err = capsys.readouterr().err
    assert "第 3 行：缺少楼栋名称。" in err
    assert "第 4 行：社区编码“350102001”不是系统中的社区（村）。" in err
    assert "第 5 行：经纬度“200,26”不在中国境内。" in err
    assert "第 6 行：楼栋编码“DJ-1”在文件中重复。" in err
    assert Building.objects.count() == 0
    heads = "姓名,手机号,职责,社区编码\n李四,123,楼长,350102001001\n"
    with pytest.raises(CommandError):
        call_command("community_import", "heads", _csv(tmp_path, "h.csv", heads))
    assert "手机号“123”不正确" in capsys.readouterr().err
    with pytest.raises(CommandError):
        call_command("community_import", "stations", _csv(tmp_path, "s.csv", "编码,名称\nA,B\n"))
    assert "缺少列：类型、社区编码、地址、经度、纬度。" in capsys.readouterr().err
    (tmp_path / "gbk.csv").write_bytes("楼栋编码\n一号".encode("gbk"))
    with pytest.raises(CommandError):
        call_command("community_import", "buildings", str(tmp_path / "gbk.csv"))
    assert "UTF-8" in capsys.readouterr().err
    assert Head.objects.count() == 0
    assert Station.objects.count() == 0


def test_duty_rosters_are_read_or_refused() -> None:
    shifts = rules.parse_duty("一至三、五 8:00-12:00")
    assert [s.weekday for s in shifts] == [0, 1, 2, 4]
    assert rules.duty_label(shifts[:1]) == "周一 08:00-12:00"
    for bad in ("周一 8-12", "五至一 08:00-12:00", "一 12:00-08:00", "一 25:00-26:00"):
        with pytest.raises(rules.RuleError):
            rules.parse_duty(bad)
