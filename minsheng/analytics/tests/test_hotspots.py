"""The hotspot rules on synthetic requests, without a database."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from minsheng.analytics import hotspots
from minsheng.analytics.hotspots import Item

BEIJING = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 5, 4, 9, 0, tzinfo=BEIJING)
NOISE = "东街社区旁工地夜里十一点后还在施工，噪音很大，影响休息"
WATER = "五四路一带今天早上突然停水，没有任何通知，请尽快恢复供水"


def item(
    n: int,
    text: str,
    *,
    days: float = 0,
    lon: float | None = 119.3,
    lat: float | None = 26.08,
    category: str = "CG-NOISE",
    area: str = "350102001",
    district: str = "350102",
) -> Item:
    return Item(
        number=f"FZ{n:04d}",
        text=text,
        title=text[:10],
        at=T0 + timedelta(days=days),
        lon=lon,
        lat=lat,
        category=category,
        area=area,
        district=district,
    )


def test_similar_requests_close_in_space_and_time_form_one_cluster() -> None:
    items = [
        item(1, NOISE),
        item(2, NOISE.replace("十一点", "十二点"), days=1, lon=119.301),
        item(3, "工地" + NOISE, days=2, lat=26.081),
        item(4, WATER, days=1, category="GY-WATER"),
    ]
    clusters = hotspots.cluster_similar(items)
    assert [c.numbers for c in clusters] == [("FZ0001", "FZ0002", "FZ0003")]
    assert clusters[0].category == "CG-NOISE"
    assert clusters[0].key == "cluster:FZ0001"
    assert 0.3 <= clusters[0].similarity <= 1.0


def test_the_same_words_far_away_or_weeks_apart_do_not_cluster() -> None:
    far = [item(1, NOISE), item(2, NOISE, lon=119.40), item(3, NOISE, lon=119.50)]
    late = [item(1, NOISE), item(2, NOISE, days=10), item(3, NOISE, days=20)]
    assert hotspots.cluster_similar(far) == []
    assert hotspots.cluster_similar(late) == []


def test_requests_without_coordinates_cluster_within_their_street() -> None:
    items = [
        item(n, NOISE, lon=None, lat=None, area=area)
        for n, area in [(1, "A"), (2, "A"), (3, "A"), (4, "B")]
    ]
    assert [c.numbers for c in hotspots.cluster_similar(items)] == [("FZ0001", "FZ0002", "FZ0003")]


def test_distance_is_the_great_circle_distance_in_metres() -> None:
    assert round(hotspots.distance_m(119.30, 26.08, 119.30, 26.09)) == 1112


def test_the_poisson_tail_matches_a_hand_computation() -> None:
    # P(X >= 2 | mean 1) = 1 - e^-1 - e^-1 = 0.2642
    assert round(hotspots.poisson_sf(2, 1.0), 4) == 0.2642
    assert hotspots.poisson_sf(0, 3.0) == 1.0


def _series(weekly_before: list[int], last_week: int, until: date) -> dict[date, int]:
    days: dict[date, int] = {}
    for week, total in enumerate(reversed(weekly_before), start=1):
        days[until - timedelta(days=7 * week)] = total
    days[until] = last_week
    return days


def test_a_week_far_above_its_own_baseline_is_a_surge() -> None:
    until = date(2026, 5, 10)
    daily = {
        ("CG-NOISE", "A"): _series([2, 3, 2, 3], 14, until),
        ("GY-WATER", "A"): _series([10, 12, 11, 9], 12, until),  # busy, but as usual
        ("CG-NOISE", "B"): _series([0, 0, 0, 0], 2, until),  # two calls in a quiet street
    }
    surges = hotspots.detect_surges(daily, until=until)
    assert [(s.category, s.area, s.recent, s.baseline) for s in surges] == [
        ("CG-NOISE", "A", 14, 2.5)
    ]
    assert surges[0].z > 5
    assert surges[0].key == "surge:CG-NOISE:A:2026W19"


def test_a_problem_in_clusters_of_two_months_is_recurring_and_ranked_first() -> None:
    may = [item(n, NOISE, days=n * 0.5) for n in range(1, 4)]
    june = [item(n, NOISE, days=31 + n * 0.5) for n in range(4, 8)]
    once = [item(n, WATER, days=n * 0.2, category="GY-WATER") for n in range(8, 11)]
    found = hotspots.recurring(hotspots.monthly_clusters(may + june + once))
    assert [(r.key, r.months, len(r.numbers)) for r in found] == [
        ("recurring:CG-NOISE:350102", 2, 7)
    ]
