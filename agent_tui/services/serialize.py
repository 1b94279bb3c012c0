"""The JSON shapes of the CLI contract (documented in the README). Keys are only ever added."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime

from agent_tui.domain.models import Address, Message, Ticket
from agent_tui.domain.presence import Presence
from agent_tui.domain.sla import Clock

# JSON keeps text readable (ensure_ascii=False keeps Chinese as Chinese), but DEL, the C1 controls (U+009B
# starts a terminal command) and bidi overrides are escaped, so printing JSON to a terminal is safe too.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def dumps(value: object, **options: object) -> str:
    text = json.dumps(value, ensure_ascii=False, **options)  # type: ignore[arg-type]
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def iso(moment: datetime) -> str:
    return moment.isoformat()


def _address(address: Address) -> dict[str, str]:
    return {"email": address.email, "name": address.name}


def ticket_json(ticket: Ticket, clocks: list[Clock], presence: Sequence[Presence] = ()) -> dict[str, object]:
    return {
        "id": ticket.id,
        "subject": ticket.subject,
        "status": ticket.status.value,
        "priority": ticket.priority.label,
        "assignee": ticket.assignee.name if ticket.assignee else None,
        "assignee_email": ticket.assignee.email if ticket.assignee else None,
        "tags": list(ticket.tags),
        "customer": {"email": ticket.customer.email, "name": ticket.customer.name},
        "created_at": iso(ticket.created_at),
        "updated_at": iso(ticket.updated_at),
        "message_count": ticket.message_count,
        "sla": [clock.to_json() for clock in clocks],
        "presence": [p.to_json() for p in presence],
        "snoozed_until": iso(ticket.snoozed_until) if ticket.snoozed_until else None,  # on hold until, then open
    }


def message_json(message: Message) -> dict[str, object]:
    return {
        "id": message.id,
        "author": message.author.value,
        "from": _address(message.sender),
        "to": [_address(a) for a in message.to],
        "cc": [_address(a) for a in message.cc],
        "date": iso(message.date),
        "subject": message.subject,
        "text": message.text,
        "body_pending": message.body_pending,  # filed from its headers; text and attachments are on their way
        "problems": list(
            message.problems
        ),  # what could not be read of it: an undecodable part, a body never downloaded
        "message_id": message.message_id,
        "in_reply_to": message.in_reply_to,
        "attachments": [
            {"filename": a.filename, "content_type": a.content_type, "size": a.size} for a in message.attachments
        ],
    }
