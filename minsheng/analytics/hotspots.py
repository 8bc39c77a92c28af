"""Hotspot rules, without a database: similar requests close in space and time, surges against
an area's own baseline, and problems that recur month after month."""

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

EARTH_RADIUS_M = 6_371_000.0


@dataclass(frozen=True)
class Item:
    """One request as the hotspot rules see it."""

    number: str
    text: str
    at: datetime
    lon: float | None
    lat: float | None
    category: str  # the category's code
    area: str  # the street's code (or '' when unknown)
    title: str = ""
    district: str = ""


@dataclass(frozen=True)
class Cluster:
    """Requests alike in words, place and time."""

    numbers: tuple[str, ...]
    title: str
    category: str
    area: str
    first_at: datetime
    last_at: datetime
    lon: float | None
    lat: float | None
    similarity: float  # mean similarity of the linked pairs
    district: str = ""

    @property
    def key(self) -> str:
        return f"cluster:{self.numbers[0]}"

    @property
    def month(self) -> str:
        return f"{self.first_at:%Y-%m}"


@dataclass(frozen=True)
class Surge:
    """An area's requests in one category in the last week, well above its own baseline."""

    category: str
    area: str
    recent: int
    baseline: float  # weekly mean over the baseline weeks
    z: float
    p_value: float
    until: date

    @property
    def key(self) -> str:
        year, week, _ = self.until.isocalendar()
        return f"surge:{self.category}:{self.area}:{year}W{week:02d}"


@dataclass(frozen=True)
class Recurring:
    """A problem whose clusters come back month after month in one district: a candidate for
    每月一题 (root problems are taken on at district level and above)."""

    category: str
    area: str  # the district's code
    clusters: tuple[Cluster, ...] = field(default_factory=tuple)

    @property
    def key(self) -> str:
        return f"recurring:{self.category}:{self.area}"

    @property
    def months(self) -> int:
        return len({c.month for c in self.clusters})

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(sorted({n for c in self.clusters for n in c.numbers}))

    @property
    def score(self) -> float:
        return self.months * math.log1p(len(self.numbers))


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _vectors(texts: Sequence[str]) -> Any:  # a scipy.sparse matrix (scipy has no types)
    from sklearn.feature_extraction.text import TfidfVectorizer

    # Character bi- and tri-grams: Chinese needs no word segmentation for this to work.
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True)
    return vectorizer.fit_transform(texts)  # rows are L2-normalised: dot product = cosine


def _cell(item: Item, size_deg: float) -> tuple[int, int]:
    return (math.floor((item.lon or 0) / size_deg), math.floor((item.lat or 0) / size_deg))


def cluster_similar(
    items: Sequence[Item],
    *,
    radius_m: float = 800.0,
    window: timedelta = timedelta(days=7),
    min_similarity: float = 0.3,
    min_size: int = 3,
) -> list[Cluster]:
    """Group requests that are alike (char n-gram TF-IDF cosine ≥ min_similarity), close
    (≤ radius_m, or the same area when a request has no coordinates) and near in time
    (≤ window apart), linked transitively; groups of at least min_size, largest first."""
    if len(items) < max(2, min_size):
        return []
    matrix = _vectors([f"{i.title} {i.text}" for i in items])
    # Only pairs in neighbouring cells can be within the radius: the comparison stays local.
    size_deg = max(radius_m / 111_000.0, 1e-4)
    cells: dict[object, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        placed = item.lon is not None and item.lat is not None
        cells[_cell(item, size_deg) if placed else ("area", item.area)].append(index)
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    links: dict[int, list[float]] = defaultdict(list)
    for index, item in enumerate(items):
        if item.lon is None or item.lat is None:
            neighbours = cells[("area", item.area)] if item.area else []
        else:
            cx, cy = _cell(item, size_deg)
            neighbours = [
                j for dx in (-1, 0, 1) for dy in (-1, 0, 1) for j in cells[(cx + dx, cy + dy)]
            ]
        for other in neighbours:
            if other <= index:
                continue
            peer = items[other]
            if abs(peer.at - item.at) > window:
                continue
            placed = None not in (item.lon, item.lat, peer.lon, peer.lat)
            if placed and distance_m(item.lon, item.lat, peer.lon, peer.lat) > radius_m:  # type: ignore[arg-type]
                continue
            similarity = float(matrix[index].multiply(matrix[other]).sum())
            if similarity < min_similarity:
                continue
            a, b = root(index), root(other)
            if a != b:
                parent[b] = a
            links[index].append(similarity)
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(items)):
        groups[root(index)].append(index)
    clusters = []
    for members in groups.values():
        if len(members) < min_size:
            continue
        chosen = [items[i] for i in members]
        sims = [s for i in members for s in links.get(i, [])]
        clusters.append(_cluster(chosen, matrix, members, sum(sims) / len(sims) if sims else 0.0))
    return sorted(clusters, key=lambda c: (-len(c.numbers), c.numbers[0]))


def _cluster(chosen: list[Item], matrix: Any, rows: list[int], similarity: float) -> Cluster:
    centroid = matrix[rows].mean(axis=0)
    closeness = (matrix[rows] @ centroid.T).A.ravel()
    medoid = chosen[int(closeness.argmax())]
    placed = [i for i in chosen if i.lon is not None and i.lat is not None]
    return Cluster(
        numbers=tuple(sorted(i.number for i in chosen)),
        title=medoid.title or medoid.text[:30],
        category=Counter(i.category for i in chosen).most_common(1)[0][0],
        area=Counter(i.area for i in chosen).most_common(1)[0][0],
        first_at=min(i.at for i in chosen),
        last_at=max(i.at for i in chosen),
        lon=sum(i.lon for i in placed) / len(placed) if placed else None,  # type: ignore[misc]
        lat=sum(i.lat for i in placed) / len(placed) if placed else None,  # type: ignore[misc]
        similarity=round(similarity, 3),
        district=Counter(i.district for i in chosen).most_common(1)[0][0],
    )


def poisson_sf(k: int, mean: float) -> float:
    """P(X ≥ k) for X ~ Poisson(mean)."""
    if k <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    term = math.exp(-mean)
    below = term
    for i in range(1, k):
        term *= mean / i
        below += term
    return max(0.0, 1.0 - below)


def detect_surges(
    daily: dict[tuple[str, str], dict[date, int]],
    *,
    until: date,
    recent_days: int = 7,
    baseline_weeks: int = 4,
    min_recent: int = 4,
    min_baseline: float = 0.5,
    alpha: float = 0.01,
) -> list[Surge]:
    """Series (category, area) whose last `recent_days` up to `until` exceed the weekly mean of
    the `baseline_weeks` before them: Poisson tail below `alpha` and at least `min_recent`.

    The baseline is floored at `min_baseline` so a quiet series does not alarm on two calls.
    """
    recent_from = until - timedelta(days=recent_days - 1)
    base_from = recent_from - timedelta(days=7 * baseline_weeks)
    surges = []
    for (category, area), days in daily.items():
        recent = sum(n for d, n in days.items() if recent_from <= d <= until)
        if recent < min_recent:
            continue
        before = sum(n for d, n in days.items() if base_from <= d < recent_from)
        mean = max(before / baseline_weeks * recent_days / 7, min_baseline)
        p_value = poisson_sf(recent, mean)
        if p_value < alpha:
            z = (recent - mean) / math.sqrt(mean)
            surges.append(
                Surge(category, area, recent, round(mean, 2), round(z, 2), p_value, until)
            )
    return sorted(surges, key=lambda s: (-s.z, s.category, s.area))


def recurring(clusters: Iterable[Cluster], *, min_months: int = 2) -> list[Recurring]:
    """Clusters of the same category and district in at least `min_months` different months,
    the most persistent and largest first."""
    by_problem: dict[tuple[str, str], list[Cluster]] = defaultdict(list)
    for cluster in clusters:
        by_problem[(cluster.category, cluster.district)].append(cluster)
    found = [
        Recurring(category, area, tuple(sorted(group, key=lambda c: c.first_at)))
        for (category, area), group in by_problem.items()
    ]
    found = [r for r in found if r.months >= min_months]
    return sorted(found, key=lambda r: (-r.score, r.key))


def monthly_clusters(items: Sequence[Item], **options: object) -> list[Cluster]:
    """`cluster_similar` run month by month, so a cluster never spans two months."""
    by_month: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_month[f"{item.at:%Y-%m}"].append(item)
    found: list[Cluster] = []
    for month in sorted(by_month):
        found += cluster_similar(by_month[month], **options)  # type: ignore[arg-type]
    return found
