"""``ZendeskSource``: the contract of ``sources.base`` over Zendesk Support's REST API (API-token auth).

How Zendesk maps onto agent-tui:

    Zendesk                               agent-tui
    ------------------------------------  -------------------------------------------------------------
    ticket id 123                         Incoming.ticket_id_hint 123, ticket_key "zd-123"
    comment 456 of ticket 123             message ref "zd/123/456"
    comment public, author an end-user    Author.CUSTOMER
    comment public, author an agent       Author.AGENT
    comment public: false                 Author.NOTE
    requester (email, name)               the ticket's customer
    assignee_id                           assignee: the agent key, the user's email lowercased
    tags                                  tags (a PUT replaces them all: the merged full set is sent)
    priority low/normal/high/urgent       Priority, both ways (none set on Zendesk: agent-tui's own stands)
    updated_at                            StateSeen.order (epoch seconds)
    merge (POST /tickets/B/merge)         a merge made here (a private note on each ticket; the tag
                                          closed_by_merge says it is done); one made in Zendesk is read
                                          as what it leaves: A closed, with its note
    ticket export after_cursor            SourceState "cursor" (the server's, never the local clock)
    ticket event export end_time          SourceState "events_time" (the server's too)

    status  new -> NEW, open -> OPEN, pending -> PENDING, hold -> ON_HOLD, solved -> SOLVED, closed -> CLOSED
            and back (NEW is written as open: Zendesk does not put a ticket back to new).

Pull (``export``) reads two incremental exports, never a request per ticket: the cursor-based ticket export
(``include=users``) for ticket state, subject, requester and priority, then the time-based ticket event export
(``include=comment_events``) for the comments, each with its audit's metadata. Cost for a first sync of 1,000
tickets: one ticket export request, one event export request per 1,000 ticket events (an event is one update: a
comment, a change of fields; a page's last second comes again on the next), a ``/users/show_many`` request per
100 comment authors not side-loaded or remembered, and a ``/tickets/show_many`` request per 100 tickets whose
comments came without the ticket (a pull cut short); a resync with nothing new is two requests (the event export
may answer "too recent": nothing to read yet). Only when a whole page of events shares one second (a bulk
import) are that second's tickets read one by one. A ticket seen again only files comments whose refs the store
does not hold. Agents are remembered in SourceState ("agents"); end-users come with their tickets.

Push and claim read the ticket, merge (``Unshared.merge_into``) and PUT with ``safe_update`` and the
``updated_stamp`` read; a 409 (a teammate wrote in between) reads again and retries, a few times.

Replies and notes are exactly once: a comment PUT carries the reply's Message-ID as the audit's custom
metadata (``metadata.custom.agent_tui_message_id``). Before writing, the ticket's audits are read: that marker,
or a comment with the same text by this agent since the reply was dated, means it went out already. Zendesk
writes the audit with the comment, so no audit is proof that it did not go out (``uncertain`` then sends).
Pulled comments get their Message-ID back from that marker (the event export carries the audit's metadata with
each comment), so a reply sent from here is not filed twice; mailed-in comments keep the mail's
(``metadata.system.message_id``), others get ``<zd.TICKET.COMMENT@HOST>``. The local ticket id is taken as the
Zendesk id for delivery (tickets are filed under their Zendesk id; ``ticket_id_hint``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from agent_tui.domain.models import Agent, Message, Status, normalise_tag
from agent_tui.errors import SourceError, UsageError
from agent_tui.sources.base import Capabilities, KnownMessages, Source, SourceState, ThreadConnections
from agent_tui.sources.helpdesk.zendesk.client import ZendeskClient, ZendeskSettings, message_of
from agent_tui.sources.helpdesk.zendesk.export import MARKER, PREFIX, PRIORITY, STATUS, Pull, parse_time
from agent_tui.sources.helpdesk.zendesk.users import END_USER, Users
from agent_tui.sources.items import Change, Push, TeamState, agent_key

ZENDESK_STATUS = {status: name for name, status in STATUS.items()}
MAX_TAG = 50  # our bound: a longer tag is refused when set, not when shared
CONFLICT_RETRIES = 3  # 409s (safe_update) read again and retried per ticket
POLL_SECONDS = 10.0  # between export polls: the incremental export allows 10 requests a minute
SLOW_POLL_SECONDS = 60.0  # when X-Rate-Limit-Remaining runs low
LOW_REMAINING = 50
DUPLICATE_WINDOW = timedelta(minutes=10)  # a comment this long before the reply's date may still be it
MERGED_TAG = "closed_by_merge"  # the tag Zendesk's merge puts on the ticket it closes


class _Refused(Exception):
    """Zendesk refused one ticket's change (reported; the others go on)."""


def _merging(push: Push) -> Callable[[TeamState], TeamState]:
    return lambda remote: push.unshared.merge_into(remote, push.local)


class ZendeskSource(Source):
    """Opening never waits on the network: ``sync`` (or the TUI's live worker) talks to Zendesk."""

    kind = "zendesk"
    capabilities = Capabilities(pull=True, live=True, push=True, claims=True, send=True, notes=True, merge=True)

    def __init__(self, settings: ZendeskSettings, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self.sleep = sleep
        self.host = urlsplit(settings.url).hostname or "zendesk.invalid"
        self._connections = ThreadConnections(self._connected)
        self._lock = threading.Lock()
        self.users = Users()  # Zendesk's users, kept while the source is open
        self.requests = 0  # requests made by closed clients (tests, diagnostics)
        self.waited: list[float] = []  # Retry-After waits
        self.conflicts = 0  # 409s met

    # -- connections -------------------------------------------------------------------------------

    def session(self) -> AbstractContextManager[ZendeskClient]:
        return self._connections.session()

    def _client(self) -> AbstractContextManager[ZendeskClient]:
        """This thread's open session's client, else a new one for the block."""
        return self._connections.connection()

    @contextmanager
    def _connected(self) -> Iterator[ZendeskClient]:
        client = ZendeskClient(self.settings, self.sleep)
        try:
            yield client
        finally:
            with self._lock:
                self.requests += client.requests
                self.waited.extend(client.waited)
            client.close()

    # -- users ----------------------------------------------------------------------------------

    def _remember(self, users: object) -> None:
        self.users.remember(users)

    def _key_of(self, user_id: object) -> str | None:
        return self.users.key_of(user_id)

    def _user_id(self, client: ZendeskClient, email: str) -> int:
        """The Zendesk agent with this login email (searched once, then remembered)."""
        email = email.lower()
        if email not in self.users.ids:
            self._remember(client.get("/users/search.json", query=email).get("users"))
        user_id = self.users.ids.get(email)
        if user_id is None or self.users.by_id[user_id][2] == END_USER:
            raise _Refused(f"{email} is not an agent on Zendesk, so the ticket can't be assigned to them")
        return user_id

    # -- pull -----------------------------------------------------------------------------------

    def pull(self, known: KnownMessages, state: SourceState, now: datetime) -> Iterator[Change]:
        """The ticket export, then the ticket event export (``export``): never a request per ticket."""
        with self._client() as client:
            yield from Pull(client, self.users, known, state, self.host, self._team_state).changes()

    def _team_state(self, ticket: dict, *, every_tag: bool = False) -> TeamState:
        """The ticket's state; ``every_tag``: Zendesk's own tags too (pushes write the full set back)."""
        tags: set[str] = set()
        for tag in ticket.get("tags") or []:
            try:
                if every_tag or normalise_tag(str(tag)) == tag:
                    tags.add(str(tag))
            except UsageError:
                continue  # a tag agent-tui can't hold is left out of what is shown, and kept on Zendesk
        return TeamState(
            STATUS[ticket["status"]],
            self._key_of(ticket.get("assignee_id")),
            frozenset(tags),
            PRIORITY.get(str(ticket.get("priority"))),
        )

    def _audits(self, client: ZendeskClient, zid: int) -> Iterator[dict]:
        for page in client.cursor_pages(f"/tickets/{zid}/audits.json", "audits", {}):
            yield from (a for a in page.get("audits") or [] if isinstance(a, dict))

    # -- shared ticket state -------------------------------------------------------------------

    def validate(self, *, tag: str | None = None, assignee: Agent | None = None) -> None:
        if tag is not None and len(tag) > MAX_TAG:
            raise UsageError(f"The tag {tag[:20]!r}… is longer than {MAX_TAG} characters; pick a shorter one.")
        if assignee is not None and not assignee.email:
            raise UsageError(f"Zendesk assigns tickets to agents by login email; {assignee.name!r} has none.")

    def _zid(self, ticket_id: int, known: KnownMessages) -> int | None:
        """The Zendesk ticket behind a ticket here; one others were merged into holds their comments too, so its
        own id (tickets are filed under their Zendesk id) comes first."""
        zids = [int(part) for ref in known.source_refs(ticket_id, PREFIX) if (part := ref.split("/")[1]).isdigit()]
        return ticket_id if ticket_id in zids else zids[0] if zids else None

    def _write(self, client: ZendeskClient, zid: int, decide: Callable[[TeamState], TeamState | None]) -> None:
        """Read the ticket, let ``decide`` say what it must become, PUT with safe_update; 409: again."""
        for _attempt in range(CONFLICT_RETRIES + 1):
            data = client.get(f"/tickets/{zid}.json", include="users")
            self._remember(data.get("users"))
            ticket = data.get("ticket") or {}
            if ticket.get("status") not in STATUS:
                raise _Refused(f"Zendesk answered with no usable ticket {zid}")
            remote = self._team_state(ticket, every_tag=True)
            wanted = decide(remote)
            if wanted is None or wanted == remote:
                return
            fields: dict[str, object] = {}
            if wanted.status is not remote.status and {wanted.status, remote.status} != {Status.NEW, Status.OPEN}:
                fields["status"] = "open" if wanted.status is Status.NEW else ZENDESK_STATUS[wanted.status]
            if wanted.assignee != remote.assignee:
                fields["assignee_id"] = self._user_id(client, wanted.assignee) if wanted.assignee else None
            if wanted.tags != remote.tags:
                fields["tags"] = sorted(wanted.tags)
            if wanted.priority is not None and wanted.priority is not remote.priority:
                fields["priority"] = wanted.priority.label
            if not fields:
                return
            body = {"ticket": {**fields, "safe_update": True, "updated_stamp": ticket.get("updated_at")}}
            response = client.request("PUT", f"/tickets/{zid}.json", json=body, accept=(409, 422))
            if response.status_code == 409:
                with self._lock:
                    self.conflicts += 1
                continue
            if response.status_code == 422:
                raise _Refused(f"Zendesk refused it ({message_of(response)})")
            return
        raise _Refused(
            f"teammates kept changing it on Zendesk ({CONFLICT_RETRIES + 1} conflicts); the next sync retries"
        )

    def push(self, pushes: Sequence[Push], known: KnownMessages) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        with self._client() as client:
            for push in pushes:
                zid = self._zid(push.ticket_id, known)
                if zid is None:
                    problems.append((f"ticket {push.ticket_id}", "it is not a Zendesk ticket, so it stays here"))
                    continue
                try:
                    self._write(client, zid, _merging(push))
                except _Refused as error:
                    problems.append((f"ticket {push.ticket_id}", f"its state could not be shared: {error}"))
                for merged in known.merged_tickets(push.ticket_id):
                    try:
                        self._merge(client, merged, zid)
                    except _Refused as error:
                        problems.append((f"ticket {merged}", f"Zendesk did not merge it into {zid}: {error}"))
        return problems

    def _merge(self, client: ZendeskClient, zid: int, into: int) -> None:
        """Merge Zendesk ticket ``zid`` into ``into`` with Zendesk's merge (``POST /tickets/{into}/merge``), unless
        Zendesk has it merged already. Both get a private note saying so, as in Zendesk's own merge; the job runs
        on Zendesk's side, and a failed one leaves the ticket open there for the next push to try again."""
        found = client.request("GET", f"/tickets/{zid}.json", accept=(404,))
        if found.status_code == 404:
            raise _Refused(f"Zendesk has no ticket {zid}")
        ticket = client.object_of(found).get("ticket") or {}
        if MERGED_TAG in (ticket.get("tags") or []):
            return
        body = {
            "ids": [zid],
            "source_comment": f"Merged into #{into} from agent-tui.",
            "source_comment_is_public": False,
            "target_comment": f"#{zid} was merged into this ticket from agent-tui.",
            "target_comment_is_public": False,
        }
        response = client.request("POST", f"/tickets/{into}/merge.json", json=body, accept=(400, 403, 404, 422))
        if response.status_code != 200:
            raise _Refused(f"{message_of(response)} (HTTP {response.status_code})")
        job = client.object_of(response).get("job_status") or {}
        if job.get("status") in ("failed", "killed"):
            raise _Refused(f"its merge job failed ({job.get('message') or 'no reason given'})")

    def claim(self, ticket_id: int, local: TeamState, me: Agent, known: KnownMessages) -> str | None:
        key = agent_key(me)
        zid = self._zid(ticket_id, known)
        if zid is None:
            raise SourceError(f"Ticket {ticket_id} was not taken: it is not a Zendesk ticket.")
        holder: list[str] = []

        def decide(remote: TeamState) -> TeamState | None:
            holder.clear()
            if remote.assignee and remote.assignee != key:
                holder.append(remote.assignee)
                return None
            return replace(remote, assignee=key)

        try:
            with self._client() as client:
                self._write(client, zid, decide)
        except _Refused as error:
            raise SourceError(f"Ticket {ticket_id} was not taken: {error}.") from None
        return holder[0] if holder else None

    def wait_for_changes(self, state: SourceState, stop: threading.Event, seconds: float) -> None:
        """Poll the export after the saved cursor, one ticket a page, every ``POLL_SECONDS`` (a minute when
        X-Rate-Limit-Remaining runs low; a 429's Retry-After is waited by the client)."""
        cursor = state.get("cursor")
        if cursor is None:
            return  # never synced: there is news
        deadline = time.monotonic() + seconds
        with self._client() as client:
            while not stop.is_set():
                data = client.get("/incremental/tickets/cursor.json", cursor=cursor, per_page=1, exclude_deleted="true")
                if data.get("tickets"):
                    return
                low = client.remaining is not None and client.remaining < LOW_REMAINING
                left = deadline - time.monotonic()
                if left <= 0 or stop.wait(min(SLOW_POLL_SECONDS if low else POLL_SECONDS, left)):
                    return
                if time.monotonic() >= deadline:
                    return

    # -- sending -------------------------------------------------------------------------------

    def deliver_reply(
        self,
        ticket_id: int,
        message: Message,
        *,
        before_handover: Callable[[], None] = lambda: None,
        uncertain: bool = False,
    ) -> None:
        """A public comment, once (see the module docstring: the audit marker, else the same text by this agent)."""
        self._deliver(ticket_id, message, public=True, before_handover=before_handover)

    def deliver_note(self, ticket_id: int, message: Message) -> None:
        """A private comment (public: false), once, as replies."""
        self._deliver(ticket_id, message, public=False, before_handover=lambda: None)

    def _deliver(self, zid: int, message: Message, *, public: bool, before_handover: Callable[[], None]) -> None:
        what = "reply" if public else "note"
        with self._client() as client:
            if self._delivered(client, zid, message):
                return
            before_handover()
            comment = {"body": message.text, "public": public}
            body = {"ticket": {"comment": comment, "metadata": {"custom": {MARKER: message.message_id}}}}
            response = client.request("PUT", f"/tickets/{zid}.json", json=body, accept=(422,))
            if response.status_code == 422:
                raise SourceError(
                    f"Zendesk refused the {what} on ticket {zid} ({message_of(response)}); it stays in the outbox."
                )

    def _delivered(self, client: ZendeskClient, zid: int, message: Message) -> bool:
        me = self.users.ids.get(self.settings.user.lower())
        text = message.text.strip()
        for audit in self._audits(client, zid):
            if ((audit.get("metadata") or {}).get("custom") or {}).get(MARKER) == message.message_id:
                return True
            at = parse_time(audit.get("created_at"))
            if (me is not None and audit.get("author_id") != me) or at is None or at < message.date - DUPLICATE_WINDOW:
                continue
            for event in audit.get("events") or []:
                if event.get("type") == "Comment" and str(event.get("body") or "").strip() == text:
                    return True
        return False
