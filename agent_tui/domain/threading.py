"""How a message finds its ticket: the pure parts of threading.

The order, applied by the ingest service (the same for synced and piped mail):
1. In-Reply-To / References naming a message already in a ticket;
2. a ticket token in the subject, ``[#1042]``;
3. the same sender with the same normalised subject within :data:`SUBJECT_WINDOW`;
otherwise the message starts a new ticket. Closed tickets are never reopened: a reply to one starts a
follow-up ticket, as help desks do.
"""

from __future__ import annotations

import re
from datetime import timedelta

SUBJECT_WINDOW = timedelta(days=7)

_TOKEN = re.compile(r"\[#(\d{1,9})\]")
# Reply and forward prefixes in the languages our users write in, repeated or numbered: "Re: Fwd: RE[2]:".
_PREFIX = re.compile(
    r"^\s*((re|fw|fwd|aw|wg|sv|vs|tr|rv|antw|回复|回覆|答复|答覆|转发|轉寄|转寄)\s*(\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
    re.I,
)


def ticket_token(subject: str) -> int | None:
    """The ticket id in a subject such as ``Re: Where is my order? [#1042]``."""
    found = _TOKEN.search(subject or "")
    return int(found.group(1)) if found else None


def with_token(subject: str, ticket_id: int) -> str:
    """A reply subject carrying the ticket token exactly once."""
    base = _TOKEN.sub("", subject).strip()
    return f"{base} [#{ticket_id}]"


def normalise_subject(subject: str) -> str:
    """The subject as it reads across a thread: no reply/forward prefixes, no token, case and spaces folded."""
    text = _TOKEN.sub(" ", subject or "")
    while True:
        stripped = _PREFIX.sub("", text)
        if stripped == text:
            break
        text = stripped
    return " ".join(text.casefold().split())
