"""What a customer hides in a subject or a name: visible on screen, never carried into our own mail (issue 18, point 10)."""

import json

import pytest

from agent_tui.domain.text import safe_line, strip_controls
from tests.ingest.test_ingest import cli, jsonl

HOSTILE_SUBJECT = "Where is \x1b[2Jmy\u200b order\u202e?\x07"


def test_a_reply_subject_and_recipient_name_drop_what_the_customer_hid_in_them(shop, monkeypatch, capsys):
    line = {
        "ticket": "H",
        "from": {"email": "eve@example.com", "name": "Eve\x1b]0;pwned\x07 \u3164Smith"},
        "subject": HOSTILE_SUBJECT,
        "text": "Hi",
        "date": "2026-11-24T09:00:00Z",
    }
    assert cli(shop, "ingest", "-", stdin=jsonl([line]), monkeypatch=monkeypatch, capsys=capsys)[0] == 0
    code, out, _ = cli(
        shop,
        "reply",
        "1001",
        "--body-file",
        "-",
        "--json",
        stdin=b"On its way.\n",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 0
    reply = json.loads(out)
    assert reply["subject"] == "Re: Where is [2Jmy order? [#1001]"
    recipient = json.dumps(reply["to"])
    assert "\\u001b" not in recipient and "\\u0007" not in recipient and "\\u3164" not in recipient
    # What the customer sent is kept as sent, for the record (shown safely, see below).
    code, out, _ = cli(shop, "show", "1001", "--json", capsys=capsys)
    assert json.loads(out)["subject"] == HOSTILE_SUBJECT


@pytest.mark.parametrize(
    "hidden", ["\u200b", "\u2060", "\ufeff", "\u00ad", "\u3164", "\u115f", "\uffa0", "\U000e0041", "\u180e"]
)
def test_invisible_characters_in_a_name_or_subject_are_shown_not_hidden(hidden):
    shown = safe_line(f"Dana{hidden}Li")
    assert hidden not in shown and f"<U+{ord(hidden):04X}>" in shown
    assert strip_controls(f"Dana{hidden}Li") == "DanaLi"


def test_joiners_that_scripts_and_emoji_need_are_left_alone():
    for text in ("می\u200cخواهم", "👩\u200d💻"):
        assert safe_line(text) == text
