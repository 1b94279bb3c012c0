"""How a ticket's status follows its conversation, the way help desks do it. Written once, here.

- The customer writing again reopens a waiting (pending, on hold) or solved ticket.
- An agent's first reply opens a new ticket.
- A closed ticket is never reopened: a customer's reply starts a follow-up ticket (the ingest rules).
- Only a message newer than the ticket's last status change moves it: a replayed history gives the
  statuses that living it gave.
- Pending and on hold pause the SLA clocks; solved and closed end them (``domain.sla``).
"""

from __future__ import annotations

from datetime import datetime

from agent_tui.domain.models import Author, Status

REOPENED_BY_CUSTOMER = frozenset({Status.PENDING, Status.ON_HOLD, Status.SOLVED})


def status_after_message(author: Author, status: Status) -> Status | None:
    """The status a ticket moves to when a message by ``author`` joins it; None to stay."""
    if author is Author.CUSTOMER and status in REOPENED_BY_CUSTOMER:
        return Status.OPEN
    if author is Author.AGENT and status is Status.NEW:
        return Status.OPEN
    return None


def moves_status(at: datetime, last_change: datetime | None) -> bool:
    """Whether a message written ``at`` may move the status: only news, never history older than the last change."""
    return last_change is None or at >= last_change
