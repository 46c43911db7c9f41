"""Working days in Vietnam: weekends and public holidays (lunar Tết included, from the holidays package)."""

import datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year, language="vi")


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _holidays_of(day.year)


def holiday_name(day: datetime.date) -> str | None:
    return _holidays_of(day.year).get(day)


def next_working_day(day: datetime.date) -> datetime.date:
    """The day itself when it is a working day, else the first working day after it
    (Civil Code 2015, art. 148: a period ending on a day off ends on the next working day)."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day
