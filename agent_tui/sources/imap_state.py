"""Ticket state shared through the mailbox: keywords on a ticket's INBOX messages.

The mapping (the README shows it to shop owners):

    $TuiNew $TuiOpen $TuiPending $TuiOnHold $TuiSolved $TuiClosed   the status
    $TuiAsg.<agent>                                                the assignee (one keyword per agent)
    $TuiTag.<tag>                                                  a tag (one keyword per tag in use)

A message that has a status keyword carries its ticket's whole state; one without (a customer's
follow-up nobody has touched yet, a message another mail client flagged) says nothing. So the mailbox
holds 6 + agents + tags keywords at most. ``\\Seen`` and ``\\Recent`` are never read: some servers keep
them per user.

Keywords are ASCII atoms and IMAP compares them without case, so an agent is named by their lowercase
address, and any other character is written ``=XX`` (its UTF-8 bytes).

Writes are compare-and-set: each message's flags are replaced with ``UID STORE uid (UNCHANGEDSINCE
modseq)``, where modseq is what was read just before. A server answers ``[MODIFIED uid]`` when another
client changed the message in between; the state is then read again and merged again. A claim ("take")
is the same write with a condition on what was read: nobody else holds the ticket.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from imapclient import IMAPClient

from agent_tui.domain.models import Agent, Status
from agent_tui.errors import SourceError

STATUS_KEYWORDS = {
    Status.NEW: "$TuiNew",
    Status.OPEN: "$TuiOpen",
    Status.PENDING: "$TuiPending",
    Status.ON_HOLD: "$TuiOnHold",
    Status.SOLVED: "$TuiSolved",
    Status.CLOSED: "$TuiClosed",
}
_STATUS_BY_KEYWORD = {keyword.lower(): status for status, keyword in STATUS_KEYWORDS.items()}
ASSIGNEE_PREFIX = "$TuiAsg."
TAG_PREFIX = "$TuiTag."
_PLAIN = re.compile(r"[a-z0-9.@_+-]")
_MAX_ATTEMPTS = 5


def encode(text: str) -> str:
    return "".join(c if _PLAIN.fullmatch(c) else "".join(f"={b:02X}" for b in c.encode()) for c in text)


def decode(text: str) -> str:
    return re.sub(rb"=([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), text.encode("ascii", "replace")).decode(
        "utf-8", "replace")


def agent_key(agent: Agent) -> str:
    """How an agent is named in a keyword: their address, or their name for an agent with none."""
    return (agent.email or agent.name).lower() if agent.email else agent.name


def _text(flag: bytes | str) -> str:
    return flag.decode("ascii", "replace") if isinstance(flag, bytes) else flag


def is_ours(flag: bytes | str) -> bool:
    return _text(flag).lower().startswith("$tui")


@dataclass(frozen=True, slots=True)
class SharedState:
    status: Status
    assignee: str | None = None  # an agent_key
    tags: frozenset[str] = frozenset()

    def keywords(self) -> set[str]:
        words = {STATUS_KEYWORDS[self.status]} | {TAG_PREFIX + encode(tag) for tag in self.tags}
        if self.assignee:
            words.add(ASSIGNEE_PREFIX + encode(self.assignee))
        return words


def state_from_flags(flags: tuple) -> SharedState | None:
    """The ticket state a message's flags carry, or None when they carry none."""
    status, assignee, tags = None, None, set()
    for flag in map(_text, flags):
        lowered = flag.lower()
        if lowered in _STATUS_BY_KEYWORD:
            status = _STATUS_BY_KEYWORD[lowered]
        elif lowered.startswith(ASSIGNEE_PREFIX.lower()):
            assignee = decode(flag[len(ASSIGNEE_PREFIX):])
        elif lowered.startswith(TAG_PREFIX.lower()):
            tags.add(decode(flag[len(TAG_PREFIX):]).lower())
    return SharedState(status, assignee, frozenset(tags)) if status is not None else None


@dataclass
class Pending:
    """A ticket's changes made here and not yet in the mailbox: which fields, and tag additions/removals."""

    status: bool = False
    assignee: bool = False
    tags: dict[str, bool] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping) -> Pending:
        return cls(bool(data.get("status")), bool(data.get("assignee")), dict(data.get("tags", {})))

    def to_json(self) -> dict:
        return {"status": self.status, "assignee": self.assignee, "tags": self.tags}

    def merge_into(self, remote: SharedState | None, local: SharedState) -> SharedState:
        """The state to write: the mailbox's, with this machine's pending changes on top (field by field,
        so a teammate's change to another field is kept). With nothing in the mailbox, all of ours."""
        if remote is None:
            return local
        tags = (set(remote.tags) | {t for t, present in self.tags.items() if present}) - {
            t for t, present in self.tags.items() if not present}
        return SharedState(
            local.status if self.status else remote.status,
            local.assignee if self.assignee else remote.assignee,
            frozenset(tags),
        )


def write_state(
    client: IMAPClient, uids: list[int], pending: Pending, local: SharedState, claim_for: str | None = None,
) -> str | None:
    """Put a ticket's state on its INBOX messages (INBOX selected read-write), compare-and-set per message.

    With ``claim_for`` (an agent key), the assignee becomes that agent only if the first message says
    nobody else holds the ticket; otherwise nothing is written and the holder's key is returned.
    """
    uids = sorted(uids)
    for _ in range(_MAX_ATTEMPTS):
        fetched = client.fetch(uids, ["FLAGS", "MODSEQ"])
        if not fetched:
            return None  # expunged meanwhile: nothing left to carry the state
        root = fetched.get(uids[0]) or next(iter(fetched.values()))
        remote = state_from_flags(root.get(b"FLAGS", ()))
        if claim_for is not None:
            holder = remote.assignee if remote else None
            if holder and holder.lower() != claim_for.lower():
                return holder
            pending, local = replace(pending, assignee=True), replace(local, assignee=claim_for)
        wanted = pending.merge_into(remote, local).keywords()
        changed_meanwhile = []
        for uid, data in sorted(fetched.items()):
            flags = {_text(f) for f in data.get(b"FLAGS", ()) if _text(f) != "\\Recent"}
            new = {f for f in flags if not is_ours(f)} | wanted
            if {f.lower() for f in new} == {f.lower() for f in flags}:
                continue
            if not _store_unchanged_since(client, uid, data[b"MODSEQ"][0], sorted(new)):
                changed_meanwhile.append(uid)
        if not changed_meanwhile:
            return None
    raise SourceError("The shared inbox kept changing while this ticket's state was written; try again.")


def _store_unchanged_since(client: IMAPClient, uid: int, modseq: int, flags: list[str]) -> bool:
    """``UID STORE uid (UNCHANGEDSINCE modseq) FLAGS (...)``: False when the server answers [MODIFIED].
    imapclient has no helper for the condition, so this uses its imaplib connection."""
    imap = client._imap
    imap.untagged_responses.pop("MODIFIED", None)
    typ, data = imap.uid("STORE", str(uid), f"(UNCHANGEDSINCE {modseq}) FLAGS.SILENT ({' '.join(flags)})")
    if typ != "OK":
        raise SourceError(f"The IMAP server would not store the ticket's state ({data[0]!r}).")
    return not imap.untagged_responses.pop("MODIFIED", None)
