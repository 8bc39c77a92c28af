"""Place recognition in request text (地点识别): a gazetteer and a longest-match scanner.

Pure: built from (code, name) division rows, the deployment's own units and admins' places.
Names are matched leftmost-longest through a first-character index (Aho-Corasick in spirit,
without a dependency); each hit's candidates are then scored by whether their parents are named
too, whether they lie in the deployment's city, and whether the hit was a full name or a short
form. The result says district → street → community, the unit, and how sure it is.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from minsheng.triage.divisions import PLACEHOLDERS, parent_code

PROVINCE, CITY, COUNTY, TOWNSHIP, COMMUNITY, GRID, PLACE = range(1, 8)
LEVEL_NAMES = {
    PROVINCE: "province",
    CITY: "city",
    COUNTY: "district",
    TOWNSHIP: "street",
    COMMUNITY: "community",
    GRID: "grid",
    PLACE: "place",
}
MAX_SCAN = 5000  # places are named early; a 100 kB paste is scanned only this far
# Suffixes whose removal leaves the short form people say (鼓楼区 → 鼓楼, 鼓东街道 → 鼓东).
_SUFFIXES = {
    PROVINCE: ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市"),
    CITY: ("市", "地区", "盟"),
    COUNTY: ("新区", "区", "县", "市", "旗"),
    TOWNSHIP: ("街道办事处", "街道", "镇", "乡"),
    COMMUNITY: ("社区居委会", "社区", "村委会", "村"),
}
# Short forms that are ordinary words or too generic to mean a place on their own.
_STOP_SHORT = frozenset(
    {
        "城区",
        "郊区",
        "城关",
        "市中",
        "新城",
        "城中",
        "中心",
        "东区",
        "西区",
        "南区",
        "北区",
        "新华",
        "和平",
        "城南",
        "城北",
        "城东",
        "城西",
        "开发",
    }
)
_COMMUNITY_SHORT = (
    ("社区居民委员会", "社区"),
    ("社区居委会", "社区"),
    ("居民委员会", "社区"),
    ("村民委员会", "村"),
    ("村委会", "村"),
)
_ROAD = re.compile(r"[0-9〇一二三四五六七八九十]+号|[0-9]|[路街巷弄里]")
_CODE_LEN = {9: TOWNSHIP, 6: COUNTY, 4: CITY, 2: PROVINCE}


@dataclass(frozen=True)
class Entry:
    """One named place: a division, a unit of the deployment, or an admin's place name."""

    code: str
    name: str
    level: int
    parent: str = ""
    unit: str = ""  # the deployment's unit code, when it is one of ours
    local: bool = False  # inside the deployment's city


@dataclass
class Location:
    """What `locate` found. `unit` is the deployment's unit code, empty outside our city."""

    district: str = ""
    street: str = ""
    community: str = ""
    place: str = ""
    code: str = ""
    unit: str = ""
    confidence: float = 0.0
    outside: bool = False  # a place of another city was named
    city: str = ""
    matched: list[str] = field(default_factory=list)
    # Equally likely places the text may mean (their codes), the chosen one first; empty
    # when one reading is best.
    alternatives: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def short_forms(name: str, level: int) -> list[str]:
    """Names people use for `name`: 鼓楼区 → 鼓楼, 内蒙古自治区 → 内蒙古; never one character.

    A community keeps its kind: 东街社区居委会 → 东街社区, 林浦村委会 → 林浦村, never 东街 or 林浦
    (the road a community is named after, or a village of the same name elsewhere)."""
    if level == COMMUNITY:
        for long, short in _COMMUNITY_SHORT:
            if name.endswith(long) and len(name) > len(long):
                return [name[: -len(long)] + short]
        return []
    forms = []
    for suffix in _SUFFIXES.get(level, ()):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            short = name[: -len(suffix)]
            if short not in _STOP_SHORT:
                forms.append(short)
            break
    return forms


class Gazetteer:
    """Names → entries, and a scanner that finds them in text."""

    def __init__(self, *, city_code: str = "") -> None:
        self.city_code = city_code
        self.entries: dict[str, Entry] = {}
        self.names: dict[str, list[tuple[str, bool]]] = defaultdict(list)  # name → (code, short?)
        self._lengths: dict[str, list[int]] = {}

    # --- building -------------------------------------------------------------------------

    def copy(self) -> "Gazetteer":
        """An independent copy to add more to (the national list is read once per process)."""
        other = Gazetteer(city_code=self.city_code)
        other.entries = dict(self.entries)
        other.names = defaultdict(list, {k: list(v) for k, v in self.names.items()})
        other._lengths = dict(self._lengths)
        return other

    def add(self, entry: Entry, *, aliases: Iterable[str] = (), short: bool = True) -> None:
        """Add an entry under its name, its aliases (old names) and, if asked, its short forms."""
        old = self.entries.get(entry.code)
        if old is not None:
            entry = Entry(
                entry.code,
                entry.name,
                entry.level,
                entry.parent or old.parent,
                entry.unit or old.unit,
                entry.local or old.local,
            )
        self.entries[entry.code] = entry
        self._index(entry.name, entry.code, False)
        for alias in aliases:
            self._index(alias, entry.code, False)
        if short:
            for form in short_forms(entry.name, entry.level):
                self._index(form, entry.code, True)

    def _index(self, name: str, code: str, is_short: bool) -> None:
        name = name.strip()
        if len(name) >= 2 and (code, is_short) not in self.names[name]:
            self.names[name].append((code, is_short))
            self._lengths.pop(name[:2], None)

    def add_divisions(self, rows: Iterable[tuple[str, str]]) -> None:
        """The national list; short forms for counties and above, townships of our city only."""
        skipped = set()
        for code, name in rows:
            level = _CODE_LEN.get(len(code))
            if level is None or name in PLACEHOLDERS:
                skipped.add(code)
                continue
            parent = parent_code(code)
            if parent in skipped:  # 北京市 / 市辖区 / 朝阳区: the county hangs on the province
                parent = parent_code(parent)
            self.add(
                Entry(code, name, level, parent, local=self.is_local(code)),
                short=level <= COUNTY or self.is_local(code),
            )

    def is_local(self, code: str) -> bool:
        """Inside the deployment's city, or the city's own province."""
        city = self.city_code
        return bool(city) and (code.startswith(city) or city.startswith(code))

    def finish(self) -> "Gazetteer":
        """Freeze the two-character prefix index (lengths to try, longest first)."""
        lengths: dict[str, set[int]] = defaultdict(set)
        for name in self.names:
            lengths[name[:2]].add(len(name))
        self._lengths = {ch: sorted(ls, reverse=True) for ch, ls in lengths.items()}
        return self

    # --- matching -------------------------------------------------------------------------

    def scan(self, text: str) -> list[tuple[int, str]]:
        """Leftmost-longest names in text, as (position, name)."""
        names, lengths = self.names, self._lengths
        found = []
        i, n = 0, len(text)
        while i < n:
            step = 1
            for length in lengths.get(text[i : i + 2], ()):
                if i + length <= n and text[i : i + length] in names:
                    found.append((i, text[i : i + length]))
                    step = length
                    break
            i += step
        return found

    def ancestors(self, code: str) -> list[Entry]:
        chain, seen = [], set()
        entry = self.entries.get(code)
        while entry is not None and entry.code not in seen:
            seen.add(entry.code)
            chain.append(entry)
            entry = self.entries.get(entry.parent)
        return chain

    def unit_of(self, code: str) -> str:
        """The deployment's unit that holds this entry (itself or its nearest parent), or ""."""
        return next((a.unit for a in self.ancestors(code) if a.unit), "")

    def locate(self, text: str, *, address: str = "") -> Location:
        """The most specific place named, preferring the address, then the text.

        One exception: when the address names only a place (a road, a landmark: 华林路12号,
        which may cross several streets) and the text names one of our divisions outright
        (鼓东街道东街口…) that does not hold that place, the division the caller stated wins.
        """
        best, from_address = Location(), False
        for source, weight in ((address, 1.0), (text, 0.9)):
            found = self._locate(_clean(source))
            found.confidence = round(found.confidence * weight, 3)
            if found.confidence > best.confidence:
                best, from_address = found, source is address
            if best.unit and best.confidence >= 0.6:
                break
        names_division = any(
            not self._is_place(code) for name in best.matched for code, _ in self.names[name]
        )
        if from_address and self._is_place(best.code) and not names_division:
            stated = self._locate(_clean(text))
            stated.confidence = round(stated.confidence * 0.9, 3)
            if (
                stated.unit
                and stated.confidence >= 0.6
                and not stated.alternatives
                and not self._is_place(stated.code)
                and stated.code not in {a.code for a in self.ancestors(best.code)}
            ):
                return stated
        return best

    def _is_place(self, code: str) -> bool:
        entry = self.entries.get(code)
        return entry is not None and entry.level == PLACE

    def _locate(self, text: str) -> Location:
        hits = self.scan(text)
        if not hits:
            return Location()
        named: dict[str, set[str]] = defaultdict(set)  # code → the names that matched it
        candidates: list[tuple[str, bool, str]] = []
        for position, name in hits:
            for code, is_short in self.names[name]:
                # 东街88号, 鼓东路: a road named after the place, not the place itself.
                if is_short and _ROAD.match(text, position + len(name)):
                    continue
                named[code].add(name)
                candidates.append((code, is_short, name))
        # Units the text names, by (parent, level): the chain the caller states.
        stated: dict[tuple[str, int], set[str]] = defaultdict(set)
        for code in named:
            entry = self.entries[code]
            stated[(entry.parent, entry.level)].add(code)
        scored = []
        for code, is_short, name in candidates:
            entry = self.entries[code]
            chain = self.ancestors(code)
            # A parent counts only when named by other words: 仓山 names 仓山区, not 仓山镇 twice.
            support = sum(1 for a in chain[1:] if named.get(a.code, {name}) - {name})
            shadowed = any(name in named.get(a.code, ()) for a in chain[1:])
            # The text names a sibling of one of its parents: 城门镇 beside 林浦 says the 林浦
            # meant is not the 林浦社区 of 东升街道.
            conflict = any(
                named[other] - {name}
                for a in chain[1:]
                for other in stated.get((a.parent, a.level), ())
                if other != a.code
            )
            other_city = any(a.code in named and not a.local for a in chain[1:] if a.level <= CITY)
            local = entry.local and not other_city
            shared = len(self.names[name]) > 1
            if not local and not support and (shared or (is_short and entry.level > CITY)):
                continue  # a shared or short name of another city, with nothing to anchor it
            score = entry.level + 4.0 * support + (3.0 if local else 0.0) - (1.0 if is_short else 0)
            score -= (4.0 if shadowed else 0.0) + (5.0 if conflict else 0.0)
            # The deployment's own unit over a national row of the same name and level.
            score += 0.5 if entry.unit else 0.0
            scored.append((score, entry.level, code, is_short, support, local, conflict))
        if not scored:
            return Location(matched=[name for _, name in hits])
        scored.sort(reverse=True)
        score, _, code, is_short, support, local, doubtful = scored[0]
        rivals = list(dict.fromkeys(c for s, _, c, *_ in scored if c != code and s == score))
        result = self._describe(code)
        result.matched = [name for _, name in hits]
        if local:
            confidence = 0.95 if support else (0.75 if is_short else 0.85)
        else:
            confidence = 0.6 if support else 0.4
            result.outside = bool(self.city_code)
            result.unit = ""
        if doubtful:
            confidence = min(confidence, 0.6)
        if rivals:
            confidence *= 0.6
            result.alternatives = [code, *rivals]
        result.confidence = confidence
        return result

    def _describe(self, code: str) -> Location:
        result = Location(code=code)
        for entry in self.ancestors(code):
            if entry.level == PLACE:
                result.place = result.place or entry.name
            elif entry.level in (COMMUNITY, GRID) and not result.community:
                result.community = entry.name
            elif entry.level == TOWNSHIP:
                result.street = entry.name
            elif entry.level == COUNTY:
                result.district = entry.name
            elif entry.level == CITY or (entry.level == PROVINCE and not result.city):
                result.city = entry.name
            if not result.unit and entry.unit:
                result.unit = entry.unit
        return result


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")[:MAX_SCAN])
