"""Reading sheets, mapping columns and checking rows: pure rules, no database."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from minsheng.intake import mapping, rows
from minsheng.intake.mapping import TEMPLATE, TEMPLATE_HEADERS
from minsheng.intake.rows import FileProblem, Lookups
from minsheng.orgs.models import Unit
from minsheng.taxonomy.models import Category

BEIJING = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 3, 10, 9, 0, tzinfo=BEIJING)
NOISE = Category(code="CG04", name="噪音扰民", parent_id=1, request_types=["complaint", "report"])
GUDONG = Unit(code="350102001", name="鼓东街道", kind=Unit.Kind.STREET)
LOOKUPS = Lookups(
    categories={"CG04": NOISE, "噪音扰民": NOISE, "重名": None},
    places={"350102001": GUDONG, "鼓东街道": GUDONG},
    units={},
)
GOOD = {
    "来源": "说事箱",
    "日期": "2025-03-01",
    "姓名": "林阿姨",
    "电话": "13905912345",
    "诉求类型": "投诉",
    "分类": "噪音扰民",
    "标题": "广场舞太吵",
    "内容": "每晚广场舞音响声音很大。",
    "地址": "东街12号",
    "街道": "鼓东街道",
}


def _csv(records: list[dict[str, str]], headers: list[str] = TEMPLATE_HEADERS) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for record in records:
        writer.writerow([record.get(mapping.header_key(h), "") for h in headers])
    return out.getvalue()


def _check(**change: str) -> tuple[rows.CleanRow | None, list[rows.RowError]]:
    values = mapping.apply(TEMPLATE, {**GOOD, **change})
    return rows.check_row(2, values, TEMPLATE, LOOKUPS, now=NOW, tz=BEIJING)


def test_a_utf8_csv_is_read_with_spreadsheet_row_numbers() -> None:
    table = rows.read_table(_csv([GOOD, {}, GOOD]).encode("utf-8"), "slips.csv")
    assert table.headers[0] == "来源（说事箱/说事站/网格员）"
    assert [number for number, _ in table.rows] == [2, 4]  # the blank line is row 3
    assert table.rows[0][1]["内容"] == "每晚广场舞音响声音很大。"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_csv_from_excel_in_bom_or_gb18030_reads_the_same(encoding: str) -> None:
    table = rows.read_table(_csv([GOOD]).encode(encoding), "slips.CSV")
    assert mapping.header_key(table.headers[0]) == "来源"
    assert table.rows[0][1]["姓名"] == "林阿姨"


def test_an_xlsx_sheet_is_read_with_dates_and_numbers_as_text() -> None:
    book = openpyxl.Workbook()
    book.active.append(TEMPLATE_HEADERS)
    excel_date = datetime(2025, 3, 1)  # noqa: DTZ001 - Excel cells carry no time zone
    book.active.append(["网格员", excel_date, "", 13905912345, "投诉", "CG04"])
    out = io.BytesIO()
    book.save(out)
    table = rows.read_table(out.getvalue(), "grid.xlsx")
    record = table.rows[0][1]
    assert (record["日期"], record["电话"], record["分类（编码或名称）"]) == (
        "2025-03-01",
        "13905912345",
        "CG04",
    )


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "report.xlsx", "不是 Excel"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "report.csv", "不是文本表格"),
        (b"PK\x03\x04 not really a zip", "report.xlsx", "不是 Excel"),
        (b"\xd0\xcf\x11\xe0 old excel", "report.xls", "另存为 .xlsx"),
        (b"<html></html>", "report.html", "只接受 CSV"),
        (b"   \n", "empty.csv", "文件是空的"),
        ("来源,日期\n".encode(), "only-header.csv", "没有数据行"),
        (b"\x81\x30\xff\xfe\x80\x80,\xff\n", "garbled.csv", "无法识别文件编码"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(data: bytes, name: str, reason: str):
    with pytest.raises(FileProblem, match=reason):
        rows.read_table(data, name)


def test_a_file_over_5_mb_is_refused_before_it_is_parsed() -> None:
    with pytest.raises(FileProblem, match="文件过大：上限 5 MB"):
        rows.read_table(b"a" * (rows.MAX_BYTES + 1), "big.csv")


def test_more_than_1000_rows_are_refused() -> None:
    data = _csv([GOOD] * (rows.MAX_ROWS + 1)).encode("utf-8")
    with pytest.raises(FileProblem, match="数据行过多：上限 1000 行"):
        rows.read_table(data, "many.csv")


def test_a_clean_row_keeps_its_date_source_and_channel() -> None:
    clean, errors = _check()
    assert errors == []
    assert clean is not None
    assert clean.received_at == datetime(2025, 3, 1, tzinfo=BEIJING)
    assert (clean.channel, clean.category, clean.place) == ("offline", NOISE, GUDONG)
    assert (clean.phone, clean.placeholder) == ("13905912345", False)
    assert clean.request_type == "complaint"


def test_a_grid_workers_row_without_a_phone_goes_to_the_sources_placeholder() -> None:
    clean, _ = _check(来源="网格员", 电话="")
    assert clean is not None
    assert (clean.channel, clean.phone, clean.placeholder) == ("grid", "0000000003", True)
    assert "留名：林阿姨" in rows.tail_of(clean)


@pytest.mark.parametrize(
    ("change", "column", "reason"),
    [
        ({"来源": "信箱"}, "来源", "来源应为 说事箱、说事站 或 网格员"),
        ({"日期": ""}, "日期", "日期不能为空"),
        ({"日期": "三月一日"}, "日期", "日期格式不正确"),
        ({"日期": "2025-04-01"}, "日期", "日期不能晚于现在"),
        ({"电话": "12ab"}, "电话", "电话号码不正确"),
        ({"诉求类型": "抱怨"}, "诉求类型", "诉求类型应为"),
        ({"诉求类型": "表扬"}, "诉求类型", "“噪音扰民”不受理表扬类诉求"),
        ({"分类": "不存在"}, "分类", "“不存在”不是派单目录中的小类"),
        ({"分类": "重名"}, "分类", "对应多个条目，请改填编码"),
        ({"分类": ""}, "分类", "分类不能为空"),
        ({"街道": "火星街道"}, "街道", "不是本市的街道"),
        ({"标题": "长" * 101}, "标题", "标题不能超过 100 字"),
        ({"内容": " "}, "内容", "内容不能为空"),
        ({"内容": "长" * 3990}, "内容", "内容过长"),
        ({"地址": "址" * 201}, "地址", "地址不能超过 200 字"),
    ],
)
def test_each_bad_cell_is_reported_with_its_column_and_reason(
    change: dict[str, str], column: str, reason: str
) -> None:
    clean, errors = _check(**change)
    assert clean is None
    assert [(e.row, e.column) for e in errors] == [(2, column)]
    assert reason in errors[0].reason


def test_every_problem_of_a_row_is_reported_not_just_the_first() -> None:
    _, errors = _check(来源="", 日期="昨天", 分类="无")
    assert [e.column for e in errors] == ["来源", "日期", "分类"]


def test_the_natural_key_ignores_the_file_but_not_the_content() -> None:
    first, _ = _check()
    again, _ = _check()
    other, _ = _check(内容="另一件事")
    assert first
    assert again
    assert other
    assert rows.natural_key(TEMPLATE, first) == rows.natural_key(TEMPLATE, again)
    assert rows.natural_key(TEMPLATE, first) != rows.natural_key(TEMPLATE, other)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("正常文字", "正常文字"),
    ],
)
def test_cells_a_spreadsheet_would_run_are_neutralised(value: str, shown: str) -> None:
    assert rows.neutralise(value) == shown


def test_the_error_report_csv_opens_in_excel_and_runs_no_formula() -> None:
    report = rows.report_csv([rows.RowError(3, "姓名", "原因", "=cmd|' /C calc'!A0")])
    assert report.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(report.decode("utf-8-sig"))))
    assert lines == [["行号", "列", "原因", "原值"], ["3", "姓名", "原因", "'=cmd|' /C calc'!A0"]]


def test_both_templates_read_back_as_the_standard_format() -> None:
    for name, data in (("t.csv", rows.template_csv()), ("t.xlsx", rows.template_xlsx())):
        with pytest.raises(FileProblem, match="没有数据行"):
            rows.read_table(data, name)
    book = openpyxl.load_workbook(io.BytesIO(rows.template_xlsx()))
    headers = [c.value for c in book["诉求"][1]]
    assert mapping.missing_columns(TEMPLATE, headers) == []
    assert book.sheetnames == ["诉求", "填写说明"]


def test_a_mapping_joins_columns_and_translates_values() -> None:
    class Stored:
        name = "外地系统"
        channel = "api"
        columns = {"Type": ["category", "title"], "Detail": ["title", "description"], "Org": "unit"}
        values = {"category": {"noise": "CG04", "*": "CG05"}, "unit": {"NYPD": "FZ-GAJ"}}
        defaults = {"request_type": "complaint"}
        date_formats = ["%m/%d/%Y"]
        placeholder_phone = "0000000311"

    spec = mapping.spec_of(Stored)
    out = mapping.apply(spec, {"Type": "Noise", "Detail": "Loud music", "Org": "NYPD"})
    assert out["category"] == "CG04"  # case-insensitive
    assert out["title"] == "Noise；Loud music"
    assert (out["description"], out["unit"], out["request_type"]) == (
        "Loud music",
        "FZ-GAJ",
        "complaint",
    )
    assert mapping.apply(spec, {"Type": "Rodent"})["category"] == "CG05"
    assert spec.column_label("request_type") == "诉求类型（映射默认值）"
    assert mapping.missing_columns(spec, ["Type", "Detail"]) == ["Org"]


def test_a_mapping_with_unknown_fields_or_gaps_is_explained() -> None:
    problems = mapping.spec_problems(
        columns={"A": "colour", "B": "date"},
        values={"shape": {}},
        defaults=[],
        date_formats="%Y",
        placeholder_phone="x",
    )
    text = "\n".join(problems)
    for part in [
        "“colour”不存在",
        "“shape”不存在",
        "默认值须是",
        "日期格式须是",
        "“分类”",
        "占位号码",
    ]:
        assert part in text
