"""The header-only parser (the IMAP first sync's header pass) reads every header as the standard library's
parser does, so a ticket threads the same whether its mail came whole or headers first."""

from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent_tui.sources.mail import (
    MADE_UP_ID_END,
    header_fields,
    parse_headers,
    parse_mail,
)

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
HEADER_FIELDS = ("sender", "date", "subject", "to", "cc", "message_id", "in_reply_to", "references")
_STDLIB = BytesParser(policy=policy.compat32)


def stdlib_fields(raw: bytes) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name, value in _STDLIB.parsebytes(raw).raw_items():
        fields.setdefault(name.lower(), value)
    return fields


def header_block(raw: bytes) -> bytes:
    """What an IMAP server answers to BODY[HEADER]: the headers and the blank line after them."""
    for separator in (b"\r\n\r\n", b"\n\n"):
        if separator in raw:
            return raw[: raw.index(separator) + len(separator)]
    return raw


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the project on this machine")
def test_every_corpus_message_gives_the_same_header_fields_from_its_headers_alone():
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.stat().st_size)
    assert len(files) > 50
    differing = []
    for path in files:
        raw = path.read_bytes()
        assert header_fields(raw) == stdlib_fields(raw), path
        whole = parse_mail(raw, fallback_date=NOW).message
        alone = parse_headers(header_block(raw), fallback_date=NOW).message
        keys = HEADER_FIELDS if not whole.message_id.endswith(MADE_UP_ID_END) else HEADER_FIELDS[:-3]
        differing += [(path.name, key) for key in keys if getattr(whole, key) != getattr(alone, key)]
    assert differing == []


# Header-ish text: the pieces real and broken headers are made of, in any order.
_pieces = st.sampled_from(
    [
        "Subject: ",
        "From: ",
        "To: ",
        "From x@y Mon Jan  1 00:00:00 2026",
        "X-A:",
        ":",
        " ",
        "\t",
        "\r\n",
        "\n",
        "\r",
        "Re: refund",
        "=?utf-8?b?6YCA5qy+?=",
        "Dana <d@shop.example>",
        "<id@x>",
        "é",
        "\udcff",
        "a b",
        "References: ",
    ]
)
header_text = st.lists(_pieces, max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(header_text)
def test_any_header_text_splits_into_fields_as_the_standard_library_splits_it(text):
    raw = text.encode("utf-8", "surrogateescape")
    assert header_fields(raw) == stdlib_fields(raw)


def test_folded_and_encoded_headers_and_a_missing_date():
    block = (
        b"From: =?utf-8?b?5byg5LiJ?= <zhang@example.cn>\r\nSubject: Where is\r\n my order?\r\n"
        b"References: <a@x>\r\n <b@x>\r\nIn-Reply-To: <b@x>\r\n\r\n"
    )
    parsed = parse_headers(block, fallback_date=NOW)
    message = parsed.message
    assert (message.sender.name, message.sender.email) == ("张三", "zhang@example.cn")
    assert message.subject == "Where is my order?"
    assert message.references == ("<a@x>", "<b@x>") and message.in_reply_to == "<b@x>"
    assert message.date == NOW and "no Date header" in parsed.problems
    assert message.text == "" and message.attachments == ()
