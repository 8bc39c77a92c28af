"""Beneficiary data checks (优抚对象数据核查): the list against the registers it depends on.

Pure. Each check takes plain rows and returns findings with their evidence: a beneficiary still
paid after a registered death; a household moved out of the paying county; the same ID number
on two counties' lists; a payment to an account closed before it; a martyr's survivor whose
martyr record does not exist or disagrees (name not alike). The `key` of a finding makes the
next run find the same one again rather than a new one.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from minsheng.veterans import names

DIED, MOVED, DUPLICATE, CLOSED_ACCOUNT, NO_MARTYR, MARTYR_DISAGREES = (
    "died",
    "moved",
    "duplicate",
    "closed_account",
    "no_martyr",
    "martyr_disagrees",
)
LABELS = {
    DIED: "已登记死亡仍在发放",
    MOVED: "户籍已迁出本县",
    DUPLICATE: "跨县重复享受",
    CLOSED_ACCOUNT: "向已销户账户发放",
    NO_MARTYR: "烈士记录不存在",
    MARTYR_DISAGREES: "与烈士记录不符",
}


@dataclass(frozen=True)
class Person:
    """A beneficiary as the checks see it."""

    id: int
    name: str
    id_number: str
    kind: str
    county_code: str
    account: str = ""
    martyr_id: int | None = None
    martyr_name: str = ""
    active: bool = True


@dataclass(frozen=True)
class Entry:
    """A register line: kind death / move / closed / payment."""

    kind: str
    on: date
    id_number: str = ""
    account: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Found:
    beneficiary: int
    kind: str
    key: str
    evidence: dict[str, Any]

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def run(
    people: Iterable[Person],
    entries: Iterable[Entry],
    martyrs: dict[int, str],
) -> list[Found]:
    """Every discrepancy between the active beneficiaries, the registers and the martyrs'
    records (`martyrs`: record id → name)."""
    active = [p for p in people if p.active]
    deaths: dict[str, Entry] = {}
    moves: dict[str, list[Entry]] = defaultdict(list)
    closed: dict[str, Entry] = {}
    payments: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        if e.kind == "death":
            deaths.setdefault(e.id_number, e)
        elif e.kind == "move":
            moves[e.id_number].append(e)
        elif e.kind == "closed":
            closed.setdefault(e.account, e)
        elif e.kind == "payment":
            payments[e.account].append(e)
    found: list[Found] = []
    by_number: dict[str, list[Person]] = defaultdict(list)
    for p in active:
        by_number[p.id_number].append(p)
        death = deaths.get(p.id_number)
        if death is not None:
            found.append(
                Found(p.id, DIED, death.on.isoformat(), {"死亡日期": death.on.isoformat()})
            )
        for move in sorted(moves.get(p.id_number, ()), key=lambda e: e.on)[-1:]:
            to = str(move.data.get("to_county", ""))
            if to and to != p.county_code:
                found.append(
                    Found(
                        p.id,
                        MOVED,
                        f"{move.on.isoformat()}-{to}",
                        {"迁移日期": move.on.isoformat(), "迁入地": move.data.get("to_name") or to},
                    )
                )
        account = closed.get(p.account) if p.account else None
        if account is not None:
            late = [e for e in payments.get(p.account, ()) if e.on > account.on]
            if late:
                found.append(
                    Found(
                        p.id,
                        CLOSED_ACCOUNT,
                        account.on.isoformat(),
                        {
                            "销户日期": account.on.isoformat(),
                            "此后发放笔数": len(late),
                            "此后发放金额": str(sum(float(e.data.get("amount", 0)) for e in late)),
                        },
                    )
                )
        if p.kind == "martyr_family":
            found += _martyr(p, martyrs)
    for group in by_number.values():
        counties = sorted({p.county_code for p in group})
        if len(counties) > 1:
            for p in group:
                others = [c for c in counties if c != p.county_code]
                found.append(
                    Found(p.id, DUPLICATE, "-".join(counties), {"同时在册县区": "、".join(others)})
                )
    return found


def _martyr(p: Person, martyrs: dict[int, str]) -> list[Found]:
    if p.martyr_id is None or p.martyr_id not in martyrs:
        said = p.martyr_name or "（未填）"
        return [Found(p.id, NO_MARTYR, str(p.martyr_id or ""), {"申报烈士": said})]
    recorded = martyrs[p.martyr_id]
    if p.martyr_name:
        level = names.compare(p.martyr_name, recorded).level
        if level not in (names.EXACT, names.FORM, names.SOUND):
            return [
                Found(
                    p.id,
                    MARTYR_DISAGREES,
                    str(p.martyr_id),
                    {"申报烈士": p.martyr_name, "记录姓名": recorded},
                )
            ]
    return []


def mask_id(number: str) -> str:
    """360731********1234: the first six and last four characters at most."""
    if len(number) <= 10:
        return "*" * len(number)
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"
