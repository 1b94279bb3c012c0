"""Snooze times as agents type them (domain.snooze): spans, days, weekdays, ISO times, in the agent's zone."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent_tui.domain.snooze import parse_when, wake_label
from agent_tui.errors import UsageError

LONDON = ZoneInfo("Europe/London")
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Mon 23 Nov 2026, 08:00 in London (GMT)
SUNDAY = datetime(2026, 11, 22, 15, 20, 30, tzinfo=UTC)
BEFORE_SPRING = datetime(2026, 3, 28, 10, 0, tzinfo=UTC)  # Sat; clocks go forward in London on Sun 29 Mar at 01:00
BEFORE_AUTUMN = datetime(2026, 10, 24, 10, 0, tzinfo=UTC)  # Sat; clocks go back on Sun 25 Oct at 02:00 BST


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "now", "tz", "expected"),
    [
        ("2h", MONDAY, LONDON, utc(2026, 11, 23, 10, 0)),
        ("90m", MONDAY, LONDON, utc(2026, 11, 23, 9, 30)),
        ("1h30m", MONDAY, LONDON, utc(2026, 11, 23, 9, 30)),
        ("3d", MONDAY, LONDON, utc(2026, 11, 26, 8, 0)),
        ("1w", MONDAY, LONDON, utc(2026, 11, 30, 8, 0)),
        ("2h", SUNDAY, LONDON, utc(2026, 11, 22, 17, 21)),  # rounded up to the whole minute
        ("tomorrow 09:00", MONDAY, LONDON, utc(2026, 11, 24, 9, 0)),
        ("tomorrow", MONDAY, LONDON, utc(2026, 11, 24, 9, 0)),  # a day alone: 09:00
        ("Tomorrow 9am", MONDAY, LONDON, utc(2026, 11, 24, 9, 0)),
        ("tomorrow 2:30pm", MONDAY, LONDON, utc(2026, 11, 24, 14, 30)),
        ("today 17:00", MONDAY, LONDON, utc(2026, 11, 23, 17, 0)),
        ("mon 09:00", MONDAY, LONDON, utc(2026, 11, 23, 9, 0)),  # on a Monday at 08:00: today, still to come
        ("mon 07:00", MONDAY, LONDON, utc(2026, 11, 30, 7, 0)),  # gone today: next week's
        ("mon 09:00", SUNDAY, LONDON, utc(2026, 11, 23, 9, 0)),  # on a Sunday: tomorrow
        ("monday 09:00", SUNDAY, LONDON, utc(2026, 11, 23, 9, 0)),
        ("sun 09:00", SUNDAY, LONDON, utc(2026, 11, 29, 9, 0)),  # Sunday 15:20: next Sunday
        ("fri", MONDAY, LONDON, utc(2026, 11, 27, 9, 0)),
        ("16:00", MONDAY, LONDON, utc(2026, 11, 23, 16, 0)),  # a time alone: its next occurrence
        ("07:30", MONDAY, LONDON, utc(2026, 11, 24, 7, 30)),
        ("2026-12-01T09:00", MONDAY, LONDON, utc(2026, 12, 1, 9, 0)),  # no offset: the agent's zone
        ("2026-12-01 09:00", MONDAY, SHANGHAI, utc(2026, 12, 1, 1, 0)),
        ("2026-12-01T09:00:00+02:00", MONDAY, LONDON, utc(2026, 12, 1, 7, 0)),
        ("2026-12-01T09:00Z", MONDAY, SHANGHAI, utc(2026, 12, 1, 9, 0)),
        ("2026-12-01", MONDAY, LONDON, utc(2026, 12, 1, 9, 0)),
        # The agent's zone decides "tomorrow": 08:00 UTC Monday is already 16:00 Monday in Shanghai.
        ("tomorrow 09:00", MONDAY, SHANGHAI, utc(2026, 11, 24, 1, 0)),
        ("tomorrow 09:00", utc(2026, 11, 23, 17, 0), SHANGHAI, utc(2026, 11, 25, 1, 0)),  # Tue 01:00 there
        # Summer time: days keep the hour on the wall clock; hours are elapsed time.
        ("tomorrow 09:00", BEFORE_SPRING, LONDON, utc(2026, 3, 29, 8, 0)),  # 09:00 BST
        ("1d", BEFORE_SPRING, LONDON, utc(2026, 3, 29, 9, 0)),  # 10:00 GMT -> 10:00 BST: 23 hours later
        ("24h", BEFORE_SPRING, LONDON, utc(2026, 3, 29, 10, 0)),
        ("tomorrow 01:30", BEFORE_SPRING, LONDON, utc(2026, 3, 29, 1, 30)),  # skipped on the clock: 02:30 BST
        ("tomorrow 09:00", BEFORE_AUTUMN, LONDON, utc(2026, 10, 25, 9, 0)),  # 09:00 GMT
        ("1d", BEFORE_AUTUMN, LONDON, utc(2026, 10, 25, 11, 0)),  # 11:00 BST -> 11:00 GMT: 25 hours later
    ],
)
def test_when_texts(text, now, tz, expected):
    assert parse_when(text, now, tz) == expected


@pytest.mark.parametrize(
    "text",
    ["", "soon", "next week", "9", "25:00", "tomorrow 13pm", "mon at nine", "2026-13-01", "-2h", "3x", "99999d"],
)
def test_garbage_is_one_sentence_naming_what_would_do(text):
    with pytest.raises(UsageError) as caught:
        parse_when(text, MONDAY, LONDON)
    message = str(caught.value)
    assert "tomorrow 09:00" in message and "2h" in message and message.endswith(".") and "\n" not in message


def test_a_time_already_past_is_refused():
    with pytest.raises(UsageError, match="already past"):
        parse_when("2026-11-01T09:00", MONDAY, LONDON)
    with pytest.raises(UsageError, match="already past"):
        parse_when("today 07:00", MONDAY, LONDON)


@given(
    now=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)),
    hours=st.integers(min_value=1, max_value=500),
    zone=st.sampled_from([UTC, LONDON, SHANGHAI, ZoneInfo("America/New_York"), ZoneInfo("Australia/Lord_Howe")]),
)
def test_spans_and_days_always_lie_ahead_whole_minutes(now, hours, zone):
    moment = parse_when(f"{hours}h", now, zone)
    assert moment.second == 0 and timedelta(hours=hours) <= moment - now < timedelta(hours=hours, minutes=1)
    for text in ("tomorrow 09:00", "mon 09:00", "sun", "09:00"):
        moment = parse_when(text, now, zone)
        assert now < moment <= now + timedelta(days=8) and moment.second == 0


def test_wake_labels_fit_the_queue_cell():
    assert wake_label(utc(2026, 11, 23, 14, 30), MONDAY, LONDON) == "14:30"
    assert wake_label(utc(2026, 11, 24, 9, 0), MONDAY, LONDON) == "Tue 09:00"
    assert wake_label(utc(2026, 12, 24, 9, 0), MONDAY, LONDON) == "24 Dec"
    assert wake_label(utc(2027, 1, 5, 9, 0), MONDAY, LONDON) == "2027-01-05"
    assert wake_label(utc(2026, 11, 24, 1, 0), MONDAY, SHANGHAI) == "Tue 09:00"
