"""Batch import over HTTP: a clean file becomes tickets, a bad one writes nothing."""

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minsheng.citizens.models import Resident
from minsheng.intake import importing
from minsheng.intake.mapping import TEMPLATE_HEADERS, header_key
from minsheng.intake.models import ImportBatch, ImportRow
from minsheng.tickets.models import Channel, Status, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet(catalogue: dict[str, Any], city: dict[str, Any]) -> list[dict[str, str]]:
    """Three slips: a 说事箱 slip without a phone, a 说事站 sheet row, a grid worker's report."""
    return [
        {
            "来源": "说事箱",
            "日期": "2025-03-01",
            "姓名": "林阿姨",
            "电话": "",
            "诉求类型": "投诉",
            "分类": "噪音扰民",
            "标题": "广场舞太吵",
            "内容": "每晚八点后小区广场舞音响很大。",
            "地址": "东街12号",
            "街道": "鼓东街道",
        },
        {
            "来源": "说事站",
            "日期": "2025/03/02 10:30",
            "姓名": "陈先生",
            "电话": "139 0591 2345",
            "诉求类型": "求助",
            "分类": "GY-WATER",
            "内容": "三号楼停水两天了。",
            "街道": "350102001",
        },
        {
            "来源": "网格员",
            "日期": "2025-03-03",
            "诉求类型": "咨询",
            "分类": "政策咨询",
            "内容": "居民询问老旧小区加装电梯的补贴政策。",
        },
    ]


def _csv(records: list[dict[str, str]], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TEMPLATE_HEADERS)
    for record in records:
        writer.writerow([record.get(header_key(h), "") for h in TEMPLATE_HEADERS])
    return out.getvalue().encode(encoding)


def _xlsx(records: list[dict[str, str]]) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(TEMPLATE_HEADERS)
    for record in records:
        book.active.append([record.get(header_key(h), "") for h in TEMPLATE_HEADERS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client: Any, user: Any, data: bytes, name: str = "slips.csv", **extra: str) -> Any:
    client.force_login(user)
    return client.post(reverse("intake:import"), {"file": SimpleUploadedFile(name, data), **extra})


def _nothing_written() -> None:
    assert Ticket.objects.count() == 0
    assert TicketEvent.objects.count() == 0
    assert ImportBatch.objects.count() == 0
    assert ImportRow.objects.count() == 0


def test_agent_opens_the_import_page_with_both_templates(client: Any, agent: Any) -> None:
    client.force_login(agent)
    html = client.get(reverse("intake:import")).content.decode()
    assert reverse("intake:template_csv") in html
    assert reverse("intake:template_xlsx") in html
    csv_template = client.get(reverse("intake:template_csv"))
    assert csv_template["Content-Disposition"].endswith('.csv"')
    assert "来源（说事箱/说事站/网格员）" in csv_template.content.decode("utf-8-sig")
    xlsx = client.get(reverse("intake:template_xlsx"))
    assert (
        openpyxl.load_workbook(io.BytesIO(xlsx.content))["诉求"]["F1"].value == "分类（编码或名称）"
    )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_clean_file_becomes_one_ticket_per_row(
    client: Any, agent: Any, sheet: list[dict[str, str]], city: dict[str, Any], kind: str
) -> None:
    data = _csv(sheet) if kind == "csv" else _xlsx(sheet)
    response = _upload(client, agent, data, f"slips.{kind}")
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("intake:batch", args=[batch.pk])
    assert (batch.row_count, batch.imported_count, batch.uploaded_by) == (3, 3, agent)
    box, station, grid = (r.ticket for r in ImportRow.objects.order_by("row_number"))
    assert [r.row_number for r in batch.rows.all()] == [2, 3, 4]
    assert (box.channel, station.channel, grid.channel) == (
        Channel.OFFLINE,
        Channel.OFFLINE,
        Channel.GRID,
    )
    assert box.resident.phone == "0000000001"
    assert "【批量导入】来源：说事箱；原始日期：2025-03-01 00:00；留名：林阿姨" in box.description
    assert box.place == city["gudong"]
    assert station.resident.phone == "13905912345"
    assert station.resident.name == "陈先生"
    assert station.title == "三号楼停水两天了。"
    assert all(t.status == Status.RECEIVED and t.created_by == agent for t in (box, station, grid))
    page = client.get(response.url).content.decode()
    assert box.number in page
    assert grid.number in page


@pytest.mark.parametrize(
    ("change", "column", "reason"),
    [
        ({"来源": "信箱"}, "来源", "来源应为 说事箱、说事站 或 网格员"),
        ({"日期": "2025-13-01"}, "日期", "日期格式不正确"),
        ({"电话": "12ab"}, "电话", "电话号码不正确"),
        ({"诉求类型": "表扬"}, "诉求类型", "“噪音扰民”不受理表扬类诉求"),
        ({"分类": "城市管理"}, "分类", "“城市管理”不是派单目录中的小类"),
        ({"街道": "火星街道"}, "街道", "不是本市的街道"),
        ({"内容": ""}, "内容", "内容不能为空"),
    ],
)
def test_a_bad_row_is_reported_by_row_and_column_and_nothing_is_written(
    client: Any,
    agent: Any,
    sheet: list[dict[str, str]],
    change: dict[str, str],
    column: str,
    reason: str,
) -> None:
    sheet[0].update(change)
    response = _upload(client, agent, _csv(sheet))
    html = response.content.decode()
    assert response.status_code == 200
    assert "本次没有导入任何数据" in html
    assert f"<td>第 2 行</td><td>{column}</td>" in html
    assert reason in html
    _nothing_written()


def test_a_missing_column_and_a_repeated_row_are_reported(
    client: Any, agent: Any, sheet: list[dict[str, str]]
) -> None:
    headerless = _csv(sheet).decode("utf-8-sig").replace("内容", "正文").encode()
    assert "缺少列：内容" in _upload(client, agent, headerless).content.decode()
    repeated = _upload(client, agent, _csv([*sheet, sheet[1]], "utf-8"))
    assert "与第 3 行重复" in repeated.content.decode()
    _nothing_written()


def test_the_error_report_downloads_as_csv_with_formulas_neutralised(
    client: Any, agent: Any, sheet: list[dict[str, str]]
) -> None:
    sheet[1]["电话"] = "=cmd|' /C calc'!A0"
    response = _upload(client, agent, _csv(sheet), report="csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response["Content-Type"] == "text/csv"
    assert lines[1] == ["3", "电话", "电话号码不正确。", "'=cmd|' /C calc'!A0"]
    _nothing_written()


def test_formula_text_in_a_clean_file_is_stored_as_plain_text(
    client: Any, agent: Any, sheet: list[dict[str, str]]
) -> None:
    sheet[0]["标题"] = '=HYPERLINK("http://evil.example","点我")'
    _upload(client, agent, _csv(sheet))
    ticket = ImportRow.objects.get(row_number=2).ticket
    assert ticket.title == '=HYPERLINK("http://evil.example","点我")'


def test_the_same_file_twice_creates_nothing_the_second_time(
    client: Any, agent: Any, sheet: list[dict[str, str]]
) -> None:
    data = _csv(sheet)
    _upload(client, agent, data)
    response = _upload(client, agent, data)
    assert "该文件已于" in response.content.decode()
    assert "本次未写入任何数据" in response.content.decode()
    assert (Ticket.objects.count(), ImportBatch.objects.count()) == (3, 1)


def test_rows_imported_before_are_reported_and_only_new_rows_are_written(
    client: Any, agent: Any, dispatcher: Any, sheet: list[dict[str, str]]
) -> None:
    _upload(client, agent, _csv(sheet[:2]))
    first = {r.row_number: r.ticket.number for r in ImportRow.objects.all()}
    again = _upload(client, dispatcher, _xlsx(sheet[:2]), "same-rows.xlsx")
    html = again.content.decode()
    assert "文件中的 2 行都已导入过，本次未写入任何数据" in html
    assert "已导入" in html
    assert first[2] in html
    assert Ticket.objects.count() == 2
    more = _upload(client, dispatcher, _xlsx(sheet), "with-one-more.xlsx")
    batch = ImportBatch.objects.get(file_name="with-one-more.xlsx")
    assert more.status_code == 302
    assert (batch.imported_count, batch.skipped_count) == (1, 2)
    assert Ticket.objects.count() == 3


def test_a_gb18030_csv_saved_by_excel_is_imported(
    client: Any, agent: Any, sheet: list[dict[str, str]]
) -> None:
    response = _upload(client, agent, _csv(sheet, "gb18030"))
    assert response.status_code == 302
    assert Ticket.objects.filter(title="广场舞太吵").exists()


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"x" * (5 * 1024 * 1024 + 1), "big.csv", "文件过大：上限 5 MB"),
        (b"MZ\x90\x00\x03" + b"\x00" * 500, "slips.xlsx", "不是 Excel（.xlsx）表格"),
        (b"MZ\x90\x00\x03" + b"\x00" * 500, "slips.exe", "只接受 CSV（.csv）或 Excel（.xlsx）文件"),
    ],
)
def test_oversized_and_disguised_files_are_refused(
    client: Any, agent: Any, data: bytes, name: str, reason: str
) -> None:
    response = _upload(client, agent, data, name)
    assert response.status_code == 200
    assert reason in response.content.decode()
    _nothing_written()


def test_a_post_without_a_file_asks_for_one(client: Any, agent: Any) -> None:
    client.force_login(agent)
    response = client.post(reverse("intake:import"), {})
    assert "请选择要导入的文件" in response.content.decode()
    _nothing_written()


@pytest.mark.parametrize("who", ["street_handler", "supervisor", "water_handler"])
def test_only_agents_and_dispatchers_may_import(
    client: Any, request: Any, sheet: list[dict[str, str]], who: str
) -> None:
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(reverse("intake:import")).status_code == 403
    assert client.get(reverse("intake:template_csv")).status_code == 403
    assert _upload(client, user, _csv(sheet)).status_code == 403
    _nothing_written()


def test_the_write_module_refuses_a_unit_handler_too(
    street_handler: Any, sheet: list[dict[str, str]]
) -> None:
    outcome = importing.import_file(_csv(sheet), filename="x.csv", by=street_handler)
    assert outcome.errors[0].reason == "只有热线中心的话务员或派单员可以批量导入。"
    _nothing_written()


def test_a_handler_cannot_see_a_batch(
    client: Any, agent: Any, street_handler: Any, sheet: list[dict[str, str]]
) -> None:
    _upload(client, agent, _csv(sheet))
    client.force_login(street_handler)
    batch = ImportBatch.objects.get()
    assert client.get(reverse("intake:batch", args=[batch.pk])).status_code == 403


def test_placeholder_residents_are_one_per_source(
    client: Any, agent: Any, sheet: list[dict[str, str]]
) -> None:
    second = {**sheet[0], "内容": "另一张说事箱纸条。", "姓名": "王大爷"}
    _upload(client, agent, _csv([sheet[0], second]))
    assert Resident.objects.filter(phone="0000000001").count() == 1
    assert Resident.objects.get(phone="0000000001").name == "说事箱（未留电话）"
