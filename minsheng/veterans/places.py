"""Native places as written decades ago, resolved to today's divisions (籍贯解析).

Pure. The national division list the triage gazetteer ships (NBS 2023, township level) is indexed
with the old names of `data/renames.csv` as aliases of today's division (雩都县 → 于都县, 宁冈县 →
井冈山市, 博生县 → 宁都县 …). Two rules need no table: a county that became a city or a district
keeps its short name (浏阳县 → 浏阳市), and a people's commune became a township (长冈公社 →
长冈乡 or 长冈镇). A place may stay ambiguous (several candidates); comparing two places takes
the closest pair and says how close: same township, county, prefecture or province, and the
distance between county centroids (`data/centroids.csv.gz`).
"""

import csv
import gzip
import io
import math
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from minsheng.triage import divisions
from minsheng.triage.gazetteer import COUNTY, TOWNSHIP, Entry, Gazetteer, short_forms
from minsheng.veterans.names import simplify_char

DATA = Path(__file__).resolve().parent / "data"
RENAMES = DATA / "renames.csv"
CENTROIDS = DATA / "centroids.csv.gz"
_COMMUNE = re.compile(r"(人民)?公社")

SAME_TOWNSHIP, SAME_COUNTY, NEARBY, SAME_CITY, SAME_PROVINCE, FAR, UNKNOWN = (
    "township",
    "county",
    "nearby",
    "city",
    "province",
    "far",
    "unknown",
)
NEARBY_KM = 60.0


@dataclass(frozen=True)
class Rename:
    """An old name of today's division: renamed, merged, or a soviet-era county."""

    old_name: str
    today_code: str
    today_name: str
    year: str
    kind: str
    note: str = ""


@dataclass(frozen=True)
class Resolved:
    """Candidate codes of today's divisions for one written place (most specific first)."""

    text: str
    codes: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    via: str = ""  # the rename or rule applied, in words

    @property
    def found(self) -> bool:
        return bool(self.codes)


@dataclass(frozen=True)
class PlaceMatch:
    level: str
    km: float | None
    reason: str


def read_renames(path: Path = RENAMES) -> list[Rename]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            Rename(**{k: (v or "").strip() for k, v in row.items()}) for row in csv.DictReader(fh)
        ]


def read_centroids(path: Path = CENTROIDS) -> dict[str, tuple[float, float]]:
    """Code (2, 4 or 6 digits) → (lon, lat), GCJ-02: good enough for distances in km."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        return {r[0]: (float(r[1]), float(r[2])) for r in csv.reader(fh)}


def clean(text: str) -> str:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    return "".join(simplify_char(ch) for ch in text)


class PlaceIndex:
    """Today's divisions and their old names; resolve written places, compare two of them."""

    def __init__(
        self,
        rows: Iterable[tuple[str, str]],
        renames: Iterable[Rename] = (),
        centroids: dict[str, tuple[float, float]] | None = None,
    ) -> None:
        self.gazetteer = Gazetteer()
        # Townships get their full names only: short ones (长冈) are too often ordinary words.
        for code, name in rows:
            if name in divisions.PLACEHOLDERS:
                continue
            level = {2: 1, 4: 2, 6: COUNTY, 9: TOWNSHIP}.get(len(code))
            if level is None:
                continue
            self.gazetteer.add(
                Entry(code, name, level, divisions.parent_code(code)), short=level <= COUNTY
            )
        self.renames: dict[str, Rename] = {}
        for rename in renames:
            entry = self.gazetteer.entries.get(rename.today_code)
            if entry is None:
                raise ValueError(
                    f"旧地名 {rename.old_name} 指向不存在的区划代码 {rename.today_code}"
                )
            forms = [rename.old_name, *short_forms(rename.old_name, entry.level)]
            forms += [clean(f) for f in forms if clean(f) != f]  # 濛江 is read as 蒙江
            self.gazetteer.add(entry, aliases=forms, short=False)
            for form in forms:
                self.renames[form] = rename
        self.gazetteer.finish()
        self.centroids = centroids or {}
        self._cache: dict[str, Resolved] = {}
        self._names: dict[str, str] = {}
        self._pairs: dict[tuple[str, str], PlaceMatch] = {}

    def name_of(self, code: str) -> str:
        found = self._names.get(code)
        if found is None:
            found = self._names[code] = self._name_of(code)
        return found

    def _name_of(self, code: str) -> str:
        chain = [e.name for e in self.gazetteer.ancestors(code)][::-1]
        return "".join(n for n in chain if n not in divisions.PLACEHOLDERS)

    def resolve(self, text: str) -> Resolved:
        """Candidate divisions of today for a written place; cached per text."""
        hit = self._cache.get(text)
        if hit is None:
            hit = self._cache[text] = self._resolve(text)
        return hit

    def _resolve(self, text: str) -> Resolved:
        cleaned = clean(text)
        variants = [cleaned]
        via = []
        if _COMMUNE.search(cleaned):
            variants = [_COMMUNE.sub(s, cleaned) for s in ("乡", "镇")]
            via.append("公社→乡镇")
        hits: list[str] = []
        for variant in variants:
            hits += [name for _, name in self.gazetteer.scan(variant)]
        names = self.gazetteer.names
        named: dict[str, set[str]] = defaultdict(set)
        for name in hits:
            for code, _ in names[name]:
                named[code].add(name)
        if not named:
            return Resolved(text)
        scored = []
        parents = set().union(*(_prefixes(other) for other in named))
        for code, by in named.items():
            chain = self.gazetteer.ancestors(code)
            support = sum(1 for a in chain[1:] if named.get(a.code, set()) - by)
            # A name that is a parent of another hit names the parent, not itself twice.
            covered = code in parents
            scored.append((covered, -support, -len(code), code))
        scored.sort()
        best = scored[0][:3]
        codes = tuple(c for *key, c in scored if tuple(key) == best)
        for name in hits:
            rename = self.renames.get(name)
            if rename is not None and rename.today_code in {
                c[: len(rename.today_code)] for c in codes
            }:
                via.append(f"{rename.old_name}今为{rename.today_name}（{rename.year}年）")
        return Resolved(text, codes[:8], tuple(self.name_of(c) for c in codes[:8]), "；".join(via))

    def distance_km(self, a: str, b: str) -> float | None:
        pa, pb = self._centroid(a), self._centroid(b)
        if pa is None or pb is None:
            return None
        return haversine_km(pa, pb)

    def _centroid(self, code: str) -> tuple[float, float] | None:
        for key in (code[:6], code[:4], code[:2]):
            if len(key) == len(code[:6]) or len(key) < len(code):
                found = self.centroids.get(key)
                if found is not None:
                    return found
        return None

    def compare(self, a: Resolved, b: Resolved) -> PlaceMatch:
        """How close two resolved places are: the closest pair of their candidates."""
        if not a.found or not b.found:
            if a.text and b.text and clean(a.text) == clean(b.text):
                return PlaceMatch(SAME_COUNTY, 0.0, f"籍贯文字一致：{a.text}")
            return PlaceMatch(UNKNOWN, None, "籍贯无法比对")
        best: tuple[int, float, PlaceMatch] | None = None
        for ca in a.codes:
            for cb in b.codes:
                match = self._pairs.get((ca, cb)) or self._pairs.setdefault(
                    (ca, cb), self._pair(ca, cb)
                )
                rank = (_ORDER[match.level], match.km if match.km is not None else 1e9)
                if best is None or rank < best[:2]:
                    best = (*rank, match)
        assert best is not None
        match = best[2]
        via = "；".join(dict.fromkeys(v for v in (a.via, b.via) if v))
        return PlaceMatch(
            match.level, match.km, f"{match.reason}（{via}）" if via else match.reason
        )

    def _pair(self, a: str, b: str) -> PlaceMatch:
        km = self.distance_km(a, b)
        dist = f"，相距约 {km:.0f} 公里" if km is not None else ""
        common = _common(a, b)
        if len(a) == len(b) == 9 and a == b:
            return PlaceMatch(SAME_TOWNSHIP, 0.0, f"同乡镇：{self.name_of(a)}")
        if len(a) >= 6 and len(b) >= 6 and a[:6] == b[:6]:
            return PlaceMatch(SAME_COUNTY, 0.0, f"同县：{self.name_of(a[:6])}")
        if km is not None and km <= NEARBY_KM and min(len(a), len(b)) >= 6:
            return PlaceMatch(NEARBY, km, f"邻近：{self.name_of(a)}／{self.name_of(b)}{dist}")
        if common >= 4:
            return PlaceMatch(SAME_CITY, km, f"同地市：{self.name_of(a[:4])}{dist}")
        if common >= 2:
            return PlaceMatch(SAME_PROVINCE, km, f"同省：{self.name_of(a[:2])}{dist}")
        return PlaceMatch(FAR, km, f"不同省：{self.name_of(a)}／{self.name_of(b)}{dist}")


_ORDER = {
    SAME_TOWNSHIP: 0,
    SAME_COUNTY: 1,
    NEARBY: 2,
    SAME_CITY: 3,
    SAME_PROVINCE: 4,
    FAR: 5,
    UNKNOWN: 6,
}


def _prefixes(code: str) -> set[str]:
    return {code[:n] for n in (2, 4, 6) if n < len(code)}


def _common(a: str, b: str) -> int:
    for n in (6, 4, 2):
        if len(a) >= n and len(b) >= n and a[:n] == b[:n]:
            return n
    return 0


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@cache
def default_index() -> PlaceIndex:
    """The shipped divisions, renames and centroids (built once per process, about a second)."""
    return PlaceIndex(divisions.read(), read_renames(), read_centroids())


def derive_centroids(src: Path, out: Path = CENTROIDS) -> int:
    """Write data/centroids.csv.gz from Vonng/adcode's adcode_country_to_town.csv."""
    rows = []
    with src.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            level = {"province": 2, "city": 4, "county": 6}.get(r["level"])
            if level and r["longitude"]:
                lon, lat = float(r["longitude"]), float(r["latitude"])
                rows.append((r["adcode"][:level], f"{lon:.3f}", f"{lat:.3f}"))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(sorted(set(rows)))
    with out.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as fh:
        fh.write(buffer.getvalue().encode("utf-8"))
    return len(rows)


if __name__ == "__main__":
    print(derive_centroids(Path(sys.argv[1])))
