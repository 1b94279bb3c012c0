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
    priority low/normal/high/urgent       Priority (informational: TeamState has no priority)
    updated_at                            StateSeen.order (epoch seconds)
    incremental export after_cursor       SourceState "cursor" (the server's, never the local clock)

    status  new -> NEW, open -> OPEN, pending -> PENDING, hold -> ON_HOLD, solved -> SOLVED, closed -> CLOSED
            and back (NEW is written as open: Zendesk does not put a ticket back to new).

Pull reads the cursor-based incremental ticket export (``start_time=0`` the first time, then the saved
``after_cursor``; Zendesk leaves out the last minute, which the next pull reads), side-loading users
(``include=users``), and then each changed ticket's comments (``include=users``). Cost: one export request per
1,000 changed tickets plus one comments request per changed ticket (more only past 100 comments), so about
1,001 requests per 1,000 tickets; users come side-loaded, never looked up one by one (``show_many`` fills what
a side-load missed, 100 a request). A ticket seen again (updated again, or re-read) only files comments whose
refs the store does not hold. Agents are remembered in SourceState ("agents"); end-users come with their tickets.

Push and claim read the ticket, merge (``Unshared.merge_into``) and PUT with ``safe_update`` and the
``updated_stamp`` read; a 409 (a teammate wrote in between) reads again and retries, a few times.

Replies and notes are exactly once: a comment PUT carries the reply's Message-ID as the audit's custom
metadata (``metadata.custom.agent_tui_message_id``). Before writing, the ticket's audits are read: that marker,
or a comment with the same text by this agent since the reply was dated, means it went out already. Zendesk
writes the audit with the comment, so no audit is proof that it did not go out (``uncertain`` then sends).
Pulled comments made through the API get their Message-ID back from that marker (the comment's
``metadata.custom``, else its audit), so a reply sent from here is not filed twice; mailed-in comments keep the
mail's (``metadata.system.message_id``), others get ``<zd.TICKET.COMMENT@HOST>``. The local ticket id is taken as the Zendesk id for delivery (tickets are filed under their
Zendesk id; ``ticket_id_hint``).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from agent_tui.domain.models import Address, Agent, Author, Message, Priority, Status, normalise_tag
from agent_tui.errors import SourceError, UsageError
from agent_tui.sources.base import Capabilities, KnownMessages, Source, SourceState, ThreadConnections
from agent_tui.sources.helpdesk.zendesk.client import ZendeskClient, ZendeskSettings, message_of
from agent_tui.sources.items import (
    Change,
    Incoming,
    Item,
    NewItems,
    Push,
    StateSeen,
    StatesSeen,
    TeamState,
    agent_key,
)

STATUS = {
    "new": Status.NEW,
    "open": Status.OPEN,
    "pending": Status.PENDING,
    "hold": Status.ON_HOLD,
    "solved": Status.SOLVED,
    "closed": Status.CLOSED,
}
ZENDESK_STATUS = {status: name for name, status in STATUS.items()}
PRIORITY = {"low": Priority.LOW, "normal": Priority.NORMAL, "high": Priority.HIGH, "urgent": Priority.URGENT}
PREFIX = "zd/"
MARKER = "agent_tui_message_id"  # the audit's custom metadata key that names a reply sent from here
EXPORT_PAGE = 1000  # tickets an export page (Zendesk's largest)
MAX_TAG = 50  # our bound: a longer tag is refused when set, not when shared
CONFLICT_RETRIES = 3  # 409s (safe_update) read again and retried per ticket
POLL_SECONDS = 10.0  # between export polls: the incremental export allows 10 requests a minute
SLOW_POLL_SECONDS = 60.0  # when X-Rate-Limit-Remaining runs low
LOW_REMAINING = 50
DUPLICATE_WINDOW = timedelta(minutes=10)  # a comment this long before the reply's date may still be it


class _Refused(Exception):
    """Zendesk refused one ticket's change (reported; the others go on)."""


def _merging(push: Push) -> Callable[[TeamState], TeamState]:
    return lambda remote: push.unshared.merge_into(remote, push.local)


def _meta(comment: dict, part: str, key: str) -> str | None:
    """A comment's ``metadata.system`` (a mail's message_id) or ``metadata.custom`` (the audit's) value."""
    value = ((comment.get("metadata") or {}).get(part) or {}).get(key)
    return str(value) if value else None


def _time(text: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None


class ZendeskSource(Source):
    """Opening never waits on the network: ``sync`` (or the TUI's live worker) talks to Zendesk."""

    kind = "zendesk"
    capabilities = Capabilities(pull=True, live=True, push=True, claims=True, send=True, notes=True)

    def __init__(self, settings: ZendeskSettings, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self.sleep = sleep
        self.host = urlsplit(settings.url).hostname or "zendesk.invalid"
        self._connections = ThreadConnections(self._connected)
        self._lock = threading.Lock()
        self._users: dict[int, tuple[str, str, str]] = {}  # id -> (email lowercased, name, role)
        self._ids: dict[str, int] = {}  # email lowercased -> id
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
        for user in users if isinstance(users, list) else []:
            if isinstance(user, dict) and isinstance(user.get("id"), int):
                email = str(user.get("email") or "").lower()
                self._users[user["id"]] = (email, str(user.get("name") or ""), str(user.get("role") or "end-user"))
                if email:
                    self._ids[email] = user["id"]

    def _fill_users(self, client: ZendeskClient, ids: set) -> None:
        """Users a side-load left out (rare), 100 a request: never one request per ticket."""
        missing = sorted(i for i in ids if isinstance(i, int) and i not in self._users)
        for start in range(0, len(missing), 100):
            chunk = ",".join(map(str, missing[start : start + 100]))
            self._remember(client.get("/users/show_many.json", ids=chunk).get("users"))

    def _load_agents(self, state: SourceState) -> None:
        for key, (email, name, role) in json.loads(state.get("agents") or "{}").items():
            self._users.setdefault(int(key), (email, name, role))
            if email:
                self._ids.setdefault(email, int(key))

    def _save_agents(self, state: SourceState) -> None:
        agents = {str(k): list(v) for k, v in sorted(self._users.items()) if v[2] != "end-user"}
        if json.dumps(agents) != (state.get("agents") or "{}"):
            state.set("agents", json.dumps(agents))

    def _key_of(self, user_id: object) -> str | None:
        if not isinstance(user_id, int):
            return None
        email = self._users.get(user_id, ("", "", ""))[0]
        return email or f"zendesk-user-{user_id}"

    def _user_id(self, client: ZendeskClient, email: str) -> int:
        """The Zendesk agent with this login email (searched once, then remembered)."""
        email = email.lower()
        if email not in self._ids:
            self._remember(client.get("/users/search.json", query=email).get("users"))
        user_id = self._ids.get(email)
        if user_id is None or self._users[user_id][2] == "end-user":
            raise _Refused(f"{email} is not an agent on Zendesk, so the ticket can't be assigned to them")
        return user_id

    # -- pull -----------------------------------------------------------------------------------

    def pull(self, known: KnownMessages, state: SourceState, now: datetime) -> Iterator[Change]:
        """Export pages in order: each page's new comments, then its tickets' states; the cursor after both."""
        self._load_agents(state)
        cursor = state.get("cursor")
        with self._client() as client:
            while True:
                params: dict[str, object] = {"per_page": EXPORT_PAGE, "include": "users", "exclude_deleted": "true"}
                if cursor:
                    params["cursor"] = cursor
                else:
                    params["start_time"] = 0
                data = client.get("/incremental/tickets/cursor.json", **params)
                self._remember(data.get("users"))
                latest: dict[int, dict] = {}
                for ticket in data.get("tickets") or []:
                    if (
                        isinstance(ticket, dict)
                        and isinstance(ticket.get("id"), int)
                        and ticket.get("status") in STATUS
                    ):
                        latest[ticket["id"]] = ticket  # the export may list a ticket twice: its last state counts
                tickets = list(latest.values())
                self._fill_users(client, {t.get(k) for t in tickets for k in ("requester_id", "assignee_id")} - {None})
                yield NewItems(self._comments(client, known, tickets))
                yield StatesSeen([seen for ticket in tickets if (seen := self._seen(known, ticket)) is not None])
                after = data.get("after_cursor")
                if after and after != cursor:
                    cursor = str(after)
                    state.set("cursor", cursor)
                self._save_agents(state)
                if data.get("end_of_stream") or not after or (after == cursor and not tickets):
                    return

    def _comments(self, client: ZendeskClient, known: KnownMessages, tickets: list[dict]) -> Iterator[Item]:
        for ticket in tickets:
            zid = ticket["id"]
            have = set(known.source_refs_under(f"{PREFIX}{zid}/"))
            comments: list[dict] = []
            for page in client.cursor_pages(f"/tickets/{zid}/comments.json", "comments", {"include": "users"}):
                self._remember(page.get("users"))
                comments.extend(c for c in page.get("comments") or [] if isinstance(c, dict) and "id" in c)
            new = [c for c in comments if f"{PREFIX}{zid}/{c['id']}" not in have]
            api_made = any((c.get("via") or {}).get("channel") == "api" and not _meta(c, "custom", MARKER) for c in new)
            markers = self._markers(client, zid) if api_made else {}
            for comment in new:
                yield self._item(ticket, comment, markers)

    def _item(self, ticket: dict, comment: dict, markers: dict[int, str]) -> Incoming:
        zid, cid = ticket["id"], comment["id"]
        author_id = comment.get("author_id")
        unknown = (f"user-{author_id}@{self.host}", "", "end-user")
        email, name, role = self._users.get(author_id, unknown) if isinstance(author_id, int) else unknown
        if not comment.get("public", True):
            author = Author.NOTE
        else:
            author = Author.CUSTOMER if role == "end-user" else Author.AGENT
        requester_id = ticket.get("requester_id")
        requester = self._users.get(requester_id) if isinstance(requester_id, int) else None
        to = (Address(requester[0], requester[1]),) if requester and author is not Author.CUSTOMER else ()
        date = _time(comment.get("created_at")) or _time(ticket.get("updated_at")) or datetime.now(UTC)
        message = Message(
            author=author,
            sender=Address(email, name),
            date=date,
            text=str(comment.get("plain_body") or comment.get("body") or ""),
            subject=str(ticket.get("subject") or ""),
            to=to,
            html=comment.get("html_body") or None,
            message_id=_meta(comment, "custom", MARKER)
            or markers.get(cid)
            or _meta(comment, "system", "message_id")  # a mail's own Message-ID
            or f"<zd.{zid}.{cid}@{self.host}>",
        )
        return Incoming(
            origin=f"Zendesk ticket {zid}, comment {cid}",
            message=message,
            author_known=True,
            ticket_key=f"zd-{zid}",
            priority=PRIORITY.get(str(ticket.get("priority"))),
            ticket_id_hint=zid,
            source_ref=f"{PREFIX}{zid}/{cid}",
        )

    def _team_state(self, ticket: dict, *, every_tag: bool = False) -> TeamState:
        """The ticket's state; ``every_tag``: Zendesk's own tags too (pushes write the full set back)."""
        tags: set[str] = set()
        for tag in ticket.get("tags") or []:
            try:
                if every_tag or normalise_tag(str(tag)) == tag:
                    tags.add(str(tag))
            except UsageError:
                continue  # a tag agent-tui can't hold is left out of what is shown, and kept on Zendesk
        return TeamState(STATUS[ticket["status"]], self._key_of(ticket.get("assignee_id")), frozenset(tags))

    def _seen(self, known: KnownMessages, ticket: dict) -> StateSeen | None:
        refs = known.source_refs_under(f"{PREFIX}{ticket['id']}/")
        updated = _time(ticket.get("updated_at"))
        if not refs or updated is None:
            return None
        return StateSeen(min(refs), self._team_state(ticket), int(updated.timestamp()))

    def _markers(self, client: ZendeskClient, zid: int) -> dict[int, str]:
        """Comment id -> the Message-ID a reply sent from here carried in its audit's custom metadata."""
        found: dict[int, str] = {}
        for audit in self._audits(client, zid):
            marker = ((audit.get("metadata") or {}).get("custom") or {}).get(MARKER)
            for event in audit.get("events") or []:
                if marker and event.get("type") == "Comment" and isinstance(event.get("id"), int):
                    found[event["id"]] = str(marker)
        return found

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
        for ref in known.source_refs(ticket_id, PREFIX):
            part = ref.split("/")[1]
            if part.isdigit():
                return int(part)
        return None

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
        return problems

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
            return TeamState(remote.status, key, remote.tags)

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
        me = self._ids.get(self.settings.user.lower())
        text = message.text.strip()
        for audit in self._audits(client, zid):
            if ((audit.get("metadata") or {}).get("custom") or {}).get(MARKER) == message.message_id:
                return True
            at = _time(audit.get("created_at"))
            if (me is not None and audit.get("author_id") != me) or at is None or at < message.date - DUPLICATE_WINDOW:
                continue
            for event in audit.get("events") or []:
                if event.get("type") == "Comment" and str(event.get("body") or "").strip() == text:
                    return True
        return False
