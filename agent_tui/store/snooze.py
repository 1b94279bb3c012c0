"""Snoozes: when an on-hold ticket reopens by itself, and which tickets woke and are still untouched.

A mixin of ``Store`` (see ``base``). ``tickets.snoozed_until`` is the wake time of an on-hold ticket (NULL:
none); ``tickets.woke_at`` the time it last woke, which puts it first in the queue's SLA order until
someone touches the ticket (any later change moves ``updated_at`` past it).
"""

from __future__ import annotations

from datetime import datetime

from agent_tui.store.base import StoreBase, from_epoch, to_epoch

WOKEN = "coalesce(t.woke_at >= t.updated_at, 0)"  # 1 for a ticket that woke and nobody touched since


class SnoozeMixin(StoreBase):
    """Snooze times and wake-ups."""

    def set_snooze(self, ticket_id: int, until: datetime | None) -> bool:
        """Set (or clear, with None) a ticket's wake time; True if it changed."""
        with self.transaction():
            value = to_epoch(until) if until is not None else None
            return bool(
                self._db.execute(
                    "UPDATE tickets SET snoozed_until = ? WHERE id = ? AND snoozed_until IS NOT ?",
                    (value, ticket_id, value),
                ).rowcount
            )

    def snoozed_until(self, ticket_id: int) -> datetime | None:
        rows = self._read("SELECT snoozed_until FROM tickets WHERE id = ?", (ticket_id,))
        return from_epoch(rows[0][0]) if rows and rows[0][0] is not None else None

    def snoozes_due(self, now: datetime) -> list[tuple[int, datetime]]:
        """Tickets whose wake time has come, with that time, soonest first."""
        return [
            (ticket_id, from_epoch(at))
            for ticket_id, at in self._read(
                "SELECT id, snoozed_until FROM tickets WHERE snoozed_until IS NOT NULL AND snoozed_until <= ?"
                " ORDER BY snoozed_until, id",
                (to_epoch(now),),
            )
        ]

    def mark_woken(self, ticket_id: int, at: datetime) -> None:
        """The ticket woke at ``at``: it shows first in its queue until touched. Marks left by tickets touched
        since are cleared on the way (they are few: the index holds only marked tickets)."""
        with self.transaction():
            self._db.execute("UPDATE tickets SET woke_at = NULL WHERE woke_at IS NOT NULL AND woke_at < updated_at")
            self._db.execute(
                "UPDATE tickets SET snoozed_until = NULL, woke_at = ? WHERE id = ?", (to_epoch(at), ticket_id)
            )
