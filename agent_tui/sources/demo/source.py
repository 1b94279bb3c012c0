"""The built-in demo account: a shared inbox of a small shop, usable with no account and no network.

The conversations are scripted in ``scenarios.json`` with times relative to "now". The inbox is
written once, when the demo store is first opened; after that it behaves like any account (changes
persist). When it is opened again on a later day, every timestamp moves forward by the time that
passed, so its SLA states stay as meaningful as on the first day.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from agent_tui.domain.models import (
    Address,
    Agent,
    Author,
    Customer,
    Message,
    Priority,
    Status,
)
from agent_tui.domain.presence import Activity, Presence
from agent_tui.domain.queue import QueueQuery, SortKey, View
from agent_tui.sources.base import Source
from agent_tui.store import Store, from_epoch, to_epoch

SUPPORT = Address("support@pineandpebble.example", "Pine & Pebble Support")
POLICY_FILE = Path(__file__).with_name("sla.toml")
_ANCHOR_KEY = "demo.anchor"
# How old the demo's clock may get before it is moved forward on opening.
STALE_AFTER = timedelta(hours=6)


@cache
def demo_data() -> dict[str, Any]:
    """The script: ``agents``, ``customers`` and ``scenarios`` (read once, when the demo is first needed)."""
    return json.loads(Path(__file__).with_name("scenarios.json").read_text(encoding="utf-8"))


class DemoSource(Source):
    kind = "demo"
    address = SUPPORT.email  # the demo shop's shared inbox

    def __init__(self) -> None:
        self._store: Store | None = None
        self._now: datetime | None = None

    def presence_channel(self, me: Agent, lease: timedelta) -> DemoPresence | None:
        """Two teammates busy on the two newest unassigned tickets, so presence shows in the demo."""
        if self._store is None or self._now is None:
            return None
        # The two newest unassigned tickets: by id, not by SLA, which moves while a new policy is applied.
        query = QueueQuery(view=View.UNASSIGNED, sort=SortKey.ID)
        ids = self._store.queue_ids(query, me, self._now)[-2:][::-1]
        now = datetime.now(UTC)  # presence is about the real moment, even under a frozen --now
        team = [Agent(a["name"], a["email"]) for a in demo_data()["agents"][:2]]
        entries = [
            Presence(agent, ticket_id, activity, now - timedelta(seconds=seconds), f"demo-{n}", now, lease)
            for n, (agent, ticket_id, activity, seconds) in enumerate(
                zip(team, ids, (Activity.REPLYING, Activity.VIEWING), (40, 130), strict=False))  # fewer tickets, fewer
        ]
        return DemoPresence(entries)

    def prepare(self, store: Store, now: datetime, me: Agent) -> list[int]:
        self._store, self._now = store, now
        anchor = store.get_meta(_ANCHOR_KEY)
        if anchor is None:
            with store.transaction():
                ids = seed(store, now, me)
                store.set_meta(_ANCHOR_KEY, str(to_epoch(now)))
            return ids
        behind = now - from_epoch(int(anchor))
        if behind > STALE_AFTER:
            with store.transaction():
                store.shift_times(int(behind.total_seconds()))
                store.set_meta(_ANCHOR_KEY, str(to_epoch(now)))
            # A business-hours deadline does not move with the calendar: recompute every unsolved one.
            return store.queue_ids(QueueQuery(view=View.OPEN, sort=SortKey.ID), me, now)
        return []


def seed(store: Store, now: datetime, me: Agent) -> list[int]:
    """Write every scripted ticket; returns their ids."""
    data = demo_data()
    agents = {a["email"]: Agent(a["name"], a["email"]) for a in data["agents"]}
    customers = {c["email"]: Customer(c["email"], c["name"], dict(c["extra"])) for c in data["customers"]}
    ordered = sorted(data["scenarios"], key=lambda s: -s["opened_minutes_ago"])  # ids grow with age, as in life
    ids = []
    for scenario in ordered:
        ids.append(_write_ticket(store, scenario, now, me, agents, customers))
    return ids


def _write_ticket(
    store: Store,
    scenario: dict,
    now: datetime,
    me: Agent,
    agents: dict[str, Agent],
    customers: dict[str, Customer],
) -> int:
    opened = now - timedelta(minutes=scenario["opened_minutes_ago"])
    customer = customers[scenario["customer"]]
    assignee = scenario.get("assignee")
    ticket_id = store.create_ticket(
        subject=scenario["subject"],
        customer=customer,
        created_at=opened,
        priority=Priority.parse(scenario["priority"]),
        assignee=me if assignee == "@me" else agents.get(assignee) if assignee else None,
        tags=scenario["tags"],
    )
    previous_id: str | None = None
    references: list[str] = []
    for number, spec in enumerate(scenario["messages"]):
        author = Author(spec["author"])
        date = opened + timedelta(minutes=spec["after"])
        if author is Author.CUSTOMER:
            sender, to, subject = Address(customer.email, customer.name), (SUPPORT,), scenario["subject"]
        else:
            agent = agents[spec["agent"]]
            sender = Address(agent.email or SUPPORT.email, agent.name)
            to, subject = (Address(customer.email, customer.name),), "Re: " + scenario["subject"]
        message_id = f"<demo-{ticket_id}-{number}@pineandpebble.example>"
        store.add_message(
            ticket_id,
            Message(
                author=author,
                sender=sender,
                to=to,
                date=date,
                subject=subject,
                text=spec["text"],
                message_id=message_id,
                in_reply_to=previous_id,
                references=tuple(references),
            ),
        )
        if author is not Author.NOTE:
            previous_id = message_id
            references.append(message_id)
    for change in _status_changes(scenario, opened):
        store.set_status(ticket_id, change[1], change[0], None)
    return ticket_id


def _status_changes(scenario: dict, opened: datetime) -> list[tuple[datetime, Status]]:
    """The scripted status log, completed so that it always ends at the ticket's final status."""
    final = Status.parse(scenario["status"])
    changes = [
        (opened + timedelta(minutes=c["after"]), Status.parse(c["status"])) for c in scenario.get("status_changes", [])
    ]
    if final is not Status.NEW and (not changes or changes[-1][1] is not final):
        replies = [m["after"] for m in scenario["messages"] if m["author"] == "agent"]
        last = max([m["after"] for m in scenario["messages"]] + [c["after"] for c in scenario.get("status_changes", [])])
        minutes = replies[0] if final is Status.OPEN and replies and not changes else last + 1
        changes.append((opened + timedelta(minutes=min(minutes, scenario["opened_minutes_ago"])), final))
    return changes


class DemoPresence:
    """The demo team's presence: fixed, and nobody hears the demo agent."""

    client_id = "demo-you"

    def __init__(self, entries: list[Presence]) -> None:
        self.entries = entries
        self.names: dict[str, str] = {}

    def announce(self, ticket_id: int | None, activity: Activity | None) -> None:
        pass  # a demo has no team to tell

    def run(self, stop: threading.Event, on_update: Callable[[list[Presence]], None]) -> None:
        on_update(self.entries)  # and done: nothing changes

    def read_once(self) -> list[Presence]:
        return self.entries
