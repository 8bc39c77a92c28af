"""The working-day calendar as plain Python: no database, no Django models.

The 2026 dates are the State Council's (国办发明电〔2025〕7号) and are checked against the
chinese-calendar package below, so a wrong hand-written date fails here rather than in a deadline.
"""

from datetime import date, timedelta

import chinese_calendar
import pytest

from minsheng.sla.calendar import WorkCalendar

# 春节: 15–23 Feb 2026 off; Saturday 14 Feb and Saturday 28 Feb are make-up working days.
SPRING_FESTIVAL_2026 = frozenset(date(2026, 2, d) for d in range(15, 24))
SPRING_MAKE_UP_2026 = frozenset({date(2026, 2, 14), date(2026, 2, 28)})
# 中秋节 25–27 Sep; 国庆节 1–7 Oct 2026 off; Sunday 20 Sep and Saturday 10 Oct are worked.
MID_AUTUMN_2026 = frozenset(date(2026, 9, d) for d in range(25, 28))
NATIONAL_DAY_2026 = frozenset(date(2026, 10, d) for d in range(1, 8))
NATIONAL_MAKE_UP_2026 = frozenset({date(2026, 9, 20), date(2026, 10, 10)})
# The rest of the year: 元旦 1–3 Jan (Sun 4 Jan worked), 清明 4–6 Apr, 劳动节 1–5 May
# (Sat 9 May worked), 端午 19–21 Jun.
OTHER_HOLIDAYS_2026 = frozenset(
    [date(2026, 1, d) for d in (1, 2, 3)]
    + [date(2026, 4, d) for d in (4, 5, 6)]
    + [date(2026, 5, d) for d in range(1, 6)]
    + [date(2026, 6, d) for d in (19, 20, 21)]
)
OTHER_MAKE_UP_2026 = frozenset({date(2026, 1, 4), date(2026, 5, 9)})
HOLIDAYS_2026 = SPRING_FESTIVAL_2026 | MID_AUTUMN_2026 | NATIONAL_DAY_2026 | OTHER_HOLIDAYS_2026
MAKE_UP_2026 = SPRING_MAKE_UP_2026 | NATIONAL_MAKE_UP_2026 | OTHER_MAKE_UP_2026


@pytest.fixture
def calendar_2026() -> WorkCalendar:
    """The 2026 calendar as an administrator would type it in, 2026 the only published year."""
    return WorkCalendar(
        holidays=HOLIDAYS_2026,
        make_up_workdays=MAKE_UP_2026,
        known_years=frozenset({2026}),
    )


def test_hand_written_2026_dates_agree_with_the_chinese_calendar_package():
    named = {d for d, name in chinese_calendar.holidays.items() if d.year == 2026 and name}
    assert named == HOLIDAYS_2026
    make_up = {d for d in chinese_calendar.workdays if d.year == 2026 and d.weekday() >= 5}
    assert make_up == MAKE_UP_2026
    assert all(day.weekday() >= 5 for day in MAKE_UP_2026)


def test_make_up_saturdays_of_the_spring_festival_are_working_days(calendar_2026):
    assert date(2026, 2, 14).strftime("%a") == "Sat"
    assert calendar_2026.is_workday(date(2026, 2, 14))
    assert calendar_2026.is_workday(date(2026, 2, 28))
    # the Saturday between them is an ordinary rest day
    assert not calendar_2026.is_workday(date(2026, 2, 7))


def test_make_up_sunday_and_saturday_around_national_day_are_working_days(calendar_2026):
    assert date(2026, 9, 20).strftime("%a") == "Sun"
    assert calendar_2026.is_workday(date(2026, 9, 20))
    assert calendar_2026.is_workday(date(2026, 10, 10))
    assert not calendar_2026.is_workday(date(2026, 10, 11))  # the Sunday after stays a rest day


def test_holiday_weekdays_are_not_working_days(calendar_2026):
    for day in SPRING_FESTIVAL_2026 | NATIONAL_DAY_2026:
        assert not calendar_2026.is_workday(day), day
    assert not calendar_2026.is_workday(date(2026, 9, 25))  # 中秋, a Friday


def test_ordinary_weekdays_work_and_weekends_rest(calendar_2026):
    assert calendar_2026.is_workday(date(2026, 3, 2))  # Monday
    assert not calendar_2026.is_workday(date(2026, 3, 7))  # Saturday
    assert not calendar_2026.is_workday(date(2026, 3, 8))  # Sunday


def test_adding_workdays_from_the_eve_of_the_spring_festival_counts_the_make_up_saturday(
    calendar_2026,
):
    # Fri 13 Feb: Sat 14 (1), holiday 15–23, Tue 24 … Fri 27 (2–5), Sat 28 (6), Mon 2 Mar (7)
    assert calendar_2026.add_workdays(date(2026, 2, 13), 1) == (date(2026, 2, 14), False)
    assert calendar_2026.add_workdays(date(2026, 2, 13), 2) == (date(2026, 2, 24), False)
    assert calendar_2026.add_workdays(date(2026, 2, 13), 6) == (date(2026, 2, 28), False)
    assert calendar_2026.add_workdays(date(2026, 2, 13), 7) == (date(2026, 3, 2), False)


def test_adding_workdays_across_national_day(calendar_2026):
    # Wed 30 Sep: holiday 1–7 Oct, Thu 8 (1), Fri 9 (2), Sat 10 (3), Mon 12 … Thu 15 (4–7)
    assert calendar_2026.add_workdays(date(2026, 9, 30), 3) == (date(2026, 10, 10), False)
    assert calendar_2026.add_workdays(date(2026, 9, 30), 7) == (date(2026, 10, 15), False)
    # Fri 18 Sep: the make-up Sunday 20 Sep is the first working day after it
    assert calendar_2026.add_workdays(date(2026, 9, 18), 1) == (date(2026, 9, 20), False)


def test_adding_workdays_never_counts_the_start_day(calendar_2026):
    assert calendar_2026.add_workdays(date(2026, 3, 2), 1) == (date(2026, 3, 3), False)
    assert calendar_2026.add_workdays(date(2026, 3, 2), 0) == (date(2026, 3, 2), False)


def test_adding_workdays_from_a_holiday_starts_counting_after_it(calendar_2026):
    assert calendar_2026.add_workdays(date(2026, 10, 3), 1) == (date(2026, 10, 8), False)


def test_counting_into_an_unpublished_year_uses_weekdays_and_says_so(calendar_2026):
    # Mon 28 Dec 2026 + 7: 29, 30, 31 Dec, Fri 1 Jan 2027 (a holiday nobody has published yet),
    # Mon 4, Tue 5, Wed 6 Jan
    day, beyond = calendar_2026.add_workdays(date(2026, 12, 28), 7)
    assert day == date(2027, 1, 6)
    assert beyond is True
    assert not calendar_2026.is_known(date(2027, 1, 1))
    assert calendar_2026.is_known(date(2026, 12, 31))


def test_counting_that_ends_on_the_last_published_day_is_not_beyond(calendar_2026):
    # Mon 28 Dec 2026 + 3 ends on Thu 31 Dec: still inside 2026
    assert calendar_2026.add_workdays(date(2026, 12, 28), 3) == (date(2026, 12, 31), False)


def test_an_unpublished_year_is_counted_like_a_calendar_without_holidays():
    bare = WorkCalendar()
    day, beyond = bare.add_workdays(date(2027, 9, 30), 7)
    # weekdays only: 1, 4, 5, 6, 7, 8, 11 Oct 2027
    assert day == date(2027, 10, 11)
    assert beyond is True


def test_workdays_between_across_the_spring_festival(calendar_2026):
    # after Fri 13 Feb up to and including Mon 2 Mar: 14, 24–27, 28 Feb, 2 Mar
    assert calendar_2026.workdays_between(date(2026, 2, 13), date(2026, 3, 2)) == 7
    # the holiday itself holds no working day
    assert calendar_2026.workdays_between(date(2026, 2, 14), date(2026, 2, 23)) == 0


def test_workdays_between_counts_nothing_for_an_empty_or_reversed_range(calendar_2026):
    assert calendar_2026.workdays_between(date(2026, 3, 2), date(2026, 3, 2)) == 0
    assert calendar_2026.workdays_between(date(2026, 3, 9), date(2026, 3, 2)) == 0


def test_workdays_between_undoes_add_workdays_throughout_2026(calendar_2026):
    start = date(2026, 1, 1)
    while start.year == 2026:
        for n in (1, 7, 15):
            end, _ = calendar_2026.add_workdays(start, n)
            assert calendar_2026.workdays_between(start, end) == n, (start, n)
            assert calendar_2026.is_workday(end)
        start += timedelta(days=1)


def test_whole_2026_calendar_matches_chinese_calendar_day_by_day(calendar_2026):
    day = date(2026, 1, 1)
    while day.year == 2026:
        assert calendar_2026.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)
