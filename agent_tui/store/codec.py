"""Messages as JSON, for the outbox (a queued reply must survive a restart exactly as it was written)."""

from __future__ import annotations

import base64
from datetime import datetime

from agent_tui.domain.models import Address, Attachment, Author, Message


def _address(a: Address) -> list[str]:
    return [a.email, a.name]


def message_to_json(message: Message) -> dict[str, object]:
    return {
        "author": message.author.value,
        "sender": _address(message.sender),
        "to": [_address(a) for a in message.to],
        "cc": [_address(a) for a in message.cc],
        "date": message.date.isoformat(),
        "subject": message.subject,
        "text": message.text,
        "html": message.html,
        "attachments": [[a.filename, a.content_type, a.size] for a in message.attachments],
        "message_id": message.message_id,
        "in_reply_to": message.in_reply_to,
        "references": list(message.references),
        **({"payloads": [base64.b64encode(p).decode("ascii") for p in message.payloads]} if message.payloads else {}),
    }


def message_from_json(data: dict) -> Message:
    return Message(
        author=Author(data["author"]),
        sender=Address(*data["sender"]),
        to=tuple(Address(*a) for a in data["to"]),
        cc=tuple(Address(*a) for a in data["cc"]),
        date=datetime.fromisoformat(data["date"]),
        subject=data["subject"],
        text=data["text"],
        html=data["html"],
        attachments=tuple(Attachment(*a) for a in data["attachments"]),
        message_id=data["message_id"],
        in_reply_to=data["in_reply_to"],
        references=tuple(data["references"]),
        payloads=tuple(base64.b64decode(p) for p in data.get("payloads", ())),
    )
