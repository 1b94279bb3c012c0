"""SLA clocks in calendar time: hand-computed cases."""

from datetime import UTC, datetime, timedelta

import pytest

from agent_tui.domain.models import Author, Priority, Status, StatusChange
from agent_tui.domain.sla import (
    ClockState,
    Metric,
    format_remaining,
    most_urgent,
    ticket_clocks,
)

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)


def clocks(messages, changes=(), now=T0 + H, priority=Priority.NORMAL):
    result = ticket_clocks(
        created_at=T0,
        priority=priority,
        messages=[(Author(a), T0 + d) for a, d in messages],
        status_changes=[StatusChange(T0 + d, Status(s)) for d, s in changes],
        now=now,
    )
    return {c.metric: c for c in result}


def test_first_reply_running_counts_down_from_the_first_customer_message():
    c = clocks([("customer", timedelta())], now=T0 + H)[Metric.FIRST_REPLY]  # normal: 4 h
    assert c.state is ClockState.OK
    assert c.remaining_seconds == 3 * 3600
    assert c.due_at == T0 + 4 * H


def test_first_reply_turns_warning_under_a_quarter_left_and_breached_after():
    assert clocks([("customer", timedelta())], now=T0 + 3.5 * H)[Metric.FIRST_REPLY].state is ClockState.WARNING
    late = clocks([("customer", timedelta())], now=T0 + 5 * H)[Metric.FIRST_REPLY]
    assert late.state is ClockState.BREACHED and late.remaining_seconds == -3600


def test_agent_reply_meets_first_reply_and_a_note_does_not():
    noted = clocks([("customer", timedelta()), ("note", H)], now=T0 + 2 * H)[Metric.FIRST_REPLY]
    assert noted.state is ClockState.OK and noted.remaining_seconds == 2 * 3600
    met = clocks([("customer", timedelta()), ("agent", H)], now=T0 + 10 * H)[Metric.FIRST_REPLY]
    assert met.state is ClockState.MET and met.remaining_seconds == 3 * 3600


def test_a_late_reply_stays_breached():
    c = clocks([("customer", timedelta()), ("agent", 6 * H)], now=T0 + 10 * H)[Metric.FIRST_REPLY]
    assert c.state is ClockState.BREACHED and c.remaining_seconds == -2 * 3600


def test_pending_pauses_every_clock_and_reopening_resumes_it():
    msgs = [("customer", timedelta())]
    paused = clocks(msgs, [(H, "pending")], now=T0 + 10 * H)
    assert paused[Metric.FIRST_REPLY].state is ClockState.PAUSED
    assert paused[Metric.FIRST_REPLY].due_at is None
    assert paused[Metric.FIRST_REPLY].remaining_seconds == 3 * 3600
    resumed = clocks(msgs, [(H, "pending"), (5 * H, "open")], now=T0 + 6 * H)[Metric.FIRST_REPLY]
    assert resumed.state is ClockState.OK and resumed.remaining_seconds == 2 * 3600
    assert resumed.due_at == T0 + 8 * H  # 1 h before the pause + 3 h after it


def test_next_reply_runs_from_the_customer_message_after_an_agent_reply():
    msgs = [("customer", timedelta()), ("agent", H), ("customer", 2 * H)]
    c = clocks(msgs, [(H, "open")], now=T0 + 3 * H)
    assert c[Metric.FIRST_REPLY].state is ClockState.MET
    nxt = c[Metric.NEXT_REPLY]  # normal: 8 h from 2 h
    assert nxt.state is ClockState.OK and nxt.due_at == T0 + 10 * H


def test_solving_fulfils_reply_clocks_and_ends_resolution():
    msgs = [("customer", timedelta()), ("agent", H)]
    c = clocks(msgs, [(H, "solved")], now=T0 + 100 * H)
    assert c[Metric.RESOLUTION].state is ClockState.MET
    assert c[Metric.RESOLUTION].remaining_seconds == 72 * 3600 - 3600
    assert most_urgent(list(c.values())) is None  # nothing runs: no deadline for the queue


def test_resolution_excludes_solved_time_when_reopened():
    msgs = [("customer", timedelta()), ("agent", H)]
    c = clocks(msgs, [(H, "solved"), (50 * H, "open")], now=T0 + 52 * H)[Metric.RESOLUTION]
    assert c.state is ClockState.OK and c.remaining_seconds == (72 - 3) * 3600


def test_solve_then_reopen_by_an_agent_leaves_the_unanswered_question_running():
    msgs = [("customer", timedelta()), ("agent", H), ("customer", 2 * H)]  # the next-reply cycle starts at 2 h
    c = clocks(msgs, [(H, "open"), (3 * H, "solved"), (4 * H, "open")], now=T0 + 5 * H)
    nxt = c[Metric.NEXT_REPLY]  # normal: 8 h, of which 2-3 h and 4-5 h ran; solved time does not count
    assert nxt.running and nxt.state is ClockState.OK and nxt.remaining_seconds == 6 * 3600
    assert nxt.due_at == T0 + 11 * H
    assert most_urgent(list(c.values())) is nxt  # the queue sorts on it again


def test_a_breached_question_solved_and_reopened_stays_breached_and_at_the_top():
    c = clocks([("customer", timedelta())], [(10 * H, "solved"), (11 * H, "open")], now=T0 + 12 * H)
    first = c[Metric.FIRST_REPLY]  # 4 h target; ran 0-10 h and 11-12 h
    assert first.running and first.state is ClockState.BREACHED and first.remaining_seconds == -7 * 3600
    assert most_urgent(list(c.values())) is first


def test_a_customer_writing_to_a_solved_ticket_starts_a_new_cycle_and_the_old_one_stays_fulfilled():
    msgs = [("customer", timedelta()), ("agent", H), ("customer", 2 * H), ("customer", 4 * H)]
    c = clocks(msgs, [(H, "open"), (3 * H, "solved"), (4 * H, "open")], now=T0 + 5 * H)
    nxt = c[Metric.NEXT_REPLY]  # the cycle from the message at 4 h: 1 h of 8 gone
    assert nxt.running and nxt.remaining_seconds == 7 * 3600


def test_urgent_targets_are_shorter_and_unknown_priorities_fall_back_to_normal():
    urgent = clocks([("customer", timedelta())], priority=Priority.URGENT, now=T0)[Metric.FIRST_REPLY]
    assert urgent.remaining_seconds == 3600


@pytest.mark.parametrize(
    "seconds, text",
    [
        (0, "0s"),
        (59, "59s"),
        (60, "1m"),
        (3599, "59m"),
        (3600, "1h 00m"),
        (7800, "2h 10m"),
        (90000, "1d 1h"),
        (-3660, "-1h 01m"),
    ],
)
def test_format_remaining(seconds, text):
    assert format_remaining(seconds) == text
