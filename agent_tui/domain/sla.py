"""SLA clocks computed from a ticket's messages and status log. Pure: the current time is passed in.

Semantics (as Zendesk defines them):
- first reply runs from the first customer message to the first public agent reply;
- next reply runs from the first customer message after the latest agent reply to the next agent reply;
- resolution runs from creation until the ticket is solved; reopening resumes it;
- every clock counts only while the ticket is new or open: pending and on-hold pause it, and solving a
  ticket fulfils the reply clocks that are still running.

A target counts calendar time or business time (:class:`BusinessHours`: periods per weekday in the
policy's time zone, holidays); a business clock's remaining time is in business seconds.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from itertools import pairwise

from agent_tui.domain.business_hours import BusinessHours
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
    hours: BusinessHours | None = None  # required when any target counts business time
    tag_targets: dict[str, dict[Metric, Target]] | None = None  # a tag's targets win over its priority's

    def target(self, priority: Priority, metric: Metric, tags: tuple[str, ...] = ()) -> Target | None:
        """The target for a ticket: the strictest of its tags' targets, else its priority's, else normal's
        (a priority with no target for this clock uses normal's)."""
        by_tag = [t[metric] for tag in tags if (t := (self.tag_targets or {}).get(tag)) and metric in t]
        if by_tag:
            return min(by_tag, key=lambda target: target.seconds)
        own = self.targets.get(priority, {})
        return own[metric] if metric in own else self.targets.get(Priority.NORMAL, {}).get(metric)

    def fingerprint(self) -> str:
        """Equal for equal policies, across runs (sets are sorted: their order changes with each process)."""
        hours = self.hours
        parts = [
            sorted((p.value, m.value, t.seconds, t.business) for p, by in self.targets.items() for m, t in by.items()),
            sorted(
                (tag, m.value, t.seconds, t.business)
                for tag, by in (self.tag_targets or {}).items()
                for m, t in by.items()
            ),
            self.warning,
            (str(hours.tz), hours.periods, sorted(hours.holidays)) if hours else None,
        ]
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]

    def hours_for(self, target: Target) -> BusinessHours | None:
        return self.hours if target.business else None


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
    ended: bool = False  # met, or stopped after its target (a breach on record), or the ticket was solved

    @property
    def running(self) -> bool:
        return not self.ended and self.state in (ClockState.OK, ClockState.WARNING, ClockState.BREACHED)

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

    def solved_between(self, start: datetime, end: datetime) -> bool:
        return any(start <= at <= end and not status.is_unsolved for at, status in self.points)

    def continuing_after(self, end: datetime) -> _Timeline:
        """This timeline up to ``end``, counting from then on: where an ended clock's deadline lay."""
        copy = _Timeline.__new__(_Timeline)
        copy.points = [point for point in self.points if point[0] <= end] + [(end, Status.OPEN)]
        return copy

    def last_solved_at(self, moment: datetime) -> datetime | None:
        """When the ticket last became solved (or closed) at or before ``moment``."""
        solved_at = None
        for (at, status), previous in zip(self.points, [None, *self.points], strict=False):
            if at > moment:
                break
            if not status.is_unsolved and (previous is None or previous[1].is_unsolved):
                solved_at = at
        return solved_at

    def solve_ending(self, start: datetime, customer_dates: Sequence[datetime]) -> datetime | None:
        """The solve that fulfils a reply clock started at ``start``: the first one the ticket stayed in until
        the customer next wrote (their message starts a new cycle) or until now. A solve an agent took back by
        reopening, with no word from the customer since, ends nothing: the question is still unanswered."""
        for index, (at, status) in enumerate(self.points):
            if at < start or status.is_unsolved or (index and not self.points[index - 1][1].is_unsolved):
                continue
            reopened = next((moment for moment, later in self.points[index + 1 :] if later.is_unsolved), None)
            wrote = next((moment for moment in customer_dates if moment >= at), None)
            if reopened is None or (wrote is not None and wrote <= reopened):
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

    def counted_seconds(self, start: datetime, end: datetime, hours: BusinessHours | None) -> float:
        """Time the clock ran in [start, end): only while counting, and only in business hours if given."""
        total = 0.0
        for seg_start, seg_end, counting in self._segments(start):
            if seg_start >= end:
                break
            if counting:
                stop = min(seg_end, end) if seg_end else end
                total += hours.seconds_between(seg_start, stop) if hours else (stop - seg_start).total_seconds()
        return total

    def deadline(self, start: datetime, target_seconds: float, hours: BusinessHours | None) -> datetime | None:
        """When ``target_seconds`` of counted time will have passed, or None if the clock stays paused."""
        left = target_seconds
        for seg_start, seg_end, counting in self._segments(start):
            if not counting:
                continue
            if seg_end is None:
                return hours.add(seg_start, left) if hours else seg_start + timedelta(seconds=left)
            length = hours.seconds_between(seg_start, seg_end) if hours else (seg_end - seg_start).total_seconds()
            if length >= left:
                return hours.add(seg_start, left) if hours else seg_start + timedelta(seconds=left)
            left -= length
        return None


def _clock(
    metric: Metric,
    target: Target,
    timeline: _Timeline,
    start: datetime,
    end: datetime | None,
    now: datetime,
    policy: Policy,
) -> Clock:
    hours = policy.hours_for(target)
    ended = end if end is not None and end <= now else None  # when it ended; None while it runs
    counting = timeline.continuing_after(ended) if ended is not None else timeline
    due_at = counting.deadline(start, target.seconds, hours)
    if ended is not None:
        elapsed = timeline.counted_seconds(start, ended, hours)
        state = ClockState.MET if elapsed <= target.seconds else ClockState.BREACHED
        return Clock(metric, state, due_at, int(target.seconds - elapsed), target.business, target.seconds, ended=True)
    if not timeline.status_at(now).is_unsolved:  # e.g. a message filed into a closed ticket: nothing runs
        elapsed = timeline.counted_seconds(start, now, hours)
        state = ClockState.MET if elapsed <= target.seconds else ClockState.BREACHED
        return Clock(metric, state, due_at, int(target.seconds - elapsed), target.business, target.seconds, ended=True)
    remaining = int(target.seconds - timeline.counted_seconds(start, now, hours))
    if timeline.status_at(now).pauses_sla:
        return Clock(metric, ClockState.PAUSED, None, remaining, target.business, target.seconds)
    return Clock(metric, running_state(remaining, target, policy), due_at, remaining, target.business, target.seconds)


def running_state(remaining: int, target: Target, policy: Policy) -> ClockState:
    if remaining < 0:
        return ClockState.BREACHED
    if remaining < policy.warning * target.seconds:
        return ClockState.WARNING
    return ClockState.OK


def remaining_until(due_at: datetime, now: datetime, target: Target, policy: Policy) -> int:
    """A running clock's remaining time in its own terms, from its deadline (what the queue shows).

    While a clock runs, its remaining time is the counted time between now and the deadline, so the
    queue needs no event log: only the stored deadline and the policy.
    """
    hours = policy.hours_for(target)
    if hours is None:
        return int((due_at - now).total_seconds())
    if now <= due_at:
        return int(hours.seconds_between(now, due_at))
    return -int(hours.seconds_between(due_at, now))


def ticket_clocks(
    *,
    created_at: datetime,
    priority: Priority,
    messages: Sequence[tuple[Author, datetime]],
    status_changes: Sequence[StatusChange],
    now: datetime,
    policy: Policy = DEFAULT_POLICY,
    tags: tuple[str, ...] = (),
) -> list[Clock]:
    """Every SLA clock of one ticket as of ``now``: first reply, the latest next reply, resolution."""
    timeline, spans, now = _spans(created_at, priority, messages, status_changes, now, policy, tags, every_cycle=False)
    return [_clock(s.metric, s.target, timeline, s.start, s.end, now, policy) for s in spans]


@dataclass(frozen=True, slots=True)
class ClockRecord:
    """One clock of a ticket's history, for reports: every next-reply cycle, not only the latest."""

    metric: Metric
    start: datetime
    ended_at: datetime | None  # when it was met or stopped; None while it runs
    due_at: datetime | None
    breached: bool  # its target was exceeded (it stays so when the reply comes later)


def clock_history(
    *,
    created_at: datetime,
    priority: Priority,
    messages: Sequence[tuple[Author, datetime]],
    status_changes: Sequence[StatusChange],
    now: datetime,
    policy: Policy = DEFAULT_POLICY,
    tags: tuple[str, ...] = (),
) -> list[ClockRecord]:
    timeline, spans, now = _spans(created_at, priority, messages, status_changes, now, policy, tags, every_cycle=True)
    records = []
    for span in spans:
        clock = _clock(span.metric, span.target, timeline, span.start, span.end, now, policy)
        due_at = clock.due_at or timeline.deadline(span.start, span.target.seconds, policy.hours_for(span.target))
        ended = span.ended_at if span.ended_at is not None and span.ended_at <= now else None
        records.append(ClockRecord(span.metric, span.start, ended, due_at, clock.remaining_seconds < 0))
    return records


@dataclass(frozen=True, slots=True)
class _Span:
    metric: Metric
    target: Target
    start: datetime
    end: datetime | None  # up to when time is counted (None: still running)
    ended_at: datetime | None  # the moment it ended, for reports


def _spans(
    created_at: datetime,
    priority: Priority,
    messages: Sequence[tuple[Author, datetime]],
    status_changes: Sequence[StatusChange],
    now: datetime,
    policy: Policy,
    tags: tuple[str, ...],
    every_cycle: bool,
) -> tuple[_Timeline, list[_Span], datetime]:
    # All arithmetic in UTC: Python ignores offsets when subtracting or adding to datetimes of one zone,
    # which would put a deadline an hour out across a daylight-saving change.
    created_at, now = created_at.astimezone(UTC), now.astimezone(UTC)
    timeline = _Timeline(created_at, [StatusChange(c.at.astimezone(UTC), c.status) for c in status_changes])
    ordered = sorted(
        (date.astimezone(UTC), author) for author, date in messages if author not in (Author.NOTE, Author.FORWARD)
    )
    spans: list[_Span] = []

    def reply_span(metric: Metric, start: datetime) -> None:
        target = policy.target(priority, metric, tags)
        if target is None:
            return
        reply = next((d for d, a in ordered if a is Author.AGENT and d >= start), None)
        solved = timeline.solve_ending(start, customer_dates)
        ends = [t for t in (reply, solved) if t is not None]
        end = min(ends) if ends else None
        spans.append(_Span(metric, target, start, end, end))

    customer_dates = [d for d, a in ordered if a is Author.CUSTOMER]
    reply_span(Metric.FIRST_REPLY, customer_dates[0] if customer_dates else created_at)
    # A next-reply cycle starts at the first customer message that follows an agent reply, or a solve.
    cycles = [
        date
        for (before_date, before), (date, author) in pairwise(ordered)
        if author is Author.CUSTOMER and (before is Author.AGENT or timeline.solved_between(before_date, date))
    ]
    for start in cycles if every_cycle else cycles[-1:]:
        reply_span(Metric.NEXT_REPLY, start)

    target = policy.target(priority, Metric.RESOLUTION, tags)
    if target is not None:
        if timeline.status_at(now).is_unsolved:
            spans.append(_Span(Metric.RESOLUTION, target, created_at, None, None))
        else:  # solved time never counts, so a solved ticket's clock simply ends now
            spans.append(_Span(Metric.RESOLUTION, target, created_at, now, timeline.last_solved_at(now)))
    return timeline, spans, now


def most_urgent(clocks: Sequence[Clock]) -> Clock | None:
    running = [c for c in clocks if c.running and c.due_at is not None]
    return min(running, key=lambda c: c.due_at) if running else None  # type: ignore[arg-type,return-value]


def describe_clock(clock: Clock, tz: tzinfo) -> str:
    """What a clock means in words: ``2h 10m business · due Tue 10:00``, ``paused · 3h 20m left``."""
    terms = " business" if clock.business else ""
    if clock.state is ClockState.PAUSED:
        return f"paused · {format_remaining(clock.remaining_seconds)}{terms} left"
    if clock.state is ClockState.MET:
        return f"met · {format_remaining(clock.remaining_seconds)}{terms} to spare"
    if not clock.running:  # ended after its target: the breach stays on record
        return f"breached · {format_remaining(-clock.remaining_seconds)}{terms} late"
    due = ""
    if clock.due_at:
        local = clock.due_at.astimezone(tz)
        far = abs(clock.remaining_seconds) > 300 * 86400  # another year, likely: say which
        due = f" · due {local:%a %d %b %Y %H:%M}" if far else f" · due {local:%a %d %b %H:%M}"
    if clock.state is ClockState.BREACHED:
        return f"{format_remaining(-clock.remaining_seconds)}{terms} overdue{due}"
    return f"{format_remaining(clock.remaining_seconds)}{terms}{due}"


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
