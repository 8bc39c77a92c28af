"""Matching families' requests to martyrs' records (烈士寻亲比对): blocking, then scoring.

Pure. Blocking: every name form (the name and each alias) gives keys, one per ordered pair of its
characters' fuzzy syllables (王建国 → wan|jian, wan|guo, jian|guo, and every reading of the
surname); a record and a request are compared only when they share a key. The keys are the
columns of two sparse incidence matrices (scipy), so one product gives every candidate pair of a
batch of requests with its count of shared keys; a vectorised first score (keys, county, death
year) keeps the best `shortlist` per request. Scoring: each field adds a Fellegi–Sunter match
weight (log2 of how much likelier the agreement is between the same person than between two
random records) for its level of agreement, with the reason in words; the total gives the
ranking and, through a prior, a score between 0 and 1.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

import numpy as np
from scipy import sparse

from minsheng.veterans import names, units
from minsheng.veterans import places as places_mod
from minsheng.veterans.places import PlaceIndex, Resolved

# Match weights (log2 Bayes factors) per field and level; docs/veterans.md gives their reading.
NAME_WEIGHTS = {
    names.EXACT: 12.0,
    names.FORM: 11.5,
    names.SOUND: 12.0,
    names.NEAR_SOUND: 12.0,
    names.DROPPED: 12.0,
    names.PARTIAL: 1.0,
    names.NONE: -8.0,
}
# Homophones, near sounds and a dropped character cost in proportion to the alignment's cost
# (a homophone 0.3, a near sound 0.5, a dropped character 0.8): 10.2, 9.0, 7.2 for one of each.
NAME_COST_WEIGHT = 6.0
ALIAS_PENALTY = 0.5
PLACE_WEIGHTS = {
    places_mod.SAME_TOWNSHIP: 7.0,
    places_mod.SAME_COUNTY: 6.0,
    places_mod.NEARBY: 3.0,
    places_mod.SAME_CITY: 2.0,
    places_mod.SAME_PROVINCE: 0.0,
    places_mod.FAR: -4.0,
    places_mod.UNKNOWN: 0.0,
}
DEATH_WEIGHTS = (4.0, 3.0, 2.0, -1.0, -5.0)  # off by 0, 1, 2, 3–5, more years
BIRTH_WEIGHTS = (3.0, 2.5, 1.5, -1.0, -4.0)
UNIT_WEIGHTS = {units.SAME: 4.0, units.OVERLAP: 2.0, units.DIFFERENT: -1.0, units.UNKNOWN: 0.0}
PRIOR = 14.0  # log2 odds against a match before any field is compared
SHORTLIST = 80
CHUNK = 256


@dataclass(frozen=True)
class Record:
    """A martyr's record as the matcher sees it."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    native_place: str = ""
    birth_year: int | None = None
    death_year: int | None = None
    unit: str = ""
    death_place: str = ""


@dataclass(frozen=True)
class Query:
    """A family's request as the matcher sees it: one or more remembered names."""

    id: str
    names: tuple[str, ...]
    native_place: str = ""
    birth_year: int | None = None
    death_year: int | None = None
    unit: str = ""
    notes: str = ""


@dataclass(frozen=True)
class FieldScore:
    field: str
    level: str
    weight: float
    reason: str


@dataclass
class Candidate:
    """A record proposed for a request: total weight, score (0–1), and the reason per field."""

    record: str
    weight: float
    fields: list[FieldScore] = field(default_factory=list)
    rank: int = 0

    @property
    def score(self) -> float:
        return round(1.0 / (1.0 + 2.0 ** (PRIOR - self.weight)), 3)


@dataclass
class _Prepared:
    forms: list[tuple[str, str, str]]  # (label, raw, normalised)
    place: Resolved
    birth: int | None
    death: int | None
    unit: str


@lru_cache(maxsize=1 << 18)
def name_keys(name: str) -> frozenset[str]:
    """Blocking keys of one normalised name: ordered pairs of fuzzy syllables."""
    if len(name) < 2:
        return frozenset({f"U{names.syllables(name)[0]}"} if name else ())
    syl = names.syllables(name)
    firsts = {names.fuzzy(r) for r in names.readings(name[0])}
    keys = set()
    for i, j in combinations(range(len(name)), 2):
        for first in firsts if i == 0 else (syl[i],):
            keys.add(f"{first}|{syl[j]}")
    return frozenset(keys)


def year_level(a: int | None, b: int | None, weights: Sequence[float]) -> tuple[str, float]:
    if a is None or b is None:
        return "unknown", 0.0
    off = abs(a - b)
    index = off if off <= 2 else (3 if off <= 5 else 4)
    return ("same" if off == 0 else f"off{min(off, 9)}"), weights[index]


class Matcher:
    """Records indexed for blocking; `match` ranks candidates for requests."""

    def __init__(
        self,
        records: Iterable[Record],
        *,
        places: PlaceIndex | None = None,
        shortlist: int = SHORTLIST,
    ) -> None:
        self.places = places or places_mod.default_index()
        self.shortlist = shortlist
        self.records: list[Record] = list(records)
        self._prepared: dict[int, _Prepared] = {}
        self._keys: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        county = np.zeros(len(self.records), dtype=np.int64)
        death = np.full(len(self.records), -1, dtype=np.int64)
        # Every name form's sound (its fuzzy syllables) as a number: a request that sounds the
        # same as the record's name comes first among those sharing keys.
        self._sounds: dict[str, int] = {}
        sound = np.zeros(len(self.records), dtype=np.int64)
        for i, record in enumerate(self.records):
            for key in self._record_keys(record):
                rows.append(i)
                cols.append(self._keys.setdefault(key, len(self._keys)))
            county[i] = _county(self.places.resolve(record.native_place))
            death[i] = record.death_year if record.death_year is not None else -1
            sound[i] = self._sound(record.name, add=True)
        self._county, self._death, self._sound_of = county, death, sound
        self._incidence = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)),
            shape=(len(self.records), max(len(self._keys), 1)),
        ).T.tocsr()
        self.candidate_pairs = 0
        self.scored_pairs = 0

    def _sound(self, name: str, *, add: bool = False) -> int:
        key = "".join(names.syllables(names.normalise(name)))
        if add:
            return self._sounds.setdefault(key, len(self._sounds) + 1)
        return self._sounds.get(key, -1)

    def _record_keys(self, record: Record) -> frozenset[str]:
        if not record.aliases:
            return name_keys(names.normalise(record.name))
        keys: set[str] = set()
        for form in [record.name, *_alias_names(record.aliases)]:
            keys |= name_keys(names.normalise(form))
        return frozenset(keys)

    # --- blocking ------------------------------------------------------------------------

    def block(self, queries: Sequence[Query]) -> list[np.ndarray]:
        """For each request, the indices of the records worth scoring (best first score)."""
        out: list[np.ndarray] = []
        for start in range(0, len(queries), CHUNK):
            out += self._block_chunk(queries[start : start + CHUNK])
        return out

    def _block_chunk(self, queries: Sequence[Query]) -> list[np.ndarray]:
        rows, cols = [], []
        for qi, query in enumerate(queries):
            for form in query.names:
                for key in name_keys(names.normalise(form)):
                    col = self._keys.get(key)
                    if col is not None:
                        rows.append(qi)
                        cols.append(col)
        q = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)),
            shape=(len(queries), self._incidence.shape[0]),
        )
        q.sum_duplicates()
        q.data[:] = 1.0
        shared = (q @ self._incidence).tocsr()
        self.candidate_pairs += shared.nnz
        counts = np.diff(shared.indptr)
        row_of = np.repeat(np.arange(len(queries)), counts)
        recs = shared.indices
        q_county = np.array([_county(self.places.resolve(q.native_place)) for q in queries])
        q_death = np.array([q.death_year if q.death_year is not None else -1 for q in queries])
        first = shared.data * 3.0
        q_sound = np.array([self._sound(q.names[0]) if q.names else -1 for q in queries])
        first += np.where(self._sound_of[recs] == q_sound[row_of], 6.0, 0.0)
        rc, qc = self._county[recs], q_county[row_of]
        first += np.where((rc > 0) & (rc == qc), 6.0, 0.0)
        first += np.where((rc > 0) & (rc // 100 == qc // 100), 2.0, 0.0)
        rd, qd = self._death[recs], q_death[row_of]
        known = (rd >= 0) & (qd >= 0)
        first += np.where(known & (np.abs(rd - qd) <= 2), 3.0, np.where(known, -2.0, 0.0))
        order = np.lexsort((-first, row_of))
        starts = np.repeat(shared.indptr[:-1], counts)
        keep = order[(np.arange(len(order)) - starts) < self.shortlist]
        kept_rows = row_of[keep]
        bounds = np.searchsorted(kept_rows, np.arange(len(queries) + 1))
        return [recs[keep[bounds[i] : bounds[i + 1]]] for i in range(len(queries))]

    # --- scoring -------------------------------------------------------------------------

    def match(
        self,
        queries: Sequence[Query],
        *,
        top: int = 10,
        exclude: frozenset[tuple[str, str]] = frozenset(),
    ) -> dict[str, list[Candidate]]:
        """Up to `top` candidates per request, best first; pairs in `exclude` never appear."""
        result: dict[str, list[Candidate]] = {}
        for query, shortlist in zip(queries, self.block(queries), strict=True):
            prepared_q = self._prepare_query(query)
            found = []
            for index in shortlist.tolist():
                record = self.records[index]
                if (query.id, record.id) in exclude:
                    continue
                found.append(self._score(prepared_q, self._prepare(index), record.id))
            self.scored_pairs += len(found)
            found.sort(key=lambda c: (-c.weight, c.record))
            for rank, candidate in enumerate(found[:top], start=1):
                candidate.rank = rank
            result[query.id] = found[:top]
        return result

    def explain(self, query: Query, record: Record) -> Candidate:
        """The scored comparison of one request with one record, blocking aside."""
        prepared = _Prepared(
            [("name", record.name, names.normalise(record.name))]
            + [("alias", a, names.normalise(a)) for a in _alias_names(record.aliases)],
            self.places.resolve(record.native_place),
            record.birth_year,
            record.death_year,
            record.unit,
        )
        return self._score(self._prepare_query(query), prepared, record.id)

    def _prepare(self, index: int) -> _Prepared:
        found = self._prepared.get(index)
        if found is None:
            record = self.records[index]
            found = self._prepared[index] = _Prepared(
                [("name", record.name, names.normalise(record.name))]
                + [("alias", a, names.normalise(a)) for a in _alias_names(record.aliases)],
                self.places.resolve(record.native_place),
                record.birth_year,
                record.death_year,
                record.unit,
            )
        return found

    def _prepare_query(self, query: Query) -> _Prepared:
        return _Prepared(
            [("name", n, names.normalise(n)) for n in query.names],
            self.places.resolve(query.native_place),
            query.birth_year,
            query.death_year,
            query.unit,
        )

    def _score(self, q: _Prepared, r: _Prepared, record_id: str) -> Candidate:
        fields = [_best_name(q, r)]
        place = self.places.compare(q.place, r.place)
        fields.append(FieldScore("place", place.level, PLACE_WEIGHTS[place.level], place.reason))
        for label, a, b, weights in (
            ("death_year", q.death, r.death, DEATH_WEIGHTS),
            ("birth_year", q.birth, r.birth, BIRTH_WEIGHTS),
        ):
            level, weight = year_level(a, b, weights)
            words = "牺牲年份" if label == "death_year" else "出生年份"
            if level == "unknown":
                reason = f"{words}缺失"
            elif level == "same":
                reason = f"{words}一致：{b}"
            else:
                reason = f"{words}相差 {abs((a or 0) - (b or 0))} 年：{a}／{b}"
            fields.append(FieldScore(label, level, weight, reason))
        unit = units.compare(q.unit, r.unit)
        fields.append(FieldScore("unit", unit.level, UNIT_WEIGHTS[unit.level], unit.reason))
        return Candidate(record_id, round(sum(f.weight for f in fields), 2), fields)


def _best_name(q: _Prepared, r: _Prepared) -> FieldScore:
    return _best_of(tuple(raw for _, raw, _ in q.forms), tuple((lb, raw) for lb, raw, _ in r.forms))


@lru_cache(maxsize=1 << 18)
def _best_of(q_forms: tuple[str, ...], r_forms: tuple[tuple[str, str], ...]) -> FieldScore:
    best: FieldScore | None = None
    for raw_q in q_forms:
        for label, raw_r in r_forms:
            found = names.compare(raw_q, raw_r)
            weight = NAME_WEIGHTS[found.level] - (ALIAS_PENALTY if label == "alias" else 0.0)
            if found.level in (names.SOUND, names.NEAR_SOUND, names.DROPPED):
                weight -= NAME_COST_WEIGHT * found.cost
            reason = f"别名“{raw_r}”：{found.reason}" if label == "alias" else found.reason
            if best is None or weight > best.weight:
                best = FieldScore("name", found.level, weight, reason)
    return best or FieldScore("name", names.NONE, NAME_WEIGHTS[names.NONE], "姓名缺失")


def _alias_names(aliases: Sequence[str]) -> list[str]:
    return [name for _, name in names.alias_parts(";".join(aliases))]


def _county(resolved: Resolved) -> int:
    """The first candidate's county code as a number (0: unknown, or only a province/city)."""
    if not resolved.codes or len(resolved.codes[0]) < 6:
        return 0
    return int(resolved.codes[0][:6])
