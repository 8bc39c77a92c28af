"""Simulated elders living alone and their water meters, without a database.

Each household has a daily routine (morning, noon and evening peaks around a personal daily
volume of 40–150 L, weekends later and seasons a little heavier in summer), registered
absences (family stays 3–10 a year, hospital 0–2), meter faults (silent days), leaks, and
injected incidents: incapacitation (use stops for hours), a fall in the shower (the flow runs
on) and death (use stops for good). Deterministic for a seed. Used by the demo's meters and by
benchmarks/eldercare.py.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from minsheng.eldercare.rules import Point

SLOT = timedelta(minutes=30)


@dataclass(frozen=True)
class Profile:
    """One person's routine: litres a day and the hours they get up and go to bed."""

    litres: float
    rise: float  # hour of the first use
    bed: float
    seed: int

    @classmethod
    def make(cls, seed: int) -> "Profile":
        rng = random.Random(seed)
        return cls(rng.uniform(40, 150), rng.uniform(5.5, 8.0), rng.uniform(20.5, 22.5), seed)


def slot_use(profile: Profile, start: datetime, rng: random.Random) -> float:
    """Litres used in the half-hour from `start` (local time) by someone at home and well."""
    hour = start.hour + start.minute / 60 + (0.5 if start.weekday() >= 5 else 0.0)
    if not profile.rise <= hour < profile.bed:
        return 3.0 if rng.random() < 0.02 else 0.0  # the odd toilet flush at night
    season = 1 + 0.15 * math.cos((start.timetuple().tm_yday - 200) / 365 * 2 * math.pi)
    peaks = (profile.rise + 0.5, 12.0, 19.0)
    weight = 0.15 + sum(2.5 * math.exp(-((hour - p) ** 2) / 0.8) for p in peaks)
    share = weight / 24.0  # a day's weights sum to about 24 half-hours' worth
    if rng.random() > min(0.95, 0.35 + share * 6):
        return 0.0
    return max(0.0, rng.gauss(profile.litres * share * season * 1.4, profile.litres * share * 0.5))


@dataclass
class Household:
    """A simulated year of one home: readings, and the truth the benchmark scores against."""

    key: int
    profile: Profile
    points: list[Point] = field(default_factory=list)
    absences: list[tuple[datetime, datetime]] = field(default_factory=list)
    silences: list[tuple[datetime, datetime]] = field(default_factory=list)
    incidents: list[tuple[str, datetime]] = field(default_factory=list)  # (kind, start)
    leaks: list[tuple[datetime, datetime]] = field(default_factory=list)


def _spans(
    rng: random.Random, start: datetime, days: int, count: int, lo: float, hi: float
) -> list[tuple[datetime, datetime]]:
    spans = []
    for _ in range(count):
        begin = start + timedelta(days=rng.uniform(0, max(days - hi, 1)), hours=rng.uniform(8, 18))
        spans.append((begin, begin + timedelta(days=rng.uniform(lo, hi))))
    return sorted(spans)


def _inside(t: datetime, spans: list[tuple[datetime, datetime]]) -> bool:
    return any(a <= t < b for a, b in spans)


def household(
    key: int, *, start: datetime, days: int, seed: int = 0, incidents: bool = True
) -> Household:
    """One home over `days` from `start` (a local midnight), its readings every half hour."""
    rng = random.Random(seed * 1_000_003 + key)
    h = Household(key, Profile.make(seed * 7919 + key))
    per_year = days / 365
    h.absences = _spans(rng, start, days, round(rng.randint(3, 10) * per_year), 1, 6)
    h.absences += _spans(rng, start, days, round(rng.randint(0, 2) * per_year * 0.5), 2, 10)
    h.silences = _spans(rng, start, days, 1 if rng.random() < 0.3 * per_year else 0, 1, 3)
    if rng.random() < 0.05 * per_year:
        h.leaks = _spans(rng, start, days, 1, 1.5, 3)
    end = start + timedelta(days=days)
    dead_from: datetime | None = None
    down: list[tuple[datetime, datetime]] = []
    shower: list[tuple[datetime, datetime]] = []
    if incidents and rng.random() < 0.06:
        kind = rng.choice(("incapacitation", "fall", "death"))
        at = start + timedelta(days=rng.uniform(30, max(days - 5, 31)), hours=rng.uniform(7, 20))
        if not _inside(at, h.absences) and at < end:
            h.incidents.append((kind, at))
            if kind == "death":
                dead_from = at
            elif kind == "incapacitation":
                down.append((at, at + timedelta(hours=rng.uniform(30, 60))))
            else:
                shower.append((at, at + timedelta(hours=rng.uniform(2.5, 6))))
    value, t = rng.uniform(0, 500), start
    while t < end:
        if _inside(t, h.absences) or (dead_from and t >= dead_from) or _inside(t, down):
            use = 0.0
        elif _inside(t, shower):
            use = 250.0
        else:
            use = slot_use(h.profile, t, rng)
        if _inside(t, h.leaks):
            use += 2.0
        value += use / 1000
        t += SLOT
        if not _inside(t, h.silences):
            h.points.append(Point(t, round(value, 4)))
    return h
