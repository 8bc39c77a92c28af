"""Reading imported sheets: every row checked, problems in Chinese (pure)."""

import io

import openpyxl
import pytest

from minsheng.veterans import sheets

HEADER = "name,aliases,native_place,birth_year,death_year,unit,death_place\n"


def _records(text: str, name: str = "r.csv") -> sheets.Parsed:
    return sheets.parse(
        name, text.encode("utf-8"), sheets.RECORD_COLUMNS, ("name",), sheets.check_record
    )


def test_each_bad_row_is_named_with_its_line_and_problem() -> None:
    parsed = _records(HEADER + "钟德胜,,江西雩都,1912,1934,,\n,,,19x3,1930,,\n李四,,,1940,1930,,\n")
    assert parsed.errors == [
        "第 3 行：姓名不能为空",
        "第 3 行：出生年份“19x3”不是四位年份",
        "第 4 行：出生年份 1940 晚于牺牲年份 1930",
    ]


def test_chinese_headers_are_read_too() -> None:
    parsed = _records("姓名,籍贯,牺牲年份\n钟德胜,江西雩都,1934\n")
    assert parsed.errors == []
    assert parsed.rows[0]["death_year"] == 1934


def test_a_missing_column_or_encoding_is_refused_whole() -> None:
    with pytest.raises(sheets.SheetError, match="缺少列"):
        _records("foo\nbar\n")
    with pytest.raises(sheets.SheetError, match="UTF-8"):
        list(sheets.read_table("r.csv", "姓名\n".encode("gbk")))


def test_an_xlsx_sheet_is_read() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "出生年份"])
    sheet.append(["刘福林", 1915])
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = sheets.parse(
        "r.xlsx", buffer.getvalue(), sheets.RECORD_COLUMNS, ("name",), sheets.check_record
    )
    assert parsed.errors == []
    assert parsed.rows[0]["birth_year"] == 1915
