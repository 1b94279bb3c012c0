"""Merges and satisfaction ratings: moving one ticket's messages into another, where a merged ticket's mail
goes now, and the ratings customers gave. Both are kept in the event log (no table of their own):

    merged       on the merged ticket, value = the id it was merged into (the ``[#ID]`` redirect)
    merged_from  on the ticket it was merged into, value = the merged ticket's id
    csat         on a ticket, value = the customer's rating 1-5, at the date of their answer to a survey

A mixin of ``Store`` (see ``base``).
"""

from __future__ import annotations

from datetime import datetime

from agent_tui.domain.merge import MAX_HOPS, MERGED_EVENT, MERGED_FROM_EVENT
from agent_tui.store.base import StoreBase, to_epoch

CSAT_EVENT = "csat"


class MergesMixin(StoreBase):
    """Ticket merges and CSAT ratings."""

    def move_messages(self, from_id: int, into_id: int) -> int:
        """Move every message of ``from_id`` (and its queued outbox rows) to ``into_id``, keeping their dates;
        returns how many. The target's creation time becomes the earliest of both, as for any message added."""
        with self.transaction():
            moved = self._db.execute(
                "UPDATE messages SET ticket_id = ? WHERE ticket_id = ?", (into_id, from_id)
            ).rowcount
            self._db.execute("UPDATE search SET ticket_id = ? WHERE ticket_id = ?", (into_id, from_id))
            self._db.execute(
                "UPDATE outbox SET ticket_id = ? WHERE ticket_id = ? AND state NOT IN ('confirmed', 'dropped')",
                (into_id, from_id),
            )
            self._db.execute(
                "UPDATE tickets SET message_count = (SELECT COUNT(*) FROM messages WHERE ticket_id = tickets.id),"
                " created_at = MIN(created_at, COALESCE((SELECT MIN(date) FROM messages WHERE ticket_id = tickets.id),"
                " created_at)) WHERE id IN (?, ?)",
                (from_id, into_id),
            )
            return moved

    def merged_into(self, ticket_id: int) -> int | None:
        """The ticket ``ticket_id`` was merged into (one step), or None."""
        rows = self._read(
            "SELECT value FROM events WHERE ticket_id = ? AND kind = ? ORDER BY id DESC LIMIT 1",
            (ticket_id, MERGED_EVENT),
        )
        return int(rows[0][0]) if rows and rows[0][0] and rows[0][0].isdigit() else None

    def merge_target(self, ticket_id: int) -> int:
        """Where mail for ``ticket_id`` goes: itself, or, along its merges, the ticket it ended up in."""
        seen = {ticket_id}
        for _ in range(MAX_HOPS):
            nxt = self.merged_into(ticket_id)
            if nxt is None or nxt in seen:
                break
            seen.add(nxt)
            ticket_id = nxt
        return ticket_id

    def merged_tickets(self, ticket_id: int) -> list[int]:
        """The tickets merged into ``ticket_id``, oldest merge first."""
        rows = self._read(
            "SELECT value FROM events WHERE ticket_id = ? AND kind = ? ORDER BY id", (ticket_id, MERGED_FROM_EVENT)
        )
        return [int(r[0]) for r in rows if r[0] and r[0].isdigit()]

    # -- satisfaction ----------------------------------------------------------------------------

    def last_agent_message_text(self, ticket_id: int, before: datetime) -> str | None:
        """The text of the ticket's latest agent reply before ``before`` (notes are not replies)."""
        rows = self._read(
            "SELECT body_text FROM messages WHERE ticket_id = ? AND author = 'agent' AND date <= ?"
            " ORDER BY date DESC, id DESC LIMIT 1",
            (ticket_id, to_epoch(before)),
        )
        return rows[0][0] if rows else None
