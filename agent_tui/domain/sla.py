"""SLA clocks computed from a ticket's messages and status log. Pure: the current time is passed in.

Semantics (as Zendesk defines them):
- first reply runs from the first customer message to the first public agent reply;
- next reply runs from the first customer message after the latest agent reply to the next agent reply;
- resolution runs from creation until the ticket is solved; reopening resumes it;
- every clock counts only while the ticket is new or open: pending and on-hold pause it, and solving a
  ticket fulfils the reply clocks that are still running.

This module counts calendar time. Business hours, holidays and the policy file build on it later.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from agent_tui.domain.models import Author, Priority, Status, StatusChange


class Metric(enum.StrEnum):
    FIRST_REPLY = "first_reply"
    NEXT_REPLY = "next_reply"
    RESOLUTION = "resolution"


class ClockState(enum.StrEnum):
    OK = "ok"
    WARNING = "warning"
    BREACHED = "breached"
    PAUSED = "paused"
    MET = "met"


@dataclass(frozen=True, slots=True)
class Target:
    seconds: int
    business: bool = False


_HOUR = 3600


@dataclass(frozen=True, slots=True)
class Policy:
    targets: dict[Priority, dict[Metric, Target]]
    warning: float = 0.25  # share of the target left when a clock turns to warning

    def target(self, priority: Priority, metric: Metric) -> Target | None:
        own = self.targets.get(priority) or self.targets.get(Priority.NORMAL, {})
        return own.get(metric)


def _targets(first: float, nxt: float, resolution: float) -> dict[Metric, Target]:
    return {
        Metric.FIRST_REPLY: Target(int(first * _HOUR)),
        Metric.NEXT_REPLY: Target(int(nxt * _HOUR)),
        Metric.RESOLUTION: Target(int(resolution * _HOUR)),
    }


DEFAULT_POLICY = Policy(
    targets={
        Priority.URGENT: _targets(1, 2, 8),
        Priority.HIGH: _targets(2, 4, 24),
        Priority.NORMAL: _targets(4, 8, 72),
        Priority.LOW: _targets(8, 24, 168),
    }
)


@dataclass(frozen=True, slots=True)
class Clock:
    metric: Metric
    state: ClockState
    due_at: datetime | None  # None while paused
    remaining_seconds: int  # negative once breached
    business: bool
    target_seconds: int

    @property
    def running(self) -> bool:
        return self.state in (ClockState.OK, ClockState.WARNING, ClockState.BREACHED)

    def to_json(self) -> dict[str, object]:
        return {
            "metric": self.metric.value,
            "state": self.state.value,
            "due_at": self.due_at.isoformat() if self.due_at else None,
            "remaining_seconds": self.remaining_seconds,
            "business": self.business,
        }


class _Timeline:
    """The ticket's status over time, as segments [start, next start)."""

    def __init__(self, created_at: datetime, changes: Sequence[StatusChange]) -> None:
        points = [(created_at, Status.NEW)]
        for change in sorted(changes, key=lambda c: c.at):
            at = max(change.at, created_at)
            if points[-1][0] == at:
                points[-1] = (at, change.status)
            else:
                points.append((at, change.status))
        self.points = points

    def status_at(self, moment: datetime) -> Status:
        current = self.points[0][1]
        for at, status in self.points:
            if at > moment:
                break
            current = status
        return current

    def first_solved_after(self, moment: datetime) -> datetime | None:
        for at, status in self.points:
            if at >= moment and not status.is_unsolved:
                return at
        return None

    def _segments(self, start: datetime):
        """Yield (segment start, segment end or None, counting?) from ``start`` onwards."""
        for index, (at, status) in enumerate(self.points):
            end = self.points[index + 1][0] if index + 1 < len(self.points) else None
            if end is not None and end <= start:
                continue
            counting = status in (Status.NEW, Status.OPEN)
            yield max(at, start), end, counting

    def counted_seconds(self, start: datetime, end: datetime) -> float:
        total = 0.0
        for seg_start, seg_end, counting in self._segments(start):
            if seg_start >= end:
                break
            if counting:
                total += ((min(seg_end, end) if seg_end else end) - seg_start).total_seconds()
        return total

    def deadline(self, start: datetime, target_seconds: float) -> datetime | None:
        """When ``target_seconds`` of counted time will have passed, or None if the clock stays paused."""
        left = target_seconds
        for seg_start, seg_end, counting in self._segments(start):
            if not counting:
                continue
            if seg_end is None or (seg_end - seg_start).total_seconds() >= left:
                return seg_start + timedelta(seconds=left)
            left -= (seg_end - seg_start).total_seconds()
        return None


def _clock(
    metric: Metric,
    target: Target,
    timeline: _Timeline,
    start: datetime,
    end: datetime | None,
    now: datetime,
    warning: float,
) -> Clock:
    due_at = timeline.deadline(start, target.seconds)
    if end is not None and end <= now:
        elapsed = timeline.counted_seconds(start, end)
        state = ClockState.MET if elapsed <= target.seconds else ClockState.BREACHED
        return Clock(metric, state, due_at, int(target.seconds - elapsed), target.business, target.seconds)
    remaining = int(target.seconds - timeline.counted_seconds(start, now))
    if timeline.status_at(now).pauses_sla:
        state, due_at = ClockState.PAUSED, None
    elif remaining < 0:
        state = ClockState.BREACHED
    elif remaining < warning * target.seconds:
        state = ClockState.WARNING
    else:
        state = ClockState.OK
    return Clock(metric, state, due_at, remaining, target.business, target.seconds)


def ticket_clocks(
    *,
    created_at: datetime,
    priority: Priority,
    messages: Sequence[tuple[Author, datetime]],
    status_changes: Sequence[StatusChange],
    now: datetime,
    policy: Policy = DEFAULT_POLICY,
) -> list[Clock]:
    """Every SLA clock of one ticket as of ``now``: first reply, the latest next reply, resolution."""
    timeline = _Timeline(created_at, status_changes)
    ordered = sorted((date, author) for author, date in messages if author is not Author.NOTE)
    clocks: list[Clock] = []

    def reply_clock(metric: Metric, start: datetime) -> None:
        target = policy.target(priority, metric)
        if target is None:
            return
        reply = next((d for d, a in ordered if a is Author.AGENT and d >= start), None)
        solved = timeline.first_solved_after(start)
        ends = [t for t in (reply, solved) if t is not None]
        clocks.append(_clock(metric, target, timeline, start, min(ends) if ends else None, now, policy.warning))

    customer_dates = [d for d, a in ordered if a is Author.CUSTOMER]
    reply_clock(Metric.FIRST_REPLY, customer_dates[0] if customer_dates else created_at)

    if any(a is Author.AGENT for _, a in ordered):
        # The latest cycle starts at the first customer message that follows an agent reply.
        cycle_start = None
        for (_, before), (date, author) in zip(ordered, ordered[1:]):
            if author is Author.CUSTOMER and before is Author.AGENT:
                cycle_start = date
        if cycle_start is not None:
            reply_clock(Metric.NEXT_REPLY, cycle_start)

    target = policy.target(priority, Metric.RESOLUTION)
    if target is not None:
        # Solved time never counts, so a solved ticket's clock simply ends now.
        end = None if timeline.status_at(now).is_unsolved else now
        clocks.append(_clock(Metric.RESOLUTION, target, timeline, created_at, end, now, policy.warning))
    return clocks


def next_deadline(clocks: Sequence[Clock]) -> datetime | None:
    """The nearest deadline among running clocks: what the queue sorts and warns on."""
    dues = [c.due_at for c in clocks if c.running and c.due_at is not None]
    return min(dues) if dues else None


def most_urgent(clocks: Sequence[Clock]) -> Clock | None:
    running = [c for c in clocks if c.running and c.due_at is not None]
    return min(running, key=lambda c: c.due_at) if running else None  # type: ignore[arg-type,return-value]


def format_remaining(seconds: int) -> str:
    """Compact countdown for a table cell: ``2h 10m``, ``45m``, ``-1d 3h`` when overdue."""
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{sign}{days}d {hours}h"
    if hours:
        return f"{sign}{hours}h {minutes:02d}m"
    if minutes:
        return f"{sign}{minutes}m"
    return f"{sign}{seconds}s"
