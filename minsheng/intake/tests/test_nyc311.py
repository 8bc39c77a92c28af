"""The mapping feature on a real foreign format: one day of NYC 311 requests (../shared/data)."""

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from minsheng.intake import importing
from minsheng.intake.models import ImportBatch, ImportMapping, ImportRow
from minsheng.orgs.loading import load_departments
from minsheng.taxonomy.loading import load_categories
from minsheng.tickets.models import Ticket

SAMPLE = (
    Path(__file__).resolve().parents[3]
    / ".."
    / "shared"
    / "data"
    / "nyc-311-sample-2023-02-28"
    / "nyc_311_2023-02-28_sample.csv"
)
MAPPING = Path(__file__).resolve().parents[1] / "data" / "nyc-311.json"
ROWS = 200

pytestmark = [pytest.mark.shared_data, pytest.mark.django_db]


@pytest.fixture
def nyc(city: dict[str, Any]) -> ImportMapping:
    """Fuzhou's catalogue and departments, and the NYC 311 mapping as an administrator saves it."""
    if not SAMPLE.exists():
        pytest.skip(f"shared data not found at {SAMPLE}; cannot try the NYC 311 mapping")
    load_categories()
    load_departments()
    stored = ImportMapping(**json.loads(MAPPING.read_text(encoding="utf-8")))
    stored.full_clean()
    stored.save()
    return stored


def _first_rows(n: int) -> bytes:
    with SAMPLE.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        out = io.StringIO()
        writer = csv.writer(out)
        for i, row in enumerate(reader):
            if i > n:
                break
            writer.writerow(row)
    return out.getvalue().encode("utf-8")


def test_every_row_of_the_nyc_day_passes_the_mapping(nyc: ImportMapping) -> None:
    checked = importing.check(
        SAMPLE.read_bytes(), filename=SAMPLE.name, mapping_obj=nyc, max_rows=5000
    )
    assert checked.errors == []
    assert len(checked.rows) == 4999


def test_nyc_rows_import_all_or_nothing_and_never_twice(nyc: ImportMapping, agent: Any) -> None:
    data = _first_rows(ROWS)
    outcome = importing.import_file(data, filename="nyc-200.csv", by=agent, mapping_obj=nyc)
    assert outcome.errors == []
    assert (outcome.created, Ticket.objects.count()) == (ROWS, ROWS)
    first = ImportRow.objects.get(row_number=2).ticket
    assert first.category.code == "JT02"  # Traffic Signal Condition
    assert first.channel == "api"
    assert first.resident.phone == "0000000311"
    assert first.title == "Traffic Signal Condition；Controller"
    assert "原始日期：2023-02-28 23:45" in first.description
    assert "建议承办：福州市交通运输局（FZ-JTJ）" in first.description
    assert "原系统编号：56923577" in first.description
    noise = ImportRow.objects.filter(ticket__category__code="CG04").count()
    assert noise > 50  # Noise - Residential, Commercial, Vehicle … all land on 噪音扰民

    again = importing.import_file(data, filename="nyc-200.csv", by=agent, mapping_obj=nyc)
    renamed = importing.import_file(
        data.replace(b"\r\n", b"\n"), filename="nyc-again.csv", by=agent, mapping_obj=nyc
    )
    assert "本次未写入任何数据" in again.message
    assert len(renamed.already) == ROWS
    assert (Ticket.objects.count(), ImportBatch.objects.count()) == (ROWS, 1)


def test_one_unmapped_complaint_type_stops_the_whole_nyc_file(
    nyc: ImportMapping, agent: Any
) -> None:
    nyc.values["category"].pop("Rodent")
    nyc.save()
    data = _first_rows(ROWS)
    outcome = importing.import_file(data, filename="nyc-200.csv", by=agent, mapping_obj=nyc)
    assert Ticket.objects.count() == 0
    assert {e.column for e in outcome.errors} == {"Complaint Type"}
    assert all("“Rodent”不是派单目录中的小类" in e.reason for e in outcome.errors)
