"""``ZendeskSource.pull``: Zendesk's two incremental exports read into agent-tui's changes.

1. The cursor-based ticket export (``/incremental/tickets/cursor.json``, ``include=users``) from the saved
   ``after_cursor`` (``start_time=0`` the first time): each changed ticket's state, its subject, requester and
   priority. A ticket already here gets its state at once; of every ticket only a small ``Summary`` is kept.
2. The time-based ticket event export (``/incremental/ticket_events.json``, ``include=comment_events``) from the
   saved ``end_time`` ("events_time", 0 the first time): one event an update (an audit: comments, field changes),
   its comments among its child events, the audit's metadata (the reply marker, a mail's Message-ID) on the
   event. Page by page (1,000 events, in time order, so a first sync's queue fills as it reads): the page's new
   comments, then the state of their tickets (a new ticket is known once its messages are filed), then
   ``end_time`` is saved. A ticket the ticket export did not list this pull comes from ``/tickets/show_many``
   (100 a request); comment authors not known yet from ``/users/show_many`` (100 a request).

Time-based paging repeats the page's last second on the next page: a comment is filed once, by its ref (the
store's refs, and the refs filed from the page before). A whole page in one second can't be paged past (its
``end_time`` stays): the tickets that may have comments in that second (those on the page, and those this pull
saw updated since and created by then) are read one by one (``/tickets/{id}/comments.json``, and its audits for
the marker of a comment made through the API), and the export goes on from the next second. A ``start_time``
within Zendesk's last minute is refused ("Too recent start_time"): caught up, the next pull reads on.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from agent_tui.domain.models import Address, Author, Message, Priority, Status
from agent_tui.sources.base import KnownMessages, SourceState
from agent_tui.sources.helpdesk.zendesk.client import ZendeskClient
from agent_tui.sources.helpdesk.zendesk.users import SHOW_MANY, Users
from agent_tui.sources.items import Change, Incoming, Item, NewItems, StateSeen, StatesSeen, TeamState

STATUS = {
    "new": Status.NEW,
    "open": Status.OPEN,
    "pending": Status.PENDING,
    "hold": Status.ON_HOLD,
    "solved": Status.SOLVED,
    "closed": Status.CLOSED,
}
PRIORITY = {"low": Priority.LOW, "normal": Priority.NORMAL, "high": Priority.HIGH, "urgent": Priority.URGENT}
PREFIX = "zd/"
MARKER = "agent_tui_message_id"  # the audit's custom metadata key that names a reply sent from here
EXPORT_PAGE = 1000  # tickets an export page (Zendesk's largest)
TICKETS = "/incremental/tickets/cursor.json"
EVENTS = "/incremental/ticket_events.json"


def meta(record: Mapping, part: str, key: str) -> str | None:
    """A comment's or an audit's ``metadata.system`` (a mail's message_id) or ``metadata.custom`` value."""
    value = ((record.get("metadata") or {}).get(part) or {}).get(key)
    return str(value) if value else None


def parse_time(text: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None


def _seconds(value: object, default: int) -> int:
    """An export's ``end_time`` (epoch seconds, documented as an integer)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    return int(value) if isinstance(value, str) and value.isdigit() else default


def _is_comment(child: object) -> bool:
    """A comment among an event's children (``event_type``, or ``type`` as some answers have it)."""
    return (
        isinstance(child, dict)
        and "Comment" in (child.get("event_type"), child.get("type"))
        and isinstance(child.get("id"), int)
    )


@dataclass(frozen=True, slots=True)
class Summary:
    """What a pull keeps of a ticket until its messages are filed (a big help desk changes 100,000 at once)."""

    id: int
    subject: str
    requester_id: int | None
    priority: Priority | None
    status: str
    assignee_id: int | None
    tags: tuple[str, ...]
    updated: int | None  # updated_at, epoch seconds
    created: int | None  # created_at, epoch seconds

    @classmethod
    def of(cls, ticket: object) -> Summary | None:
        if not isinstance(ticket, dict) or not isinstance(ticket.get("id"), int) or ticket.get("status") not in STATUS:
            return None
        requester, assignee = ticket.get("requester_id"), ticket.get("assignee_id")
        updated, created = parse_time(ticket.get("updated_at")), parse_time(ticket.get("created_at"))
        return cls(
            ticket["id"],
            str(ticket.get("subject") or ""),
            requester if isinstance(requester, int) else None,
            PRIORITY.get(str(ticket.get("priority"))),
            str(ticket["status"]),
            assignee if isinstance(assignee, int) else None,
            tuple(str(tag) for tag in ticket.get("tags") or []),
            int(updated.timestamp()) if updated else None,
            int(created.timestamp()) if created else None,
        )

    def fields(self) -> dict:
        """The ticket fields ``ZendeskSource._team_state`` reads."""
        return {
            "id": self.id,
            "status": self.status,
            "assignee_id": self.assignee_id,
            "tags": list(self.tags),
            "priority": self.priority.label if self.priority is not None else None,
        }


class Pull:
    """One pull over one client: ``changes()`` reports them in order, saving each export's place as it goes."""

    def __init__(
        self,
        client: ZendeskClient,
        users: Users,
        known: KnownMessages,
        state: SourceState,
        host: str,
        team_state: Callable[[dict], TeamState],
    ) -> None:
        self.client, self.users, self.known, self.state = client, users, known, state
        self.host, self.team_state = host, team_state
        self.summaries: dict[int, Summary] = {}
        self.gone: set[int] = set()  # tickets show_many did not return (deleted): not asked for again

    def changes(self) -> Iterator[Change]:
        self.users.load_agents(self.state)
        yield from self._tickets()
        yield from self._events()

    # -- the ticket export: ticket state ------------------------------------------------------------

    def _tickets(self) -> Iterator[Change]:
        cursor = self.state.get("cursor")
        while True:
            params: dict[str, object] = {"per_page": EXPORT_PAGE, "include": "users", "exclude_deleted": "true"}
            if cursor:
                params["cursor"] = cursor
            else:
                params["start_time"] = 0
            data = self.client.get(TICKETS, **params)
            self.users.remember(data.get("users"))
            latest: dict[int, Summary] = {}
            for ticket in data.get("tickets") or []:
                if summary := Summary.of(ticket):
                    latest[summary.id] = summary  # the export may list a ticket twice: its last state counts
            self.summaries.update(latest)
            self.users.fill(self.client, {i for s in latest.values() for i in (s.requester_id, s.assignee_id)})
            yield StatesSeen([seen for summary in latest.values() if (seen := self._seen(summary)) is not None])
            after = data.get("after_cursor")
            if after and after != cursor:
                cursor = str(after)
                self.state.set("cursor", cursor)
            self.users.save_agents(self.state)
            if data.get("end_of_stream") or not after or (after == cursor and not latest):
                return

    def _seen(self, summary: Summary) -> StateSeen | None:
        refs = self.known.source_refs_under(f"{PREFIX}{summary.id}/")
        if not refs or summary.updated is None:
            return None
        return StateSeen(min(refs), self.team_state(summary.fields()), summary.updated, summary.id)

    # -- the event export: comments -----------------------------------------------------------------

    def _events(self) -> Iterator[Change]:
        start = int(self.state.get("events_time") or 0)
        last: set[str] = set()  # refs filed from the page before: its last second comes again
        while True:
            data = self.client.time_export(EVENTS, start_time=start, include="comment_events")
            if data is None:
                return  # start is within Zendesk's last minute: caught up
            events = [
                e
                for e in data.get("ticket_events") or []
                if isinstance(e, dict) and isinstance(e.get("ticket_id"), int)
            ]
            comments = [
                (event, child) for event in events for child in event.get("child_events") or [] if _is_comment(child)
            ]
            last = yield from self._file(comments, last)
            end, done = _seconds(data.get("end_time"), start), bool(data.get("end_of_stream"))
            if end <= start and not done:
                if not events:
                    return  # an empty page that is not the end: nothing to go on with, the next pull asks again
                # A whole page in one second: its end_time can't move. Read that second's tickets one by one.
                yield from self._one_second(start, {e["ticket_id"] for e in events})
                end, last = start + 1, set()
            if end > start:
                start = end
                self.state.set("events_time", str(end))
            self.users.save_agents(self.state)
            if done:
                return

    def _file(self, comments: list[tuple[dict, dict]], last: set[str]) -> Generator[Change, None, set[str]]:
        """A page's new comments, then their tickets' states; returns the refs filed."""
        have = {t: set(self.known.source_refs_under(f"{PREFIX}{t}/")) for t in {e["ticket_id"] for e, _ in comments}}
        new: dict[str, tuple[dict, dict]] = {}
        for event, comment in comments:
            ref = f"{PREFIX}{event['ticket_id']}/{comment['id']}"
            if ref not in have[event["ticket_id"]] and ref not in last and ref not in new:
                new[ref] = (event, comment)
        tids = sorted({event["ticket_id"] for event, _ in new.values()})
        self._summarise([t for t in tids if t not in self.summaries and t not in self.gone])
        self.users.fill(self.client, {comment.get("author_id") for _, comment in new.values()})
        filed = {ref for ref, (event, _) in new.items() if event["ticket_id"] in self.summaries}
        if filed:
            yield NewItems(
                iter([self._item(self.summaries[e["ticket_id"]], c, e) for ref, (e, c) in new.items() if ref in filed])
            )
            touched = [t for t in tids if t in self.summaries]
            yield StatesSeen([seen for t in touched if (seen := self._seen(self.summaries[t])) is not None])
        return filed

    def _summarise(self, tids: list[int]) -> None:
        """Tickets the ticket export did not list this pull (a pull cut short before its events, say)."""
        for start in range(0, len(tids), SHOW_MANY):
            chunk = tids[start : start + SHOW_MANY]
            data = self.client.get("/tickets/show_many.json", ids=",".join(map(str, chunk)), include="users")
            self.users.remember(data.get("users"))
            for ticket in data.get("tickets") or []:
                if summary := Summary.of(ticket):
                    self.summaries[summary.id] = summary
            self.gone.update(t for t in chunk if t not in self.summaries)
            self.users.fill(self.client, {self.summaries[t].requester_id for t in chunk if t in self.summaries})

    def _one_second(self, second: int, page: set[int]) -> Iterator[Change]:
        """The tickets that may have comments in ``second`` beyond the page: read one by one (rare: a bulk import)."""
        since = {
            s.id
            for s in self.summaries.values()
            if s.updated is not None and s.updated >= second and (s.created is None or s.created <= second)
        }
        self._summarise(sorted(t for t in page if t not in self.summaries and t not in self.gone))
        tids = sorted(t for t in page | since if t in self.summaries)
        yield NewItems(item for tid in tids for item in self._ticket_comments(self.summaries[tid]))
        yield StatesSeen([seen for tid in tids if (seen := self._seen(self.summaries[tid])) is not None])

    def _ticket_comments(self, summary: Summary) -> Iterator[Item]:
        zid = summary.id
        have = set(self.known.source_refs_under(f"{PREFIX}{zid}/"))
        comments: list[dict] = []
        for page in self.client.cursor_pages(f"/tickets/{zid}/comments.json", "comments", {"include": "users"}):
            self.users.remember(page.get("users"))
            comments.extend(
                c for c in page.get("comments") or [] if isinstance(c, dict) and isinstance(c.get("id"), int)
            )
        new = [c for c in comments if f"{PREFIX}{zid}/{c['id']}" not in have]
        api_made = any((c.get("via") or {}).get("channel") == "api" and not meta(c, "custom", MARKER) for c in new)
        markers = self._markers(zid) if api_made else {}
        for comment in new:
            marker = markers.get(comment["id"])
            yield self._item(summary, comment, {"metadata": {"custom": {MARKER: marker}}} if marker else None)

    def _markers(self, zid: int) -> dict[int, str]:
        """Comment id -> the Message-ID a reply sent from here carried in its audit's custom metadata."""
        found: dict[int, str] = {}
        for page in self.client.cursor_pages(f"/tickets/{zid}/audits.json", "audits", {}):
            for audit in (a for a in page.get("audits") or [] if isinstance(a, dict)):
                marker = meta(audit, "custom", MARKER)
                for event in audit.get("events") or []:
                    if marker and event.get("type") == "Comment" and isinstance(event.get("id"), int):
                        found[event["id"]] = marker
        return found

    def _item(self, summary: Summary, comment: dict, audit: Mapping | None) -> Incoming:
        """A comment as a message; ``audit``: the event (or audit) that made it, whose metadata names it."""
        zid, cid, audit = summary.id, comment["id"], audit or {}
        author_id = comment.get("author_id")
        unknown = (f"user-{author_id}@{self.host}", "", "end-user")
        email, name, role = self.users.by_id.get(author_id, unknown) if isinstance(author_id, int) else unknown
        if not comment.get("public", True):
            author = Author.NOTE
        else:
            author = Author.CUSTOMER if role == "end-user" else Author.AGENT
        requester = self.users.by_id.get(summary.requester_id) if summary.requester_id is not None else None
        to = (Address(requester[0], requester[1]),) if requester and author is not Author.CUSTOMER else ()
        updated = datetime.fromtimestamp(summary.updated, UTC) if summary.updated is not None else None
        message = Message(
            author=author,
            sender=Address(email, name),
            date=parse_time(comment.get("created_at")) or updated or datetime.now(UTC),
            text=str(comment.get("plain_body") or comment.get("body") or ""),
            subject=summary.subject,
            to=to,
            html=comment.get("html_body") or None,
            message_id=meta(comment, "custom", MARKER)
            or meta(audit, "custom", MARKER)  # a reply sent from here
            or meta(comment, "system", "message_id")  # a mail's own Message-ID
            or meta(audit, "system", "message_id")
            or f"<zd.{zid}.{cid}@{self.host}>",
        )
        return Incoming(
            origin=f"Zendesk ticket {zid}, comment {cid}",
            message=message,
            author_known=True,
            ticket_key=f"zd-{zid}",
            priority=summary.priority,
            ticket_id_hint=zid,
            source_ref=f"{PREFIX}{zid}/{cid}",
        )
