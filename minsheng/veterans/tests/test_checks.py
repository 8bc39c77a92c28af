"""Beneficiary checks against the registers (pure)."""

from datetime import date

from minsheng.veterans import checks
from minsheng.veterans.checks import Entry, Person

ID_A, ID_B = "360731193401011234", "350102194002023456"


def _people() -> list[Person]:
    return [
        Person(
            1,
            "王秀英",
            ID_A,
            "martyr_family",
            "350102",
            "6217001",
            martyr_id=7,
            martyr_name="钟德胜",
        ),
        Person(2, "李桂兰", ID_B, "disabled", "350102", "6217002"),
        Person(3, "李桂兰", ID_B, "disabled", "350104", "6217003"),
        Person(4, "张玉珍", "350104195001013333", "martyr_family", "350104", martyr_id=99),
        Person(
            5,
            "陈德明",
            "350104195001014444",
            "martyr_family",
            "350104",
            martyr_id=8,
            martyr_name="王老七",
        ),
    ]


def test_each_kind_of_discrepancy_is_found_with_its_evidence() -> None:
    entries = [
        Entry("death", date(2026, 9, 1), id_number=ID_A),
        Entry("move", date(2026, 8, 1), id_number=ID_B, data={"to_county": "360731"}),
        Entry("closed", date(2026, 7, 1), account="6217002"),
        Entry("payment", date(2026, 6, 30), account="6217002", data={"amount": "1200"}),
        Entry("payment", date(2026, 8, 1), account="6217002", data={"amount": "1200"}),
    ]
    found = checks.run(_people(), entries, {7: "钟德胜", 8: "刘福林"})
    kinds = {(f.beneficiary, f.kind) for f in found}
    assert kinds == {
        (1, checks.DIED),
        (2, checks.MOVED),
        (3, checks.MOVED),
        (2, checks.CLOSED_ACCOUNT),
        (2, checks.DUPLICATE),
        (3, checks.DUPLICATE),
        (4, checks.NO_MARTYR),
        (5, checks.MARTYR_DISAGREES),
    }
    closed = next(f for f in found if f.kind == checks.CLOSED_ACCOUNT)
    assert closed.evidence["此后发放笔数"] == 1


def test_a_move_within_the_county_and_a_homophone_martyr_name_are_no_findings() -> None:
    people = [
        Person(1, "王秀英", ID_A, "martyr_family", "350102", martyr_id=7, martyr_name="钟得胜")
    ]
    entries = [Entry("move", date(2026, 8, 1), id_number=ID_A, data={"to_county": "350102"})]
    assert checks.run(people, entries, {7: "钟德胜"}) == []


def test_an_id_number_is_masked_to_its_first_six_and_last_four() -> None:
    assert checks.mask_id(ID_A) == "360731********1234"
