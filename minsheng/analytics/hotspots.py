"""Hotspot rules, without a database: similar requests close in space and time, surges against
an area's own baseline, and problems that recur month after month."""

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

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
    (≤ window apart), linked transitively; groups of at least min_size, largest first.

    Similarities are sparse matrix products over blocks of rows, never a Python loop over
    pairs: a street's 1,000 requests without coordinates take well under a second.
    """
    n = len(items)
    if n < max(2, min_size):
        return []
    matrix = _vectors([f"{i.title} {i.text}" for i in items])
    links = _Links(items)
    for rows, cols, placed in _neighbourhoods(items, radius_m):
        for start in range(0, len(rows), BLOCK_ROWS):
            block = rows[start : start + BLOCK_ROWS]
            found = (matrix[block] @ matrix[cols].T).tocoo()
            keep = found.data >= min_similarity
            i, j, similarity = block[found.row[keep]], cols[found.col[keep]], found.data[keep]
            keep = i < j
            i, j, similarity = i[keep], j[keep], similarity[keep]
            keep = np.abs(links.seconds[i] - links.seconds[j]) <= window.total_seconds()
            if placed:
                keep &= _distances_m(links.lons, links.lats, i, j) <= radius_m
            links.add(i[keep], j[keep], similarity[keep])
    clusters = []
    for members in links.groups():
        if len(members) < min_size:
            continue
        chosen = [items[i] for i in members]
        clusters.append(_cluster(chosen, matrix, members, links.mean_similarity(members)))
    return sorted(clusters, key=lambda c: (-len(c.numbers), c.numbers[0]))


# Rows of one sparse product: bounds memory when a whole street writes the same words.
BLOCK_ROWS = 512


def _neighbourhoods(items: Sequence[Item], radius_m: float) -> Iterable[tuple[Any, Any, bool]]:
    """(rows, the columns they may link to, whether both have coordinates): a placed request
    meets those in its own and the eight neighbouring cells, one without coordinates those of
    its area without coordinates."""
    size_deg = max(radius_m / 111_000.0, 1e-4)
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    areas: dict[str, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        if item.lon is not None and item.lat is not None:
            cells[_cell(item, size_deg)].append(index)
        elif item.area:
            areas[item.area].append(index)
    for members in areas.values():
        yield np.array(members), np.array(members), False
    for (cx, cy), members in cells.items():
        near = [(cx + dx, cy + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
        around = [j for cell in near for j in cells.get(cell, [])]
        yield np.array(members), np.array(sorted(around)), True


def _distances_m(lons: Any, lats: Any, i: Any, j: Any) -> Any:
    """Haversine distances in metres between the requests i[k] and j[k] (arrays)."""
    p1, p2 = np.radians(lats[i]), np.radians(lats[j])
    dp, dl = p2 - p1, np.radians(lons[j] - lons[i])
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h)))


class _Links:
    """Linked pairs, kept compact: groups found so far plus the pairs since, and per request
    the sum and count of its links' similarities (both ends of a link share a group)."""

    COMPACT_AT = 2_000_000

    def __init__(self, items: Sequence[Item]) -> None:
        n = self.n = len(items)
        self.label = np.arange(n)
        self.pending: list[tuple[Any, Any]] = []
        self.pending_count = 0
        self.similarity_sum = np.zeros(n)
        self.link_count = np.zeros(n, dtype=np.int64)
        self.seconds = np.array([item.at.timestamp() for item in items])
        self.lons = np.array([item.lon if item.lon is not None else np.nan for item in items])
        self.lats = np.array([item.lat if item.lat is not None else np.nan for item in items])

    def add(self, i: Any, j: Any, similarity: Any) -> None:
        np.add.at(self.similarity_sum, i, similarity)
        np.add.at(self.link_count, i, 1)
        self.pending.append((i, j))
        self.pending_count += len(i)
        if self.pending_count >= self.COMPACT_AT:
            self._compact()

    def _compact(self) -> None:
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        nodes = np.arange(self.n)
        i = np.concatenate([nodes, *(a for a, _ in self.pending)])
        j = np.concatenate([self.label, *(b for _, b in self.pending)])
        graph = coo_matrix((np.ones(len(i), dtype=np.int8), (i, j)), shape=(self.n, self.n))
        count, component = connected_components(graph, directed=False)
        first = np.full(count, self.n)
        np.minimum.at(first, component, nodes)
        self.label = first[component]
        self.pending, self.pending_count = [], 0

    def groups(self) -> list[list[int]]:
        self._compact()
        found: dict[int, list[int]] = defaultdict(list)
        for index, label in enumerate(self.label.tolist()):
            found[label].append(index)
        return list(found.values())

    def mean_similarity(self, members: list[int]) -> float:
        links = int(self.link_count[members].sum())
        return float(self.similarity_sum[members].sum()) / links if links else 0.0


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
