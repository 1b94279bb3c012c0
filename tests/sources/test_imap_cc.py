"""CC, reply-all, attachments and forward over a real Dovecot and a real SMTP server on loopback: what reaches
the SMTP envelope (RCPT TO), the headers, the MIME parts and Sent."""

import io
import json
from email import message_from_bytes
from email.message import EmailMessage

import pytest

from tests.sources.conftest import free_port
from tests.sources.test_imap import add_account, mail, run


class EnvelopeSmtp:
    """The loopback SMTP server, keeping each envelope's recipients with the message."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.received: list[tuple[list[str], bytes]] = []
        outer = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                outer.received.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()


@pytest.fixture
def envelope_smtp():
    server = EnvelopeSmtp()
    yield server
    server.controller.stop()


def _with_file(message: EmailMessage, name: str, data: bytes) -> EmailMessage:
    message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return message


def _ticket(home, capsys) -> int:
    run(home, "sync", capsys=capsys)
    return json.loads(run(home, "list", "--json", capsys=capsys)[1])[0]["id"]


def _invoice_copied_to_cy(home, dovecot, inbox, envelope_smtp, monkeypatch, capsys) -> int:
    """Ann's mail "Invoice", copied to cy@example.org, synced into a new account: its ticket."""
    add_account(home, dovecot, envelope_smtp.port, monkeypatch, capsys)
    first = mail("Invoice")
    first["Cc"] = "cy@example.org"
    inbox.append("INBOX", first.as_bytes())
    return _ticket(home, capsys)


def test_reply_all_keeps_the_customers_cc_in_the_envelope_and_the_header(
    home, dovecot, inbox, envelope_smtp, memory_keyring, monkeypatch, capsys, tmp_path
):
    add_account(home, dovecot, envelope_smtp.port, monkeypatch, capsys)
    first = mail("Parcel crushed", message_id="<cc1@example.com>")
    first.replace_header("To", "Shop Support <support@shop.example>, Bo Chen <bo@example.com>")
    first["Cc"] = "Cy <cy@example.org>, support@shop.example, robin@pineandpebble.example"
    inbox.append("INBOX", first.as_bytes())
    ticket_id = _ticket(home, capsys)
    shown = json.loads(run(home, "show", str(ticket_id), "--json", capsys=capsys)[1])["messages"][0]
    assert [a["email"] for a in shown["cc"]] == [
        "cy@example.org",
        "support@shop.example",
        "robin@pineandpebble.example",
    ]
    text = run(home, "show", str(ticket_id), capsys=capsys)[1]
    assert "Cc: Cy <cy@example.org>" in text and "To: Shop Support <support@shop.example>, Bo Chen" in text

    photo = tmp_path / "label.pdf"
    photo.write_bytes(b"%PDF-1.4 label")
    monkeypatch.setattr("sys.stdin", io.StringIO("A new one is on its way.\n"))
    code, out, err = run(
        home, "reply", str(ticket_id), "--body-file", "-", "--attach", str(photo), "--send", "--json", capsys=capsys
    )
    assert code == 0, err
    sent = json.loads(out)
    rcpts, raw = envelope_smtp.received[0]
    # The customer, and whom they copied; never the shop's own address or an agent.
    assert sorted(rcpts) == ["ann@example.com", "bo@example.com", "cy@example.org"]
    wire = message_from_bytes(raw)
    assert wire["To"] == "Ann Lee <ann@example.com>"
    assert "bo@example.com" in wire["Cc"] and "cy@example.org" in wire["Cc"] and "support@" not in wire["Cc"]
    files = [(p.get_filename(), p.get_payload(decode=True)) for p in wire.walk() if p.get_filename()]
    assert files == [("label.pdf", b"%PDF-1.4 label")]
    assert [a["filename"] for a in sent["attachments"]] == ["label.pdf"]
    assert [message_from_bytes(m)["Message-ID"] for m in inbox.messages("Sent")] == [sent["message_id"]]


def test_reply_to_and_cc_options_replace_the_defaults(
    home, dovecot, inbox, envelope_smtp, memory_keyring, monkeypatch, capsys
):
    ticket_id = _invoice_copied_to_cy(home, dovecot, inbox, envelope_smtp, monkeypatch, capsys)
    monkeypatch.setattr("sys.stdin", io.StringIO("Attached.\n"))
    code, _, err = run(
        home,
        "reply",
        str(ticket_id),
        "--body-file",
        "-",
        "--to",
        "Accounts <accounts@example.com>",
        "--cc",
        "dee@example.net",
        "--cc",
        "eve@example.net",
        "--send",
        capsys=capsys,
    )
    assert code == 0, err
    rcpts, _ = envelope_smtp.received[0]
    assert sorted(rcpts) == ["accounts@example.com", "dee@example.net", "eve@example.net"]
    code, _, err = run(home, "reply", str(ticket_id), "--body-file", "x", "--cc", "not an address", capsys=capsys)
    assert code == 2 and "not an email address" in err


def test_to_and_cc_given_with_a_draft_stay_with_it_for_the_preview_and_the_send(
    home, dovecot, inbox, envelope_smtp, memory_keyring, monkeypatch, capsys
):
    ticket_id = str(_invoice_copied_to_cy(home, dovecot, inbox, envelope_smtp, monkeypatch, capsys))
    monkeypatch.setattr("sys.stdin", io.StringIO("Attached.\n"))
    assert run(home, "reply", ticket_id, "--body-file", "-", "--cc", "dee@example.net", capsys=capsys)[0] == 0
    shown = json.loads(run(home, "reply", ticket_id, "--json", capsys=capsys)[1])  # the saved draft, previewed
    assert [a["email"] for a in shown["cc"]] == ["dee@example.net"]
    monkeypatch.setattr("sys.stdin", io.StringIO("Attached, see below.\n"))  # the text changes, the Cc stays
    assert run(home, "reply", ticket_id, "--body-file", "-", capsys=capsys)[0] == 0
    code, _, err = run(home, "reply", ticket_id, "--send", capsys=capsys)
    assert code == 0, err
    rcpts, _ = envelope_smtp.received[0]
    assert sorted(rcpts) == ["ann@example.com", "dee@example.net"]  # the customer, and the Cc chosen: not cy


def test_a_draft_with_its_to_line_emptied_is_not_sent_to_anyone_by_default(
    home, dovecot, inbox, envelope_smtp, memory_keyring, monkeypatch, capsys
):
    from agent_tui.config.paths import AppPaths
    from agent_tui.config.settings import load_settings
    from agent_tui.services.accounts import open_account
    from agent_tui.services.replies import Replies

    add_account(home, dovecot, envelope_smtp.port, monkeypatch, capsys)
    inbox.append("INBOX", mail("Invoice").as_bytes())
    ticket_id = _ticket(home, capsys)
    paths = AppPaths.resolve(home)
    service = open_account(paths, load_settings(paths), None, None)
    try:
        Replies(service, paths, load_settings(paths)).save_draft(ticket_id, "Attached.", recipients=("", None))
    finally:
        service.close()
    code, _, err = run(home, "reply", str(ticket_id), "--send", capsys=capsys)
    assert code == 2 and "empty To line" in err
    assert envelope_smtp.received == []


def test_a_forward_goes_with_its_attachments_once_and_is_no_reply(
    home, dovecot, inbox, envelope_smtp, memory_keyring, monkeypatch, capsys, tmp_path
):
    add_account(home, dovecot, envelope_smtp.port, monkeypatch, capsys)
    inbox.append(
        "INBOX", _with_file(mail("Broken stove", message_id="<f1@example.com>"), "photo.pdf", b"PDF").as_bytes()
    )
    ticket_id = _ticket(home, capsys)
    note = tmp_path / "note.txt"
    note.write_text("Courier: please check this parcel.\n")
    code, out, err = run(
        home,
        "forward",
        str(ticket_id),
        "--to",
        "claims@courier.example",
        "--body-file",
        str(note),
        "--json",
        capsys=capsys,
    )
    assert code == 0, err
    forwarded = json.loads(out)
    assert forwarded["author"] == "forward" and forwarded["status"] == "forwarded"
    assert len(envelope_smtp.received) == 1
    rcpts, raw = envelope_smtp.received[0]
    assert rcpts == ["claims@courier.example"]  # not the customer
    wire = message_from_bytes(raw)
    assert wire["Subject"] == f"Fwd: Broken stove [#{ticket_id}]"
    body = next(p for p in wire.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    assert "Courier: please check" in body and "Forwarded message" in body and "Hello" in body
    assert [(p.get_filename(), p.get_payload(decode=True)) for p in wire.walk() if p.get_filename()] == [
        ("photo.pdf", b"PDF")
    ]
    assert len(inbox.messages("Sent")) == 1
    run(home, "sync", capsys=capsys)  # the Sent copy is the same message
    ticket = json.loads(run(home, "show", str(ticket_id), "--json", capsys=capsys)[1])
    assert [m["author"] for m in ticket["messages"]] == ["customer", "forward"]
    assert ticket["status"] == "new"  # no reply: the customer is still waiting...
    assert next(c for c in ticket["sla"] if c["metric"] == "first_reply")["state"] != "met"  # ...on the clock too
    assert len(envelope_smtp.received) == 1  # and nothing went twice

    # A teammate's machine files the Sent copy as a forward too, not as a reply.
    teammate = tmp_path / "teammate"
    teammate.mkdir()
    monkeypatch.setenv("AGENT_TUI_HOME", str(teammate))
    add_account(teammate, dovecot, envelope_smtp.port, monkeypatch, capsys)
    run(teammate, "sync", capsys=capsys)
    theirs = json.loads(run(teammate, "show", str(ticket_id), "--json", capsys=capsys)[1])
    assert [m["author"] for m in theirs["messages"]] == ["customer", "forward"]
    assert theirs["status"] == "new"
