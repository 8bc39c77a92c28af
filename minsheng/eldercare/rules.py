"""The alarm rules, without a database: readings in, findings out.

Every rule is judged on the readings' own timestamps, so a daily batch, a late upload or a
replay gives the same findings as live readings. A gap longer than the meter's grace is never
judged: a window may not span it, so missing data never becomes a welfare alarm. Sources of
each preset: ../shared/docs/programmes.md part A (A1, A2) and docs/eldercare.md.
"""

import itertools
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo

WATER_SCALE = 1000.0  # a water or gas register counts m³; the rules speak litres
ROLLOVER = 100000.0  # a 5-digit register wraps from 99999.999 to 0

TAGS = ("80岁以上", "独居", "特困", "子女不在本地", "残疾")
OUTCOMES = {
    "away": "外出不在家",
    "guests": "有客人或大扫除",
    "leak": "漏水",
    "meter_fault": "表具故障",
    "unwell": "身体不适",
    "fall": "跌倒",
    "death": "死亡",
    "other": "其他",
}
INCIDENTS = frozenset({"unwell", "fall", "death"})  # a welfare alarm that found someone in need


@dataclass(frozen=True)
class Point:
    """A cumulative register value at the meter's own time."""

    at: datetime
    value: float


@dataclass(frozen=True)
class Step:
    """Use between two consecutive readings, in litres (water, gas) or kWh."""

    start: datetime
    end: datetime
    use: float

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


@dataclass(frozen=True)
class Params:
    """A jurisdiction's parameters; PRESETS name the published ones."""

    low_window_h: float = 24.0
    low_litres: float = 10.0
    low_inclusive: bool = False  # 海曙 "不超过8升" counts exactly 8 L as low; the others "<"
    no_use_h: float | None = None  # Nagano: 8 h
    flow_h: float | None = 2.0  # Nagano: continuous use ≥ 2 h
    # Flow below this many litres an hour is not the welfare rule's flow: with half-hourly data
    # a toilet flush and a hand wash each half-hour look "continuous"; a running shower is
    # several hundred litres an hour. The leak rule counts any flow (龙岗).
    flow_floor_lph: float = 100.0
    leak_h: float = 24.0  # 龙岗: use in every half-hour of a day
    high_litres: float | None = None  # per local day: 静安 2 m³, 聊城 1 m³
    switching_h: float | None = 24.0  # electricity: no switching for this long
    switching_band_kw: float = 0.05
    baseline: bool = True  # a low use inside the person's own 28-day band is not an alarm
    silent_factor: float = 2.0  # silent after this many report intervals without a word


PRESETS: dict[str, Params] = {
    "zhongshan": Params(),  # 24 h < 0.01 m³
    "taicang": Params(),
    "changning": Params(low_window_h=12),  # 12 h < 0.01 m³
    "longgang": Params(low_window_h=12),
    "haishu": Params(low_litres=8, low_inclusive=True),  # 24 h ≤ 8 L
    "zhenhai": Params(low_litres=6, high_litres=2000),  # 24 h < 0.006 t; > 2 t
    "liaocheng": Params(high_litres=1000),  # 24 h < 10 L; 24 h > 1000 L
    "jingan": Params(high_litres=2000),  # daily < 0.01 m³; daily > 2 m³
    "nagano": Params(low_window_h=24, no_use_h=8, flow_h=2),  # 8 h no use, 2 h flow
}
PRESET_LABELS = {
    "zhongshan": "中山（24小时少于10升）",
    "taicang": "太仓（24小时少于10升）",
    "changning": "长宁（12小时少于10升）",
    "longgang": "龙岗（12小时少于10升，全天有流量为漏水）",
    "haishu": "海曙（24小时不超过8升）",
    "zhenhai": "镇海（24小时少于6升，超过2吨）",
    "liaocheng": "聊城（24小时少于10升，超过1000升）",
    "jingan": "静安（日用水少于10升，超过2吨）",
    "nagano": "长野（8小时未用水，连续用水2小时）",
}


def params_for(preset: str, overrides: dict[str, object] | None = None) -> Params:
    """A preset with a jurisdiction's own changes; unknown keys are refused."""
    base = PRESETS.get(preset)
    if base is None:
        raise ValueError(f"未知的预设：{preset}")
    known = set(Params.__dataclass_fields__)
    bad = set(overrides or {}) - known
    if bad:
        raise ValueError(f"未知的参数：{'、'.join(sorted(bad))}")
    return replace(base, **(overrides or {}))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Finding:
    """What a rule found: its kind (welfare, leak, high_use), the window and the use in it."""

    rule: str
    kind: str
    start: datetime
    end: datetime
    use: float
    severity: int = 1
    detail: str = ""


def steps(points: Iterable[Point], *, scale: float = WATER_SCALE) -> list[Step]:
    """Use between consecutive readings, sorted by time, duplicates once. A register that goes
    down has rolled over (it was near the top) or was reset (counted again from 0)."""
    ordered = sorted({p.at: p for p in points}.values(), key=lambda p: p.at)
    out = []
    for a, b in itertools.pairwise(ordered):
        delta = b.value - a.value
        if delta < 0:
            delta = (ROLLOVER - a.value + b.value) if a.value > ROLLOVER * 0.9 else b.value
        out.append(Step(a.at, b.at, delta * scale))
    return out


def _runs(series: Sequence[Step], max_gap: timedelta) -> list[list[Step]]:
    """The series cut where a step is longer than the meter's grace: never judged across."""
    runs: list[list[Step]] = [[]]
    for step in series:
        if step.end - step.start > max_gap:
            runs.append([])
        elif runs[-1] and runs[-1][-1].end != step.start:
            runs.append([step])
        else:
            runs[-1].append(step)
    return [r for r in runs if r]


def low_use(
    series: Sequence[Step],
    *,
    window_h: float,
    litres: float,
    inclusive: bool = False,
    max_gap: timedelta,
    rule: str = "low_use",
) -> list[Finding]:
    """Less than `litres` (or at most, `inclusive`) in `window_h` hours: one finding per quiet
    spell, at the first reading that completes a full window. The window starts at the latest
    reading at least `window_h` before; the next finding needs use of `litres` first."""
    window = timedelta(hours=window_h)
    found = []
    for run in _runs(series, max_gap):
        times = [run[0].start] + [s.end for s in run]
        total = [0.0]
        for s in run:
            total.append(total[-1] + s.use)
        armed_from, fired, j = 0, None, 0
        for i, t in enumerate(times):
            if fired is not None:
                if total[i] - total[fired] >= max(litres, 1e-9):
                    armed_from, fired = i, None
                continue
            while j + 1 <= i and times[j + 1] <= t - window:
                j += 1
            if j < armed_from or times[j] > t - window:
                continue
            use = total[i] - total[j]
            if use <= litres if inclusive else use < litres:
                found.append(
                    Finding(
                        rule, "welfare", times[j], t, use, detail=f"{window_h:g}小时用水{use:.1f}升"
                    )
                )
                fired = i
    return found


def continuous_flow(
    series: Sequence[Step], *, hours: float, leak_hours: float, floor_lph: float, max_gap: timedelta
) -> list[Finding]:
    """Flow of at least `floor_lph` in every interval for `hours` (a fall in the shower,
    Nagano: welfare, severity 2), and any flow in every interval for `leak_hours` (龙岗: a
    leak); one finding of each per spell."""
    found = []
    for rule, kind, span_h, floor in (
        ("continuous_flow", "welfare", hours, floor_lph),
        ("leak", "leak", leak_hours, 0.0),
    ):
        for run in _runs(series, max_gap):
            start: datetime | None = None
            used, fired = 0.0, False
            for s in run:
                if s.use > 0 and s.use >= floor * s.hours:
                    if start is None:
                        start, used, fired = s.start, 0.0, False
                    used += s.use
                    span = (s.end - start).total_seconds() / 3600
                    if span >= span_h and not fired:
                        fired = True
                        detail = (
                            f"连续用水{span:g}小时，共{used:.0f}升"
                            if kind == "welfare"
                            else f"连续{span:g}小时有流量，疑似漏水"
                        )
                        severity = 2 if kind == "welfare" else 1
                        found.append(Finding(rule, kind, start, s.end, used, severity, detail))
                else:
                    start = None
    return found


def high_use(series: Sequence[Step], *, litres: float, tz: tzinfo) -> list[Finding]:
    """More than `litres` in one local day, found at the reading that crosses it."""
    found = []
    day: date | None = None
    used, fired = 0.0, False
    day_start: datetime | None = None
    for s in series:
        d = s.end.astimezone(tz).date()
        if d != day:
            day, used, fired, day_start = d, 0.0, False, s.start
        used += s.use
        if used > litres and not fired and day_start is not None:
            fired = True
            found.append(
                Finding("high_use", "high_use", day_start, s.end, used, 1, f"当日用水{used:.0f}升")
            )
    return found


def no_switching(
    series: Sequence[Step], *, hours: float, band_kw: float, max_gap: timedelta
) -> list[Finding]:
    """Electricity whose draw stays within `band_kw` for `hours`: nothing switched on or off
    (HelloLight's 24 h). One finding per spell."""
    window = timedelta(hours=hours)
    found = []
    for run in _runs(series, max_gap):
        rates = [s.use / s.hours if s.hours else 0.0 for s in run]
        first, fired = 0, False
        for i, s in enumerate(run):
            while max(rates[first : i + 1]) - min(rates[first : i + 1]) > band_kw:
                first += 1
                fired = False
            if not fired and s.end - run[first].start >= window:
                fired = True
                use = sum(x.use for x in run[first : i + 1])
                found.append(
                    Finding(
                        "no_switching", "welfare", run[first].start, s.end, use, 1, "电器无开关"
                    )
                )
    return found


def band(daily: Sequence[float]) -> tuple[float, float] | None:
    """The person's own norm from up to 28 days of daily use (Mathunjwa 2024): mean ± 2 sd;
    None with fewer than 14 days."""
    days = list(daily)[-28:]
    if len(days) < 14:
        return None
    mean, sd = statistics.fmean(days), statistics.pstdev(days)
    return max(0.0, mean - 2 * sd), mean + 2 * sd


def drop_vs_baseline(day_use: float, norm: tuple[float, float] | None) -> bool:
    """A day's use below the person's band (富士見, KEPCO, Hangzhou's deviation rate)."""
    return norm is not None and day_use < norm[0]


def within_own_norm(finding: Finding, norm: tuple[float, float] | None) -> bool:
    """A low use that is usual for this person: some use, and at the window's daily rate not
    below their band. Zero use is never usual."""
    if norm is None or finding.use <= 0 or finding.rule != "low_use":
        return False
    hours = (finding.end - finding.start).total_seconds() / 3600
    return finding.use * 24 / max(hours, 1e-9) >= norm[0]


def morning_start_late(
    series: Sequence[Step], *, usual: float | None, margin_h: float, tz: tzinfo
) -> list[Finding]:
    """No first use by the person's usual hour + margin, on each local day with data then;
    `usual` is the median hour of first use (`usual_first_use`)."""
    if usual is None:
        return []
    found, by_day = [], _days(series, tz)
    for day, day_steps in by_day.items():
        start = datetime.combine(day, datetime.min.time(), tz) + timedelta(hours=4)
        due = start + timedelta(hours=usual - 4 + margin_h)
        covered = [s for s in day_steps if s.start >= start and s.end <= due]
        if not covered or covered[-1].end < due - timedelta(hours=1):
            continue
        if sum(s.use for s in covered) <= 0:
            detail = f"平时约{usual:.1f}点开始用水，今天{usual + margin_h:.1f}点前未用水"
            found.append(Finding("morning_start_late", "welfare", start, due, 0.0, 1, detail))
    return found


def usual_first_use(series: Sequence[Step], *, tz: tzinfo) -> float | None:
    """The median local hour of the first use after 04:00 over the days seen (≥ 7 needed)."""
    firsts = []
    for day, day_steps in _days(series, tz).items():
        start = datetime.combine(day, datetime.min.time(), tz) + timedelta(hours=4)
        used = [s for s in day_steps if s.start >= start and s.use > 0]
        if used:
            local = used[0].end.astimezone(tz)
            firsts.append(local.hour + local.minute / 60)
    return statistics.median(firsts[-28:]) if len(firsts) >= 7 else None


def _days(series: Sequence[Step], tz: tzinfo) -> dict[date, list[Step]]:
    days: dict[date, list[Step]] = {}
    for s in series:
        days.setdefault(s.start.astimezone(tz).date(), []).append(s)
    return days


def daily_use(series: Sequence[Step], *, tz: tzinfo) -> dict[date, float]:
    """Use per local day, each step counted on the day it ends."""
    out: dict[date, float] = {}
    for s in series:
        d = s.end.astimezone(tz).date()
        out[d] = out.get(d, 0.0) + s.use
    return out


def overlaps(start: datetime, end: datetime, spans: Iterable[tuple[datetime, datetime]]) -> bool:
    """Whether [start, end] meets any registered absence."""
    return any(a < end and start < b for a, b in spans)


def is_silent(
    last_heard: datetime | None, *, interval: timedelta, factor: float, now: datetime
) -> bool:
    """No word from the meter for `factor` report intervals: a device fault, not a person."""
    return last_heard is not None and now - last_heard > interval * factor


def resumed(series: Sequence[Step], *, after: datetime, litres: float) -> bool:
    """Use of at least `litres` (some use, if 0) after the window: the alarm is downgraded."""
    used = sum(s.use for s in series if s.start >= after)
    return used >= litres if litres > 0 else used > 0


def judge(
    water: Sequence[Step],
    params: Params,
    *,
    max_gap: timedelta,
    tz: tzinfo,
    norm: tuple[float, float] | None = None,
    power: Sequence[Step] = (),
    power_gap: timedelta | None = None,
) -> list[Finding]:
    """Every rule of `params` on one household's water (and electricity) steps. Findings inside
    the person's own norm are dropped when the baseline is on; welfare findings while the
    electricity is quiet as well are raised to severity 3."""
    found = low_use(
        water,
        window_h=params.low_window_h,
        litres=params.low_litres,
        inclusive=params.low_inclusive,
        max_gap=max_gap,
    )
    if params.baseline:
        found = [f for f in found if not within_own_norm(f, norm)]
    if params.no_use_h:
        found += low_use(
            water,
            window_h=params.no_use_h,
            litres=0,
            inclusive=True,
            max_gap=max_gap,
            rule="no_use_since",
        )
    if params.flow_h:
        found += continuous_flow(
            water,
            hours=params.flow_h,
            leak_hours=params.leak_h,
            floor_lph=params.flow_floor_lph,
            max_gap=max_gap,
        )
    if params.high_litres:
        found += high_use(water, litres=params.high_litres, tz=tz)
    quiet: list[Finding] = []
    if power and params.switching_h:
        quiet = no_switching(
            power,
            hours=params.switching_h,
            band_kw=params.switching_band_kw,
            max_gap=power_gap or max_gap,
        )
        found += quiet
    return [
        replace(f, severity=3)
        if f.kind == "welfare"
        and f.rule != "no_switching"
        and any(overlaps(f.start, f.end, [(q.start, q.end)]) for q in quiet)
        else f
        for f in found
    ]


def outcome_of(reply: str) -> str:
    """The outcome a reply names ("上门结果：跌倒。…"), else the first label it mentions, else
    other."""
    head = reply.split("。")[0]
    for text in (head, reply):
        for code, label in OUTCOMES.items():
            if label in text and code != "other":
                return code
    return "other"
