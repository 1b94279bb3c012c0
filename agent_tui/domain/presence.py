"""Presence: which agent is viewing or replying to which ticket, as a lease that runs out.

A running agent-tui announces its agent's activity and renews it every few seconds; an announcement
not renewed within its lease (a crash, a lost network, a killed process) no longer counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from agent_tui.domain.models import Agent
from agent_tui.domain.text import safe_line

DEFAULT_LEASE = timedelta(seconds=45)  # renewed every lease/3: a dead client is gone within a minute


class Activity(StrEnum):
    VIEWING = "viewing"
    REPLYING = "replying"


@dataclass(frozen=True, slots=True)
class Presence:
    agent: Agent
    ticket_id: int
    activity: Activity
    since: datetime  # when the agent started this activity on this ticket
    client: str  # one running agent-tui: the same agent may have two
    renewed_at: datetime  # the shared clock's time of the last renewal (e.g. the server's INTERNALDATE)
    lease: timedelta

    def live_at(self, shared_now: datetime) -> bool:
        return shared_now - self.renewed_at <= self.lease

    def to_json(self) -> dict[str, str]:
        agent = f"{self.agent.name} <{self.agent.email}>" if self.agent.email else self.agent.name
        return {"agent": agent, "activity": self.activity.value, "since": self.since.isoformat()}


def on_ticket(entries: Iterable[Presence], ticket_id: int, *, excluding_client: str | None = None) -> list[Presence]:
    """Who is on a ticket, replying first, then the longest there."""
    found = [p for p in entries if p.ticket_id == ticket_id and p.client != excluding_client]
    return sorted(found, key=lambda p: (p.activity is not Activity.REPLYING, p.since))


def describe(presence: Presence, now: datetime) -> str:
    """``Dana Li is replying, 40 s`` (the name made safe to print)."""
    seconds = max(0, int((now - presence.since).total_seconds()))
    spent = f"{seconds} s" if seconds < 60 else f"{seconds // 60} min" if seconds < 3600 else f"{seconds // 3600} h"
    return f"{safe_line(presence.agent.name)} is {presence.activity.value}, {spent}"


def marker(entries: list[Presence]) -> str:
    """The queue's short form: ``✎ Dana`` (replying) or ``◉ Dana`` (viewing), +N for more agents. Names
    come from the mailbox, so they are made safe to print here."""
    if not entries:
        return ""
    first = entries[0]
    symbol = "✎" if first.activity is Activity.REPLYING else "◉"
    more = f" +{len(entries) - 1}" if len(entries) > 1 else ""
    name = safe_line(first.agent.name).split() or ["?"]
    return f"{symbol} {name[0]}{more}"
