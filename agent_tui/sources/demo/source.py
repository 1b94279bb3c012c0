"""The built-in demo account: a shared inbox of a small shop, usable with no account and no network.

The conversations are scripted in ``scenarios.json`` with times relative to "now". The inbox is
written once, when the demo store is first opened; after that it behaves like any account (changes
persist). When it is opened again on a later day, every timestamp moves forward by the time that
passed, so its SLA states stay as meaningful as on the first day.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
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
from agent_tui.sources.base import Capabilities, KnownMessages, Source, SourceState
from agent_tui.sources.items import Change, Incoming, Item, NewItems, StatusLine, TimeShift

SUPPORT = Address("support@pineandpebble.example", "Pine & Pebble Support")
POLICY_FILE = Path(__file__).with_name("sla.toml")
_ANCHOR_KEY = "anchor"  # when the script was last placed in time (in the demo's namespace: demo.anchor)
_FIRST_ID = 1001  # the script is filed into a new store, whose ids count up from here
# How old the demo's clock may get before it is moved forward on opening.
STALE_AFTER = timedelta(hours=6)


@cache
def demo_data() -> dict[str, Any]:
    """The script: ``agents``, ``customers`` and ``scenarios`` (read once, when the demo is first needed)."""
    return json.loads(Path(__file__).with_name("scenarios.json").read_text(encoding="utf-8"))


class DemoSource(Source):
    """Opened the first time, the demo reports its script as new messages and status changes, filed by the
    same rules as any source's. On a later day it reports that time moved on (``TimeShift``)."""

    kind = "demo"
    capabilities = Capabilities(presence=True)
    address = SUPPORT.email  # the demo shop's shared inbox
    policy_file = POLICY_FILE

    def presence_channel(self, me: Agent, lease: timedelta) -> DemoPresence:
        """Two teammates busy on the two newest unassigned tickets of the script, so presence shows in the demo."""
        now = datetime.now(UTC)  # presence is about the real moment, even under a frozen --now
        team = [Agent(a["name"], a["email"]) for a in demo_data()["agents"][:2]]
        ordered = _by_age(demo_data()["scenarios"])
        unassigned = [_FIRST_ID + n for n, scenario in enumerate(ordered) if not scenario.get("assignee")]
        entries = [
            Presence(agent, ticket_id, activity, now - timedelta(seconds=seconds), f"demo-{n}", now, lease)
            for n, (agent, ticket_id, activity, seconds) in enumerate(
                zip(team, unassigned[::-1], (Activity.REPLYING, Activity.VIEWING), (40, 130), strict=False)
            )
        ]
        return DemoPresence(entries)

    def prepare(self, known: KnownMessages, state: SourceState, now: datetime, me: Agent) -> Iterator[Change]:
        anchor = state.get(_ANCHOR_KEY)
        if anchor is None:
            yield NewItems(script(now, me))
            state.set(_ANCHOR_KEY, str(int(now.timestamp())))
            return
        behind = now - datetime.fromtimestamp(int(anchor), UTC)
        if behind > STALE_AFTER:
            yield TimeShift(int(behind.total_seconds()))
            state.set(_ANCHOR_KEY, str(int(now.timestamp())))


def _by_age(scenarios: list[dict]) -> list[dict]:
    return sorted(scenarios, key=lambda s: -s["opened_minutes_ago"])  # ids grow with age, as in life


def script(now: datetime, me: Agent) -> Iterator[Item]:
    """Every scripted ticket as it happened: its messages and status changes in the order of their dates."""
    data = demo_data()
    agents = {a["email"]: Agent(a["name"], a["email"]) for a in data["agents"]}
    customers = {c["email"]: Customer(c["email"], c["name"], dict(c["extra"])) for c in data["customers"]}
    for n, scenario in enumerate(_by_age(data["scenarios"])):
        yield from _ticket(_FIRST_ID + n, scenario, now, me, agents, customers)


def _ticket(
    ticket_id: int,
    scenario: dict,
    now: datetime,
    me: Agent,
    agents: dict[str, Agent],
    customers: dict[str, Customer],
) -> Iterator[Item]:
    opened = now - timedelta(minutes=scenario["opened_minutes_ago"])
    customer = customers[scenario["customer"]]
    assignee = scenario.get("assignee")
    key = f"demo-{ticket_id}"
    events: list[tuple[datetime, int, Item]] = []
    previous_id: str | None = None
    references: list[str] = []
    for number, spec in enumerate(scenario["messages"]):
        author = Author(spec["author"])
        if author is Author.CUSTOMER:
            sender, to, subject = Address(customer.email, customer.name), (SUPPORT,), scenario["subject"]
        else:
            agent = agents[spec["agent"]]
            sender = Address(agent.email or SUPPORT.email, agent.name)
            to, subject = (Address(customer.email, customer.name),), "Re: " + scenario["subject"]
        message_id = f"<demo-{ticket_id}-{number}@pineandpebble.example>"
        message = Message(
            author=author,
            sender=sender,
            to=to,
            date=opened + timedelta(minutes=spec["after"]),
            subject=subject,
            text=spec["text"],
            message_id=message_id,
            in_reply_to=previous_id,
            references=tuple(references),
        )
        first = number == 0
        item = Incoming(
            f"demo ticket {ticket_id}",
            message,
            author_known=True,
            ticket_key=key,
            ticket_id_hint=ticket_id,
            customer_data=customer.extra,
            tags=tuple(scenario["tags"]) if first else (),
            priority=Priority.parse(scenario["priority"]) if first else None,
            assignee=(me if assignee == "@me" else agents.get(assignee)) if first and assignee else None,
        )
        events.append((message.date, 0, item))
        if author is not Author.NOTE:
            previous_id = message_id
            references.append(message_id)
    for at, status in _status_changes(scenario, opened):
        events.append((at, 1, StatusLine(f"demo ticket {ticket_id}", key, at, status)))
    for _, _, event in sorted(events, key=lambda event: (event[0], event[1])):
        yield event


def _status_changes(scenario: dict, opened: datetime) -> list[tuple[datetime, Status]]:
    """The scripted status log, completed so that it always ends at the ticket's final status."""
    final = Status.parse(scenario["status"])
    changes = [
        (opened + timedelta(minutes=c["after"]), Status.parse(c["status"])) for c in scenario.get("status_changes", [])
    ]
    if final is not Status.NEW and (not changes or changes[-1][1] is not final):
        replies = [m["after"] for m in scenario["messages"] if m["author"] == "agent"]
        last = max(
            [m["after"] for m in scenario["messages"]] + [c["after"] for c in scenario.get("status_changes", [])]
        )
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

    def become(self, me: Agent) -> None:
        pass  # nobody hears the demo agent, under any name
