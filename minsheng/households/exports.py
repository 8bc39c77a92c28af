"""The households list as XLSX: no ID numbers, no phones (a sheet may leave the office)."""

import io

from django.db.models import Count, QuerySet
from openpyxl import Workbook

from minsheng.households.models import Household


def households_xlsx(rows: QuerySet[Household]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "监测户"
    sheet.append(["户编号", "乡镇", "村", "户主", "人口", "状态"])
    for h in rows.select_related("village__parent").annotate(persons=Count("members")):
        township = h.village.parent.name if h.village.parent else ""
        sheet.append(
            [h.code, township, h.village.name, h.head_name, h.persons, h.get_status_display()]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
