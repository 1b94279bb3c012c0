"""What RT's JSON says, read into agent-tui's terms: statuses, users (cached), ticket state, and messages.

RT names users by their user name everywhere (Owner, Creator, Requestor); agent-tui names agents by their
lowercase address. Users come with the tickets and transactions that name them (``fields[Creator]=...``),
kept on the source and in the source's state (``users``); one is looked up (``GET /user/NAME``) only when
it is not known yet, or when its Privileged flag (which RT does not expand) decides who wrote a message.
They are found by address for writing (``POST /users`` on EmailAddress).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from email.parser import HeaderParser

from agent_tui.domain.models import Address, Attachment, Author, Message, Priority, Status
from agent_tui.sources.base import SourceState
from agent_tui.sources.helpdesk.rt.client import Refused, RtClient
from agent_tui.sources.items import Incoming, TeamState
from agent_tui.sources.mail.parse import html_to_text

STATUS_FROM_RT = {
    "new": Status.NEW,
    "open": Status.OPEN,
    "stalled": Status.PENDING,
    "resolved": Status.SOLVED,
    "rejected": Status.CLOSED,
    "deleted": Status.CLOSED,
}
STATUS_TO_RT = {
    Status.NEW: "new",
    Status.OPEN: "open",
    Status.PENDING: "stalled",
    Status.ON_HOLD: "stalled",
    Status.SOLVED: "resolved",
    Status.CLOSED: "resolved",
}
NOBODY = "Nobody"
MESSAGE_TYPES = ("Create", "Correspond", "Comment")
UNREAD_TYPES = ("EmailRecord", "CommentEmailRecord")  # RT's copies of mail it sent: never read, hidden from most agents
ID_PARAM = "x-agent-tui-id"  # a Content-Type parameter carrying agent-tui's Message-ID on replies it posts
USER_FIELDS = "Name,EmailAddress,RealName"  # a user's fields RT expands inside a ticket or transaction
MAX_TAG = 255  # RT keeps a longer custom-field value apart (LargeContent), where its searches don't find it


PRIORITY_TO_RT = {Priority.LOW: 25, Priority.NORMAL: 50, Priority.HIGH: 75, Priority.URGENT: 100}


def priority_from_rt(number: int) -> Priority | None:
    """RT's 0 is its default (nobody set one): agent-tui's own stands. Else the nearest of PRIORITY_TO_RT,
    so RT's web UI's Medium (50) is normal and High (100) urgent."""
    if number == 0:
        return None
    return min(Priority, key=lambda p: (abs(PRIORITY_TO_RT[p] - number), -p))


def status_from_rt(value: str) -> Status:
    """A custom lifecycle's other statuses count as open: still to be worked on."""
    return STATUS_FROM_RT.get(value.lower(), Status.OPEN)


def rt_date(text: str | None) -> datetime:
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class User:
    name: str
    email: str
    real_name: str
    privileged: bool | None  # None: RT did not say

    @property
    def key(self) -> str:
        """The agent key: the lowercase address, or the user name for a user without one."""
        return self.email.lower() if self.email else self.name


class Users:
    """RT users by name, looked up once; kept in the source's state by ``save``."""

    def __init__(self) -> None:
        self.by_name: dict[str, User] = {}
        self.name_by_key: dict[str, str] = {}
        self._looked_up: set[str] = set()

    def load(self, state: SourceState) -> None:
        for name, row in json.loads(state.get("users") or "{}").items():
            self._remember(User(name, row.get("email", ""), row.get("real_name", ""), row.get("privileged")))

    def save(self, state: SourceState) -> None:
        rows = {
            u.name: {"email": u.email, "real_name": u.real_name, "privileged": u.privileged}
            for u in self.by_name.values()
        }
        if json.dumps(rows, sort_keys=True) != json.dumps(json.loads(state.get("users") or "{}"), sort_keys=True):
            state.set("users", json.dumps(rows, sort_keys=True))

    def _remember(self, user: User) -> User:
        self.by_name[user.name] = user
        self.name_by_key.setdefault(user.key, user.name)
        return user

    def note(self, data: object) -> None:
        """Remember a user RT expanded inside another record (``fields[Creator]=USER_FIELDS``), if new here."""
        if not isinstance(data, dict) or data.get("type") != "user" or "EmailAddress" not in data:
            return
        name = str(data.get("Name") or data.get("id") or "")
        if name and name not in self.by_name:
            email = str(data.get("EmailAddress") or (name if "@" in name else ""))
            self._remember(User(name, email, str(data.get("RealName") or ""), None))

    def privileged(self, rt: RtClient, name: str) -> bool | None:
        """Whether the user is privileged (an agent); looked up once when RT has not said yet."""
        user = self.get(rt, name)
        if user.privileged is None and name not in self._looked_up:
            user = self._look_up(rt, name)
        return user.privileged

    def get(self, rt: RtClient, name: str) -> User:
        if name in self.by_name:
            return self.by_name[name]
        return self._look_up(rt, name)

    def _look_up(self, rt: RtClient, name: str) -> User:
        self._looked_up.add(name)
        response = rt.request("GET", f"/user/{name}", accept=(403, 404))
        data = response.json() if response.status_code == 200 else {}
        privileged = data.get("Privileged")
        return self._remember(
            User(
                name,
                str(data.get("EmailAddress") or (name if "@" in name else "")),
                str(data.get("RealName") or ""),
                None if privileged in (None, "") else bool(int(privileged)),
            )
        )

    def name_for(self, rt: RtClient, key: str | None) -> str:
        """The RT user name of an agent key (Nobody for none); Refused when no RT user has that address."""
        if not key:
            return NOBODY
        if key in self.name_by_key:
            return self.name_by_key[key]
        if "@" not in key:
            return key
        found = (
            rt.json(
                "POST",
                "/users",
                params={"fields": "Name,EmailAddress,RealName"},
                json=[{"field": "EmailAddress", "operator": "=", "value": key}],
            ).get("items")
            or []
        )
        for item in found:
            if str(item.get("EmailAddress", "")).lower() == key:
                user = self._remember(User(str(item["Name"]), key, str(item.get("RealName") or ""), None))
                self.name_by_key[key] = user.name
                return user.name
        raise Refused(f"no RT user has the address {key}")


@dataclass(slots=True)
class RtTicket:
    id: int
    subject: str
    status: str
    owner: str
    requestors: list[str]  # user names
    tags: frozenset[str] | None  # None: the tickets have no such custom field
    queue: str  # the queue's id
    etag: str | None = None
    priority: int = 0  # RT's number: 0 (its default, "Low") to 100 ("High")

    @classmethod
    def from_json(cls, data: dict, tags_field: str, etag: str | None = None) -> RtTicket:
        fields = {str(cf.get("name")): cf.get("values") or [] for cf in data.get("CustomFields") or []}
        tags = fields.get(tags_field)
        return cls(
            int(data["id"]),
            str(data.get("Subject") or ""),
            str(data.get("Status") or "new"),
            str((data.get("Owner") or {}).get("id") or NOBODY),
            [str(r.get("id")) for r in data.get("Requestor") or [] if r.get("id")],
            None if tags is None else frozenset(str(t).lower() for t in tags if str(t).strip()),
            str((data.get("Queue") or {}).get("id") or ""),
            etag,
            int(str(data.get("Priority") or "0")) if str(data.get("Priority") or "0").lstrip("-").isdigit() else 0,
        )

    def team_state(self, rt: RtClient, users: Users) -> TeamState:
        owner = None if self.owner == NOBODY else users.get(rt, self.owner).key
        return TeamState(status_from_rt(self.status), owner, self.tags or frozenset(), priority_from_rt(self.priority))


def _headers(part: dict) -> object:
    return HeaderParser().parsestr(str(part.get("Headers") or ""))


def message_id_of(parts: list[dict], ticket: int, txn: int, host: str) -> str:
    """agent-tui's own id on a reply it posted; else the mail's Message-ID (RT keeps an incoming mail's, and makes
    one for what is written in RT); else a stable one made up from the ticket and transaction."""
    heads = [_headers(p) for p in parts]
    for head in heads:
        ours = head.get_param(ID_PARAM, header="content-type")  # type: ignore[attr-defined]
        if isinstance(ours, str) and ours:
            return ours
    for head in heads:
        found = head.get("Message-ID")  # type: ignore[attr-defined]
        if found:
            value = " ".join(str(found).split())
            return value if value.startswith("<") else f"<{value}>"
    return f"<rt-{ticket}-{txn}@{host}>"


def incoming(rt: RtClient, users: Users, ticket: RtTicket, txn: dict, parts: list[dict], host: str) -> Incoming:
    """One Create, Correspond or Comment transaction as a message of its ticket."""
    txn_id = int(txn["id"])
    creator = users.get(rt, str((txn.get("Creator") or {}).get("id") or NOBODY))
    requestors = [users.get(rt, name) for name in ticket.requestors]
    requestor_keys = {r.key for r in requestors}
    if txn.get("Type") == "Comment":
        author = Author.NOTE
    elif creator.key in requestor_keys or users.privileged(rt, creator.name) is False:
        author = Author.CUSTOMER
    else:
        author = Author.AGENT
    customer = requestors[0] if requestors else creator
    parts = sorted(parts, key=lambda p: int(p.get("id", 0)))
    bodies = [p for p in parts if not p.get("Filename")]
    text = next((str(p.get("Content") or "") for p in bodies if _type(p) == "text/plain" and p.get("Content")), None)
    html = next((str(p.get("Content") or "") for p in bodies if _type(p) == "text/html" and p.get("Content")), None)
    subject = next((str(p["Subject"]) for p in parts if p.get("Subject")), "") or ticket.subject
    message = Message(
        author=author,
        sender=Address(creator.email or creator.name, creator.real_name),
        date=rt_date(txn.get("Created")),
        text=text if text is not None else html_to_text(html) if html else "",
        subject=subject if txn.get("Type") != "Create" else ticket.subject or subject,
        to=(Address(customer.email or customer.name, customer.real_name),),
        html=html,
        attachments=tuple(
            Attachment(str(p["Filename"]), _type(p), len(str(p.get("Content") or "")))
            for p in parts
            if p.get("Filename")
        ),
        message_id=message_id_of(parts, ticket.id, txn_id, host),
    )
    return Incoming(
        origin=f"RT ticket {ticket.id}, transaction {txn_id}",
        message=message,
        author_known=True,
        ticket_key=f"rt-{ticket.id}",
        ticket_id_hint=ticket.id,
        priority=priority_from_rt(ticket.priority),
        source_ref=f"rt/{ticket.id}/{txn_id}",
    )


def merged_into(txn: dict) -> int | None:
    """The ticket a merge moved this transaction's ticket into: RT writes a ``MergedInto`` link transaction on the
    merged ticket and one on its target, both naming the target (the target's own is None here)."""
    if txn.get("Type") != "AddLink" or txn.get("Field") != "MergedInto":
        return None
    target = str(txn.get("NewValue") or "").rsplit("/", 1)[-1]
    return int(target) if target.isdigit() and int(target) != int(txn["ObjectId"]) else None


def _type(part: dict) -> str:
    return str(part.get("ContentType") or "").split(";")[0].strip().lower()
