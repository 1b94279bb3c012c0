"""Presence through the shared mailbox: a small folder with one message per running agent-tui.

Each running agent-tui APPENDs a short JSON note (who, which ticket, viewing or replying, since when,
its lease) to the ``agent-tui-presence`` folder, renews it every lease/3 seconds and deletes its
previous note; on a clean exit it deletes its note. Everyone IDLEs on the folder, so a change reaches
the others within about a second. The server's INTERNALDATE of a note is the one clock everybody
shares: a note older than its lease (by that clock) is ignored, and notes ten leases old are deleted
by whoever sees them. So the folder holds about one message per running client, whatever happens.

The notes also tell every machine the names of the agents behind the assignee keywords.
The folder's content is untrusted: notes that don't parse are ignored.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from agent_tui.domain.models import Agent
from agent_tui.domain.presence import DEFAULT_LEASE, Activity, Presence
from agent_tui.errors import SourceError, UsageError

FOLDER = "agent-tui-presence"
CLIENT_HEADER = "X-Agent-Tui-Client"  # finds a client's own notes on servers that don't say a new message's UID
_NOTE_LIMIT = 4096  # bytes; anything bigger is not ours
_LEASE_RANGE = (2.0, 600.0)  # seconds a note may ask for; anything else is not ours
_POLL = 0.5  # seconds between looks at IDLE, the stop flag and our own changes


def _now() -> datetime:
    return datetime.now(UTC)


class ImapPresence:
    """One running agent-tui's presence: announce what its agent does, hear what the others do."""

    def __init__(self, source, me: Agent, lease: timedelta = DEFAULT_LEASE) -> None:
        self.source = source
        self.me = me
        self.lease = lease
        self.client_id = uuid.uuid4().hex[:16]
        self._lock = threading.Lock()
        self._doing: tuple[int | None, Activity | None] = (None, None)
        self._since = _now()
        self._changed = threading.Event()
        self._offset = timedelta(0)  # the server's clock minus ours, learnt from our own notes
        self._mine: list[int] = []
        self._notes: list[Presence] = []
        self.names: dict[str, str] = {}  # address -> name, from everyone's notes

    # -- what this agent does ----------------------------------------------------------------------

    def announce(self, ticket_id: int | None, activity: Activity | None) -> None:
        """Called by the UI whenever its agent opens, replies to or leaves a ticket; cheap, never blocks."""
        with self._lock:
            if (ticket_id, activity) == self._doing:
                return
            self._doing, self._since = (ticket_id, activity if ticket_id is not None else None), _now()
        self._changed.set()

    def become(self, me: Agent) -> None:
        """Announce as ``me`` from now on: the next note (written at once) names them."""
        with self._lock:
            self.me = me
        self._changed.set()

    # -- the loop ----------------------------------------------------------------------------------

    def run(self, stop: threading.Event, on_update: Callable[[list[Presence]], None]) -> None:
        """Announce, listen and renew until ``stop``; then withdraw this client's note.

        Raises:
            SourceError: the connection failed (the caller retries with a pause).
        """
        try:
            with self.source._session() as client:
                client.normalise_times = False
                self._open(client)
                try:
                    self._loop(client, stop, on_update)
                finally:
                    if stop.is_set():
                        self._delete(client, self._mine)
        except (OSError, IMAPClientError) as error:
            raise SourceError(
                f"The presence folder on {self.source.settings.imap_host} could not be used ({error})."
            ) from None

    def read_once(self) -> list[Presence]:
        """Everyone's live presence, read once (for the CLI). A short note of this client's ("on no ticket")
        sets the server's clock for the lease arithmetic and names this agent to the team; it is withdrawn."""
        try:
            with self.source._session(timeout=5) as client:  # a script must not hang on a dead network
                client.normalise_times = False
                self._open(client)
                self._publish(client)
                self._notes = self._read(client)
                self._delete(client, self._mine)
        except (OSError, IMAPClientError) as error:
            raise SourceError(f"Who is on which ticket could not be read ({error}).") from None
        return self.live()

    def _open(self, client: IMAPClient) -> None:
        if not client.folder_exists(FOLDER):
            try:
                client.create_folder(FOLDER)
            except IMAPClientError:
                pass  # another agent created it just now
        client.select_folder(FOLDER)

    def _loop(self, client: IMAPClient, stop: threading.Event, on_update: Callable[[list[Presence]], None]) -> None:
        renew_every = self.lease.total_seconds() / 3
        reported: list[Presence] | None = None
        while not stop.is_set():
            self._changed.clear()
            self._publish(client)
            renew_at = time.monotonic() + renew_every
            self._notes = self._read(client)
            client.idle()
            try:
                while not stop.is_set() and not self._changed.is_set() and time.monotonic() < renew_at:
                    live = self.live()
                    if live != reported:
                        on_update(live)
                        reported = live
                    if any(_notes_changed(r) for r in client.idle_check(timeout=_POLL)):
                        client.idle_done()
                        self._notes = self._read(client)
                        client.idle()
            finally:
                client.idle_done()

    def live(self) -> list[Presence]:
        shared_now = _now() + self._offset
        return [p for p in self._notes if p.live_at(shared_now)]

    # -- notes -------------------------------------------------------------------------------------

    def _publish(self, client: IMAPClient) -> None:
        with self._lock:
            (ticket_id, activity), since, me = self._doing, self._since, self.me
        agent = f"{me.name} <{me.email}>" if me.email else me.name
        note = EmailMessage()
        note["From"] = "agent-tui <presence@agent-tui.invalid>"
        note["Subject"] = "agent-tui presence"
        note[CLIENT_HEADER] = self.client_id
        note.set_content(
            json.dumps(
                {
                    "agent": agent,
                    "client": self.client_id,
                    "ticket": ticket_id,
                    "activity": activity.value if activity else None,
                    "since": since.isoformat(),
                    "lease": self.lease.total_seconds(),
                },
                indent=1,
                ensure_ascii=True,
            ),
            cte="7bit",
        )  # one short line per key: never re-encoded
        sent_at = _now()
        response = client.append(FOLDER, note.as_bytes(), flags=[b"\\Seen"])
        uid = _appended_uid(response)
        mine = [uid] if uid is not None else client.search(["HEADER", CLIENT_HEADER, self.client_id])
        if mine:
            uid = max(mine)
            stamped = client.fetch([uid], ["INTERNALDATE"]).get(uid, {}).get(b"INTERNALDATE")
            if isinstance(stamped, datetime) and stamped.tzinfo is not None:
                self._offset = stamped - sent_at
        old = sorted(set(self._mine) | set(mine) - {uid})
        self._mine = [uid] if uid is not None else []
        self._delete(client, old)

    def _read(self, client: IMAPClient) -> list[Presence]:
        uids = client.search(["ALL"])
        fetched = client.fetch(uids, ["BODY.PEEK[TEXT]", "INTERNALDATE", "RFC822.SIZE"]) if uids else {}
        newest: dict[str, tuple[int, Presence | None]] = {}
        stale, shared_now = [], _now() + self._offset
        for uid, data in sorted(fetched.items()):
            note = _parse(data) if data.get(b"RFC822.SIZE", 0) <= _NOTE_LIMIT else None
            stamped = data.get(b"INTERNALDATE")
            lease = max(self.lease, note[2].lease if note and note[2] else self.lease)
            dead = (
                isinstance(stamped, datetime)
                and stamped.tzinfo is not None
                and (shared_now - stamped > 10 * lease or stamped - shared_now > lease)
            )  # long dead, or dated ahead
            if (dead or not isinstance(stamped, datetime)) and uid not in self._mine:
                stale.append(uid)
                continue
            if note is not None:
                client_id, agent, presence = note
                newest[client_id] = (uid, presence)  # a client's newer note replaces its older one
                if agent.email:
                    self.names[agent.email.lower()] = agent.name
        if stale:
            self._delete(client, stale)
        return [p for _, p in newest.values() if p is not None]

    def _delete(self, client: IMAPClient, uids: list[int]) -> None:
        if not uids:
            return
        client.add_flags(uids, [b"\\Deleted"])
        if b"UIDPLUS" in client.capabilities():
            client.uid_expunge(uids)
        else:
            client.expunge()


def _appended_uid(response: bytes) -> int | None:
    """The UID from ``[APPENDUID validity uid]`` (UIDPLUS), if the server said it."""
    try:
        code = response.split(b"]", 1)[0]
        return int(code.split()[-1]) if code.startswith(b"[APPENDUID") else None
    except (ValueError, IndexError):
        return None


def _parse(data: dict) -> tuple[str, Agent, Presence | None] | None:
    """A note as (client id, agent, presence: None when on no ticket); None when it is not a valid note."""
    try:
        note = json.loads(data.get(b"BODY[TEXT]", b"").decode("utf-8"))
        client_id, agent = str(note["client"]), Agent.parse(str(note["agent"]))
        if note.get("ticket") is None or note.get("activity") is None:
            return client_id, agent, None
        stamped, since = data[b"INTERNALDATE"], datetime.fromisoformat(str(note["since"]))
        if since.tzinfo is None or not isinstance(stamped, datetime) or stamped.tzinfo is None:
            return None
        seconds = float(note.get("lease", DEFAULT_LEASE.total_seconds()))
        ticket_id = int(note["ticket"])
        if not _LEASE_RANGE[0] <= seconds <= _LEASE_RANGE[1] or not 0 < ticket_id < 2**53 or len(client_id) > 64:
            return None
        presence = Presence(
            agent, ticket_id, Activity(note["activity"]), since, client_id, stamped, timedelta(seconds=seconds)
        )
        return client_id, agent, presence
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, UsageError, ArithmeticError):
        return None


def _notes_changed(response: tuple) -> bool:
    """A note came or went: EXISTS, EXPUNGE, or (on a connection with QRESYNC enabled) VANISHED."""
    return response[:1] == (b"VANISHED",) or (len(response) > 1 and response[1] in (b"EXISTS", b"EXPUNGE"))
