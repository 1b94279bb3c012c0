"""What reports and the SLA clocks read: the facts of every ticket in a period, message authors and dates
with the status log, and a customer's history. Bodies are never read here.

A mixin of ``Store`` (see ``base``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from agent_tui.domain.metrics import TicketFacts
from agent_tui.domain.models import Agent, Author, Priority, Status, StatusChange
from agent_tui.domain.queue import QueueRow
from agent_tui.store.base import StoreBase, from_epoch, to_epoch
from agent_tui.store.queue import _QUEUE_COLUMNS, _row_to_queue


class MetricsMixin(StoreBase):
    """Report facts, SLA inputs and customer history."""

    def sla_inputs(self, ticket_id: int) -> tuple[list[tuple[Author, datetime]], list[StatusChange]]:
        """What the SLA clocks read: message authors and dates, and the status log."""
        return self.sla_inputs_many([ticket_id])[ticket_id]

    def sla_inputs_many(
        self, ids: Sequence[int]
    ) -> dict[int, tuple[list[tuple[Author, datetime]], list[StatusChange]]]:
        inputs: dict[int, tuple[list[tuple[Author, datetime]], list[StatusChange]]] = {i: ([], []) for i in ids}
        if not ids:
            return inputs
        marks = ",".join("?" * len(ids))
        for ticket_id, author, date in self._read(
            f"SELECT ticket_id, author, date FROM messages WHERE ticket_id IN ({marks})", list(ids)
        ):
            inputs[ticket_id][0].append((Author(author), from_epoch(date)))
        for ticket_id, at, value in self._read(
            f"SELECT ticket_id, at, value FROM events WHERE ticket_id IN ({marks}) AND kind = 'status' ORDER BY at, id",
            list(ids),
        ):
            inputs[ticket_id][1].append(StatusChange(from_epoch(at), Status(value)))
        return inputs

    def metric_facts(self, since: datetime, until: datetime) -> list[TicketFacts]:
        """What reports read of every ticket that can matter to [since, until): those created before its
        end and either active since its start or still unsolved. Bodies are never read."""
        tickets = self._read(
            "SELECT id, created_at, priority, tags, assignee_name FROM tickets"
            " WHERE created_at < ? AND (updated_at >= ? OR unsolved = 1) ORDER BY id",
            (to_epoch(until), to_epoch(since)),
        )
        facts: list[TicketFacts] = []
        for start in range(0, len(tickets), 500):
            batch = tickets[start : start + 500]
            ids = [row[0] for row in batch]
            marks = ",".join("?" * len(ids))
            messages: dict[int, list] = {i: [] for i in ids}
            for ticket_id, author, date, name, email in self._read(
                f"SELECT ticket_id, author, date, from_name, from_email FROM messages WHERE ticket_id IN ({marks})"
                " ORDER BY date, id",
                ids,
            ):
                messages[ticket_id].append((Author(author), from_epoch(date), name or email))
            statuses: dict[int, list] = {i: [] for i in ids}
            assignments: dict[int, list] = {i: [] for i in ids}
            ratings: dict[int, list] = {i: [] for i in ids}
            for ticket_id, at, kind, value in self._read(
                f"SELECT ticket_id, at, kind, value FROM events WHERE ticket_id IN ({marks})"
                " AND kind IN ('status', 'assignee', 'csat') ORDER BY at, id",
                ids,
            ):
                if kind == "status":
                    statuses[ticket_id].append(StatusChange(from_epoch(at), Status(value)))
                elif kind == "csat":
                    if value and value.isdigit():
                        ratings[ticket_id].append((from_epoch(at), int(value)))
                else:
                    assignments[ticket_id].append((from_epoch(at), Agent.parse(value).name if value else None))
            facts.extend(
                TicketFacts(
                    id=ticket_id,
                    created_at=from_epoch(created),
                    priority=Priority(priority),
                    tags=tuple(tags.split()),
                    assignee=assignee,
                    messages=tuple(messages[ticket_id]),
                    status_changes=tuple(statuses[ticket_id]),
                    assignments=tuple(assignments[ticket_id]),
                    ratings=tuple(ratings[ticket_id]),
                )
                for ticket_id, created, priority, tags, assignee in batch
            )
        return facts

    def customer_tickets(self, email: str) -> list[QueueRow]:
        """Every ticket of one customer, newest first."""
        rows = self._read(
            f"SELECT {_QUEUE_COLUMNS} FROM tickets t JOIN customers c ON c.id = t.customer_id"
            " WHERE c.email = ? ORDER BY t.created_at DESC",
            (email,),
        )
        return [_row_to_queue(r) for r in rows]
