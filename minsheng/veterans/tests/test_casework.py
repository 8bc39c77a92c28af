"""The request's verification through the loop, imports, and beneficiary checks (database)."""

from typing import Any

import pytest

from minsheng.citizens.models import Reveal
from minsheng.notifications.models import Notification
from minsheng.tickets.models import Status
from minsheng.tickets.transitions import WorkflowError
from minsheng.veterans import casework
from minsheng.veterans.models import (
    Beneficiary,
    Candidate,
    FamilyRequest,
    Finding,
    MartyrRecord,
    Stage,
)

pytestmark = pytest.mark.django_db
FAMILY = {
    "ancestor_names": "钟得胜",
    "native_place": "江西于都",
    "death_year": 1934,
    "requester_name": "钟小明",
    "relation": "孙子",
    "phone": "13905910001",
}


def test_a_record_sheet_with_one_bad_row_writes_nothing(db: Any) -> None:
    content = "name,native_place,birth_year\n钟德胜,江西雩都,1912\n,江西,19x\n".encode()
    count, errors = casework.import_records("r.csv", content)
    assert count == 0
    assert errors == ["第 3 行：姓名不能为空", "第 3 行：出生年份“19x”不是四位年份"]
    assert MartyrRecord.objects.count() == 0


def test_an_imported_record_knows_its_place_today(db: Any) -> None:
    content = "姓名,别名,籍贯\n钟德胜,乳名:石伢子,江西雩都县\n".encode()
    assert casework.import_records("r.csv", content) == (1, [])
    record = MartyrRecord.objects.get()
    assert (record.native_code, record.native_today) == ("360731", "江西省赣州市于都县")


def test_a_request_enters_the_loop_and_gets_ranked_candidates(
    bureaus: dict[str, Any], martyrs: list[Any]
) -> None:
    request = casework.register_request(FAMILY, channel="resident", by=casework.SYSTEM)
    assert request.ticket is not None
    assert request.ticket.unit == bureaus["city"]
    assert request.ticket.status == Status.DISPATCHED
    best = request.candidates.first()
    assert best is not None
    assert best.record == martyrs[0]
    assert {r["field"] for r in best.reasons} >= {"name", "place", "death_year"}


def test_the_whole_verification_notifies_the_family_and_leaves_no_step_open(
    bureaus: dict[str, Any], martyrs: list[Any], officer: Any
) -> None:
    request = casework.register_request(FAMILY, channel="resident", by=casework.SYSTEM)
    candidate = request.candidates.get(record=martyrs[0])
    candidate = casework.start_verification(candidate, by=officer)
    evidence_ticket = candidate.ticket
    assert evidence_ticket is not None
    assert evidence_ticket.resolve_by is not None
    candidate = casework.record_evidence(candidate, text="家谱与英名录一致", by=officer)
    evidence_ticket.refresh_from_db()
    assert evidence_ticket.status == Status.REPLIED
    candidate = casework.confirm(candidate, note="证据充分", by=officer)
    sms = Notification.objects.get(kind="veterans_found")
    assert sms.phone == "13905910001"
    assert "钟德胜" in sms.body
    casework.arrange_memorial(candidate, text="清明前，县烈士陵园", by=officer)
    request.refresh_from_db()
    assert request.stage == Stage.ARRANGED
    actions = list(request.events.values_list("action", flat=True))
    assert actions == ["registered", "verifying", "evidence", "confirmed", "notified", "arranged"]


def test_a_rejected_candidate_is_never_proposed_again(
    bureaus: dict[str, Any], martyrs: list[Any], officer: Any
) -> None:
    request = casework.register_request(FAMILY, channel="resident", by=casework.SYSTEM)
    wrong = request.candidates.get(record=martyrs[1])
    casework.reject(wrong, reason="籍贯不符", by=officer)
    casework.propose(request)
    records = list(
        request.candidates.exclude(state=Candidate.State.REJECTED).values_list("record", flat=True)
    )
    assert martyrs[1].pk not in records
    assert request.candidates.filter(record=martyrs[1], state=Candidate.State.REJECTED).exists()


def test_a_step_out_of_order_is_refused(
    bureaus: dict[str, Any], martyrs: list[Any], officer: Any
) -> None:
    request = casework.register_request(FAMILY, channel="resident", by=casework.SYSTEM)
    with pytest.raises(WorkflowError):
        casework.confirm(request.candidates.first(), note="", by=officer)  # type: ignore[arg-type]


def test_a_bad_phone_registers_nothing(bureaus: dict[str, Any]) -> None:
    with pytest.raises(WorkflowError, match="电话"):
        casework.register_request(FAMILY | {"phone": "abc"}, channel="resident", by=casework.SYSTEM)
    assert FamilyRequest.objects.count() == 0


BENEFICIARIES = (
    "name,id_number,kind,county_code,allowance,account,martyr_id,martyr_name\n"
    "王秀英,350102193401011234,烈士遗属,350102,1500,62170001,{m},钟德胜\n"
    "李桂兰,350102194002023456,伤残军人,350102,1200,62170002,,\n"
)


def test_checks_file_a_ticket_per_discrepancy_to_the_countys_bureau(
    bureaus: dict[str, Any], martyrs: list[Any], gulou_officer: Any
) -> None:
    assert (
        casework.import_beneficiaries("b.csv", BENEFICIARIES.format(m=martyrs[0].pk).encode())[0]
        == 2
    )
    register = "kind,id_number,account,date\n死亡登记,350102194002023456,,2026-09-01\n".encode()
    assert casework.import_register("r.csv", register) == (1, [])
    assert casework.run_checks() == 1
    assert casework.run_checks() == 0  # the same discrepancy is not filed twice
    finding = Finding.objects.get()
    assert finding.ticket is not None
    assert finding.ticket.unit == bureaus["gulou"]
    assert "350102********3456" in finding.ticket.description
    assert "350102194002023456" not in finding.ticket.description
    casework.settle(finding, outcome="stopped", note="已核实死亡", by=gulou_officer)
    assert not Beneficiary.objects.get(name="李桂兰").active
    finding.ticket.refresh_from_db()
    assert finding.ticket.status == Status.REPLIED


def test_a_bad_beneficiary_row_writes_nothing(bureaus: dict[str, Any]) -> None:
    count, errors = casework.import_beneficiaries(
        "b.csv", BENEFICIARIES.replace("350102193401011234", "123").format(m="").encode()
    )
    assert count == 0
    assert errors == ["第 2 行：身份证号应为 18 位"]
    assert Beneficiary.objects.count() == 0


def test_revealing_an_id_number_is_recorded(bureaus: dict[str, Any], gulou_officer: Any) -> None:
    person = Beneficiary.objects.create(
        name="王秀英",
        id_number="350102193401011234",
        kind="disabled",
        county_code="350102",
        allowance=1200,
    )
    assert casework.reveal_id(person, by=gulou_officer) == "350102193401011234"
    assert Reveal.objects.filter(user=gulou_officer, kind="id_number").count() == 1
