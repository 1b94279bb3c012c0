"""Messages: filing them on tickets, bodies that come after their headers, where each is kept on its
source (source refs), the full-text index, and reading a ticket's conversation back.

A mixin of ``Store`` (see ``base``). Ingest writes here many times a second, so the JSON columns are made
by the small helpers at the end, and a message is indexed once, when its body is known.
"""

from __future__ import annotations

import functools
import json
import zlib
from collections.abc import Sequence

from agent_tui.domain.models import Address, Attachment, Author, Message
from agent_tui.store import fts
from agent_tui.store.base import StoreBase, from_epoch, to_epoch


class MessagesMixin(StoreBase):
    """Messages, their bodies and source refs, and the full-text index."""

    def add_message(
        self,
        ticket_id: int,
        message: Message,
        *,
        raw: bytes | None = None,
        problems: Sequence[str] = (),
        source_ref: str | None = None,
    ) -> int | None:
        """Add a message to a ticket; returns its row id, or None when its Message-ID is already stored.

        ``raw`` (the message as received) is kept compressed, so nothing undecodable is ever lost.
        """
        with self.transaction():
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO messages(ticket_id, author, from_email, from_name, to_addrs, cc_addrs, date, subject,"
                " body_text, body_html, attachments, message_id, in_reply_to, refs, raw, problems, source_ref, body_pending)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ticket_id,
                    message.author.value,
                    message.sender.email,
                    message.sender.name,
                    _addresses_json(message.to),
                    _addresses_json(message.cc),
                    to_epoch(message.date),
                    message.subject,
                    message.text,
                    message.html,
                    _attachments_json(message.attachments),
                    message.message_id,
                    message.in_reply_to,
                    _list_json(message.references),
                    zlib.compress(raw, 1) if raw is not None else None,
                    _list_json(problems),
                    source_ref,
                    message.body_pending,
                ),
            )
            if not cursor.rowcount:  # its Message-ID is stored already
                return None
            row_id = cursor.lastrowid
            assert row_id is not None  # set by every INSERT that added a row, as this one did
            self._db.execute(
                "UPDATE tickets SET message_count = message_count + 1, updated_at = MAX(updated_at, :at),"
                " created_at = MIN(created_at, :at) WHERE id = :id",
                {"at": to_epoch(message.date), "id": ticket_id},
            )
            if not message.body_pending:  # otherwise indexed when its body comes: one write, not two
                self._index(row_id, ticket_id, message.subject, message.text)
            return row_id

    def _index(self, row_id: int, ticket_id: int, subject: str, text: str) -> None:
        """Put a message in the full-text index."""
        customer = self._db.execute(
            "SELECT c.name || ' ' || c.email FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id = ?",
            (ticket_id,),
        ).fetchone()[0]
        self._db.execute(
            "INSERT INTO search(rowid, subject, body, customer, ticket_id) VALUES (?, ?, ?, ?, ?)",
            (row_id, fts.index_text(subject), fts.index_text(text), customer, ticket_id),
        )

    def fill_body(self, source_ref: str, message: Message, *, raw: bytes | None, problems: Sequence[str]) -> bool:
        """Give a message filed from its headers its body, and index it; returns False when no message at
        ``source_ref`` waits for one. (Its header fields stay: they read the same from the whole message.)"""
        with self.transaction():
            row = self._db.execute(
                "UPDATE messages SET body_text = ?, body_html = ?, attachments = ?, raw = ?, problems = ?,"
                " body_pending = 0 WHERE source_ref = ? AND body_pending RETURNING id, ticket_id, subject",
                (
                    message.text,
                    message.html,
                    _attachments_json(message.attachments),
                    zlib.compress(raw, 1) if raw is not None else None,
                    _list_json(problems),
                    source_ref,
                ),
            ).fetchone()
            if row is None:
                return False
            self._index(row[0], row[1], row[2], message.text)
            return True

    def bodies_pending(self, prefix: str) -> list[str]:
        """Source refs starting with ``prefix`` of messages whose bodies are still to come, newest first."""
        return [
            r[0]
            for r in self._read(
                "SELECT source_ref FROM messages WHERE body_pending AND source_ref >= ? AND source_ref < ?"
                " ORDER BY date DESC, id DESC",
                (prefix, prefix + "\uffff"),
            )
        ]

    def body_unavailable(self, source_refs: Sequence[str], reason: str) -> None:
        """The source no longer has these messages: keep what their headers said, and say why there is no body."""
        if not source_refs:
            return
        with self.transaction():
            for ref in source_refs:
                row = self._db.execute(
                    "UPDATE messages SET body_pending = 0, problems = json_insert(problems, '$[#]', ?)"
                    " WHERE source_ref = ? AND body_pending RETURNING id, ticket_id, subject",
                    (reason, ref),
                ).fetchone()
                if row is not None:
                    self._index(row[0], row[1], row[2], "")

    def source_refs_under(self, prefix: str) -> list[str]:
        """Every stored source ref that starts with ``prefix`` (a folder under one numbering, say)."""
        return [
            r[0]
            for r in self._read(
                "SELECT source_ref FROM messages WHERE source_ref >= ? AND source_ref < ?",
                (prefix, prefix + "\uffff"),
            )
        ]

    def message_ids_at(self, source_refs: Sequence[str]) -> dict[str, str]:
        """The Message-ID of the message stored at each of these refs (where it has one)."""
        found: dict[str, str] = {}
        for ref in source_refs:
            rows = self._read("SELECT message_id FROM messages WHERE source_ref = ? AND message_id IS NOT NULL", (ref,))
            if rows:
                found[ref] = rows[0][0]
        return found

    def move_source_ref_from(self, old: str, new: str) -> bool:
        """The message at ``old`` is now at ``new`` (another copy of it); False when none is at ``old``, or
        another message is at ``new`` already."""
        with self.transaction():
            return (
                self._db.execute(
                    "UPDATE messages SET source_ref = ? WHERE source_ref = ?"
                    " AND NOT EXISTS (SELECT 1 FROM messages WHERE source_ref = ?)",
                    (new, old, new),
                ).rowcount
                > 0
            )

    def forget_source_refs(self, source_refs: Sequence[str], reason: str) -> dict[int, int]:
        """The source no longer has these messages: they stay here (a customer's history is kept), no longer
        tied to the source; one still waiting for its body keeps what its headers said, and ``reason`` says
        why there is no body. Returns how many were forgotten, by ticket."""
        forgotten: dict[int, int] = {}
        if not source_refs:
            return forgotten
        with self.transaction():
            self.body_unavailable(source_refs, reason)
            for ref in source_refs:
                for (ticket_id,) in self._db.execute(
                    "UPDATE messages SET source_ref = NULL WHERE source_ref = ? RETURNING ticket_id",
                    (ref,),
                ).fetchall():
                    forgotten[ticket_id] = forgotten.get(ticket_id, 0) + 1
        return forgotten

    def move_source_ref(self, message_id: str, source_ref: str) -> None:
        """A stored message was found again in its folder renumbered (a new UIDVALIDITY), or found on the
        source at all when it had no place there (sent from here, or gone and put back): follow it there. A
        copy in another folder (a reply in Sent and in INBOX), or a second one in the same, leaves it alone."""
        folder, numbering = source_ref.split("/", 1)[0] + "/", source_ref.rsplit("/", 1)[0] + "/"
        with self.transaction():
            self._db.execute(
                "UPDATE messages SET source_ref = ? WHERE message_id = ? AND (source_ref IS NULL OR"
                " (substr(source_ref, 1, ?) = ? AND substr(source_ref, 1, ?) != ?))",
                (source_ref, message_id, len(folder), folder, len(numbering), numbering),
            )

    # -- reads -----------------------------------------------------------------------------------

    def raw_message(self, row_id: int) -> bytes | None:
        """A message as received (or as sent from here), when it was kept."""
        rows = self._read("SELECT raw FROM messages WHERE id = ?", (row_id,))
        return zlib.decompress(rows[0][0]) if rows and rows[0][0] is not None else None

    def messages(self, ticket_id: int) -> list[Message]:
        rows = self._read(
            "SELECT id, author, from_email, from_name, to_addrs, cc_addrs, date, subject, body_text, body_html,"
            " attachments, message_id, in_reply_to, refs, body_pending, problems FROM messages WHERE ticket_id = ?"
            " ORDER BY date, id",
            (ticket_id,),
        )
        return [
            Message(
                id=r[0],
                author=Author(r[1]),
                sender=Address(r[2], r[3]),
                to=tuple(Address(e, n) for e, n in json.loads(r[4])),
                cc=tuple(Address(e, n) for e, n in json.loads(r[5])),
                date=from_epoch(r[6]),
                subject=r[7],
                text=r[8],
                html=r[9],
                attachments=tuple(Attachment(*a) for a in json.loads(r[10])),
                message_id=r[11],
                in_reply_to=r[12],
                references=tuple(json.loads(r[13])),
                body_pending=bool(r[14]),
                problems=tuple(json.loads(r[15])),
            )
            for r in rows
        ]


def _addresses_json(addresses: Sequence[Address]) -> str:
    return _addresses_json_of(tuple(addresses)) if addresses else "[]"


@functools.lru_cache(maxsize=4096)  # the same few To: lines (the shop's own address) come again and again
def _addresses_json_of(addresses: tuple[Address, ...]) -> str:
    return json.dumps([[a.email, a.name] for a in addresses], ensure_ascii=False)


def _attachments_json(attachments: Sequence[Attachment]) -> str:
    return json.dumps([[a.filename, a.content_type, a.size] for a in attachments]) if attachments else "[]"


def _list_json(items: Sequence[str]) -> str:
    return json.dumps(list(items)) if items else "[]"
