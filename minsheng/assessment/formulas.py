"""The assessment's rules as pure functions: timeline → facts per unit, facts → counts → rates.

No database here. `facts_from_timeline` turns one ticket's events into one `Fact` per unit that
answers for it (the main unit, every unit it was dispatched to before, each co-handler);
`count` adds facts up the way the SQL aggregation does; `rates` and `score` apply a policy.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from minsheng.tickets.names import Action

BEIJING = ZoneInfo("Asia/Shanghai")
MAIN, CO = "main", "co"
DAY = timedelta(hours=24)
# The counts a snapshot stores; each rate is one numerator over one denominator among them.
COUNTS = (
    "dispatched", "volume", "excluded", "responded", "accepted_24h", "due", "on_time",
    "rated", "resolved", "satisfied", "basically", "no_rating", "returned", "reopened",
    "extended",
)  # fmt: skip
# rate → (numerator, denominator); satisfaction is weighted and computed apart.
RATES: dict[str, tuple[str, str]] = {
    "response": ("responded", "volume"),
    "resolution": ("resolved", "rated"),
    "satisfaction": ("satisfied", "rated"),
    "accept_24h": ("accepted_24h", "volume"),
    "on_time": ("on_time", "due"),
    "return": ("returned", "dispatched"),
    "reopen": ("reopened", "volume"),
    "extension": ("extended", "volume"),
    "no_rating": ("no_rating", "closed_or_rated"),
}


@dataclass(frozen=True)
class Event:
    """What the formulas read of a TicketEvent."""

    action: str
    at: datetime
    unit: str | None = None  # the unit's code
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Fact:
    """What one ticket contributes to one unit's indicators (one row of the fact table)."""

    unit: str
    role: str  # MAIN or CO
    period: str  # "2026-10": the month the unit got the ticket, Beijing time
    held: bool = True  # False: the centre moved the ticket to another unit after a return
    accepted_in_time: bool = False
    accepted_24h: bool = False
    contacted: bool = False
    replied: bool = False
    replied_on_time: bool = False
    resolve_by: datetime | None = None
    rated: bool = False
    resolved: bool = False
    satisfaction: str = ""  # satisfied, basically, unsatisfied; "" when not rated
    no_rating: bool = False
    returned: bool = False
    reopened: bool = False
    extended: bool = False
    excluded: bool = False

    @property
    def responded(self) -> bool:
        return self.accepted_in_time and self.contacted


def period_of(moment: datetime) -> str:
    return moment.astimezone(BEIJING).strftime("%Y-%m")


def _when(value: Any) -> datetime | None:
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
    return datetime.fromisoformat(value) if value else None


@dataclass
class _Round:
    """The main unit's current assignment: its clocks and how it met them so far."""

    fact: Fact
    start: datetime
    accept_by: datetime | None
    resolve_by: datetime | None
    waiting: bool = True  # not yet accepted
    accepts_ok: bool = True
    accepts_24h: bool = True
    replies_ok: bool = True


def facts_from_timeline(events: Iterable[Event]) -> list[Fact]:
    """Replay one ticket's timeline into facts, one per (unit, role).

    Acceptance and replies must be in time in every round (a reopen starts a new round with
    fresh clocks); the rating, resolution and "no rating" come from the last round only.
    """
    facts: dict[tuple[str, str], Fact] = {}
    current: _Round | None = None
    co_added: dict[str, datetime] = {}
    co_answers: dict[str, tuple[bool, bool]] = {}  # unit → (accepted within 24 h, replied in time)
    outcome: dict[str, Any] = {}

    def add_co(codes: Iterable[str], at: datetime) -> None:
        for code in codes:
            if (code, CO) not in facts:
                facts[code, CO] = Fact(unit=code, role=CO, period=period_of(at))
                co_added[code] = at

    for e in events:  # in timeline order (seq)
        data, a = e.data, e.action
        if a == Action.DISPATCH:
            code = str(data.get("unit") or e.unit)
            if current is not None and current.fact.unit != code:
                _settle(current)
                current.fact.held = False
            fact = facts.setdefault(
                (code, MAIN), Fact(unit=code, role=MAIN, period=period_of(e.at))
            )
            fact.held = True
            current = _Round(
                fact, e.at, _when(data.get("accept_by")), _when(data.get("resolve_by"))
            )
            add_co(data.get("cohandlers", ()), e.at)
        elif a == Action.ADD_COHANDLER:
            add_co(data.get("cohandlers", ()), e.at)
        elif a == Action.COHANDLER_ACCEPT and (code := data.get("cohandler", "")) in co_added:
            _, replied = co_answers.get(code, (False, False))
            co_answers[code] = (e.at - co_added[code] <= DAY, replied)
        elif a == Action.COHANDLER_REPLY and (code := data.get("cohandler", "")) in co_added:
            accepted, _ = co_answers.get(code, (False, False))
            co_answers[code] = (accepted, not data.get("late", False))
        elif current is None:
            continue
        elif a == Action.ACCEPT and current.waiting:
            current.waiting = False
            current.accepts_ok &= current.accept_by is None or e.at <= current.accept_by
            current.accepts_24h &= e.at - current.start <= DAY
        elif a == Action.RETURN:
            current.fact.returned = True
        elif a in (Action.PAUSE, Action.REPLY):
            in_time = current.resolve_by is None or e.at <= current.resolve_by
            current.fact.contacted |= in_time
            if a == Action.REPLY:
                current.fact.replied = True
                current.replies_ok &= in_time
        elif a in (Action.APPROVE_EXTENSION, Action.RESUME):
            current.resolve_by = _when(data.get("resolve_by")) or current.resolve_by
            current.fact.extended |= a == Action.APPROVE_EXTENSION
        elif a == Action.VISIT:
            outcome = {
                "satisfaction": data.get("satisfaction", ""),
                "resolved": data.get("resolved"),
            }
        elif a == Action.CLOSE_UNRATED:
            outcome = {"no_rating": True}
        elif a == Action.REOPEN:
            _settle(current)
            current.fact.reopened, current.fact.replied, outcome = True, False, {}
            current.start, current.waiting = e.at, True
            current.accept_by = _when(data.get("accept_by"))
            current.resolve_by = _when(data.get("resolve_by"))
    if current is not None:
        _settle(current)
        _apply_outcome(current.fact, outcome)
        for code, (accepted_24h, replied_in_time) in co_answers.items():
            co = facts[code, CO]
            co.accepted_in_time = co.accepted_24h = accepted_24h
            co.contacted = replied_in_time
        for (_, role), fact in facts.items():
            if role == CO:
                _copy_ticket_outcome(fact, current.fact)
    return list(facts.values())


def _settle(r: _Round) -> None:
    f = r.fact
    f.accepted_in_time = not r.waiting and r.accepts_ok
    f.accepted_24h = not r.waiting and r.accepts_24h
    f.replied_on_time = f.replied and r.replies_ok
    f.resolve_by = r.resolve_by


def _apply_outcome(f: Fact, outcome: Mapping[str, Any]) -> None:
    f.no_rating = bool(outcome.get("no_rating"))
    f.satisfaction = outcome.get("satisfaction", "") or ""
    f.rated = bool(f.satisfaction)
    f.resolved = f.rated and bool(outcome.get("resolved"))


def _copy_ticket_outcome(co: Fact, main: Fact) -> None:
    """Under "both", a co-handler answers for the ticket's result as the main unit does."""
    for name in ("replied", "replied_on_time", "resolve_by", "rated", "resolved",
                 "satisfaction", "no_rating", "reopened"):  # fmt: skip
        setattr(co, name, getattr(main, name))


# --- facts → counts → rates → score ------------------------------------------------------------


def roles_for(cohandling: str) -> tuple[str, ...]:
    """Which facts a unit answers for: its main tickets only, or co-handled ones too."""
    return (MAIN, CO) if cohandling == "both" else (MAIN,)


def count(facts: Iterable[Fact], *, as_of: datetime, roles: Sequence[str] = (MAIN,)) -> dict:
    """The counts of one unit's facts, exactly as `scoring` aggregates them in SQL."""
    c = dict.fromkeys(COUNTS, 0)
    for f in facts:
        if f.role not in roles:
            continue
        if f.excluded:
            c["excluded"] += 1
            continue
        c["dispatched"] += 1
        c["returned"] += f.returned
        if not f.held:
            continue
        c["volume"] += 1
        c["responded"] += f.responded
        c["accepted_24h"] += f.accepted_24h
        c["due"] += f.replied or (f.resolve_by is not None and f.resolve_by < as_of)
        c["on_time"] += f.replied_on_time
        c["rated"] += f.rated
        c["resolved"] += f.resolved
        c["satisfied"] += f.satisfaction == "satisfied"
        c["basically"] += f.satisfaction == "basically"
        c["no_rating"] += f.no_rating
        c["reopened"] += f.reopened
        c["extended"] += f.extended
    return c


@dataclass(frozen=True)
class Weights:
    """The part of a scoring policy the formulas need."""

    response: float = 30
    resolution: float = 35
    satisfaction: float = 35
    satisfied: float = 1.0
    basically: float = 0.8


def ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def rates(c: Mapping[str, int], w: Weights) -> dict[str, float | None]:
    """Every rate in [0, 1], or None where its denominator is zero."""
    out: dict[str, float | None] = {}
    for name, (num, den) in RATES.items():
        denominator = c["rated"] + c["no_rating"] if den == "closed_or_rated" else c[den]
        out[name] = ratio(c[num], denominator)
    out["satisfaction"] = ratio(
        w.satisfied * c["satisfied"] + w.basically * c["basically"], c["rated"]
    )
    return out


def score(r: Mapping[str, float | None], w: Weights) -> float | None:
    """The composite score on 0–100: the three rates weighted; None when one is undefined."""
    parts = (r["response"], r["resolution"], r["satisfaction"])
    if any(p is None for p in parts):
        return None
    total = w.response + w.resolution + w.satisfaction
    weighted = w.response * parts[0] + w.resolution * parts[1] + w.satisfaction * parts[2]  # type: ignore[operator]
    return round(100 * weighted / total, 2)


@dataclass(frozen=True)
class Standing:
    """One unit's place in its group's table."""

    unit: str
    score: float | None
    volume: int
    rank: int | None = None
    board: str = ""  # "red" (红榜), "black" (黑榜) or ""


def board_size(quota: int, ranked: int) -> int:
    """How many units one board (red or black) may hold in a group of `ranked` ranked units:
    the policy's quota, but never more than a third of the group (at least one from two units
    up), so that a small group is not all red, or all black, by its size alone."""
    if ranked < 2:
        return 0
    return min(quota, max(1, ranked // 3))


def rank(
    rows: Iterable[Standing],
    *,
    min_volume: int,
    red: int,
    black: int,
    red_min: float = 0,
    black_below: float = 101,
) -> list[Standing]:
    """Rank a group: highest score first, ties share a rank (1, 1, 3); units under the minimum
    volume or without a score are listed after, unranked. Red list: among the top places
    (`board_size`), the units scoring at least `red_min`; black list: among the bottom places,
    the units scoring below `black_below`. The two never overlap; either may be empty."""
    rows = list(rows)
    ranked = sorted(
        (r for r in rows if r.score is not None and r.volume >= min_volume),
        key=lambda r: (-(r.score or 0), r.unit),
    )
    out: list[Standing] = []
    for i, r in enumerate(ranked):
        place = out[-1].rank if out and out[-1].score == r.score else i + 1
        out.append(replace(r, rank=place))
    n = len(out)
    n_red, n_black = board_size(red, n), board_size(black, n)
    for i, r in enumerate(out):
        score = r.score or 0
        if i < n_red and score >= red_min:
            out[i] = replace(r, board="red")
        elif i >= n - n_black and score < black_below:
            out[i] = replace(r, board="black")
    rest = sorted((r for r in rows if r not in ranked), key=lambda r: r.unit)
    return out + [replace(r, rank=None, board="") for r in rest]
