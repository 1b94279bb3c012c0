"""SLA clocks in business time: hand-computed cases, and properties checked with hypothesis."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent_tui.domain.business_hours import BusinessHours
from agent_tui.domain.models import Author, Priority, Status, StatusChange
from agent_tui.domain.sla import (
    ClockState,
    Metric,
    Policy,
    Target,
    remaining_until,
    ticket_clocks,
)

LONDON, NEW_YORK = ZoneInfo("Europe/London"), ZoneInfo("America/New_York")
H = 3600
WEEKDAYS_WITH_LUNCH = ((time(9), time(12, 30)), (time(13, 30), time(17, 30)))


def hours(tz=LONDON, holidays=(), periods=WEEKDAYS_WITH_LUNCH) -> BusinessHours:
    return BusinessHours(tz, tuple([periods] * 5 + [()] * 2), frozenset(holidays))


def policy(first=4 * H, business=True, tz=LONDON, holidays=()) -> Policy:
    return Policy(
        targets={
            Priority.NORMAL: {Metric.FIRST_REPLY: Target(first, business), Metric.RESOLUTION: Target(72 * H, False)}
        },
        hours=hours(tz, holidays),
    )


def local(tz, *args) -> datetime:
    return datetime(*args, tzinfo=tz)


def first_reply(start, now, *, messages=(), changes=(), pol=None):
    clocks = ticket_clocks(
        created_at=start,
        priority=Priority.NORMAL,
        messages=[(Author.CUSTOMER, start), *messages],
        status_changes=list(changes),
        now=now,
        policy=pol or policy(),
    )
    return next(c for c in clocks if c.metric is Metric.FIRST_REPLY)


# 2026-11-20 is a Friday; 2026-11-23 a Monday.
@pytest.mark.parametrize(
    "start, now, remaining, due",
    [
        # inside the morning period: 1 h gone of 4 h
        (local(LONDON, 2026, 11, 23, 9), local(LONDON, 2026, 11, 23, 10), 3 * H, local(LONDON, 2026, 11, 23, 14)),
        # the lunch break does not count: 09:00-12:30 (3.5 h) + 13:30-14:00 (0.5 h)
        (
            local(LONDON, 2026, 11, 23, 9),
            local(LONDON, 2026, 11, 23, 13),
            int(0.5 * H),
            local(LONDON, 2026, 11, 23, 14),
        ),
        # overnight: written at 16:30, 1 h counts before closing, 3 h the next morning
        (local(LONDON, 2026, 11, 23, 16, 30), local(LONDON, 2026, 11, 24, 8), 3 * H, local(LONDON, 2026, 11, 24, 12)),
        # over the weekend: Friday 16:30 -> Monday 12:00
        (local(LONDON, 2026, 11, 20, 16, 30), local(LONDON, 2026, 11, 21, 12), 3 * H, local(LONDON, 2026, 11, 23, 12)),
        # written at night: the clock starts at opening time
        (
            local(LONDON, 2026, 11, 23, 22),
            local(LONDON, 2026, 11, 24, 9, 30),
            int(3.5 * H),
            local(LONDON, 2026, 11, 24, 14),
        ),
    ],
)
def test_business_hours_cases(start, now, remaining, due):
    clock = first_reply(start, now)
    assert clock.remaining_seconds == remaining
    assert clock.due_at == due
    assert clock.business


def test_a_holiday_is_skipped():
    pol = policy(holidays=[date(2026, 12, 25)])  # Friday 25 December
    clock = first_reply(local(LONDON, 2026, 12, 24, 16, 30), local(LONDON, 2026, 12, 24, 17), pol=pol)
    assert clock.due_at == local(LONDON, 2026, 12, 28, 12)  # Thu 1 h, then Monday 09:00 + 3 h


def test_dst_end_in_london_counts_real_hours():
    # Sunday 25 October 2026 the clocks go back; a calendar 24 h target from Saturday noon ends at 11:00 local.
    pol = Policy(targets={Priority.NORMAL: {Metric.FIRST_REPLY: Target(24 * H)}})
    clock = first_reply(local(LONDON, 2026, 10, 24, 12), local(LONDON, 2026, 10, 24, 13), pol=pol)
    assert clock.due_at == local(LONDON, 2026, 10, 25, 11)
    # In business time the weekend doesn't count, and Monday's 09:00 is 09:00 GMT (not BST).
    clock = first_reply(local(LONDON, 2026, 10, 23, 16, 30), local(LONDON, 2026, 10, 24, 12))
    assert clock.due_at == local(LONDON, 2026, 10, 26, 12) and clock.due_at.astimezone(LONDON).utcoffset() == timedelta(
        0
    )
    assert clock.remaining_seconds == 3 * H


def test_dst_start_in_new_york():
    # Sunday 8 March 2026 New York springs forward; a day's business hours are 8 h either side of it.
    pol = Policy(
        targets={Priority.NORMAL: {Metric.FIRST_REPLY: Target(8 * H, True)}},
        hours=hours(NEW_YORK, periods=((time(9), time(17)),)),
    )
    clock = first_reply(local(NEW_YORK, 2026, 3, 6, 13), local(NEW_YORK, 2026, 3, 9, 10), pol=pol)
    assert clock.due_at == local(NEW_YORK, 2026, 3, 9, 13)  # 4 h Friday, 4 h Monday
    assert clock.due_at.astimezone(NEW_YORK).utcoffset() == timedelta(hours=-4)
    assert clock.remaining_seconds == 3 * H
    calendar = Policy(targets={Priority.NORMAL: {Metric.FIRST_REPLY: Target(24 * H)}})
    over_the_change = first_reply(local(NEW_YORK, 2026, 3, 7, 12), local(NEW_YORK, 2026, 3, 7, 12), pol=calendar)
    assert over_the_change.due_at == local(NEW_YORK, 2026, 3, 8, 13)  # 24 real hours = 25 on the wall clock


def test_pending_then_reopened_in_business_time():
    start = local(LONDON, 2026, 11, 23, 9)
    changes = [
        StatusChange(start + timedelta(hours=1), Status.PENDING),
        StatusChange(start + timedelta(hours=26), Status.OPEN),
    ]
    clock = first_reply(start, start + timedelta(hours=27), changes=changes)  # reopened Tue 11:00, now 12:00
    assert clock.state is ClockState.OK and clock.remaining_seconds == 2 * H
    assert clock.due_at == local(LONDON, 2026, 11, 24, 15)  # 3 h left at 11:00: 1.5 h to lunch, 1.5 h after
    paused = first_reply(start, start + timedelta(hours=5), changes=changes[:1])
    assert paused.state is ClockState.PAUSED and paused.due_at is None and paused.remaining_seconds == 3 * H


def test_solved_then_reopened_resumes_resolution():
    start = datetime(2026, 11, 23, 9, tzinfo=UTC)
    changes = [
        StatusChange(start + timedelta(hours=2), Status.SOLVED),
        StatusChange(start + timedelta(hours=50), Status.OPEN),
    ]
    clocks = ticket_clocks(
        created_at=start,
        priority=Priority.NORMAL,
        messages=[(Author.CUSTOMER, start)],
        status_changes=changes,
        now=start + timedelta(hours=51),
        policy=policy(),
    )
    resolution = next(c for c in clocks if c.metric is Metric.RESOLUTION)
    assert resolution.state is ClockState.OK and resolution.remaining_seconds == (72 - 3) * H


def test_met_after_a_breach_stays_breached():
    start = local(LONDON, 2026, 11, 23, 9)
    late = first_reply(start, start + timedelta(days=3), messages=[(Author.AGENT, local(LONDON, 2026, 11, 24, 10))])
    assert late.state is ClockState.BREACHED and late.remaining_seconds == -4 * H - 30 * 60  # 7.5 h Mon + 1 h Tue - 4 h


def test_queue_remaining_from_the_deadline_matches_the_clock():
    pol = policy()
    start, now = local(LONDON, 2026, 11, 20, 16), local(LONDON, 2026, 11, 21, 12)
    clock = first_reply(start, now, pol=pol)
    assert remaining_until(clock.due_at, now, Target(4 * H, True), pol) == clock.remaining_seconds
    later = local(LONDON, 2026, 11, 23, 15)
    overdue = first_reply(start, later, pol=pol)
    assert remaining_until(clock.due_at, later, Target(4 * H, True), pol) == overdue.remaining_seconds < 0


moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC))
gaps = st.lists(st.integers(min_value=60, max_value=4 * 24 * H), min_size=0, max_size=6)


@settings(max_examples=150, deadline=None)
@given(
    start=moments,
    offsets=gaps,
    business=st.booleans(),
    pause_at=st.integers(0, 5 * 24 * H),
    pause_for=st.integers(60, 3 * 24 * H),
)
def test_pausing_never_shortens_the_remaining_time(start, offsets, business, pause_at, pause_for):
    now = start + timedelta(seconds=sum(offsets) + pause_at + pause_for + 60)
    pol = policy(first=8 * H, business=business)
    plain = first_reply(start, now, pol=pol)
    changes = [
        StatusChange(start + timedelta(seconds=pause_at), Status.PENDING),
        StatusChange(start + timedelta(seconds=pause_at + pause_for), Status.OPEN),
    ]
    paused = first_reply(start, now, changes=changes, pol=pol)
    assert paused.remaining_seconds >= plain.remaining_seconds


@settings(max_examples=150, deadline=None)
@given(
    start=moments,
    elapsed=st.integers(0, 10 * 24 * H),
    tz=st.sampled_from([LONDON, NEW_YORK, ZoneInfo("Asia/Shanghai")]),
)
def test_business_remaining_never_exceeds_calendar_remaining_spent_less(start, elapsed, tz):
    now = start + timedelta(seconds=elapsed)
    business = first_reply(start, now, pol=policy(business=True, tz=tz))
    calendar = first_reply(start, now, pol=policy(business=False, tz=tz))
    # Less time counts in business hours, so at least as much of the same target is left...
    assert business.remaining_seconds >= calendar.remaining_seconds
    # ...and never more than the whole target.
    assert business.remaining_seconds <= 4 * H
    # The business deadline is never earlier than the calendar one.
    assert business.due_at >= calendar.due_at


@settings(max_examples=100, deadline=None)
@given(start=moments, seconds=st.integers(0, 30 * 24 * H))
def test_adding_business_time_and_measuring_it_agree(start, seconds):
    cal = hours(NEW_YORK)
    end = cal.add(start, seconds)
    assert abs(cal.seconds_between(start, end) - seconds) < 1e-6
