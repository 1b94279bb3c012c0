"""Generate a store of N realistic tickets (English and Chinese) for benchmarks; cached between runs.

Usage: python benchmarks/generate.py [N]   (prints the store's path)
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from agent_tui.domain.models import (
    Address,
    Agent,
    Author,
    Customer,
    Message,
    Priority,
    Status,
    StatusChange,
)
from agent_tui.domain.sla import most_urgent, ticket_clocks
from agent_tui.store import Store

CACHE = Path(__file__).resolve().parent / ".cache"
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)

_SUBJECTS = [
    "Where is my order PP-{n}?",
    "Parcel arrived damaged ({n})",
    "Refund for PP-{n}",
    "Wrong size sent, need M not L",
    "Charged twice for order PP-{n}",
    "Can't log in to my account",
    "Invoice request for PP-{n}",
    "订单PP-{n}还没收到",
    "包裹破损了",
    "申请退款 PP-{n}",
    "尺码不对，想换货",
    "被扣了两次钱",
    "无法登录账户",
]
_FIRST = [
    "Alice",
    "Ben",
    "Chloe",
    "Dev",
    "Emma",
    "Finn",
    "Grace",
    "Harry",
    "Isla",
    "Jack",
    "王",
    "李",
    "张",
    "刘",
    "陈",
]
_LAST = ["Smith", "Jones", "Patel", "Brown", "Taylor", "Wilson", "芳", "伟", "敏", "静", "磊"]
_AGENTS = [Agent("Dana Li", "dana@shop.example"), Agent("Sam Okafor", "sam@shop.example"), None, None]
_TAGS = ["shipping", "refund", "billing", "exchange", "account", "damaged", "vip", "returns"]
_STATUSES = [Status.NEW, Status.OPEN, Status.OPEN, Status.PENDING, Status.SOLVED, Status.SOLVED, Status.CLOSED]


def generate(count: int) -> Path:
    path = CACHE / f"store-{count}.sqlite3"
    if path.exists():
        return path
    CACHE.mkdir(exist_ok=True)
    partial = path.with_suffix(".partial")
    for leftover in CACHE.glob(partial.name + "*"):
        leftover.unlink()
    rng = random.Random(count)
    store = Store.open(partial)
    started = time.perf_counter()
    for batch in range(0, count, 5000):  # one transaction per batch: one huge one makes the WAL slow
        with store.transaction():
            for index in range(batch, min(batch + 5000, count)):
                _add_ticket(store, rng, index, count)
    store.close()
    partial.rename(path)
    print(f"generated {count:,} tickets in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return path


def _add_ticket(store: Store, rng: random.Random, index: int, count: int) -> None:
    n = 10000 + index
    name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    email = f"customer{rng.randrange(count // 3 + 1)}@example.com"
    opened = NOW - timedelta(minutes=rng.randrange(60 * 24 * 60))
    status = rng.choice(_STATUSES)
    priority = Priority(rng.choices([0, 1, 2, 3], [2, 6, 2, 1])[0])
    subject = rng.choice(_SUBJECTS).format(n=n)
    ticket_id = store.create_ticket(
        subject=subject,
        customer=Customer(email, name),
        created_at=opened,
        priority=priority,
        assignee=rng.choice(_AGENTS),
        tags=rng.sample(_TAGS, rng.randrange(3)),
    )
    text = f"Hello, about {subject}. " * rng.randrange(2, 12)
    messages = [(Author.CUSTOMER, opened)]
    store.add_message(ticket_id, Message(Author.CUSTOMER, Address(email, name), opened, text, subject=subject))
    changes = []
    if status is not Status.NEW:
        reply_at = opened + timedelta(minutes=rng.randrange(5, 600))
        store.add_message(
            ticket_id,
            Message(
                Author.AGENT,
                Address("support@shop.example", "Dana Li"),
                reply_at,
                "Thanks, on it.",
                subject="Re: " + subject,
            ),
        )
        messages.append((Author.AGENT, reply_at))
        store.set_status(ticket_id, status, reply_at, None)
        changes.append(StatusChange(reply_at, status))
    clock = most_urgent(
        ticket_clocks(created_at=opened, priority=priority, messages=messages, status_changes=changes, now=NOW)
    )
    store.set_sla(ticket_id, clock.due_at if clock else None, clock.metric.value if clock else None)


if __name__ == "__main__":
    print(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
