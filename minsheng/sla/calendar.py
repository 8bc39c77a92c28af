"""The official working-day calendar (工作日历), as plain Python.

Saturdays and Sundays are rest days unless the State Council moves a working day onto them
(调休上班); public holidays may fall on any weekday. The dates change every year, so they are data
(sla.models.CalendarDay). Past the last published year only weekdays count, and callers are told.
"""

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date] = frozenset()
    make_up_workdays: frozenset[date] = frozenset()
    known_years: frozenset[int] = frozenset()

    def is_workday(self, day: date) -> bool:
        if day in self.make_up_workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def is_known(self, day: date) -> bool:
        return day.year in self.known_years

    def add_workdays(self, start: date, workdays: int) -> tuple[date, bool]:
        """The date `workdays` working days after `start` (not counted), and whether the count
        ran through a year whose holidays are not published (so it used weekdays only)."""
        day, beyond = start, False
        while workdays > 0:
            day += timedelta(days=1)
            beyond = beyond or not self.is_known(day)
            if self.is_workday(day):
                workdays -= 1
        return day, beyond

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_workday(day)
        return count
