"""A shared IMAP inbox (imapclient) with replies over SMTP (smtplib).

Sync keeps, per folder, UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ in the store: the first sync reads every
message, later ones only new UIDs, changed flags and (QRESYNC's VANISHED, or a count without it) removed
messages; a changed UIDVALIDITY reads the folder again, and ingest's Message-ID check keeps tickets from
doubling. Messages are filed by the same threading rules as piped mail; the Sent folder's
messages join their tickets as agent replies. A ticket's id is 1000 + the INBOX UID of its first
message, so it is the same on every agent's machine (until the server resets UIDVALIDITY).

Replies leave over SMTP with the Message-ID fixed when their draft was created; before sending, the
Sent folder is searched for that Message-ID, so a retry after a crash never sends twice.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import TYPE_CHECKING, TypeVar

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from agent_tui.config import credentials
from agent_tui.domain.models import Agent, Message
from agent_tui.errors import DeliveryUncertain, SourceError, UsageError
from agent_tui.sources.base import Capabilities, KnownMessages, Source, SourceState
from agent_tui.sources.imap_fetch import (
    HEADERS,
    WHOLE,
    Changes,
    Fetched,
    all_uids,
    changes_since,
    fetch,
)
from agent_tui.sources.imap_presence import ImapPresence
from agent_tui.sources.imap_state import (
    ASSIGNEE_PREFIX,
    TAG_PREFIX,
    check_fits,
    state_from_flags,
    write_state,
)
from agent_tui.sources.items import (
    BODY_GONE,
    BodyUnavailable,
    Change,
    Incoming,
    Item,
    NewItems,
    Push,
    Removed,
    StateSeen,
    StatesSeen,
    TeamState,
    Unreadable,
    Unshared,
    agent_key,
)
from agent_tui.sources.mail_parse import MADE_UP_ID_END, parse_headers
from agent_tui.sources.pipe import mail_item

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

FOLDERS = ("INBOX", "Sent")
BATCH = 1000  # header blocks a FETCH
BODY_BATCH = 200  # whole messages a FETCH
COPY_SEARCHES = 20  # messages gone in one sync up to which the server is searched for another copy of each
PARALLEL_FROM = 2000  # messages in a folder's sync from which a helper process parses: below, starting it costs more
TICKET_ID_BASE = 1000
T = TypeVar("T")
R = TypeVar("R")


def parse_batch(folder: str, raws: list[tuple[int, bytes | None]], now: datetime) -> list[Item]:
    """Fetched messages as items (run in a helper process for big syncs, so it lives at module level)."""
    return [
        mail_item(raw, f"{folder} UID {uid}", now)
        if raw
        else Unreadable(f"{folder} UID {uid}", "came back empty from the server")
        for uid, raw in raws
    ]


def parse_header_batch(folder: str, blocks: list[tuple[int, bytes]], now: datetime) -> list[Item | None]:
    """Fetched header blocks as items whose bodies are still to come (like ``parse_batch``, for the header
    pass); None for a message to fetch whole instead: one with no Message-ID (its content is what identifies
    it) or with raw 8-bit bytes in its headers (their charset may be declared only in its body)."""
    items: list[Item | None] = []
    for uid, block in blocks:
        origin = f"{folder} UID {uid}"
        if not block.isascii():
            items.append(None)
            continue
        try:
            parsed = parse_headers(block, fallback_date=now)
        except Exception as error:  # noqa: BLE001  # parse_headers is built not to raise; one message must never stop the sync
            items.append(Unreadable(origin, f"could not be parsed as mail ({type(error).__name__})"))
            continue
        if (parsed.message.message_id or "").endswith(MADE_UP_ID_END):
            items.append(None)
            continue
        parsed.message.body_pending = True
        items.append(Incoming(origin, parsed.message, problems=parsed.problems))
    return items


def prepare_parse_helper() -> None:
    """Start multiprocessing's resource tracker while ``sys.stderr`` is still this process's own: call it before
    the TUI starts. Under Textual, ``sys.stderr`` is a stand-in whose file descriptor is -1, so a tracker
    started later fails ("bad value(s) in fds_to_keep") and the first sync of a big mailbox parses on one core."""
    if (os.cpu_count() or 1) < 2:
        return
    from multiprocessing import resource_tracker

    try:
        resource_tracker.ensure_running()
    except (OSError, ValueError):
        pass  # no helper, then: parsing stays in this process, slower but the same


class _Parsing:
    """Parses a sync's batches, in one helper process (``forkserver``) once a folder is big enough to pay for
    starting it, while this process fetches the next batch and files the last: parsing is the larger part."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._in_process = (os.cpu_count() or 1) < 2  # no second core to parse on

    def __enter__(self) -> _Parsing:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def run(
        self, parse: Callable[..., list[R]], batches: Iterator[tuple[tuple, T]], *, big: bool
    ) -> Iterator[tuple[list[R], T]]:
        """(parse(*arguments), context) for each (arguments, context) batch, in order."""
        if big and self._pool is None and not self._in_process:
            import multiprocessing  # here: a sync with little to parse never needs it (10 ms of start-up)
            from concurrent.futures import ProcessPoolExecutor

            try:
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("forkserver"))
            except (OSError, ValueError):
                # No helper here: under the TUI, multiprocessing can't pass on Textual's stand-in for stderr
                # ("bad value(s) in fds_to_keep"). Parsing in this process is slower, never wrong.
                self._in_process = True
        if not big or self._pool is None:
            for arguments, context in batches:
                yield parse(*arguments), context
            return
        waiting: tuple[Future, T] | None = None
        for arguments, context in batches:
            parsing = (self._pool.submit(parse, *arguments), context)
            if waiting is not None:
                yield waiting[0].result(), waiting[1]
            waiting = parsing
        if waiting is not None:
            yield waiting[0].result(), waiting[1]


def _folder_state(state: SourceState, folder: str) -> dict:
    """What the last sync saved of a folder: uidvalidity, uidnext, modseq, exists ({} before the first)."""
    return json.loads(state.get(folder) or "{}")


def _refusal(error: IMAPClientError) -> bool:
    """The server answered NO or BAD to a command (as opposed to the connection failing)."""
    return not isinstance(error, IMAPClientAbortError)


def host_port(text: str, default_port: int) -> tuple[str, int]:
    host, _, port = text.rpartition(":") if ":" in text else (text, "", "")
    try:
        return host or text, int(port) if port else default_port
    except ValueError:
        raise UsageError(f"{text!r} is not HOST:PORT.") from None


@dataclass(frozen=True)
class ImapSettings:
    account: str
    imap_host: str
    imap_port: int
    smtp_host: str
    smtp_port: int
    user: str
    address: str
    name: str
    tls: str  # ssl | starttls | none
    password_command: str | None
    oauth2_command: str | None = None  # prints an access token: XOAUTH2 instead of a password

    @classmethod
    def from_config(cls, account: str, table: dict) -> ImapSettings:
        tls = table.get("tls", "ssl")
        imap_host, imap_port = host_port(str(table.get("imap", "")), 993 if tls == "ssl" else 143)
        smtp_host, smtp_port = host_port(str(table.get("smtp", "")), 465 if tls == "ssl" else 587)
        user = str(table.get("user", ""))
        return cls(
            account,
            imap_host,
            imap_port,
            smtp_host,
            smtp_port,
            user,
            str(table.get("address") or user),
            str(table.get("name", "")),
            tls,
            table.get("password_command"),
            table.get("oauth2_command"),
        )


class ImapSource(Source):
    """Opening never waits on the network: ``sync`` (or the TUI's live worker) pulls the mail."""

    kind = "imap"
    capabilities = Capabilities(
        pull=True, live=True, push=True, claims=True, presence=True, send=True, accepts_mail=True
    )

    def __init__(self, settings: ImapSettings) -> None:
        self.settings = settings
        self.address = settings.address
        self._open = threading.local()  # this thread's connection inside session(), if any

    def before_tui(self) -> None:
        prepare_parse_helper()  # so a big first sync in the TUI can parse on a second core

    def presence_channel(self, me: Agent, lease: timedelta) -> ImapPresence:
        return ImapPresence(self, me, lease)

    # -- connections -------------------------------------------------------------------------------

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context()  # certificates and host names are verified

    def connect(self, timeout: float = 20) -> IMAPClient:
        s = self.settings
        where = f"{s.imap_host}:{s.imap_port}"
        try:
            client = IMAPClient(
                s.imap_host,
                port=s.imap_port,
                ssl=s.tls == "ssl",
                ssl_context=self._context() if s.tls == "ssl" else None,
                timeout=timeout,
            )
            if s.tls == "starttls":
                client.starttls(self._context())
            if s.oauth2_command:
                client.oauth2_login(s.user, credentials.from_command(s.account, s.oauth2_command, "OAuth2 token"))
            else:
                client.login(s.user, credentials.password(s.account, s.user, s.password_command))
            capabilities = client.capabilities()
            if b"QRESYNC" in capabilities:  # CONDSTORE too, and expunged messages are named (VANISHED)
                client.enable("QRESYNC")
            elif b"CONDSTORE" in capabilities:  # so SELECT reports HIGHESTMODSEQ and flag changes can be asked for
                client.enable("CONDSTORE")
            return client
        except LoginError:
            secret = "the OAuth2 token command" if s.oauth2_command else "password"
            raise SourceError(
                f"The IMAP server {where} refused the login for {s.user!r}; check the user and {secret}."
            ) from None
        except (OSError, IMAPClientError, ssl.SSLError) as error:
            raise SourceError(
                f"The IMAP server {where} could not be reached ({error}); check the host and port, or try again later."
            ) from None

    @contextmanager
    def session(self) -> Iterator[IMAPClient]:
        """One connection for this thread's calls inside the block (a sync's push and pull share one login)."""
        if getattr(self._open, "client", None) is not None:
            yield self._open.client
            return
        with self._session() as client:
            self._open.client = client
            try:
                yield client
            finally:
                self._open.client = None

    @contextmanager
    def _session(self, timeout: float = 20) -> Iterator[IMAPClient]:
        """This thread's open session's connection, else a new one for the block."""
        if getattr(self._open, "client", None) is not None:
            yield self._open.client
            return
        client = self.connect(timeout)
        try:
            yield client
        finally:
            try:
                client.logout()
            except (OSError, IMAPClientError):
                pass  # the server went away: nothing to log out of

    # -- pull ----------------------------------------------------------------------------------

    def pull(self, known: KnownMessages, state: SourceState, now: datetime) -> Iterator[Change]:
        """Every folder's new messages, filed from their headers; after them the messages the server no longer
        has, and the ticket states other agents set (what each new or changed INBOX message's keywords say);
        then the bodies, newest first. A folder's position is saved only after its messages are filed, so an
        interrupted pull resumes where it stopped."""
        with self._session() as client:
            try:
                with _Parsing() as parsing:
                    for folder in FOLDERS:
                        yield from self._pull_headers(client, known, state, now, folder, parsing)
                    for folder in FOLDERS:  # every queue is usable by now: the bodies follow, newest first
                        yield NewItems(self._bodies(client, known, state, now, folder, parsing))
            except (OSError, IMAPClientError) as error:
                raise SourceError(
                    f"The connection to {self.settings.imap_host} broke during sync ({error}); run sync again."
                ) from None

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
                shared = state_from_flags(seen.flags)
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
                        shared = state_from_flags(data[uid].flags)
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

    # -- shared ticket state -------------------------------------------------------------------

    def validate(self, *, tag: str | None = None, assignee: Agent | None = None) -> None:
        """A tag or agent no keyword can hold is refused when it is set, not when it is shared."""
        if tag is not None:
            check_fits(TAG_PREFIX, tag, "tag")
        if assignee is not None:
            check_fits(ASSIGNEE_PREFIX, agent_key(assignee), "agent address")

    def push(self, pushes: Sequence[Push], known: KnownMessages) -> list[tuple[str, str]]:
        """Put the changes made here on their tickets' INBOX messages, for every agent to see. A ticket the
        server refuses is reported and skipped, so one bad ticket never stops the rest."""
        problems: list[tuple[str, str]] = []
        try:
            with self._session() as client:
                prefix = self._select_inbox(client)
                for push in pushes:
                    try:
                        uids = self._inbox_uids(known, push.ticket_id, prefix)
                        if uids:
                            write_state(client, uids, push.unshared, push.local)
                    except (IMAPClientError, UsageError, SourceError) as error:
                        if isinstance(error, IMAPClientError) and not _refusal(error):
                            raise  # the connection, not this ticket: nothing is cleared, the next sync retries it all
                        problems.append((f"ticket {push.ticket_id}", f"its state could not be shared ({error})"))
        except (OSError, IMAPClientError) as error:
            raise SourceError(
                f"The connection to {self.settings.imap_host} broke ({error}); the next sync retries."
            ) from None
        return problems

    def _select_inbox(self, client: IMAPClient) -> str:
        """Select INBOX read-write; returns the source-ref prefix of its messages under today's UIDVALIDITY."""
        info = client.select_folder("INBOX")
        return f"INBOX/{int(info[b'UIDVALIDITY'])}/"

    def _inbox_uids(self, known: KnownMessages, ticket_id: int, prefix: str) -> list[int]:
        return [int(ref[len(prefix) :]) for ref in known.source_refs(ticket_id, prefix)]

    def claim(self, ticket_id: int, local: TeamState, me: Agent, known: KnownMessages) -> str | None:
        """Take the ticket in the mailbox, compare-and-set: returns the holder's key when someone else has it."""
        try:
            with self._session() as client:
                uids = self._inbox_uids(known, ticket_id, self._select_inbox(client))
                if not uids:
                    raise SourceError(
                        "it has no message in the shared INBOX to hold a claim; assign it with "
                        f"agent-tui set {ticket_id} --assign me"
                    )
                return write_state(client, uids, Unshared(), local, claim_for=agent_key(me))
        except SourceError as error:
            raise SourceError(f"Ticket {ticket_id} was not taken: {error}") from None
        except (OSError, IMAPClientError) as error:
            raise SourceError(f"Ticket {ticket_id} was not taken: the connection broke ({error}); try again.") from None

    def wait_for_changes(self, state: SourceState, stop: threading.Event, seconds: float) -> None:
        """IDLE on INBOX until the server reports a change, ``seconds`` pass, or ``stop`` is set. Returns at
        once if INBOX changed since the last sync (mail that came between that sync and this IDLE)."""
        with self._session() as client:
            self._idle(client, state, stop, seconds)

    def _idle(self, client: IMAPClient, state: SourceState, stop: threading.Event, seconds: float) -> None:
        try:
            info = client.select_folder("INBOX", readonly=True)
            synced = _folder_state(state, "INBOX")
            if (
                int(info.get(b"UIDNEXT", 0)) > synced.get("uidnext", 0)
                or int(info.get(b"HIGHESTMODSEQ", 0)) > synced.get("modseq", 0)
                or int(info.get(b"EXISTS", 0)) != synced.get("exists", info.get(b"EXISTS", 0))
            ):  # a removal, without CONDSTORE
                return
            client.idle()
            waited = 0.0
            while not stop.is_set() and waited < seconds:
                if client.idle_check(timeout=1):
                    break
                waited += 1
            client.idle_done()
        except (OSError, IMAPClientError) as error:
            raise SourceError(
                f"The connection to {self.settings.imap_host} broke while waiting for mail ({error})."
            ) from None

    # -- sending -------------------------------------------------------------------------------

    def deliver_mail(self, messages: Iterable[tuple[bytes, datetime]]) -> int:
        """APPEND messages (raw, date) to the shared INBOX, for ``ingest --deliver``; returns how many."""
        count = 0
        try:
            with self._session() as client:
                for raw, date in messages:
                    client.append("INBOX", raw, msg_time=date)
                    count += 1
        except (OSError, IMAPClientError) as error:
            raise SourceError(
                f"Delivering to the shared inbox stopped after {count} messages ({error}); the rest were not delivered."
            ) from None
        return count

    def deliver_reply(
        self,
        message: Message,
        *,
        before_handover: Callable[[], None] = lambda: None,
        uncertain: bool = False,
    ) -> None:
        """SMTP, then a copy in Sent; skipped entirely when Sent already holds this Message-ID."""
        try:
            with self._session() as client:
                client.select_folder("Sent")
                if client.search(["HEADER", "Message-ID", message.message_id or ""]):
                    return  # sent before a crash: never twice
                if uncertain:
                    raise DeliveryUncertain(
                        f"The reply {message.message_id} may already have reached the customer: agent-tui stopped while "
                        "the mail server was taking it, and it is not in Sent. Check the customer's mailbox or your "
                        "server's log; to send it anyway, use agent-tui reply ID --send --resend."
                    )
                mail = self._mime(message)
                self._smtp_send(mail, before_handover)
                try:
                    client.append("Sent", mail.as_bytes(), flags=[b"\\Seen"], msg_time=message.date)
                except (OSError, IMAPClientError):
                    pass  # it went out: a missing copy in Sent is better than sending it twice
        except (OSError, IMAPClientError) as error:
            raise SourceError(f"The reply could not be filed in Sent ({error}); it stays in the outbox.") from None

    def _mime(self, message: Message) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = formataddr((message.sender.name or self.settings.name, self.settings.address))
        mail["To"] = ", ".join(formataddr((a.name, a.email)) for a in message.to)
        mail["Subject"] = message.subject
        mail["Date"] = format_datetime(message.date)
        mail["Message-ID"] = message.message_id
        if message.in_reply_to:
            mail["In-Reply-To"] = message.in_reply_to
        if message.references:
            mail["References"] = " ".join(message.references)
        mail.set_content(message.text)
        return mail

    def _smtp_send(self, mail: EmailMessage, before_handover: Callable[[], None]) -> None:
        s = self.settings
        where = f"{s.smtp_host}:{s.smtp_port}"
        handed_over = False
        try:
            if s.tls == "ssl":
                server: smtplib.SMTP = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, context=self._context(), timeout=30)
            else:
                server = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=30)
                if s.tls == "starttls":
                    server.starttls(context=self._context())
            with server:
                if s.oauth2_command:
                    token = credentials.from_command(s.account, s.oauth2_command, "OAuth2 token")
                    server.ehlo_or_helo_if_needed()
                    server.auth(
                        "XOAUTH2",
                        lambda challenge=None: "" if challenge else f"user={s.user}\x01auth=Bearer {token}\x01\x01",
                    )
                elif s.tls != "none" or server.has_extn("auth"):
                    server.login(s.user, credentials.password(s.account, s.user, s.password_command))
                take_data = server.data

                def data(content):  # send_message's last step: the server may deliver from here on
                    nonlocal handed_over
                    before_handover()
                    handed_over = True
                    return take_data(content)

                server.data = data  # type: ignore[method-assign]
                server.send_message(mail)
        except smtplib.SMTPAuthenticationError:
            raise SourceError(
                f"The SMTP server {where} refused the login for {s.user!r}; the reply stays in the outbox."
            ) from None
        except smtplib.SMTPResponseException as error:  # the server answered, and said no: not delivered
            raise SourceError(
                f"The SMTP server {where} refused the reply ({error.smtp_code} {error.smtp_error!r}); it stays in the outbox."
            ) from None
        except (TimeoutError, OSError, smtplib.SMTPException) as error:
            if handed_over:  # the line dropped while the server had the whole message: it may deliver it
                raise DeliveryUncertain(
                    f"The connection to {where} broke while it was taking the reply ({error}); "
                    "it may have gone out, so it is held: agent-tui reply ID --send --resend sends it anyway."
                ) from None
            raise SourceError(
                f"The SMTP server {where} could not take the reply ({error}); it stays in the outbox."
            ) from None
