"""``ImapSource``: the contract of ``sources.base`` over one shared IMAP inbox (imapclient), replies over SMTP.

This module holds what the contract calls and the connection the calls share (one login per ``session``);
the work behind them lives beside it: a folder's sync in ``pull``, ticket state and claims as keywords in
``keywords``, presence in ``presence``, the SMTP hand-over in ``smtp``. Opening never waits on the network.

Replies leave over SMTP with the Message-ID fixed when their draft was created; before sending, the
Sent folder is searched for that Message-ID, so a retry after a crash never sends twice. Internal notes never
touch SMTP: they are APPENDed to the shared INBOX for the team (``notes``), exactly once by the same search.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timedelta

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from agent_tui.config import credentials
from agent_tui.domain.models import Agent, Message
from agent_tui.errors import DeliveryUncertain, SourceError, UsageError
from agent_tui.sources.base import Capabilities, KnownMessages, Source, SourceState, ThreadConnections
from agent_tui.sources.imap.keywords import (
    ASSIGNEE_PREFIX,
    TAG_PREFIX,
    check_fits,
    mark_merged,
    write_state,
)
from agent_tui.sources.imap.notes import NOTE_FLAGS, NOTE_KEYWORD, note_mime
from agent_tui.sources.imap.parsing import _Parsing, prepare_parse_helper
from agent_tui.sources.imap.presence import ImapPresence
from agent_tui.sources.imap.pull import TICKET_ID_BASE, FolderPull, _folder_state, _refusal
from agent_tui.sources.imap.settings import ImapSettings
from agent_tui.sources.imap.smtp import mime, send
from agent_tui.sources.items import (
    Change,
    NewItems,
    Push,
    TeamState,
    Unshared,
    agent_key,
)

FOLDERS = ("INBOX", "Sent")


class ImapSource(FolderPull, Source):
    """Opening never waits on the network: ``sync`` (or the TUI's live worker) pulls the mail."""

    kind = "imap"
    capabilities = Capabilities(
        pull=True,
        live=True,
        push=True,
        claims=True,
        presence=True,
        send=True,
        notes=True,
        accepts_mail=True,
        merge=True,  # shared as keywords (``$TuiMerged``)
        snooze=True,  # shared as a keyword (``$TuiUntil``)
    )

    def __init__(self, settings: ImapSettings) -> None:
        self.settings = settings
        self.address = settings.address
        self._connections = ThreadConnections(self._connected)

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

    def session(self) -> AbstractContextManager[IMAPClient]:
        """One connection for this thread's calls inside the block (a sync's push and pull share one login)."""
        return self._connections.session()

    def _session(self, timeout: float = 20) -> AbstractContextManager[IMAPClient]:
        """This thread's open session's connection, else a new one for the block."""
        return self._connections.connection(timeout)

    @contextmanager
    def _connected(self, timeout: float = 20) -> Iterator[IMAPClient]:
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
                notes = self._note_uids(client) if pushes else set()
                for push in pushes:
                    try:
                        uids = [u for u in self._inbox_uids(known, push.ticket_id, prefix) if u not in notes]
                        if uids:
                            write_state(client, uids, push.unshared, push.local)
                            self._mark_merges(client, known, push.ticket_id, uids)
                    except (IMAPClientError, UsageError, SourceError) as error:
                        if isinstance(error, IMAPClientError) and not _refusal(error):
                            raise  # the connection, not this ticket: nothing is cleared, the next sync retries it all
                        problems.append((f"ticket {push.ticket_id}", f"its state could not be shared ({error})"))
        except (OSError, IMAPClientError) as error:
            raise SourceError(
                f"The connection to {self.settings.imap_host} broke ({error}); the next sync retries."
            ) from None
        return problems

    def _mark_merges(self, client: IMAPClient, known: KnownMessages, ticket_id: int, uids: list[int]) -> None:
        """Each ticket merged into this one says so on its first message (its id is 1000 + that message's UID),
        so a teammate's sync merges it too (``$TuiMerged.<id>``, see ``keywords``)."""
        for merged in known.merged_tickets(ticket_id):
            if merged - TICKET_ID_BASE in uids:
                mark_merged(client, merged - TICKET_ID_BASE, ticket_id)

    def _select_inbox(self, client: IMAPClient) -> str:
        """Select INBOX read-write; returns the source-ref prefix of its messages under today's UIDVALIDITY."""
        info = client.select_folder("INBOX")
        return f"INBOX/{int(info[b'UIDVALIDITY'])}/"

    def _inbox_uids(self, known: KnownMessages, ticket_id: int, prefix: str) -> list[int]:
        return [int(ref[len(prefix) :]) for ref in known.source_refs(ticket_id, prefix)]

    def _note_uids(self, client: IMAPClient) -> set[int]:
        """The notes in the selected INBOX: they carry no ticket state, so none is ever written on them."""
        return set(client.search(["KEYWORD", NOTE_KEYWORD]))

    def claim(self, ticket_id: int, local: TeamState, me: Agent, known: KnownMessages) -> str | None:
        """Take the ticket in the mailbox, compare-and-set: returns the holder's key when someone else has it."""
        try:
            with self._session() as client:
                uids = self._inbox_uids(known, ticket_id, self._select_inbox(client))
                if uids:
                    notes = self._note_uids(client)
                    uids = [u for u in uids if u not in notes]
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
        ticket_id: int,
        message: Message,
        *,
        before_handover: Callable[[], None] = lambda: None,
        uncertain: bool = False,
    ) -> None:
        """SMTP, then a copy in Sent; skipped entirely when Sent already holds this Message-ID. The copy in Sent is
        how a retry, and every teammate's machine, knows the reply went out: agent-tui killed between SMTP's 250
        and that copy leaves the reply held (uncertain) for the agent to decide, never silently unshared."""
        try:
            with self._session() as client:
                client.select_folder("Sent")
                if client.search(["HEADER", "Message-ID", message.message_id or ""]):
                    return  # sent before a crash: never twice
                if uncertain:
                    raise DeliveryUncertain(
                        f"The reply {message.message_id} may already have reached the customer: agent-tui stopped while "
                        "the mail server was taking it, and it is not in Sent. Check the customer's mailbox or your "
                        f"server's log; then agent-tui outbox sent {ticket_id} if it did, or agent-tui reply {ticket_id} "
                        "--send --resend to send it anyway (agent-tui outbox drop: not at all)."
                    )
                mail = mime(message, self.settings)
                send(mail, before_handover, settings=self.settings, context=self._context)
                try:
                    client.append("Sent", mail.as_bytes(), flags=[b"\\Seen"], msg_time=message.date)
                except (OSError, IMAPClientError):
                    pass  # it went out: a missing copy in Sent is better than sending it twice
        except (OSError, IMAPClientError) as error:
            raise SourceError(f"The reply could not be filed in Sent ({error}); it stays in the outbox.") from None

    def deliver_note(self, ticket_id: int, message: Message) -> None:
        """APPEND the note to the shared INBOX (``notes``), where every teammate's sync files it in the ticket;
        it never goes near SMTP. Skipped when INBOX already holds its Message-ID: a retry after a crash between
        the APPEND and the outbox's record stores it once."""
        try:
            with self._session() as client:
                client.select_folder("INBOX", readonly=True)
                if client.search(["HEADER", "Message-ID", message.message_id or ""]):
                    return  # stored before a crash: never twice
                mail = note_mime(ticket_id, message, self.settings)
                client.append("INBOX", mail.as_bytes(), flags=NOTE_FLAGS, msg_time=message.date)
        except (OSError, IMAPClientError) as error:
            raise SourceError(
                f"The note could not be stored in the shared inbox ({error}); it stays in the outbox."
            ) from None
