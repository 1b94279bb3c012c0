"""Business hours: which moments count for an SLA target measured in business time. Pure.

Periods are local wall-clock times in the policy's time zone, several a day if there is a lunch break;
holidays are local dates. Every moment handed in or out is an aware datetime; conversion to local time
goes through ``zoneinfo``, so a daylight-saving change shortens or lengthens the day correctly.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# A calendar with no business time left would walk forever; nobody sets an SLA ten years out.
_HORIZON_DAYS = 3660


@dataclass(frozen=True, slots=True)
class BusinessHours:
    tz: ZoneInfo
    periods: tuple[tuple[tuple[time, time], ...], ...]  # per weekday, Monday first
    holidays: frozenset[date] = frozenset()

    def intervals(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Business intervals (UTC-aware, in order) from ``start`` on; the first is clipped to ``start``."""
        # Arithmetic is done in UTC: Python ignores the offset when subtracting two datetimes that share
        # a tzinfo, which would be an hour out across a daylight-saving change.
        start = start.astimezone(UTC)
        day = start.astimezone(self.tz).date()
        for _ in range(_HORIZON_DAYS):
            if day not in self.holidays:
                for opens, closes in self.periods[day.weekday()]:
                    begin = datetime.combine(day, opens, self.tz).astimezone(UTC)
                    closing_day = day if closes != time(0) else day + timedelta(days=1)  # "-24:00" ends at midnight
                    end = datetime.combine(closing_day, closes, self.tz).astimezone(UTC)
                    if end > start:
                        yield max(begin, start), end
            day += timedelta(days=1)

    def seconds_between(self, start: datetime, end: datetime) -> float:
        """Business seconds in [start, end)."""
        total = 0.0
        if end <= start:
            return total
        for begin, finish in self.intervals(start):
            if begin >= end:
                break
            total += (min(finish, end) - begin).total_seconds()
        return total

    def add(self, start: datetime, seconds: float) -> datetime:
        """The moment ``seconds`` of business time after ``start``."""
        left = seconds
        for begin, finish in self.intervals(start):
            length = (finish - begin).total_seconds()
            if length >= left:
                return begin + timedelta(seconds=left)
            left -= length
        raise ValueError("the business calendar has no business hours in the next ten years")
