"""A work list as an Excel file (XLSX): one row per ticket, personal data masked."""

import io
from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from minsheng.citizens.masking import is_placeholder, mask_name, mask_phone
from minsheng.tickets.models import Ticket

MAX_ROWS = 10000
HEADERS = (
    ("工单编号", 18), ("受理时间", 17), ("紧急程度", 8), ("诉求类型", 8), ("标题", 30),
    ("分类", 22), ("诉求人", 8), ("联系电话", 14), ("地址", 30), ("主办单位", 18),
    ("下级承办单位", 18), ("状态", 8), ("签收时限", 17), ("办结时限", 17),
)  # fmt: skip


def _when(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def row(t: Ticket) -> list[str]:
    """One ticket's cells; the phone and the name are always masked (the file leaves the
    system, and no reveal is recorded for it)."""
    return [
        t.number,
        _when(t.received_at),
        str(t.get_urgency_display()),
        str(t.get_request_type_display()),
        t.title,
        str(t.category),
        mask_name(t.resident.name),
        "" if is_placeholder(t.resident.phone) else mask_phone(t.resident.phone),
        t.address,
        t.unit.name if t.unit else "",
        t.sub_unit.name if t.sub_unit else "",
        str(t.get_status_display()),
        _when(t.accept_by),
        _when(t.resolve_by),
    ]


def workbook(title: str, tickets: Iterable[Ticket]) -> bytes:
    """The list as an XLSX file, at most MAX_ROWS tickets."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append([name for name, _width in HEADERS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, (_name, width) in enumerate(HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for count, ticket in enumerate(tickets):
        if count >= MAX_ROWS:
            break
        sheet.append(row(ticket))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
