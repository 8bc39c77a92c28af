"""The rules on hand-made sequences, without a database: every preset reproduces its published
rule, edges included (exactly 10 L, exactly 12 h)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from minsheng.eldercare import ladder, rules
from minsheng.eldercare.rules import Point

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 0, 0, tzinfo=TZ)
GAP = timedelta(hours=1)  # a half-hourly meter's grace


def series(litres_per_slot: list[float], *, minutes: int = 30, start: float = 100.0) -> list[Point]:
    """Points every `minutes` from T0, using the given litres in each slot."""
    value, points = start, [Point(T0, start)]
    for n, litres in enumerate(litres_per_slot, start=1):
        value += litres / 1000
        points.append(Point(T0 + timedelta(minutes=minutes * n), value))
    return points


def low(points: list[Point], preset: str) -> list[rules.Finding]:
    p = rules.PRESETS[preset]
    return rules.low_use(
        rules.steps(points),
        window_h=p.low_window_h,
        litres=p.low_litres,
        inclusive=p.low_inclusive,
        max_gap=GAP,
    )


def with_total(hours: float, litres: float) -> list[float]:
    """`hours` of half-hours using `litres` in all, spread over the first slot."""
    slots = round(hours * 2)
    return [litres] + [0.0] * (slots - 1)


# --- 中山 / 太仓 / 聊城: 24 h < 0.01 m³ ----------------------------------------------------


@pytest.mark.parametrize("preset", ["zhongshan", "taicang", "liaocheng", "jingan"])
def test_24h_under_10_litres_is_an_alarm(preset: str) -> None:
    found = low(series([0.0] * 48), preset)
    assert len(found) == 1
    assert found[0].start == T0
    assert found[0].end == T0 + timedelta(hours=24)
    assert found[0].kind == "welfare"
    assert found[0].use == 0


@pytest.mark.parametrize("preset", ["zhongshan", "taicang", "liaocheng"])
def test_exactly_10_litres_is_not_an_alarm(preset: str) -> None:
    # "< 0.01 m³": ten litres is enough use
    assert low(series([10.0] + [0.0] * 47), preset) == []
    found = low(series([9.9] + [0.0] * 47), preset)
    assert len(found) == 1
    assert found[0].use == pytest.approx(9.9)


def test_23_and_a_half_hours_are_not_yet_a_window() -> None:
    assert low(series([0.0] * 47), "zhongshan") == []


# --- 长宁 / 龙岗: 12 h < 0.01 m³ -------------------------------------------------------------


@pytest.mark.parametrize("preset", ["changning", "longgang"])
def test_exactly_12_hours_completes_the_window(preset: str) -> None:
    found = low(series([0.0] * 24), preset)
    assert [(f.start, f.end) for f in found] == [(T0, T0 + timedelta(hours=12))]
    assert low(series([0.0] * 23), preset) == []


@pytest.mark.parametrize("preset", ["changning", "longgang"])
def test_12h_edges_of_the_volume(preset: str) -> None:
    assert low(series([10.0] + [0.0] * 23), preset) == []
    assert len(low(series([9.99] + [0.0] * 23), preset)) == 1


# --- 海曙: 24 h ≤ 8 L; 镇海: 24 h < 6 L ------------------------------------------------------


def test_haishu_counts_exactly_8_litres_as_low() -> None:
    assert len(low(series([8.0] + [0.0] * 47), "haishu")) == 1
    assert low(series([8.01] + [0.0] * 47), "haishu") == []


def test_zhenhai_6_litres() -> None:
    assert low(series([6.0] + [0.0] * 47), "zhenhai") == []
    assert len(low(series([5.9] + [0.0] * 47), "zhenhai")) == 1


# --- one alarm per quiet spell; use re-arms ----------------------------------------------------


def test_a_long_quiet_spell_is_one_alarm_and_use_rearms_it() -> None:
    quiet_two_days = [0.0] * 96
    assert len(low(series(quiet_two_days), "zhongshan")) == 1
    again = [0.0] * 48 + [30.0] + [0.0] * 48
    found = low(series(again), "zhongshan")
    assert len(found) == 2
    assert found[1].start >= T0 + timedelta(hours=24, minutes=30)


def test_a_normal_day_raises_nothing() -> None:
    day = (
        [0.0] * 14 + [20.0, 15.0] + [0.0] * 8 + [10.0, 5.0] + [0.0] * 12 + [25.0] + [0.0] * 11
    ) * 3
    assert low(series(day), "zhongshan") == []


# --- daily batches, late and out-of-order readings ---------------------------------------------


def test_a_daily_batch_in_any_order_gives_the_same_finding() -> None:
    points = series([0.0] * 48)
    shuffled = points[::2] + points[1::2][::-1] + points[:5]  # out of order, with duplicates
    assert low(shuffled, "zhongshan") == low(points, "zhongshan")


def test_missing_data_is_never_judged() -> None:
    points = series([5.0] * 6 + [0.0] * 60)
    # the meter was silent for 20 hours: only the readings before and after the gap arrive
    with_gap = points[:7] + points[47:]
    found = low(with_gap, "zhongshan")
    assert found == []  # the window after the gap is only 10 h long
    assert rules.is_silent(
        points[6].at,
        interval=timedelta(minutes=30),
        factor=2,
        now=points[6].at + timedelta(hours=2),
    )
    assert not rules.is_silent(
        points[6].at,
        interval=timedelta(minutes=30),
        factor=2,
        now=points[6].at + timedelta(minutes=59),
    )


def test_a_reset_and_a_rollover_count_the_use_they_hide() -> None:
    reset = [Point(T0, 523.4), Point(T0 + timedelta(minutes=30), 0.004)]
    assert rules.steps(reset)[0].use == pytest.approx(4.0)
    rolled = [Point(T0, 99999.995), Point(T0 + timedelta(minutes=30), 0.003)]
    assert rules.steps(rolled)[0].use == pytest.approx(8.0)


# --- Nagano: 8 h without use, 2 h of flow; 龙岗: a day of flow is a leak ----------------


def test_nagano_no_use_for_exactly_8_hours() -> None:
    p = rules.PRESETS["nagano"]
    found = [
        f
        for f in rules.judge(rules.steps(series([0.0] * 16)), p, max_gap=GAP, tz=TZ)
        if f.rule == "no_use_since"
    ]
    assert [(f.start, f.end) for f in found] == [(T0, T0 + timedelta(hours=8))]
    some_use = [0.5] + [0.0] * 15
    assert not [
        f
        for f in rules.judge(rules.steps(series(some_use)), p, max_gap=GAP, tz=TZ)
        if f.rule == "no_use_since"
    ]


def test_continuous_flow_for_exactly_2_hours_is_a_welfare_alarm_and_a_day_is_a_leak() -> None:
    flow = rules.continuous_flow(
        rules.steps(series([0.0, *[40.0] * 4, 0.0])),
        hours=2,
        leak_hours=24,
        floor_lph=0,
        max_gap=GAP,
    )
    assert [(f.rule, f.severity) for f in flow] == [("continuous_flow", 2)]
    assert flow[0].end - flow[0].start == timedelta(hours=2)
    short = rules.continuous_flow(
        rules.steps(series([0.0, *[40.0] * 3, 0.0])),
        hours=2,
        leak_hours=24,
        floor_lph=0,
        max_gap=GAP,
    )
    assert short == []
    drip = rules.continuous_flow(
        rules.steps(series([1.0] * 48)), hours=2, leak_hours=24, floor_lph=0, max_gap=GAP
    )
    assert [f.rule for f in drip] == ["continuous_flow", "leak"]


def test_high_use_over_a_day() -> None:
    found = rules.high_use(rules.steps(series([50.0] * 40)), litres=1000, tz=TZ)
    assert len(found) == 1
    assert found[0].use > 1000
    assert rules.high_use(rules.steps(series([20.0] * 48)), litres=1000, tz=TZ) == []


# --- electricity, baseline, fusion ---------------------------------------------------------------


def kwh(rates: list[float]) -> list[Point]:
    value, points = 1000.0, [Point(T0, 1000.0)]
    for n, rate in enumerate(rates, start=1):
        value += rate / 2
        points.append(Point(T0 + timedelta(minutes=30 * n), value))
    return points


def test_no_switching_for_24_hours() -> None:
    flat = rules.steps(kwh([0.08] * 48), scale=1.0)
    assert len(rules.no_switching(flat, hours=24, band_kw=0.05, max_gap=GAP)) == 1
    lively = rules.steps(kwh([0.08] * 20 + [1.5] + [0.08] * 27), scale=1.0)
    assert rules.no_switching(lively, hours=24, band_kw=0.05, max_gap=GAP) == []


def test_water_and_electricity_both_quiet_raise_the_severity() -> None:
    water = rules.steps(series([0.0] * 48))
    power = rules.steps(kwh([0.08] * 48), scale=1.0)
    found = rules.judge(water, rules.PRESETS["zhongshan"], max_gap=GAP, tz=TZ, power=power)
    low_use = [f for f in found if f.rule == "low_use"]
    assert low_use
    assert low_use[0].severity == 3


def test_the_personal_band_drops_low_use_that_is_usual_for_this_person() -> None:
    norm = rules.band([9.0, 8.5, 9.5, 8.0, 9.2, 8.8, 9.1] * 3)
    assert norm is not None
    assert norm[0] < 9.0
    water = rules.steps(series([9.0] + [0.0] * 47))
    p = rules.PRESETS["zhongshan"]
    assert rules.judge(water, p, max_gap=GAP, tz=TZ, norm=norm) == []
    # zero use is never usual
    zero = rules.steps(series([0.0] * 48))
    assert len(rules.judge(zero, p, max_gap=GAP, tz=TZ, norm=norm)) == 1
    assert rules.drop_vs_baseline(2.0, norm)
    assert not rules.drop_vs_baseline(9.0, norm)
    assert rules.band([9.0] * 10) is None


def test_absences_overlap() -> None:
    spans = [(T0 + timedelta(hours=20), T0 + timedelta(days=3))]
    assert rules.overlaps(T0, T0 + timedelta(hours=24), spans)
    assert not rules.overlaps(T0, T0 + timedelta(hours=20), spans)


def test_morning_start_late_against_the_persons_own_routine() -> None:
    day = [0.0] * 14 + [20.0] + [0.0] * 33  # first use 07:00–07:30 every day
    normal = rules.steps(series(day * 8))
    usual = rules.usual_first_use(normal, tz=TZ)
    assert usual == pytest.approx(7.5)
    late = rules.steps(series(day * 8 + [0.0] * 24))
    found = rules.morning_start_late(late, usual=usual, margin_h=2, tz=TZ)
    assert len(found) == 1
    assert found[0].start.date() == (T0 + timedelta(days=8)).date()


def test_params_for_refuses_unknown_presets_and_keys() -> None:
    assert rules.params_for("changning", {"low_litres": 8}).low_window_h == 12
    with pytest.raises(ValueError, match="未知的预设"):
        rules.params_for("atlantis")
    with pytest.raises(ValueError, match="未知的参数"):
        rules.params_for("zhongshan", {"volume": 3})


# --- the ladder ----------------------------------------------------------------------------------


def test_family_first_then_the_ticket_then_the_street() -> None:
    rungs = ladder.plan(ladder.FAMILY_FIRST, family=[2, 3], elder_phone=True, severity=1)
    assert ladder.as_codes(rungs) == ["elder", "contact:2", "contact:3", "ticket", "escalate"]
    assert [ladder.from_code(c) for c in ladder.as_codes(rungs)] == rungs
    assert ladder.wait(rungs[0], step_minutes=15, escalate_minutes=60) == timedelta(minutes=15)
    assert ladder.wait(rungs[3], step_minutes=15, escalate_minutes=60) == timedelta(minutes=60)
    assert ladder.wait(rungs[4], step_minutes=15, escalate_minutes=60) is None


def test_staff_first_and_severe_alarms_start_with_the_ticket() -> None:
    staff = ladder.plan(ladder.STAFF_FIRST, family=[2], elder_phone=True, severity=1)
    assert ladder.as_codes(staff) == ["ticket_copy", "escalate"]
    fall = ladder.plan(ladder.FAMILY_FIRST, family=[2], elder_phone=True, severity=2)
    assert ladder.as_codes(fall) == ["ticket_copy", "escalate"]


def test_the_default_flow_floor_ignores_a_busy_morning_and_catches_a_running_shower() -> None:
    p = rules.PRESETS["zhongshan"]
    busy = rules.steps(series([0.0, *[30.0] * 8, 0.0]))  # 60 L an hour for four hours
    assert [
        f for f in rules.judge(busy, p, max_gap=GAP, tz=TZ) if f.rule == "continuous_flow"
    ] == []
    shower = rules.steps(series([0.0, *[150.0] * 4, 0.0]))  # 300 L an hour for two hours
    found = [f for f in rules.judge(shower, p, max_gap=GAP, tz=TZ) if f.rule == "continuous_flow"]
    assert len(found) == 1
    assert found[0].severity == 2
