"""Queue-health metrics over a period, computed from tickets' messages and event logs. Pure.

Every figure is defined here once (and in the README); the dashboard and ``agent-tui report`` show
the same numbers. Periods are half-open: ``since <= moment < until``.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

from agent_tui.domain.csat import csat_score
from agent_tui.domain.models import Author, Priority, Status, StatusChange
from agent_tui.domain.sla import Metric, Policy, clock_history

AGE_BUCKETS = (("<1d", 1), ("1-3d", 3), ("3-7d", 7), (">7d", math.inf))


@dataclass(frozen=True, slots=True)
class TicketFacts:
    """What the metrics read of one ticket."""

    id: int
    created_at: datetime
    priority: Priority
    tags: tuple[str, ...]
    assignee: str | None  # the current assignee's name
    messages: tuple[tuple[Author, datetime, str], ...]  # (author, date, sender name), in date order
    status_changes: tuple[StatusChange, ...]
    assignments: tuple[tuple[datetime, str | None], ...] = ()  # (when, assignee name or None)
    ratings: tuple[tuple[datetime, int], ...] = ()  # (when, 1-5): the customer's answers to a CSAT survey


@dataclass(slots=True)
class Report:
    since: datetime
    until: datetime
    tickets_created: int = 0
    tickets_solved: int = 0
    first_response: list[float] = field(default_factory=list)  # seconds, calendar
    first_response_business: list[float] | None = None  # seconds in business hours, when the policy has them
    solved_replies: list[int] = field(default_factory=list)  # public agent replies of each ticket solved
    sla: dict[str, dict[str, int]] = field(default_factory=dict)
    backlog_ages: list[float] = field(default_factory=list)  # days, of tickets unsolved at the end
    by_tag: Counter = field(default_factory=Counter)
    by_day: dict[str, int] = field(default_factory=dict)
    by_agent: dict[str, dict[str, int]] = field(default_factory=dict)
    ratings: list[int] = field(default_factory=list)  # CSAT: each ticket's latest rating given in the period

    def to_json(self) -> dict[str, object]:
        business = self.first_response_business
        return {
            "period": {"since": self.since.isoformat(), "until": self.until.isoformat()},
            "tickets_created": self.tickets_created,
            "tickets_solved": self.tickets_solved,
            "first_response": {
                "count": len(self.first_response),
                "median_seconds": _round(statistics.median(self.first_response)) if self.first_response else None,
                "p90_seconds": _round(percentile(self.first_response, 90)) if self.first_response else None,
                "business_median_seconds": _round(statistics.median(business)) if business else None,
            },
            "first_contact_resolution_rate": _ratio(
                sum(1 for r in self.solved_replies if r == 1), len(self.solved_replies)
            ),
            "replies_per_resolution": _ratio(sum(self.solved_replies), len(self.solved_replies)),
            "sla": {
                metric: {**counts, "attainment": _ratio(counts["met"], counts["met"] + counts["breached"])}
                for metric, counts in self.sla.items()
            },
            "backlog": {
                "open": len(self.backlog_ages),
                "age_buckets": {
                    name: sum(1 for age in self.backlog_ages if _bucket(age) == name) for name, _ in AGE_BUCKETS
                },
            },
            "by_tag": dict(sorted(self.by_tag.items(), key=lambda item: (-item[1], item[0]))),
            "by_agent": dict(sorted(self.by_agent.items())),
            "volume_by_day": self.by_day,
            "csat": {"responses": len(self.ratings), "score": csat_score(self.ratings)},
        }


def _round(value: float) -> int:
    return int(round(value))


def _ratio(part: float, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _bucket(age_days: float) -> str:
    return next(name for name, limit in AGE_BUCKETS if age_days < limit)


def percentile(values: Sequence[float], rank: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``rank``% of values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(rank / 100 * len(ordered)) - 1)]


def compute(facts: Sequence[TicketFacts], since: datetime, until: datetime, policy: Policy, tz: tzinfo = UTC) -> Report:
    """The report for [since, until); days are counted in ``tz`` (the SLA policy's zone)."""
    report = Report(since=since, until=until, first_response_business=[] if policy.hours else None)
    report.sla = {metric.value: {"met": 0, "breached": 0} for metric in Metric}
    day = since.astimezone(tz).date()
    while datetime.combine(day, datetime.min.time(), tz) < until:
        report.by_day[day.isoformat()] = 0
        day += timedelta(days=1)
    agents: dict[str, dict[str, int]] = defaultdict(lambda: {"assigned": 0, "replied": 0, "solved": 0})

    def within(moment: datetime | None) -> bool:
        return moment is not None and since <= moment < until

    for ticket in facts:
        if within(ticket.created_at):
            report.tickets_created += 1
            report.by_tag.update(ticket.tags)
            local_day = ticket.created_at.astimezone(tz).date().isoformat()
            if local_day in report.by_day:
                report.by_day[local_day] += 1
        customer = [d for a, d, _ in ticket.messages if a is Author.CUSTOMER]
        replies = [(d, who) for a, d, who in ticket.messages if a is Author.AGENT]
        # First response: first customer message to first public agent reply, counted when the reply is in the period.
        start = customer[0] if customer else ticket.created_at
        first_reply = next((d for d, _ in replies if d >= start), None)
        if first_reply is not None and within(first_reply):
            report.first_response.append((first_reply - start).total_seconds())
            if policy.hours is not None and report.first_response_business is not None:
                report.first_response_business.append(policy.hours.seconds_between(start, first_reply))
        for date, who in replies:
            if within(date):
                agents[who or "unknown"]["replied"] += 1
        # Solved in the period: the last move to solved within it that held (see _held); replies counted up to then.
        solves = [at for at in _solves(ticket.status_changes) if within(at) and _held(ticket, at, customer, until)]
        if solves:
            report.tickets_solved += 1
            report.solved_replies.append(sum(1 for d, _ in replies if d <= solves[-1]))
            if ticket.assignee:
                agents[ticket.assignee]["solved"] += 1
        for at, name in ticket.assignments:
            if within(at) and name:
                agents[name]["assigned"] += 1
        # SLA attainment: each clock that ended in the period, or breached in it.
        for record in clock_history(
            created_at=ticket.created_at,
            priority=ticket.priority,
            messages=[(a, d) for a, d, _ in ticket.messages],
            status_changes=ticket.status_changes,
            now=until,
            policy=policy,
            tags=ticket.tags,
        ):
            breached_at = record.due_at if record.breached else None
            if within(record.ended_at) or within(breached_at):
                report.sla[record.metric.value]["breached" if record.breached else "met"] += 1
        # CSAT: the latest rating the customer gave in the period (a changed mind counts once).
        rated = [rating for at, rating in ticket.ratings if within(at)]
        if rated:
            report.ratings.append(rated[-1])
        # Backlog: unsolved at the end of the period.
        if ticket.created_at < until and _status_at(ticket, until).is_unsolved:
            report.backlog_ages.append((until - ticket.created_at).total_seconds() / 86400)
    report.by_agent = {name: counts for name, counts in agents.items()}
    return report


def _solves(changes: Sequence[StatusChange]) -> list[datetime]:
    """Each move from unsolved to solved or closed (closing an open ticket solves it too)."""
    moments, unsolved = [], True
    for change in changes:
        if unsolved and not change.status.is_unsolved:
            moments.append(change.at)
        unsolved = change.status.is_unsolved
    return moments


def _held(ticket: TicketFacts, solved_at: datetime, customer: Sequence[datetime], until: datetime) -> bool:
    """Whether a solve resolved the ticket: it stayed solved until the customer wrote again or the period
    ended. A solve an agent took back (reopened with no word from the customer) resolved nothing."""
    reopened = next((c.at for c in ticket.status_changes if c.at > solved_at and c.status.is_unsolved), None)
    if reopened is None or reopened >= until:
        return True
    return any(solved_at <= d <= reopened for d in customer)


def _status_at(ticket: TicketFacts, moment: datetime) -> Status:
    status = Status.NEW
    for change in ticket.status_changes:
        if change.at < moment:
            status = change.status
    return status
