"""Snooze: when a ticket put on hold comes back by itself. Pure: the time and the agent's zone are passed in.

``parse_when`` reads what an agent types for "until when" (``set ID --until WHEN``, the TUI's "on-hold
until…"): an ISO time, a span from now (``2h``, ``3d``, ``1h30m``, ``2w``), ``today``/``tomorrow`` or a
weekday with an optional time (``tomorrow 09:00``, ``mon 9am``), or a time alone (its next occurrence).
Days are wall-clock days in the agent's zone, so ``3d`` and ``tomorrow 09:00`` keep the hour across a
change of summer time; minutes and hours are elapsed time. A day without a time means ``DEFAULT_TIME``.
The result is rounded up to the whole minute (every snooze to "tomorrow 09:00" wakes at the same moment)
and is always after now; anything else is a ``UsageError`` sentence saying what would do.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from agent_tui.errors import UsageError

DEFAULT_TIME = time(9, 0)  # "tomorrow", "mon", a date alone: the start of a working day
WAKER = "snooze"  # who the event log names for a ticket woken at its time

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = {name: i for i, name in enumerate(_DAYS)} | {
    full: i for i, full in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
}
_SPAN = re.compile(r"(?:(\d{1,4})\s*([mhdw])\s*)+")
_SPAN_PART = re.compile(r"(\d{1,4})\s*([mhdw])")
_CLOCK = re.compile(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?")
HINT = (
    "give an ISO time (2026-12-01T09:00), a span from now (2h, 3d), tomorrow 09:00, or a weekday and a time (mon 09:00)"
)


def parse_when(text: str, now: datetime, tz: tzinfo) -> datetime:
    """The moment (UTC) ``text`` names, seen from ``now`` in the zone ``tz``. UsageError when it names none,
    or a moment not after now."""
    words = " ".join(text.strip().lower().split())
    moment = _moment(words, now, tz) if words else None
    if moment is None:
        raise UsageError(f"{text.strip()!r} is not a time to wake the ticket: {HINT}.")
    moment = _round_up(moment.astimezone(UTC))
    if moment <= now:
        local = moment.astimezone(tz)
        raise UsageError(f"{text.strip()!r} is {local:%a %d %b %Y %H:%M}, already past: {HINT}.")
    return moment


def _moment(words: str, now: datetime, tz: tzinfo) -> datetime | None:
    if _SPAN.fullmatch(words):
        return _after_span(words, now, tz)
    iso = _iso(words, tz)
    if iso is not None:
        return iso
    day_word, _, rest = words.partition(" ")
    today = now.astimezone(tz).date()
    if day_word in ("today", "tomorrow") or day_word in _DAY_NAMES:
        clock = _clock(rest) if rest else DEFAULT_TIME
        if clock is None:
            return None
        if day_word == "today":
            return _at(today, clock, tz)
        if day_word == "tomorrow":
            return _at(today + timedelta(days=1), clock, tz)
        ahead = (_DAY_NAMES[day_word] - today.weekday()) % 7
        moment = _at(today + timedelta(days=ahead), clock, tz)
        return moment if moment > now else _at(today + timedelta(days=ahead or 7), clock, tz)
    clock = _clock(words)  # a time alone: its next occurrence
    if clock is None:
        return None
    moment = _at(today, clock, tz)
    return moment if moment > now else _at(today + timedelta(days=1), clock, tz)


def _after_span(words: str, now: datetime, tz: tzinfo) -> datetime | None:
    days, seconds = 0, 0
    for amount, unit in _SPAN_PART.findall(words):
        if unit in "dw":
            days += int(amount) * (7 if unit == "w" else 1)
        else:
            seconds += int(amount) * (3600 if unit == "h" else 60)
    if days > 3660:
        return None
    local = now.astimezone(tz)
    # Whole days on the wall clock (the same hour after a change of summer time), then elapsed time.
    wall = datetime.combine(local.date() + timedelta(days=days), local.time().replace(tzinfo=None), tz)
    return wall.astimezone(UTC) + timedelta(seconds=seconds)


def _iso(words: str, tz: tzinfo) -> datetime | None:
    try:
        moment = datetime.fromisoformat(words.upper().replace("Z", "+00:00"))
    except ValueError:
        return None
    if len(words) <= 10:  # a date alone
        return _at(moment.date(), DEFAULT_TIME, tz)
    return moment if moment.tzinfo else _at(moment.date(), moment.time(), tz)


def _clock(words: str) -> time | None:
    match = _CLOCK.fullmatch(words.replace(".", ":"))
    if match is None:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half is None and match[2] is None:
        return None  # "9" alone is not a time; "9:00", "09:00" and "9am" are
    if half is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _at(day: date, clock: time, tz: tzinfo) -> datetime:
    """``clock`` on ``day`` in ``tz``. A time skipped by a change of summer time reads as the same time on the
    clock before the change (02:30 on the night clocks go forward is 03:30)."""
    return datetime.combine(day, clock, tz).astimezone(UTC)


def _round_up(moment: datetime) -> datetime:
    whole = moment.replace(second=0, microsecond=0)
    return whole if whole == moment else whole + timedelta(minutes=1)


def wake_label(until: datetime, now: datetime, tz: tzinfo) -> str:
    """A wake time for a table cell (at most 9 cells): ``14:30`` today, ``Tue 09:00`` within the week,
    ``24 Dec`` later, ``2027-01-05`` in another year."""
    local, today = until.astimezone(tz), now.astimezone(tz).date()
    if local.date() == today:
        return f"{local:%H:%M}"
    if today < local.date() < today + timedelta(days=7):
        return f"{local:%a %H:%M}"
    if local.year == today.year:
        return f"{local:%d %b}"
    return f"{local:%Y-%m-%d}"


def describe_wake(until: datetime, tz: tzinfo) -> str:
    """``until Tue 24 Nov 09:00``: a snooze in words, in the agent's zone."""
    return f"until {until.astimezone(tz):%a %d %b %H:%M}"
