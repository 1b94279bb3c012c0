"""``RtSource``: the contract of ``sources.base`` over Request Tracker 5's REST2 API (see the package docstring)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import datetime
from urllib.parse import urlsplit

from agent_tui.domain.models import Agent, Message, Status
from agent_tui.errors import SourceError, UsageError
from agent_tui.sources.base import Capabilities, KnownMessages, Source, SourceState, ThreadConnections
from agent_tui.sources.helpdesk.rt.client import PER_PAGE, Refused, RtClient, decode
from agent_tui.sources.helpdesk.rt.records import (
    ID_PARAM,
    MAX_TAG,
    MESSAGE_TYPES,
    NOBODY,
    PRIORITY_TO_RT,
    STATUS_TO_RT,
    UNREAD_TYPES,
    USER_FIELDS,
    RtTicket,
    Users,
    incoming,
    merged_into,
    status_from_rt,
)
from agent_tui.sources.helpdesk.rt.settings import RtSettings
from agent_tui.sources.items import Change, Incoming, Item, NewItems, Push, StateSeen, StatesSeen, TeamState, agent_key

TXN_FIELDS = "Type,Creator,Created,ObjectId,Field,NewValue"  # Field and NewValue: a merge's link
TXN_PARAMS = {"fields": TXN_FIELDS, "fields[Creator]": USER_FIELDS}  # the creator comes with its transaction
TICKET_FIELDS = {
    "fields": "Subject,Status,Owner,Requestor,Queue,CustomFields,Priority",
    "fields[Owner]": USER_FIELDS,
    "fields[Requestor]": USER_FIELDS,
}
PART_FIELDS = "TransactionId,Content,ContentType,Subject,Headers,Filename"
POLL_SECONDS = 5.0  # wait_for_changes asks RT this often
UNCERTAIN_WAIT = 2.0  # seconds before a second look for an interrupted reply
_ATTEMPTS = 5  # compare-and-set rounds before giving up on a ticket that keeps changing
_SAME = {"new", "open"}  # the team treats them alike: neither is written over the other


def _ticket_txns(ticket_id: int, after: int = 0, types: Sequence[str] = ()) -> list[dict]:
    query: list[dict] = [
        {"field": "ObjectType", "operator": "=", "value": "RT::Ticket"},
        {"field": "ObjectId", "operator": "=", "value": ticket_id},
        {"field": "id", "operator": ">", "value": after},
    ]
    return query + [{"field": "Type", "operator": "=", "value": t} for t in types[:1]]


def _quoted(value: str) -> str:
    """A value inside single quotes in RT's TicketSQL."""
    return value.replace("\\", "\\\\").replace("'", "\\'")


class RtSource(Source):
    """Opening never waits on the network: ``sync`` (or the TUI's live worker) reads RT."""

    kind = "rt"
    capabilities = Capabilities(pull=True, live=True, push=True, claims=True, send=True, notes=True, merge=True)
    reads_back_as = {Status.ON_HOLD: Status.PENDING, Status.CLOSED: Status.SOLVED}  # RT's stalled, RT's resolved

    def __init__(self, settings: RtSettings) -> None:
        self.settings = settings
        self.host = urlsplit(settings.url).hostname or "rt.invalid"
        self.users = Users()
        self._connections = ThreadConnections(self._connected)
        self._queue_id: str | None = None
        self._no_tags_field = False  # learned from a ticket without the custom field

    # -- connections -------------------------------------------------------------------------------

    def session(self) -> AbstractContextManager[RtClient]:
        """One HTTP connection (and one RT session: see ``client``) for this thread's calls inside the block."""
        return self._connections.session()

    @contextmanager
    def _connected(self) -> Iterator[RtClient]:
        client = RtClient(self.settings, self.settings.secret())
        try:
            yield client
        finally:
            client.close()

    # -- reading -----------------------------------------------------------------------------------

    def _ticket(self, rt: RtClient, ticket_id: int) -> RtTicket:
        response = rt.request("GET", f"/ticket/{ticket_id}")
        ticket = RtTicket.from_json(
            decode(response, self.settings.url), self.settings.tags_field, response.headers.get("ETag")
        )
        self._no_tags_field = ticket.tags is None
        return ticket

    def _tickets(self, rt: RtClient, query: str) -> Iterator[list[RtTicket]]:
        """The tickets a TicketSQL query finds, a page at a time, with their users (one request a page)."""
        params = {"query": query, "orderby": "id", "order": "ASC", **TICKET_FIELDS}
        for page in rt.pages("GET", "/tickets", params):
            tickets = []
            for row in page:
                for user in [row.get("Owner"), *(row.get("Requestor") or [])]:
                    self.users.note(user)
                tickets.append(RtTicket.from_json(row, self.settings.tags_field))
            if tickets:
                self._no_tags_field = tickets[-1].tags is None
            yield tickets

    def _in_queue(self, where: str) -> str:
        """TicketSQL for ``where`` within the account's queue, if it has one."""
        if self.settings.queue is None:
            return where
        return f"Queue = '{_quoted(self.settings.queue)}' AND ({where})"

    def _parts(self, rt: RtClient, txns: Iterable[dict]) -> dict[int, list[dict]]:
        """The attachments of these transactions' messages, by transaction id: one query per 100 messages."""
        ids = sorted(int(t["id"]) for t in txns if t.get("Type") in MESSAGE_TYPES)
        parts: dict[int, list[dict]] = {i: [] for i in ids}
        for start in range(0, len(ids), PER_PAGE):
            body = [{"field": "TransactionId", "operator": "IN", "value": ids[start : start + PER_PAGE]}]
            params = {"orderby": "id", "order": "ASC", "fields": PART_FIELDS}
            for page in rt.pages("POST", "/attachments", params, body, whole=True):
                for part in page:
                    parts.setdefault(int(part["TransactionId"]), []).append(part)
        return parts

    def _messages(
        self, rt: RtClient, ticket: RtTicket, txns: list[dict], parts: dict[int, list[dict]]
    ) -> Iterator[Incoming]:
        for txn in sorted(txns, key=lambda t: int(t["id"])):
            if txn.get("Type") in MESSAGE_TYPES:
                yield incoming(rt, self.users, ticket, txn, parts.get(int(txn["id"]), []), self.host)

    def _histories(self, rt: RtClient, ticket_ids: Sequence[int]) -> dict[int, list[dict]]:
        """Every transaction of these tickets, by ticket: one query (paged) for up to 100 tickets."""
        found: dict[int, list[dict]] = {i: [] for i in ticket_ids}
        for start in range(0, len(ticket_ids), PER_PAGE):
            body = [
                {"field": "ObjectType", "operator": "=", "value": "RT::Ticket"},
                {"field": "ObjectId", "operator": "IN", "value": list(ticket_ids[start : start + PER_PAGE])},
                {"field": "Type", "operator": "NOT IN", "value": list(UNREAD_TYPES)},
            ]
            for page in rt.pages("POST", "/transactions", {"orderby": "id", "order": "ASC", **TXN_PARAMS}, body):
                for txn in page:
                    self.users.note(txn.get("Creator"))
                    found.setdefault(int(txn["ObjectId"]), []).append(txn)
        return found

    def _feed_query(self, after: int) -> str:
        """TransactionSQL for the ticket transactions past ``after`` that this account reads: RT checks the right
        to see their tickets in SQL (its default ``UseSQLForACLChecks``), so other queues' transactions never fill
        a page; its copies of outgoing mail, which most agents may not see, are left out in SQL too."""
        query = f"ObjectType = 'RT::Ticket' AND id > {after}"
        query += "".join(f" AND Type != '{kind}'" for kind in UNREAD_TYPES)
        if self.settings.queue is not None:
            query += f" AND TicketQueue = '{_quoted(self.settings.queue)}'"
        return query

    def _newest(self, rt: RtClient, after: int) -> int:
        """The newest ticket transaction past ``after`` this user can see (0: none): one request, newest first. RT
        drops what the user may not see from a page after reading it, so 0 also when the newest 100 past ``after``
        are all hidden; what is visible below them comes once a visible one is written above them."""
        params = {"query": self._feed_query(after), "orderby": "id", "order": "DESC", "fields": "ObjectId"}
        found = rt.json("GET", "/transactions", params={**params, "per_page": PER_PAGE, "page": 1})
        return max((int(t["id"]) for t in found.get("items") or []), default=0)

    def _merges(self, rt: RtClient) -> dict[int, int]:
        """Every merge in the account's queue, as {merged ticket: its target}, from RT's link transactions."""
        query = "ObjectType = 'RT::Ticket' AND Type = 'AddLink'"
        if self.settings.queue is not None:
            query += f" AND TicketQueue = '{_quoted(self.settings.queue)}'"
        params = {"query": query, "orderby": "id", "order": "ASC", "fields": "ObjectId,Type,Field,NewValue"}
        return {
            int(txn["ObjectId"]): into
            for page in rt.pages("GET", "/transactions", params)
            for txn in page
            if (into := merged_into(txn)) is not None
        }

    def _feed(self, rt: RtClient, after: int, until: int, params: dict[str, str]) -> Iterator[list[dict]]:
        """Ticket transactions past ``after``, a page at a time, oldest first, until ``until`` (from ``_newest``) is
        read. A page RT read and then hid entirely comes back empty with more behind it: reading goes on over it
        while ``until`` is ahead, and stops when the page's offset passes ``until`` (ids are unique, so no more than
        ``until - after`` rows lie between), so a stretch of hidden transactions never holds the cursor back. After a
        page with items the next starts past its last one (a ticket leaving the queue meanwhile shifts no page)."""
        page = 1
        while after < until and (page - 1) * PER_PAGE < until - after:
            query = {"query": self._feed_query(after), "orderby": "id", "order": "ASC", **params}
            found = rt.json("GET", "/transactions", params={**query, "per_page": PER_PAGE, "page": page})
            items = list(found.get("items") or [])
            if items:
                after, page = max(int(t["id"]) for t in items), 1
                yield items
            elif found.get("pages") is not None and page >= int(found["pages"]):
                return  # a superuser's answer says where it ends
            else:
                page += 1

    # -- pull ----------------------------------------------------------------------------------------

    def pull(self, known: KnownMessages, state: SourceState, now: datetime) -> Iterator[Change]:
        """The first pull reads every ticket of the queue, a page of tickets at a time; later ones read the
        transactions since the cursor (the highest transaction id read, ``txn``). Messages come first, then
        the tickets' states; the cursor is saved after both."""
        with self.session() as rt:
            self.users.load(state)
            cursor = state.get("txn")
            if cursor is None:
                yield from self._first_pull(rt, state)
            else:
                yield from self._later_pull(rt, known, state, int(cursor))
            self.users.save(state)

    def _first_pull(self, rt: RtClient, state: SourceState) -> Iterator[Change]:
        high = self._newest(rt, 0)  # read before the tickets: what is written meanwhile comes with the next pull
        merges = _final_targets(self._merges(rt))
        seen: list[StateSeen] = []
        newest = 0
        for page in self._tickets(rt, self._in_queue("id > 0")):

            def items(page: list[RtTicket] = page) -> Iterator[Item]:
                nonlocal newest
                # RT's searches leave merged tickets out: they come with their targets, to be merged here too.
                merged = [_merged(t, m) for t in page for m, into in merges.items() if into == t.id]
                histories = self._histories(rt, [t.id for t in page + merged])
                parts = self._parts(rt, (t for txns in histories.values() for t in txns))
                for ticket in page + merged:
                    txns = histories.get(ticket.id, [])
                    last_ref = None
                    for item in self._messages(rt, ticket, txns, parts):
                        last_ref = item.source_ref
                        yield item
                    if txns:
                        newest = max(newest, max(int(t["id"]) for t in txns))
                    if last_ref:
                        team = replace(ticket.team_state(rt, self.users), merged_into=merges.get(ticket.id))
                        seen.append(StateSeen(last_ref, team, max(int(t["id"]) for t in txns), ticket.id))

            yield NewItems(items())
        yield StatesSeen(seen)
        state.set("txn", str(high or newest))

    def _later_pull(self, rt: RtClient, known: KnownMessages, state: SourceState, cursor: int) -> Iterator[Change]:
        newest = self._newest(rt, cursor)
        if not newest:
            return  # nothing new: one request
        by_ticket: dict[int, list[dict]] = {}
        merges: dict[int, int] = {}
        for page in self._feed(rt, cursor, newest, TXN_PARAMS):
            for txn in page:
                self.users.note(txn.get("Creator"))
                by_ticket.setdefault(int(txn["ObjectId"]), []).append(txn)
                if (into := merged_into(txn)) is not None:
                    merges[int(txn["ObjectId"])] = into
        if not by_ticket:
            return
        merges = _final_targets(merges)
        tickets: dict[int, RtTicket] = {}
        ids = sorted(set(by_ticket) | set(merges.values()))
        for start in range(0, len(ids), PER_PAGE):
            where = " OR ".join(f"id = {i}" for i in ids[start : start + PER_PAGE])
            for found in self._tickets(rt, self._in_queue(where)):
                tickets.update((t.id, t) for t in found)  # the rest moved out of sight meanwhile
        for merged, into in merges.items():  # RT's searches leave merged tickets out: read as their targets
            if into in tickets:
                tickets[merged] = _merged(tickets[into], merged)

        def items() -> Iterator[Item]:
            histories = {
                ticket_id: txns
                for ticket_id, txns in by_ticket.items()
                if ticket_id in tickets
                and not any(t.get("Type") == "Create" for t in txns)  # else the feed holds all of it
                and not known.source_refs_under(f"rt/{ticket_id}/")
            }
            if histories:
                histories = self._histories(rt, sorted(histories))  # new here (moved into the queue): all of it
            reading = {i: histories.get(i, by_ticket[i]) for i in by_ticket if i in tickets}  # the feed's order
            parts = self._parts(rt, (t for txns in reading.values() for t in txns))
            for ticket_id, txns in reading.items():
                yield from self._messages(rt, tickets[ticket_id], txns, parts)

        yield NewItems(items())
        seen = []
        for ticket_id, ticket in tickets.items():
            refs = known.source_refs_under(f"rt/{ticket_id}/")
            if refs:
                ref = max(refs, key=lambda r: int(r.rsplit("/", 1)[1]))
                order = max((int(t["id"]) for t in by_ticket.get(ticket_id, ())), default=cursor)
                team = replace(ticket.team_state(rt, self.users), merged_into=merges.get(ticket_id))
                seen.append(StateSeen(ref, team, order, ticket_id))
        yield StatesSeen(seen)
        state.set("txn", str(max(int(t["id"]) for txns in by_ticket.values() for t in txns)))

    def wait_for_changes(self, state: SourceState, stop: threading.Event, seconds: float) -> None:
        """Ask RT every few seconds for a transaction past the cursor (RT 5 has no push of its own)."""
        cursor = state.get("txn")
        if cursor is None:
            return  # never pulled: a pull is what is needed
        deadline = time.monotonic() + seconds
        with self.session() as rt:
            while not stop.is_set():
                if self._newest(rt, int(cursor)):
                    return
                left = deadline - time.monotonic()
                if left <= 0 or stop.wait(min(POLL_SECONDS, left)):
                    return

    # -- shared ticket state -------------------------------------------------------------------------

    def validate(self, *, tag: str | None = None, assignee: Agent | None = None) -> None:
        if tag is not None:
            if self._no_tags_field:
                raise UsageError(
                    f"RT's tickets here have no custom field {self.settings.tags_field!r} to hold tags; ask an RT admin to "
                    "add a multi-value one, or set tags_field to its name."
                )
            if len(tag) > MAX_TAG:
                raise UsageError(f"The tag is too long for RT: keep it under {MAX_TAG + 1} characters.")

    def _rt_id(self, ticket_id: int, known: KnownMessages) -> int:
        """The RT ticket behind a ticket here: the one its messages came from (the same id, but for a follow-up).
        A ticket others were merged into holds their messages too: its own id comes first."""
        rt_ids = [int(ref.split("/")[1]) for ref in known.source_refs(ticket_id, "rt/")]
        return ticket_id if ticket_id in rt_ids or not rt_ids else min(rt_ids)

    def push(self, pushes: Sequence[Push], known: KnownMessages) -> list[tuple[str, str]]:
        """Each ticket's changes, merged field by field with RT's, written with If-Match (412: read and merge
        again). A ticket RT refuses is reported, the rest go on; a broken connection stops the push."""
        problems: list[tuple[str, str]] = []
        with self.session() as rt:
            for push in pushes:
                rt_id = self._rt_id(push.ticket_id, known)
                try:
                    self._write(rt, rt_id, lambda remote, p=push: p.unshared.merge_into(remote, p.local))  # type: ignore[misc]
                except Refused as error:
                    problems.append((f"ticket {push.ticket_id}", f"RT did not take its state ({error})"))
                for merged in known.merged_tickets(push.ticket_id):
                    try:
                        self._merge(rt, self._rt_id(merged, known), rt_id)
                    except Refused as error:
                        problems.append((f"ticket {merged}", f"RT did not merge it into {rt_id} ({error})"))
        return problems

    def _merge(self, rt: RtClient, rt_id: int, into: int) -> None:
        """Merge RT ticket ``rt_id`` into ``into`` (``PUT {"MergeInto": ...}``), unless RT has it merged already:
        a merged ticket reads as the one it was merged into."""
        now = self._merged_as(rt, rt_id)
        if now == into:
            return  # merged already (a push before was cut short after it)
        if now != rt_id:
            raise Refused(f"RT has it merged into #{now} already")
        said = decode(rt.request("PUT", f"/ticket/{rt_id}", json={"MergeInto": into}), self.settings.url)
        if self._merged_as(rt, rt_id) != into:  # RT answers 200 with its reason when it refuses
            raise Refused("; ".join(map(str, said)) if isinstance(said, list) else str(said))

    def _merged_as(self, rt: RtClient, rt_id: int) -> int:
        """The ticket RT shows for ``rt_id``: itself, or the one it was merged into. Refused when RT has none."""
        response = rt.request("GET", f"/ticket/{rt_id}", accept=(404,))
        if response.status_code == 404:
            raise Refused(f"RT has no ticket {rt_id}")
        return int(decode(response, self.settings.url)["id"])

    def _write(
        self, rt: RtClient, rt_id: int, wanted: Callable[[TeamState], TeamState], claim_for: str | None = None
    ) -> str | None:
        for _ in range(_ATTEMPTS):
            ticket = self._ticket(rt, rt_id)
            if ticket.id != rt_id:  # merged in RT (a teammate, just now): it reads as its target
                raise Refused(f"RT has it merged into #{ticket.id}; the next sync shows the merge")
            remote = ticket.team_state(rt, self.users)
            if claim_for is not None:
                if remote.assignee and remote.assignee != claim_for:
                    return remote.assignee
                target = replace(remote, assignee=claim_for)
            else:
                target = wanted(remote)
            body = self._changes(rt, ticket, remote, target)
            if not body:
                return None
            headers = {"If-Match": ticket.etag} if ticket.etag else None
            response = rt.request("PUT", f"/ticket/{rt_id}", json=body, headers=headers, accept=(412,))
            if response.status_code == 412:
                continue  # changed since it was read: read, merge and write again
            after = self._ticket(rt, rt_id)
            refused = [
                key
                for key, value in body.items()
                if (key == "Status" and after.status != value)
                or (key == "Owner" and after.owner != value)
                or (key == "CustomFields" and after.tags != frozenset(value[self.settings.tags_field]))
                or (key == "Priority" and after.priority != value)
            ]
            if claim_for is not None and refused == ["Owner"] and after.owner != NOBODY:
                continue  # taken in the same instant (RT's ETag check is not atomic; its "take" is): who has it?
            if refused:
                said = decode(response, self.settings.url)
                raise Refused("; ".join(map(str, said)) if isinstance(said, list) else str(said))
            return None
        raise SourceError(f"RT ticket {rt_id} kept changing while its state was written; try again.")

    def _changes(self, rt: RtClient, ticket: RtTicket, remote: TeamState, target: TeamState) -> dict:
        body: dict = {}
        status = STATUS_TO_RT[target.status]
        if target.status is not remote.status and status != ticket.status and not {status, ticket.status} <= _SAME:
            body["Status"] = status
        if target.assignee != remote.assignee:
            body["Owner"] = self.users.name_for(rt, target.assignee)
        if ticket.tags is not None and target.tags != remote.tags:
            body["CustomFields"] = {self.settings.tags_field: sorted(target.tags)}
        if target.priority is not None and target.priority is not remote.priority:
            body["Priority"] = PRIORITY_TO_RT[target.priority]
        return body

    def claim(self, ticket_id: int, local: TeamState, me: Agent, known: KnownMessages) -> str | None:
        """Owner = me if nobody owns it, with If-Match: of two agents taking it at once, exactly one wins."""
        try:
            with self.session() as rt:
                return self._write(rt, self._rt_id(ticket_id, known), lambda remote: remote, claim_for=agent_key(me))
        except SourceError as error:
            raise SourceError(f"Ticket {ticket_id} was not taken: {error}") from None

    # -- sending -------------------------------------------------------------------------------------

    def deliver_reply(
        self,
        ticket_id: int,
        message: Message,
        *,
        before_handover: Callable[[], None] = lambda: None,
        uncertain: bool = False,
    ) -> None:
        """POST /ticket/ID/correspond, exactly once: the reply carries its Message-ID into RT (a Content-Type
        parameter of the stored part; RT does not mail it to the customer), and the ticket's replies by this user
        are searched for it first. RT records the transaction before it answers, so its history proves whether an
        interrupted reply went in (``uncertain``: looked at twice, a moment apart, before sending)."""
        self._deliver(ticket_id, message, "correspond", before_handover, uncertain)

    def deliver_note(self, ticket_id: int, message: Message) -> None:
        """POST /ticket/ID/comment (never correspond: RT mails correspondence to the customer), exactly once."""
        self._deliver(ticket_id, message, "comment", lambda: None, False)

    def _deliver(
        self, rt_id: int, message: Message, action: str, before_handover: Callable[[], None], uncertain: bool
    ) -> None:
        what = "reply" if action == "correspond" else "note"
        message_id = message.message_id or ""
        body = {
            "Content": message.text,
            "ContentType": f'text/plain; {ID_PARAM}="{message_id}"' if message_id else "text/plain",
            "Subject": message.subject,
        }
        kind = "Correspond" if action == "correspond" else "Comment"
        try:
            with self.session() as rt:
                if message_id and self._posted(rt, rt_id, message_id, kind):
                    return  # it went in before a crash or a lost response: never twice
                if uncertain and message_id:
                    time.sleep(UNCERTAIN_WAIT)  # an interrupted post still being taken would show by now
                    if self._posted(rt, rt_id, message_id, kind):
                        return
                post = {**body, "Status": kept} if (kept := self._kept_status(rt, rt_id, action)) else body
                before_handover()
                rt.request("POST", f"/ticket/{rt_id}/{action}", json=post)
        except Refused as error:
            raise SourceError(
                f"RT did not take the {what} for ticket {rt_id} ({error}); it stays in the outbox."
            ) from None

    def _kept_status(self, rt: RtClient, rt_id: int, action: str) -> str | None:
        """The status a reply must carry to leave a solved or closed ticket as it is, as agent-tui's workflow does
        (``domain.workflow``: an agent's reply opens a new ticket, nothing else): RT's scrip "On Correspond Open
        Inactive Tickets" opens a resolved or rejected one on any reply, and RT sets a correspond's ``Status``
        after it. None where RT's way is agent-tui's already. (RT's correspond takes no If-Match: its resource has
        no ETag, so any If-Match gives 412; a teammate's status change in the instant between is written over.)"""
        if action != "correspond":
            return None
        status = self._ticket(rt, rt_id).status
        return status if status_from_rt(status) in (Status.SOLVED, Status.CLOSED) else None

    def _posted(self, rt: RtClient, rt_id: int, message_id: str, kind: str) -> bool:
        """Whether one of this user's transactions of ``kind`` on the ticket carries ``message_id``, newest first."""
        params = {"orderby": "id", "order": "DESC", "fields": TXN_FIELDS}
        for page in rt.pages("POST", "/transactions", params, _ticket_txns(rt_id, 0, [kind])):
            for txn in page:
                if (txn.get("Creator") or {}).get("id") != self.settings.user:
                    continue
                for parts in rt.pages(
                    "GET", f"/transaction/{txn['id']}/attachments", {"fields": "Headers"}, whole=True
                ):
                    if any(message_id in str(p.get("Headers") or "") for p in parts):
                        return True
        return False


def _merged(target: RtTicket, merged_id: int) -> RtTicket:
    """A merged ticket, which RT reads as its target: the target's state, under the merged ticket's own id (and
    no subject: its first message keeps its own)."""
    return replace(target, id=merged_id, etag=None, subject="")


def _final_targets(merges: dict[int, int]) -> dict[int, int]:
    """{merged: target} with chains followed (C into A, then A into B: C ends in B), so a ticket merged into one
    merged later comes with the one that is left."""
    final = {}
    for merged, into in merges.items():
        seen = {merged}
        while into in merges and into not in seen:
            seen.add(into)
            into = merges[into]
        final[merged] = into
    return final
