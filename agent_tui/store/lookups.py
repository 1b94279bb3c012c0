"""Lookups: the small questions asked while filing mail and help-desk history (is this message stored,
which ticket does it thread into, which ticket held an external key then, is this event logged already,
whose address is an agent's), mostly one indexed read each.

A mixin of ``Store`` (see ``base``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from agent_tui.domain.models import Status, StatusChange
from agent_tui.errors import NotFoundError
from agent_tui.store.base import StoreBase, from_epoch, to_epoch


class LookupsMixin(StoreBase):
    """Threading lookups and other single reads used while filing."""

    # -- threading lookups ----------------------------------------------------------------------

    def has_message(self, message_id: str) -> bool:
        return bool(self._read("SELECT 1 FROM messages WHERE message_id = ?", (message_id,)))

    def ticket_for_message_ids(self, message_ids: Sequence[str]) -> int | None:
        """The ticket holding any of these messages (the newest match), unless it is closed."""
        if not message_ids:
            return None
        marks = ",".join("?" * len(message_ids))
        rows = self._read(
            f"SELECT m.ticket_id FROM messages m JOIN tickets t ON t.id = m.ticket_id"
            f" WHERE m.message_id IN ({marks}) AND t.status != 'closed' ORDER BY m.date DESC LIMIT 1",
            list(message_ids),
        )
        return rows[0][0] if rows else None

    def ticket_for_source_ref(self, source_ref: str) -> int | None:
        rows = self._read("SELECT ticket_id FROM messages WHERE source_ref = ?", (source_ref,))
        return rows[0][0] if rows else None

    def source_refs(self, ticket_id: int, prefix: str) -> list[str]:
        rows = self._read(
            "SELECT source_ref FROM messages WHERE ticket_id = ? AND substr(source_ref, 1, length(?)) = ?",
            (ticket_id, prefix, prefix),
        )
        return [row[0] for row in rows]

    def ticket_exists(self, ticket_id: int) -> bool:
        return bool(self._read("SELECT 1 FROM tickets WHERE id = ?", (ticket_id,)))

    def open_ticket(self, ticket_id: int) -> int | None:
        """``ticket_id`` if it exists and is not closed."""
        rows = self._read("SELECT id FROM tickets WHERE id = ? AND status != 'closed'", (ticket_id,))
        return rows[0][0] if rows else None

    def ticket_by_thread(self, customer_email: str, thread_subject: str, since: datetime) -> int | None:
        """The customer's latest ticket on this subject active since ``since``, unless closed."""
        rows = self._read(
            "SELECT t.id FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE c.email = ?"
            " AND t.thread_subject = ? AND t.updated_at >= ? AND t.status != 'closed' ORDER BY t.updated_at DESC LIMIT 1",
            (customer_email, thread_subject, to_epoch(since)),
        )
        return rows[0][0] if rows else None

    def release_external_key(self, key: str) -> None:
        """The key's closed ticket keeps it as ``KEY<US>id``, so lines dated in its time still find it."""
        with self.transaction():
            self._db.execute(
                "UPDATE tickets SET external_key = external_key || char(31) || id WHERE external_key = ?", (key,)
            )

    def ticket_for_key_at(self, key: str, moment: datetime) -> int | None:
        """The ticket that held an external key at ``moment``: the latest created by then, else the current one."""
        rows = self._read(
            "SELECT id, created_at, external_key = ? FROM tickets WHERE external_key = ?"
            " OR substr(external_key, 1, length(?) + 1) = ? || char(31) ORDER BY created_at, id",
            (key, key, key, key),
        )
        before = [row[0] for row in rows if row[1] <= to_epoch(moment)]
        if before:
            return before[-1]
        current = [row[0] for row in rows if row[2]]
        return current[0] if current else None

    def first_customer_message_after(self, ticket_id: int, moment: datetime) -> datetime | None:
        rows = self._read(
            "SELECT MIN(date) FROM messages WHERE ticket_id = ? AND author = 'customer' AND date > ?",
            (ticket_id, to_epoch(moment)),
        )
        return from_epoch(rows[0][0]) if rows and rows[0][0] is not None else None

    def ticket_by_external_key(self, key: str) -> int | None:
        rows = self._read("SELECT id FROM tickets WHERE external_key = ?", (key,))
        return rows[0][0] if rows else None

    def has_event(self, ticket_id: int, at: datetime, kind: str, value: str | None) -> bool:
        return bool(
            self._read(
                "SELECT 1 FROM events WHERE ticket_id = ? AND at = ? AND kind = ? AND value IS ?",
                (ticket_id, to_epoch(at), kind, value),
            )
        )

    def ticket_status(self, ticket_id: int) -> Status:
        rows = self._read("SELECT status FROM tickets WHERE id = ?", (ticket_id,))
        if not rows:
            raise NotFoundError(f"There is no ticket {ticket_id} in this account.")
        return Status(rows[0][0])

    def last_status_change(self, ticket_id: int) -> StatusChange | None:
        rows = self._read(
            "SELECT at, value FROM events WHERE ticket_id = ? AND kind = 'status' ORDER BY at DESC, id DESC LIMIT 1",
            (ticket_id,),
        )
        return StatusChange(from_epoch(rows[0][0]), Status(rows[0][1])) if rows else None

    def agent_name(self, email: str) -> str | None:
        """The name this store knows an agent's address by (from an assignment), if any."""
        rows = self._read("SELECT assignee_name FROM tickets WHERE assignee_email = ? COLLATE NOCASE LIMIT 1", (email,))
        return rows[0][0] if rows else None

    def agents_seen(self) -> list[tuple[str, str | None]]:
        """(name, email) of everyone who held a ticket or wrote as an agent here, most active first."""
        return [
            (name, email)
            for name, email, _ in self._read(
                "SELECT name, email, SUM(n) FROM ("
                " SELECT assignee_name AS name, assignee_email AS email, COUNT(*) AS n FROM tickets"
                " WHERE assignee_name IS NOT NULL GROUP BY 1, 2"
                " UNION ALL SELECT from_name, from_email, COUNT(*) FROM messages"
                " WHERE author = 'agent' AND from_name != '' GROUP BY 1, 2)"
                " GROUP BY 1, 2 ORDER BY 3 DESC, 1"
            )
        ]

    def agent_addresses(self) -> set[str]:
        """Addresses the team has written from or been assigned as: mail from them is an agent's."""
        rows = self._read(
            "SELECT from_email FROM messages WHERE author = 'agent'"
            " UNION SELECT assignee_email FROM tickets WHERE assignee_email IS NOT NULL"
        )
        return {row[0].lower() for row in rows}
