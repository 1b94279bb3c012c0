"""Business hours: which moments count for an SLA target measured in business time. Pure.

Periods are local wall-clock times in the policy's time zone, several a day if there is a lunch break;
holidays are local dates. Every moment handed in or out is an aware datetime; conversion to local time
goes through ``zoneinfo``, so a daylight-saving change shortens or lengthens the day correctly.

Targets may be long and calendars thin (the README allows a minute a day and a ten-year target), so time
is not counted one day after another: whole weeks are counted at once. Every week holds the same
business time on the wall clock; only holidays and the days around a change of UTC offset differ, and
those are counted one by one, once per year and zone (cached). A deadline after the year 9998 is no
deadline: a datetime ends with 9999, and stored times are shifted by days (the demo).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import accumulate
from zoneinfo import ZoneInfo

_LAST_DAY = date(9998, 12, 31)
_DAY = timedelta(days=1)
_US = timedelta(microseconds=1)  # business time is counted in whole microseconds: exact, so equal spans
# counted along different paths (whole weeks, or day by day) give equal totals, and clocks never disagree by
# a rounding (floats did: a pause outside business hours once "shortened" a clock by a second).
# Offsets are probed this often to find their changes. Two changes closer than this could be missed
# (they would cancel out); the closest in the tz database are almost four days apart (Africa/Freetown).
_PROBE_STEP = timedelta(days=3)


@dataclass(frozen=True, slots=True)
class BusinessHours:
    tz: ZoneInfo
    periods: tuple[tuple[tuple[time, time], ...], ...]  # per weekday, Monday first
    holidays: frozenset[date] = frozenset()

    def day_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The business intervals of one local day (UTC-aware, in order); none on a holiday."""
        # Arithmetic is done in UTC: Python ignores the offset when subtracting two datetimes that share
        # a tzinfo, which would be an hour out across a daylight-saving change.
        if day in self.holidays or day > _LAST_DAY:
            return []
        intervals = []
        for opens, closes in self.periods[day.weekday()]:
            begin = datetime.combine(day, opens, self.tz).astimezone(UTC)
            closing_day = day if closes != time(0) else day + _DAY  # "-24:00" ends at midnight
            intervals.append((begin, datetime.combine(closing_day, closes, self.tz).astimezone(UTC)))
        return intervals

    def seconds_between(self, start: datetime, end: datetime) -> float:
        """Business seconds in [start, end)."""
        if end <= start:
            return 0.0
        return self._microseconds_between(start, end) / 1_000_000

    def _microseconds_between(self, start: datetime, end: datetime) -> int:
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        day = start.astimezone(self.tz).date()
        last = min(end.astimezone(self.tz).date(), _LAST_DAY)
        total = _clipped(self.day_intervals(day), start, end)
        day += _DAY
        while day <= last:
            weeks = (last - day).days // 7  # whole days, all before the day of ``end``
            if weeks:
                total += self._whole_weeks(day, weeks)
                day += timedelta(weeks=weeks)
                continue
            total += _clipped(self.day_intervals(day), start, end)
            day += _DAY
        return total

    def add(self, start: datetime, seconds: float) -> datetime | None:
        """The moment ``seconds`` of business time after ``start``; None if that is after the year 9998."""
        start = start.astimezone(UTC)
        left = round(seconds * 1_000_000)  # microseconds
        week = _nominal_week(self.periods)
        day = start.astimezone(self.tz).date()
        for begin, finish in self.day_intervals(day):
            if finish > start:
                begin = max(begin, start)
                length = (finish - begin) // _US
                if length >= left:
                    return begin + timedelta(microseconds=left)
                left -= length
        day += _DAY
        while day <= _LAST_DAY and week:
            # Skip whole weeks that end before the deadline, leaving the last stretch to count by day.
            weeks = min(-(-left // week) - 1, (_LAST_DAY - day).days // 7)
            while weeks > 0:
                gained = self._whole_weeks(day, weeks)
                if gained < left:
                    break
                weeks //= 2  # a clock change added an hour: the deadline lies in these weeks
            if weeks > 0:
                left -= gained
                day += timedelta(weeks=weeks)
                continue
            for begin, finish in self.day_intervals(day):
                length = (finish - begin) // _US
                if length >= left:
                    return begin + timedelta(microseconds=left)
                left -= length
            day += _DAY
        return None

    def _whole_weeks(self, first: date, weeks: int) -> int:
        """Business microseconds in the whole local days [first, first + weeks)."""
        stop = first + timedelta(weeks=weeks)
        total = weeks * _nominal_week(self.periods)
        for year in range(first.year, stop.year + 1):
            days, sums = _year_corrections(self, year)
            low = bisect_left(days, first) if year == first.year else 0
            high = bisect_left(days, stop) if year == stop.year else len(days)
            total += sums[high] - sums[low]
        return total


def _clipped(intervals: Iterable[tuple[datetime, datetime]], start: datetime, end: datetime) -> int:
    return sum(max(0, (min(finish, end) - max(begin, start)) // _US) for begin, finish in intervals)


def _microseconds_of_day(moment: time) -> int:
    return ((moment.hour * 60 + moment.minute) * 60 + moment.second) * 1_000_000 + moment.microsecond


@lru_cache(maxsize=64)
def _nominal_days(periods: tuple[tuple[tuple[time, time], ...], ...]) -> tuple[int, ...]:
    """Business microseconds of each weekday on the wall clock (an end of 24:00 is time(0))."""
    return tuple(
        sum((_microseconds_of_day(closes) or 86_400_000_000) - _microseconds_of_day(opens) for opens, closes in day)
        for day in periods
    )


def _nominal_week(periods: tuple[tuple[tuple[time, time], ...], ...]) -> int:
    return sum(_nominal_days(periods))


@lru_cache(maxsize=16384)
def _year_corrections(hours: BusinessHours, year: int) -> tuple[tuple[date, ...], tuple[int, ...]]:
    """The days of ``year`` whose business time differs from their weekday's on the wall clock (holidays,
    clock changes), sorted, with the running sum of the differences (one more entry: it starts at 0)."""
    special = {day for day in _holidays_by_year(hours.holidays).get(year, ())} | _offset_change_days(hours.tz, year)
    nominal = _nominal_days(hours.periods)
    differences = []
    for day in sorted(special):
        real = sum((finish - begin) // _US for begin, finish in hours.day_intervals(day))
        if real != nominal[day.weekday()]:
            differences.append((day, real - nominal[day.weekday()]))
    return tuple(day for day, _ in differences), tuple(accumulate((d for _, d in differences), initial=0))


@lru_cache(maxsize=64)
def _holidays_by_year(holidays: frozenset[date]) -> dict[int, tuple[date, ...]]:
    by_year: dict[int, list[date]] = {}
    for day in holidays:
        by_year.setdefault(day.year, []).append(day)
    return {year: tuple(days) for year, days in by_year.items()}


@lru_cache(maxsize=16384)
def _offset_change_days(tz: ZoneInfo, year: int) -> frozenset[date]:
    """Local days of ``year`` on or next to a change of the zone's UTC offset (a superset: days the
    change doesn't touch have no difference and are dropped by the caller)."""
    if not 1 < year < 9999:
        return frozenset()
    moment = datetime(year, 1, 1) - _PROBE_STEP  # naive: the offset in force at that wall-clock time
    stop = datetime(year + 1, 1, 1) + _PROBE_STEP
    found: set[date] = set()
    offset = tz.utcoffset(moment)
    while moment < stop:
        following = moment + _PROBE_STEP
        following_offset = tz.utcoffset(following)
        if following_offset != offset:  # a change in (moment, following]: its day and the days either side
            found.update((moment + n * _DAY).date() for n in range(-1, _PROBE_STEP.days + 2))
        moment, offset = following, following_offset
    return frozenset(day for day in found if day.year == year)
