"""Ticket state shared through the mailbox: keywords on a ticket's INBOX messages.

The mapping (the README shows it to shop owners):

    $TuiNew $TuiOpen $TuiPending $TuiOnHold $TuiSolved $TuiClosed   the status
    $TuiAsg.<agent>                                                the assignee (one keyword per agent)
    $TuiTag.<tag>                                                  a tag (one keyword per tag in use)
    $TuiLow $TuiNormal $TuiHigh $TuiUrgent                         the priority, once someone set it
    $TuiMerged.<id>                                                on a merged ticket's first message: merged into <id>
    $TuiUntil.<epoch>                                              on hold until then (a snooze), in seconds since 1970

A message that has a status keyword carries its ticket's whole state; one without (a customer's
follow-up nobody has touched yet, a message another mail client flagged) says nothing. So the mailbox
holds 10 + agents + tags keywords at most. ``\\Seen`` and ``\\Recent`` are never read: some servers keep
them per user.

Keywords are ASCII atoms, IMAP compares them without case, and Dovecot caps their length at 50: so an
agent is named by their lowercase address, and a run of any other characters is written ``&`` + the
base32 of its UTF-8 bytes + ``-`` (``退款`` is ``&5gaibzvmxy-``). A tag or address too long to fit is
refused when it is set, not when it is shared.

Writes are compare-and-set: each message's flags are replaced with ``UID STORE uid (UNCHANGEDSINCE
modseq)``, where modseq is what was read just before. A server answers ``[MODIFIED uid]`` when another
client changed the message in between; the state is then read again and merged again. A claim ("take")
is the same write with a condition on what was read: nobody else holds the ticket. Servers without
CONDSTORE (Outlook) get plain writes, last writer wins, and no claims.
"""

from __future__ import annotations

import base64
import re
from dataclasses import replace
from datetime import UTC, datetime

from imapclient import IMAPClient

from agent_tui.domain.models import Priority, Status
from agent_tui.errors import SourceError, UsageError
from agent_tui.sources.items import TeamState, Unshared

STATUS_KEYWORDS = {
    Status.NEW: "$TuiNew",
    Status.OPEN: "$TuiOpen",
    Status.PENDING: "$TuiPending",
    Status.ON_HOLD: "$TuiOnHold",
    Status.SOLVED: "$TuiSolved",
    Status.CLOSED: "$TuiClosed",
}
_STATUS_BY_KEYWORD = {keyword.lower(): status for status, keyword in STATUS_KEYWORDS.items()}
PRIORITY_KEYWORDS = {priority: f"$Tui{priority.name.title()}" for priority in Priority}
_PRIORITY_BY_KEYWORD = {keyword.lower(): priority for priority, keyword in PRIORITY_KEYWORDS.items()}
ASSIGNEE_PREFIX = "$TuiAsg."
TAG_PREFIX = "$TuiTag."
UNTIL_PREFIX = "$TuiUntil."
_OTHER_RUN = re.compile(r"[^a-z0-9.@_+-]+")
_ENCODED_RUN = re.compile(r"&([a-z2-7]*)-", re.IGNORECASE)
MAX_KEYWORD = 50  # Dovecot's mail_max_keyword_length; the strictest cap met so far
_MAX_ATTEMPTS = 5


def encode(text: str) -> str:
    return _OTHER_RUN.sub(lambda m: "&" + base64.b32encode(m[0].encode()).decode().rstrip("=").lower() + "-", text)


def decode(text: str) -> str:
    def run(match: re.Match) -> str:
        data = match[1].upper()
        try:
            return base64.b32decode(data + "=" * (-len(data) % 8)).decode("utf-8", "replace")
        except ValueError:
            return match[0]

    return _ENCODED_RUN.sub(run, text)


def check_fits(prefix: str, value: str, what: str) -> str:
    """The keyword for a tag or an agent; UsageError when the mailbox could not hold it."""
    keyword = prefix + encode(value)
    if len(keyword) > MAX_KEYWORD:
        room = MAX_KEYWORD - len(prefix)
        raise UsageError(
            f"The {what} {value!r} is too long to share through the mailbox: keep it under {room} "
            "letters (fewer for Chinese, about a third as many)."
        )
    return keyword


def _text(flag: bytes | str) -> str:
    return flag.decode("ascii", "replace") if isinstance(flag, bytes) else flag


def is_ours(flag: bytes | str) -> bool:
    return _text(flag).lower().startswith("$tui")


def keywords(state: TeamState) -> set[str]:
    """The keywords that carry a ticket's state."""
    words = {STATUS_KEYWORDS[state.status]} | {check_fits(TAG_PREFIX, tag, "tag") for tag in state.tags}
    if state.assignee:
        words.add(check_fits(ASSIGNEE_PREFIX, state.assignee, "agent address"))
    if state.priority is not None:
        words.add(PRIORITY_KEYWORDS[state.priority])
    if state.snoozed_until is not None and state.status is Status.ON_HOLD:
        words.add(f"{UNTIL_PREFIX}{int(state.snoozed_until.timestamp())}")
    return words


def state_from_flags(flags: tuple) -> TeamState | None:
    """The ticket state a message's flags carry, or None when they carry none."""
    status, assignee, tags, priority, until = None, None, set(), None, None
    for flag in map(_text, flags):
        lowered = flag.lower()
        if lowered in _STATUS_BY_KEYWORD:
            status = _STATUS_BY_KEYWORD[lowered]
        elif lowered in _PRIORITY_BY_KEYWORD:
            priority = _PRIORITY_BY_KEYWORD[lowered]
        elif lowered.startswith(ASSIGNEE_PREFIX.lower()):
            assignee = decode(flag[len(ASSIGNEE_PREFIX) :])
        elif lowered.startswith(TAG_PREFIX.lower()):
            tags.add(decode(flag[len(TAG_PREFIX) :]).lower())
        elif lowered.startswith(UNTIL_PREFIX.lower()) and flag[len(UNTIL_PREFIX) :].isdigit():
            until = datetime.fromtimestamp(min(int(flag[len(UNTIL_PREFIX) :]), 253402300799), UTC)
    state = TeamState(status, assignee, frozenset(tags), priority, snoozed_until=until) if status is not None else None
    return replace(state, merged_into=merged_into_from_flags(flags)) if state is not None else None


def write_state(
    client: IMAPClient,
    uids: list[int],
    unshared: Unshared,
    local: TeamState,
    claim_for: str | None = None,
) -> str | None:
    """Put a ticket's state on its INBOX messages (INBOX selected read-write), compare-and-set per message.

    With ``claim_for`` (an agent key), the assignee becomes that agent only if the first message says
    nobody else holds the ticket; otherwise nothing is written and the holder's key is returned.
    """
    uids = sorted(uids)
    conditional = b"CONDSTORE" in client.capabilities()
    if claim_for is not None and not conditional:
        raise SourceError(
            "this mail server has no CONDSTORE, so two agents could take the same ticket; "
            "assign it with agent-tui set ID --assign me instead"
        )
    for _ in range(_MAX_ATTEMPTS):
        fetched = client.fetch(uids, ["FLAGS", "MODSEQ"] if conditional else ["FLAGS"])
        if not fetched:
            if claim_for is not None:
                raise SourceError("its messages are no longer in the shared INBOX, so no claim can be held there")
            return None  # expunged meanwhile: nothing left to carry the state
        root = fetched.get(uids[0]) or next(iter(fetched.values()))
        remote = state_from_flags(root.get(b"FLAGS", ()))
        if claim_for is not None:
            holder = remote.assignee if remote else None
            if holder and holder.lower() != claim_for.lower():
                return holder
            unshared, local = replace(unshared, assignee=True), replace(local, assignee=claim_for)
        wanted = keywords(unshared.merge_into(remote, local))
        changed_meanwhile = []
        for uid, data in sorted(fetched.items()):
            flags = {_text(f) for f in data.get(b"FLAGS", ()) if _text(f) != "\\Recent"}
            new = {f for f in flags if not is_ours(f) or is_merge_mark(f)} | wanted  # a merge mark stays
            if {f.lower() for f in new} == {f.lower() for f in flags}:
                continue
            if not conditional:
                client.set_flags([uid], sorted(new))  # last writer wins: the server can't compare
            elif not _store_unchanged_since(client, uid, data[b"MODSEQ"][0], sorted(new)):
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


# -- merges: one keyword on the merged ticket's first message, kept by every later state write ------------

MERGED_PREFIX = "$TuiMerged."


def is_merge_mark(flag: bytes | str) -> bool:
    return _text(flag).lower().startswith(MERGED_PREFIX.lower())


def merged_into_from_flags(flags: tuple) -> int | None:
    """The ticket id a ``$TuiMerged.<id>`` keyword names, if the message has one."""
    for flag in map(_text, flags):
        if is_merge_mark(flag) and flag[len(MERGED_PREFIX) :].isdigit():
            return int(flag[len(MERGED_PREFIX) :])
    return None


def mark_merged(client: IMAPClient, uid: int, into: int) -> None:
    """Say on a merged ticket's first message (INBOX selected read-write) that it was merged into ``into``:
    added, not replaced, so it needs no compare-and-set."""
    client.add_flags([uid], [f"{MERGED_PREFIX}{into}"])
