"""The per-folder work of ``ImapSource.pull``: what changed in a folder since the last sync, and the bodies.

Sync keeps, per folder, UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ in the store: the first sync reads every
message, later ones only new UIDs, changed flags and (QRESYNC's VANISHED, or a count without it) removed
messages; a changed UIDVALIDITY reads the folder again, and ingest's Message-ID check keeps tickets from
doubling. Messages are filed by the same threading rules as piped mail; the Sent folder's
messages join their tickets as agent replies, and INBOX's team notes (``notes``) as internal notes. A
ticket's id is 1000 + the INBOX UID of its first message, so it is the same on every agent's machine (until
the server resets UIDVALIDITY).

Apart from ``source`` because it is most of the source's code and the part a sync's speed turns on. It is a
mixin of ``ImapSource`` rather than functions: its methods need nothing but each other, and they stay the
source's methods (tests stop a sync after its headers by replacing ``ImapSource._bodies``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError

from agent_tui.domain.models import Author
from agent_tui.sources.base import KnownMessages, SourceState
from agent_tui.sources.imap.fetch import (
    HEADERS,
    WHOLE,
    Changes,
    Fetched,
    all_uids,
    changes_since,
    fetch,
)
from agent_tui.sources.imap.keywords import state_from_flags
from agent_tui.sources.imap.notes import has_note_keyword, is_note
from agent_tui.sources.imap.parsing import _Parsing, parse_batch, parse_header_batch
from agent_tui.sources.items import (
    BODY_GONE,
    BodyUnavailable,
    Change,
    Incoming,
    Item,
    NewItems,
    Removed,
    StateSeen,
    StatesSeen,
    Unreadable,
)

BATCH = 1000  # header blocks a FETCH
BODY_BATCH = 200  # whole messages a FETCH
COPY_SEARCHES = 20  # messages gone in one sync up to which the server is searched for another copy of each
PARALLEL_FROM = 2000  # messages in a folder's sync from which a helper process parses: below, starting it costs more
TICKET_ID_BASE = 1000


def _folder_state(state: SourceState, folder: str) -> dict:
    """What the last sync saved of a folder: uidvalidity, uidnext, modseq, exists ({} before the first)."""
    return json.loads(state.get(folder) or "{}")


def _refusal(error: IMAPClientError) -> bool:
    """The server answered NO or BAD to a command (as opposed to the connection failing)."""
    return not isinstance(error, IMAPClientAbortError)


class FolderPull:
    """The folder-by-folder part of ``ImapSource.pull`` (a mixin: ``ImapSource`` connects and calls it)."""

    address: str | None  # the team's shared address (``ImapSource``): a note is From it

    def _pull_headers(
        self,
        client: IMAPClient,
        known: KnownMessages,
        state: SourceState,
        now: datetime,
        folder: str,
        parsing: _Parsing,
    ) -> Iterator[Change]:
        """The folder's new messages from their headers, then the ones the server no longer has (after: a
        customer's new message keeps its ticket in INBOX, and a message put back is its old self), and the
        ticket states on changed ones."""
        try:
            info = client.select_folder(folder, readonly=True)
        except IMAPClientError:
            return  # no such folder on this server
        validity, uidnext = int(info[b"UIDVALIDITY"]), int(info.get(b"UIDNEXT", 0))
        modseq, exists = int(info.get(b"HIGHESTMODSEQ", 0)), int(info.get(b"EXISTS", 0))
        saved = _folder_state(state, folder)
        same = saved.get("uidvalidity") == validity
        observed: list[StateSeen] = []
        prefix, inbox = f"{folder}/{validity}/", folder == "INBOX"
        queue_prefix = "INBOX/" if inbox else None
        changes = Changes({}, [])
        if same:
            # imapclient can't fetch "n:*" ranges; search them and pass the UIDs.
            uids = [u for u in client.search(["UID", f"{saved['uidnext']}:*"]) if u >= saved["uidnext"]]
            qresync = self._qresync(client) and bool(modseq)  # a folder without MODSEQs (NOMODSEQ) is counted
            if saved.get("modseq") and modseq > saved["modseq"] and (inbox or qresync):  # flags, or an expunge
                changes = changes_since(client, saved["uidnext"] - 1, saved["modseq"], qresync=qresync)
            for uid, seen in sorted(changes.flags.items()) if inbox else ():
                shared = None if has_note_keyword(seen.flags) else state_from_flags(seen.flags)
                if shared is not None:
                    observed.append(StateSeen(prefix + str(uid), shared, seen.modseq))
        else:
            uids = all_uids(client)  # first sync, or the server renumbered the folder
        copies: dict[str, str] = {}  # Message-ID -> source ref, of this sync's new messages
        yield NewItems(self._headers(client, folder, validity, sorted(uids), now, parsing, observed, copies))
        if same:
            counted = "exists" not in saved or not (qresync and saved.get("modseq"))  # (older stores: once)
            vanished = (
                self._counted_vanished(client, known, prefix, exists - len(uids), saved)
                if counted
                else changes.vanished
            )
            if vanished:
                yield self._removed(client, known, prefix, vanished, copies, queue_prefix)
        elif saved:  # renumbered: the messages found again followed it, so the rest are gone
            yield Removed(
                [r for r in known.source_refs_under(f"{folder}/") if not r.startswith(prefix)],
                queue_prefix=queue_prefix,
            )
        yield StatesSeen(observed)
        next_uid = max([uidnext, *[u + 1 for u in uids]])
        state.set(
            folder, json.dumps({"uidvalidity": validity, "uidnext": next_uid, "modseq": modseq, "exists": exists})
        )

    def _qresync(self, client: IMAPClient) -> bool:
        return b"QRESYNC" in client.capabilities()  # enabled at connect whenever the server has it

    def _counted_vanished(
        self, client: IMAPClient, known: KnownMessages, prefix: str, old_exists: int, state: dict
    ) -> list[int]:
        """Without QRESYNC, expunged messages are found by counting: the folder's UID list is read (and compared
        with the store's) only when it holds fewer of its older messages than at the last sync. Server against
        server: a message stored once but there twice, or one that could not be read, never skews it."""
        if state.get("exists") == old_exists:
            return []
        there = set(all_uids(client))
        return [uid for uid in (int(ref[len(prefix) :]) for ref in known.source_refs_under(prefix)) if uid not in there]

    def _removed(
        self,
        client: IMAPClient,
        known: KnownMessages,
        prefix: str,
        uids: list[int],
        copies: dict[str, str],
        queue_prefix: str | None,
    ) -> Removed:
        """The messages at these UIDs of the folder (``prefix``), which the server no longer has, with any other
        copy of each still in the folder (put back, or delivered twice), for the stored message to follow.
        Copies among this sync's new messages are known; others are searched for, when only a few messages
        went (a teammate deleting one; a mass archive has no copies left to find)."""
        refs = [prefix + str(uid) for uid in uids]
        message_ids = known.message_ids_at(refs)
        found_copies: dict[str, str] = {}
        for ref in refs:
            message_id = message_ids.get(ref)
            copy = copies.get(message_id) if message_id else None
            if copy is None and message_id and len(refs) <= COPY_SEARCHES:
                found = client.search(["HEADER", "Message-ID", message_id])  # its own UID is gone: another copy
                copy = f"{prefix}{min(found)}" if found else None
            if copy is not None:
                found_copies[ref] = copy
        return Removed(refs, found_copies, queue_prefix)

    def _headers(
        self,
        client: IMAPClient,
        folder: str,
        validity: int,
        uids: list[int],
        now: datetime,
        parsing: _Parsing,
        observed: list[StateSeen],
        copies: dict[str, str],
    ) -> Iterator[Item]:
        """The folder's messages as items filed from their headers, their bodies to follow (and in ``copies``,
        each Message-ID's ref). The ones ``parse_header_batch`` can't file from headers alone are fetched whole
        at once, in one FETCH a batch."""
        condstore = b"CONDSTORE" in client.capabilities()

        def batches() -> Iterator[tuple[tuple, dict[int, Fetched]]]:
            for start in range(0, len(uids), BATCH):
                data = fetch(client, uids[start : start + BATCH], HEADERS, modseq=condstore)
                yield (folder, [(uid, data[uid].content) for uid in sorted(data)], now), data

        for items, data in parsing.run(parse_header_batch, batches(), big=len(uids) >= PARALLEL_FROM):
            wanted = [uid for uid, item in zip(sorted(data), items, strict=True) if item is None]
            whole = fetch(client, wanted, WHOLE, modseq=False)
            for uid, item in zip(sorted(data), items, strict=True):
                if item is None:
                    item = parse_batch(folder, [(uid, whole[uid].content if uid in whole else None)], now)[0]
                if isinstance(item, Incoming):
                    item.source_ref = f"{folder}/{validity}/{uid}"
                    if item.message.message_id:
                        copies.setdefault(item.message.message_id, item.source_ref)
                    if folder == "INBOX":
                        item.ticket_id_hint = TICKET_ID_BASE + uid
                        if is_note(data[uid].flags, data[uid].content, item.message, self.address):
                            # A teammate's internal note: never the customer's, never a reply.
                            item.message.author, item.author_known = Author.NOTE, True
                        shared = None if has_note_keyword(data[uid].flags) else state_from_flags(data[uid].flags)
                        if shared is not None:
                            observed.append(StateSeen(item.source_ref, shared, data[uid].modseq))
                yield item

    def _bodies(
        self,
        client: IMAPClient,
        known: KnownMessages,
        state: SourceState,
        now: datetime,
        folder: str,
        parsing: _Parsing,
    ) -> Iterator[Item]:
        """The whole of each message of the folder filed from its headers, newest first: a message the
        server no longer has keeps what its headers said, with a note."""
        refs = known.bodies_pending(f"{folder}/")
        if not refs:
            return
        try:
            info = client.select_folder(folder, readonly=True)
        except IMAPClientError as error:
            if not _refusal(error):
                raise
            yield BodyUnavailable(refs, f"its folder {folder} is no longer on the server")
            return
        validity = int(info[b"UIDVALIDITY"])
        if _folder_state(state, folder).get("uidvalidity") != validity:
            return  # renumbered since this sync read its headers: the next sync finds its messages again first
        prefix = f"{folder}/{validity}/"
        yield BodyUnavailable(
            [r for r in refs if not r.startswith(prefix)], BODY_GONE
        )  # not found again on renumbering
        uids = [int(r[len(prefix) :]) for r in refs if r.startswith(prefix)]
        missing: list[str] = []  # fetched for, and not there: removed since the header pass

        def batches() -> Iterator[tuple[tuple, list[int]]]:
            for start in range(0, len(uids), BODY_BATCH):
                wanted = uids[start : start + BODY_BATCH]
                data = fetch(client, wanted, WHOLE, modseq=False)
                missing.extend(prefix + str(uid) for uid in wanted if uid not in data)
                yield (folder, [(uid, data[uid].content) for uid in sorted(data)], now), sorted(data)

        for items, fetched in parsing.run(parse_batch, batches(), big=len(uids) >= PARALLEL_FROM):
            if missing:
                yield BodyUnavailable(missing[:], BODY_GONE)
                missing.clear()
            for uid, item in zip(fetched, items, strict=True):
                if isinstance(item, Unreadable):
                    yield BodyUnavailable([prefix + str(uid)], f"its body {item.reason}")
                    continue
                assert isinstance(item, Incoming)  # parse_batch makes messages or Unreadable ones
                item.source_ref, item.fills_body = prefix + str(uid), True
                yield item
        if missing:
            yield BodyUnavailable(missing, BODY_GONE)
