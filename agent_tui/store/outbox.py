"""Drafts and the outbox: an agent's reply while it is written (and what others did to the ticket since
it was begun), then the reply queued to be sent, kept whole as JSON until its sending is confirmed.

A mixin of ``Store`` (see ``base``).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import NamedTuple

from agent_tui.domain.models import Agent, Draft, Message
from agent_tui.store.base import StoreBase, from_epoch, to_epoch
from agent_tui.store.codec import message_from_json, message_to_json


class OutboxEntry(NamedTuple):
    """A reply or note not yet confirmed: ``queued`` (not handed over), ``sending`` (interrupted while the server
    took it: held when it may have gone out) or ``sent`` (delivered, not yet recorded in the ticket)."""

    row_id: int
    ticket_id: int
    message: Message
    state: str
    error: str | None
    updated_at: datetime


class OutboxMixin(StoreBase):
    """Drafts, what changed since one was begun, and the outbox."""

    # -- drafts and the outbox ------------------------------------------------------------------

    def draft(self, ticket_id: int, agent: str) -> Draft | None:
        rows = self._read(
            "SELECT body, template, message_id, seen_at, updated_at, to_line, cc_line FROM drafts"
            " WHERE ticket_id = ? AND agent = ?",
            (ticket_id, agent),
        )
        if not rows:
            return None
        body, template, message_id, seen_at, updated_at, to_line, cc_line = rows[0]
        return Draft(
            ticket_id, agent, body, template, message_id, from_epoch(seen_at), from_epoch(updated_at), to_line, cc_line
        )

    def save_draft(self, draft: Draft) -> None:
        """Insert or update; the Message-ID and the moment the ticket was seen stay those of the first save."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO drafts(ticket_id, agent, body, template, message_id, seen_at, created_at, updated_at,"
                " to_line, cc_line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(ticket_id, agent) DO UPDATE SET"
                " body = excluded.body, template = excluded.template, updated_at = excluded.updated_at,"
                " to_line = excluded.to_line, cc_line = excluded.cc_line",
                (
                    draft.ticket_id,
                    draft.agent,
                    draft.body,
                    draft.template,
                    draft.message_id,
                    to_epoch(draft.seen_at),
                    to_epoch(draft.updated_at),
                    to_epoch(draft.updated_at),
                    draft.to_line,
                    draft.cc_line,
                ),
            )

    def ticket_marks(self, ticket_id: int) -> tuple[int, int]:
        """(newest message row, newest event row) of a ticket: how far an agent has seen it."""
        rows = self._read(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM messages WHERE ticket_id = :id),"
            " (SELECT COALESCE(MAX(id), 0) FROM events WHERE ticket_id = :id)",
            {"id": ticket_id},
        )
        return rows[0][0], rows[0][1]

    def draft_marks(self, ticket_id: int, agent: str) -> tuple[int, int] | None:
        rows = self._read(
            "SELECT seen_message, seen_event FROM drafts WHERE ticket_id = ? AND agent = ?", (ticket_id, agent)
        )
        return (rows[0][0], rows[0][1]) if rows else None

    def set_draft_marks(self, ticket_id: int, agent: str, marks: tuple[int, int]) -> None:
        with self.transaction():
            self._db.execute(
                "UPDATE drafts SET seen_message = ?, seen_event = ? WHERE ticket_id = ? AND agent = ?",
                (marks[0], marks[1], ticket_id, agent),
            )

    def changes_since(self, ticket_id: int, marks: tuple[int, int], me: str) -> list[str]:
        """What others did to a ticket after ``marks``, one short phrase each, oldest first: messages, then
        status, assignee, priority and tag changes."""
        changes, dates = [], set()
        for author, name, email, date in self._read(
            "SELECT author, from_name, from_email, date FROM messages WHERE ticket_id = ? AND id > ? ORDER BY id",
            (ticket_id, marks[0]),
        ):
            dates.add(date)
            who = name or email
            if author == "agent" and who != me:
                changes.append(f"{who} replied at {from_epoch(date):%H:%M} UTC")
            elif author == "customer":
                changes.append(f"{who} wrote again at {from_epoch(date):%H:%M} UTC")
        for actor, kind, value, at in self._read(
            "SELECT actor, kind, value, at FROM events WHERE ticket_id = ? AND id > ? ORDER BY id",
            (ticket_id, marks[1]),
        ):
            if actor == me or (actor is None and kind == "status" and at in dates):
                continue  # mine, or the status a message above moved (the workflow's, at its date): said there if news
            who = actor or "someone"
            if kind == "status":
                changes.append(f"{who} set the status to {value}")
            elif kind == "assignee":
                changes.append(f"{who} assigned it to {Agent.parse(value).name}" if value else f"{who} unassigned it")
            elif kind == "priority":
                changes.append(f"{who} set the priority to {value}")
            elif kind == "tag":
                changes.append(f"{who} tagged it {value}")
            elif kind == "untag":
                changes.append(f"{who} removed the tag {value}")
        return changes

    def delete_draft(self, ticket_id: int, agent: str) -> None:
        with self.transaction():
            self._db.execute("DELETE FROM drafts WHERE ticket_id = ? AND agent = ?", (ticket_id, agent))

    def outbox_add(self, ticket_id: int, message: Message, now: datetime) -> int:
        with self.transaction():
            existing = self._db.execute("SELECT id FROM outbox WHERE message_id = ?", (message.message_id,)).fetchone()
            if existing:
                return existing[0]
            return self._db.execute(
                "INSERT INTO outbox(ticket_id, message_id, message, state, created_at, updated_at)"
                " VALUES (?, ?, ?, 'queued', ?, ?) RETURNING id",
                (
                    ticket_id,
                    message.message_id,
                    json.dumps(message_to_json(message), ensure_ascii=False),
                    to_epoch(now),
                    to_epoch(now),
                ),
            ).fetchone()[0]

    def outbox_message(self, message_id: str) -> Message:
        rows = self._read("SELECT message FROM outbox WHERE message_id = ?", (message_id,))
        return message_from_json(json.loads(rows[0][0]))

    def outbox_state(self, message_id: str) -> str | None:
        rows = self._read("SELECT state FROM outbox WHERE message_id = ?", (message_id,))
        return rows[0][0] if rows else None

    def outbox_pending(self) -> list[tuple[int, int, Message, str]]:
        """(row id, ticket id, message, state) of every reply not yet confirmed, oldest first."""
        rows = self._read(
            "SELECT id, ticket_id, message, state FROM outbox WHERE state IN ('queued', 'sending', 'sent') ORDER BY id"
        )
        return [
            (row_id, ticket_id, message_from_json(json.loads(data)), state) for row_id, ticket_id, data, state in rows
        ]

    def outbox_unfinished(self) -> list[OutboxEntry]:
        """Every reply and note not yet confirmed, with the last error met, oldest first."""
        rows = self._read(
            "SELECT id, ticket_id, message, state, error, updated_at FROM outbox"
            " WHERE state IN ('queued', 'sending', 'sent') ORDER BY id"
        )
        return [
            OutboxEntry(row_id, ticket_id, message_from_json(json.loads(data)), state, error, from_epoch(updated))
            for row_id, ticket_id, data, state, error, updated in rows
        ]

    def outbox_mark(self, row_id: int, state: str, now: datetime, error: str | None = None) -> None:
        with self.transaction():
            self._db.execute(
                "UPDATE outbox SET state = ?, error = ?, attempts = attempts + (? = 'failed'), updated_at = ? WHERE id = ?",
                (state, error, state, to_epoch(now), row_id),
            )
