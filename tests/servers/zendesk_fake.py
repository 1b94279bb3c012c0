"""A fake Zendesk Support API on loopback, written from the public API reference (developer.zendesk.com).

Not Zendesk: its DOCUMENTED request and response shapes, with what breaks naive clients:

- ``GET /api/v2/incremental/tickets/cursor.json`` (``start_time`` or ``cursor``, ``per_page``, ``include=users``,
  ``exclude_deleted``): ``tickets``, ``users``, ``after_cursor``/``after_url``, ``before_cursor``/``before_url``,
  ``end_of_stream``; tickets updated in the last 60 seconds (of the fake's clock) are left out until later;
- ``GET /api/v2/incremental/ticket_events.json`` (time-based: ``start_time``, ``include=comment_events``):
  ``ticket_events`` (one an audit: ``id``, ``ticket_id``, ``timestamp``, ``created_at``, ``updater_id``, ``via``,
  ``system``, ``metadata`` (the audit's), ``event_type: "Audit"``, ``child_events``: with the side-load a comment
  is an event of ``type``/``event_type`` ``"Comment"`` (``id``, ``via``, ``via_reference_id``, ``author_id``,
  ``body``, ``html_body``, ``plain_body``, ``public``, ``attachments``, ``audit_id``, ``created_at``), without it
  only ``comment_present``/``comment_public``), ``next_page``, ``count``, ``end_time``, ``end_of_stream``; events
  at or after ``start_time``, ``event_page`` (1,000) a page in time order, ``end_time`` the page's last event's
  time, so the next page repeats that second (and does not move on when a whole page shares one second); events
  of the last 60 seconds are left out, and a ``start_time`` within them is refused (422 ``Too recent start_time``);
- ``GET /api/v2/tickets/show_many.json`` (``ids``, at most 100, ``include=users``): ``tickets``, ``users``;
- ``GET /api/v2/tickets/{id}.json`` (``include=users``), ``GET /api/v2/tickets/{id}/comments.json`` (``id``,
  ``type``, ``author_id``, ``body``, ``html_body``, ``plain_body``, ``public``, ``audit_id``, ``via``,
  ``created_at``; ``include=users``), ``GET /api/v2/tickets/{id}/audits.json`` (``metadata.custom``, ``events``:
  ``Comment``, and ``Change`` for a field a write changed);
- ``PUT /api/v2/tickets/{id}.json`` ``{"ticket": {...}}``: ``safe_update`` with a stale ``updated_stamp`` is 409
  ``UpdateConflict``; ``tags`` replace the ticket's tags; a ``comment`` adds one; ``metadata.custom`` goes to
  the audit; a closed ticket is 422;
- ``POST /api/v2/tickets/{id}/merge.json`` ``{"ids", "source_comment", "source_comment_is_public",
  "target_comment", "target_comment_is_public"}``: ``job_status`` (``id``, ``status: "queued"``, ``url``); the
  sources are closed with the tag ``closed_by_merge`` and each ticket gets its comment (the fake runs the job at
  once); a closed source or target is 422;
- cursor pagination (``page[size]``, ``page[after]``: ``meta.has_more``/``after_cursor``, ``links.next``) and
  offset pagination (``page=N``: ``next_page``, ``count``) that refuses past 10,000 records (400);
- ``X-Rate-Limit``/``X-Rate-Limit-Remaining`` on every answer; 429 with ``Retry-After`` when ``throttle`` asks;
- basic auth ``EMAIL/token:TOKEN``, else 401.

The fake's clock (``clock``, epoch seconds) only moves when a test says so (``tick``) and by one second a write.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from email import message_from_bytes
from email.utils import parseaddr, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

EXCLUDED_SECONDS = 60  # the incremental exports leave out what changed in the last minute
EVENT_PAGE = 1000  # ticket events a page of the time-based export
SHOW_MANY = 100  # ids a show_many request takes
VIA = {"email": "Mail", "web": "Web form", "api": "Web service"}  # a ticket event's ``via``, by channel
OFFSET_LIMIT = 10_000  # offset pagination refuses beyond this many records
RATE_LIMIT = 700


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _encode(position: tuple[float, int]) -> str:
    return base64.urlsafe_b64encode(f"{position[0]}|{position[1]}".encode()).decode()


def _decode(cursor: str) -> tuple[float, int]:
    stamp, ticket = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
    return float(stamp), int(ticket)


class FakeZendesk:
    def __init__(self, clock: float, token: str = "TOKEN") -> None:
        self.clock = float(int(clock))
        self.token = token
        self.lock = threading.RLock()
        self.users: dict[int, dict] = {}
        self.tickets: dict[int, dict] = {}
        self.comments: dict[int, list[dict]] = {}
        self.audits: dict[int, list[dict]] = {}
        self.stamps: dict[int, int] = {}  # audit id -> when it was written (epoch seconds, the fake's clock)
        self.message_ids: dict[str, int] = {}  # mail Message-ID -> ticket (as Zendesk threads mail)
        self.requests: list[tuple[str, str]] = []  # (method, path with query) of every request
        self.remaining = RATE_LIMIT
        self.throttle = 0  # answer the next N requests with 429
        self.throttled = 0
        self.retry_after = 1
        self.merges: list[tuple[list[int], int]] = []  # (merged ids, target) of every merge asked for
        self.before_put: Callable[[int], None] | None = None  # a teammate's write, just before a PUT is handled
        self.event_page = EVENT_PAGE  # events a page of the ticket event export (tests make it small)
        self._next_id = 100
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeZendesk:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- what the test does, as Zendesk's other users would ------------------------------------------

    def tick(self, seconds: float) -> None:
        with self.lock:
            self.clock += seconds

    def _id(self) -> int:
        self._next_id += 1
        return self._next_id

    def add_user(self, email: str, name: str = "", role: str = "end-user") -> int:
        with self.lock:
            for user in self.users.values():
                if user["email"] == email.lower():
                    return user["id"]
            uid = self._id()
            self.users[uid] = {"id": uid, "name": name or email.split("@")[0], "email": email.lower(), "role": role}
            return uid

    def create_ticket(
        self,
        requester: str,
        subject: str,
        body: str,
        *,
        name: str = "",
        at: float | None = None,
        tags=(),
        message_id: str | None = None,
    ) -> int:
        with self.lock:
            uid = self.add_user(requester, name)
            tid = self._id()
            self.tickets[tid] = {
                "id": tid,
                "url": f"{self.url}/api/v2/tickets/{tid}.json",
                "subject": subject,
                "description": body,
                "status": "new",
                "priority": "normal",
                "requester_id": uid,
                "submitter_id": uid,
                "assignee_id": None,
                "tags": list(tags),
                "created_at": iso(self.clock),
                "updated_at": iso(self.clock),
                "via": {"channel": "email"},
            }
            self.comments[tid], self.audits[tid] = [], []
            self._comment(tid, uid, body, True, "email", at, message_id=message_id)
            return tid

    def add_comment(
        self,
        tid: int,
        author_id: int,
        body: str,
        *,
        public: bool = True,
        at: float | None = None,
        message_id: str | None = None,
    ) -> int:
        with self.lock:
            channel = "email" if message_id else "web"
            self._touch(tid)
            ticket = self.tickets[tid]
            changes = []
            if self.users[author_id]["role"] == "end-user" and ticket["status"] in ("solved", "pending", "new"):
                changes.append(self._change("status", "open", ticket["status"]))
                ticket["status"] = "open"  # the requester wrote again: Zendesk reopens the ticket
            return self._comment(tid, author_id, body, public, channel, at, message_id=message_id, changes=changes)

    def update(self, tid: int, **fields) -> None:
        """A teammate's change in Zendesk's agent interface."""
        with self.lock:
            ticket = self.tickets[tid]
            changes = [self._change(k, v, ticket.get(k)) for k, v in fields.items() if ticket.get(k) != v]
            ticket.update(fields)
            self._touch(tid)
            teammate = next((u["id"] for u in self.users.values() if u["role"] != "end-user"), ticket["requester_id"])
            self._audit(tid, teammate, "web", changes)

    def deliver_mail(self, raw: bytes) -> int:
        """Mail to the support address: a new ticket, or a comment on the ticket it replies to."""
        mail = message_from_bytes(raw)
        name, address = parseaddr(str(mail["From"]))
        at = parsedate_to_datetime(str(mail["Date"])).timestamp() if mail["Date"] else None
        body = mail.get_payload(decode=True)
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(mail.get_payload())
        with self.lock:
            replied = self.message_ids.get(str(mail["In-Reply-To"] or "").strip())
            mid = str(mail["Message-ID"]).strip() if mail["Message-ID"] else None
            if replied is not None and self.tickets[replied]["status"] != "closed":
                self.add_comment(replied, self.add_user(address, name), text, at=at, message_id=mid)
                tid = replied
            else:
                tid = self.create_ticket(address, str(mail["Subject"] or ""), text, name=name, at=at, message_id=mid)
            if mail["Message-ID"]:
                self.message_ids[str(mail["Message-ID"]).strip()] = tid
            return tid

    def public_agent_comments(self) -> list[dict]:
        return [
            c
            for comments in self.comments.values()
            for c in comments
            if c["public"] and self.users[c["author_id"]]["role"] != "end-user"
        ]

    # -- the server side -----------------------------------------------------------------------------

    def _touch(self, tid: int) -> None:
        self.clock += 1  # every write stamps a new second, so safe_update sees the change
        self.tickets[tid]["updated_at"] = iso(self.clock)

    def _comment(
        self,
        tid: int,
        author_id: int,
        body: str,
        public: bool,
        channel: str,
        at: float | None,
        custom=None,
        message_id: str | None = None,
        changes=(),
    ) -> int:
        cid = self._id()
        created = iso(at if at is not None else self.clock)
        system = {"message_id": message_id} if message_id else {}
        comment = {
            "id": cid,
            "type": "Comment",
            "author_id": author_id,
            "body": body,
            "html_body": f'<div class="zd-comment"><p>{body}</p></div>',
            "plain_body": body,
            "public": public,
            "attachments": [],
            "audit_id": None,
            "via": {"channel": channel},
            "created_at": created,
            "metadata": {"system": dict(system), "custom": custom or {}},
        }
        self.comments[tid].append(comment)
        event = {k: comment[k] for k in ("id", "type", "author_id", "body", "html_body", "plain_body", "public")}
        comment["audit_id"] = self._audit(tid, author_id, channel, [event, *changes], custom, system, created)
        return cid

    def _change(self, field: str, value, previous) -> dict:
        return {"id": self._id(), "type": "Change", "field_name": field, "value": value, "previous_value": previous}

    def _audit(self, tid: int, author_id: int, channel: str, events, custom=None, system=None, created=None) -> int:
        """An audit: what one write did to the ticket, stamped with the clock (the event export's ``timestamp``)."""
        aid = self._id()
        self.audits[tid].append(
            {
                "id": aid,
                "ticket_id": tid,
                "created_at": created or iso(self.clock),
                "author_id": author_id,
                "metadata": {"system": dict(system or {}), "custom": custom or {}},
                "events": list(events),
                "via": {"channel": channel},
            }
        )
        self.stamps[aid] = int(self.clock)  # when Zendesk wrote it (not a mail's Date): the event's timestamp
        return aid

    def _users_of(self, ids) -> list[dict]:
        return [self.users[i] for i in sorted({i for i in ids if i in self.users})]

    def handle(self, method: str, target: str, user: str | None, body: dict | None) -> tuple[int, dict, dict]:
        """(status, headers, JSON) of one request."""
        with self.lock:
            self.requests.append((method, target))
            self.remaining = max(0, self.remaining - 1)
            headers = {"X-Rate-Limit": str(RATE_LIMIT), "X-Rate-Limit-Remaining": str(self.remaining)}
            if self.throttle > 0:
                self.throttle -= 1
                self.throttled += 1
                headers["Retry-After"] = str(self.retry_after)
                return 429, headers, {"error": "APIRateLimitExceeded", "description": "Rate limit exceeded"}
            if user is None:
                return 401, headers, {"error": "Couldn't authenticate you"}
            parts = urlsplit(target)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            status, data = self._route(method, parts.path, query, user, body or {})
            return status, headers, data

    def _route(self, method: str, path: str, q: dict[str, str], user: str, body: dict) -> tuple[int, dict]:
        segments = path.removeprefix("/api/v2/").removesuffix(".json").split("/")
        if method == "GET" and segments == ["incremental", "tickets", "cursor"]:
            return self._export(q)
        if method == "GET" and segments == ["incremental", "ticket_events"]:
            return self._events(q)
        if method == "GET" and segments == ["tickets"]:
            return self._offset_page(list(self.tickets.values()), "tickets", q)
        if method == "GET" and segments == ["tickets", "show_many"]:
            ids = [int(i) for i in q.get("ids", "").split(",") if i.isdigit()]
            if len(ids) > SHOW_MANY:
                return 400, {"error": "InvalidValue", "description": f"ids: at most {SHOW_MANY}"}
            tickets = [self.tickets[i] for i in ids if i in self.tickets]
            data = {"tickets": tickets}
            if "users" in q.get("include", ""):
                data["users"] = self._users_of(i for t in tickets for i in (t["requester_id"], t["assignee_id"]))
            return 200, data
        if segments[0] == "tickets" and len(segments) >= 2 and segments[1].isdigit():
            tid = int(segments[1])
            if tid not in self.tickets:
                return 404, {"error": "RecordNotFound", "description": "Not found"}
            ticket = self.tickets[tid]
            if method == "GET" and len(segments) == 2:
                data = {"ticket": ticket}
                if "users" in q.get("include", ""):
                    ids = (ticket["requester_id"], ticket["submitter_id"], ticket["assignee_id"])
                    data["users"] = self._users_of(ids)
                return 200, data
            if method == "PUT" and len(segments) == 2:
                return self._put(tid, user, body.get("ticket") or {})
            if method == "POST" and segments[2:] == ["merge"]:
                return self._merge(tid, user, body)
            if method == "GET" and segments[2:] == ["comments"]:
                comments = self.comments[tid]
                if "page[size]" in q:
                    status, data = self._cursor_page(comments, "comments", q)
                else:
                    status, data = self._offset_page(comments, "comments", q)
                if status == 200 and "users" in q.get("include", ""):
                    data["users"] = self._users_of(c["author_id"] for c in data["comments"])
                return status, data
            if method == "GET" and segments[2:] == ["audits"]:
                return self._cursor_page(self.audits[tid], "audits", q)
        if method == "GET" and segments == ["users", "search"]:
            wanted = q.get("query", "").lower()
            return 200, {"users": [u for u in self.users.values() if wanted and wanted in u["email"]], "count": 0}
        if method == "GET" and segments == ["users", "show_many"]:
            return 200, {"users": self._users_of(int(i) for i in q.get("ids", "").split(",") if i.isdigit())}
        if method == "GET" and segments == ["users", "me"]:
            return 200, {"user": next(u for u in self.users.values() if u["email"] == user)}
        return 404, {"error": "InvalidEndpoint", "description": "Not found"}

    def _export(self, q: dict[str, str]) -> tuple[int, dict]:
        per_page = min(int(q.get("per_page", 1000)), 1000)
        if "cursor" in q:
            position = _decode(q["cursor"])
        elif "start_time" in q:
            position = (float(q["start_time"]) - 0.5, 0)
        else:
            return 400, {"error": "InvalidPaginationParameter", "description": "start_time or cursor is required"}
        horizon = self.clock - EXCLUDED_SECONDS
        order = sorted(
            (datetime.fromisoformat(t["updated_at"].replace("Z", "+00:00")).timestamp(), t["id"])
            for t in self.tickets.values()
        )
        eligible = [p for p in order if p > position and p[0] <= horizon]
        page = eligible[:per_page]
        after = page[-1] if page else position
        tickets = [dict(self.tickets[tid]) for _, tid in page]
        data: dict = {
            "tickets": tickets,
            "after_cursor": _encode(after),
            "after_url": f"{self.url}/api/v2/incremental/tickets/cursor.json?cursor={_encode(after)}",
            "before_cursor": _encode(position),
            "before_url": f"{self.url}/api/v2/incremental/tickets/cursor.json?cursor={_encode(position)}",
            "end_of_stream": len(eligible) <= per_page,
        }
        if "users" in q.get("include", ""):
            ids = [i for t in tickets for i in (t["requester_id"], t["submitter_id"], t["assignee_id"])]
            data["users"] = self._users_of(ids)
        return 200, data

    def _events(self, q: dict[str, str]) -> tuple[int, dict]:
        """The time-based ticket event export: one event an audit, at or after ``start_time``, in time order."""
        if not q.get("start_time", "").isdigit():
            return 400, {"error": "InvalidValue", "description": "start_time is required"}
        start, horizon = int(q["start_time"]), int(self.clock) - EXCLUDED_SECONDS
        if start > horizon:
            return 422, {
                "error": "InvalidValue",
                "description": "Too recent start_time. Use a start_time older than 1 minute",
            }
        comments = "comment_events" in q.get("include", "")
        order = sorted((self.stamps[a["id"]], a["id"], tid, a) for tid, audits in self.audits.items() for a in audits)
        eligible = [entry for entry in order if start <= entry[0] <= horizon]
        page = eligible[: self.event_page]
        end = page[-1][0] if page else start
        events = [self._event(stamp, tid, audit, comments) for stamp, _, tid, audit in page]
        include = "&include=comment_events" if comments else ""
        return 200, {
            "ticket_events": events,
            "next_page": f"{self.url}/api/v2/incremental/ticket_events.json?start_time={end}{include}",
            "count": len(events),
            "end_time": end,
            "end_of_stream": len(eligible) <= self.event_page,
        }

    def _event(self, stamp: int, tid: int, audit: dict, comments: bool) -> dict:
        children = []
        for event in audit["events"]:
            if event["type"] != "Comment":
                children.append({**event, "event_type": event["type"]})
                continue
            comment = next(c for c in self.comments[tid] if c["id"] == event["id"])
            if comments:
                keys = ("id", "author_id", "body", "html_body", "plain_body", "public", "attachments", "audit_id")
                child = {k: comment[k] for k in keys}
                child.update(
                    via={**comment["via"], "source": {"from": {}, "to": {}, "rel": None}},
                    via_reference_id=None,
                    type="Comment",
                    created_at=comment["created_at"],
                    event_type="Comment",
                )
                children.append(child)
            else:
                children.append({"id": event["id"], "comment_present": True, "comment_public": comment["public"]})
        return {
            "id": audit["id"],
            "ticket_id": tid,
            "timestamp": stamp,
            "created_at": iso(stamp),
            "updater_id": audit["author_id"],
            "via": VIA.get(audit["via"]["channel"], "Web form"),
            "system": audit["metadata"]["system"],
            "metadata": audit["metadata"],
            "event_type": "Audit",
            "child_events": children,
        }

    def _cursor_page(self, items: list[dict], key: str, q: dict[str, str]) -> tuple[int, dict]:
        size = min(int(q.get("page[size]", 100)), 100)
        start = int(q["page[after]"]) if q.get("page[after]", "").isdigit() else 0
        page = items[start : start + size]
        more = start + size < len(items)
        after = str(start + size) if more else None
        return 200, {
            key: page,
            "meta": {"has_more": more, "after_cursor": after, "before_cursor": str(start)},
            "links": {"next": f"?page[after]={after}" if more else None, "prev": None},
        }

    def _offset_page(self, items: list[dict], key: str, q: dict[str, str]) -> tuple[int, dict]:
        page, per_page = int(q.get("page", 1)), min(int(q.get("per_page", 100)), 100)
        if page * per_page > OFFSET_LIMIT:
            return 400, {
                "error": "invalid",
                "description": "Offset pagination is limited to the first 10,000 records; use cursor pagination",
            }
        chunk = items[(page - 1) * per_page : page * per_page]
        more = page * per_page < len(items)
        return 200, {
            key: chunk,
            "next_page": f"{self.url}/api/v2/{key}.json?page={page + 1}" if more else None,
            "previous_page": None,
            "count": len(items),
        }

    def _put(self, tid: int, user: str, fields: dict) -> tuple[int, dict]:
        if self.before_put is not None:
            hook, self.before_put = self.before_put, None
            hook(tid)
        ticket = self.tickets[tid]
        if ticket["status"] == "closed":
            return 422, {
                "error": "RecordInvalid",
                "description": "Record validation errors: closed tickets can't be updated",
            }
        if fields.get("safe_update") and fields.get("updated_stamp") != ticket["updated_at"]:
            return 409, {
                "error": "UpdateConflict",
                "description": "Safe Update prevented the update due to outdated ticket data. "
                "Please fetch the latest ticket data and try again.",
            }
        author = self.add_user(user)
        changes = []
        if "tags" in fields:
            fields = {**fields, "tags": sorted(set(fields["tags"]))}  # replaces the ticket's tags
        for key in ("status", "priority", "assignee_id", "subject", "tags"):
            if key in fields and fields[key] != ticket.get(key):
                changes.append(self._change(key, fields[key], ticket.get(key)))
                ticket[key] = fields[key]
        self._touch(tid)
        comment = fields.get("comment")
        custom = (fields.get("metadata") or {}).get("custom")
        if comment:
            self._comment(tid, author, comment["body"], comment.get("public", True), "api", None, custom, None, changes)
        elif changes:
            self._audit(tid, author, "api", changes, custom)
        return 200, {"ticket": ticket, "audit": self.audits[tid][-1] if comment or changes else {"events": []}}

    def _merge(self, into: int, user: str, body: dict) -> tuple[int, dict]:
        ids = [int(i) for i in body.get("ids") or [] if str(i).isdigit()]
        if not ids or any(i not in self.tickets or i == into for i in ids):
            return 400, {"error": "InvalidValue", "description": "ids: tickets to merge into another"}
        if any(self.tickets[i]["status"] == "closed" for i in [into, *ids]):
            return 422, {"error": "RecordInvalid", "description": "closed tickets can't be merged"}
        author = self.add_user(user)
        for tid in ids:
            ticket = self.tickets[tid]
            changes = [self._change("status", "closed", ticket["status"])]
            ticket["status"], ticket["tags"] = "closed", sorted({*ticket["tags"], "closed_by_merge"})
            self._touch(tid)
            text = body.get("source_comment") or f"Request #{tid} was closed and merged into request #{into}."
            public = bool(body.get("source_comment_is_public", False))
            self._comment(tid, author, text, public, "merge", None, changes=changes)
        self._touch(into)
        text = body.get("target_comment") or f"Requests {ids} were closed and merged into this request."
        self._comment(into, author, text, bool(body.get("target_comment_is_public", False)), "merge", None)
        self.merges.append((ids, into))
        job = f"job{self._id()}"
        return 200, {"job_status": {"id": job, "status": "queued", "url": f"{self.url}/api/v2/job_statuses/{job}.json"}}


def _handler(fake: FakeZendesk) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args) -> None:  # quiet
            pass

        def _user(self) -> str | None:
            header = self.headers.get("Authorization", "")
            if not header.startswith("Basic "):
                return None
            login, _, token = base64.b64decode(header[6:]).decode().partition(":")
            email, _, kind = login.partition("/")
            known = any(u["email"] == email.lower() and u["role"] != "end-user" for u in fake.users.values())
            return email.lower() if kind == "token" and token == fake.token and known else None

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            status, headers, data = fake.handle(method, self.path, self._user(), body)
            raw = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_PUT(self) -> None:
            self._serve("PUT")

        def do_POST(self) -> None:
            self._serve("POST")

    return Handler
