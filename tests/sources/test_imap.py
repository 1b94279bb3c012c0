"""The shared IMAP inbox against a real Dovecot on loopback, and replies against a real SMTP server."""

import io
import json
import sqlite3
from contextlib import closing
from datetime import timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest

from agent_tui.cli import main
from tests.conftest import NOW, NOW_ISO


def mail(
    subject,
    sender="Ann Lee <ann@example.com>",
    to="support@shop.example",
    minutes=0,
    message_id=None,
    in_reply_to=None,
    body="Hello",
):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Date"] = format_datetime(NOW - timedelta(hours=5) + timedelta(minutes=minutes))
    message["Message-ID"] = message_id or make_msgid(domain="example.com")
    if in_reply_to:
        message["In-Reply-To"] = message["References"] = in_reply_to
    message.set_content(body)
    return message


def run(home, *args, stdin=None, monkeypatch=None, capsys=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["--home", str(home), "--now", NOW_ISO, *args])
    out, err = capsys.readouterr()
    return code, out, err


def add_account(home, dovecot, smtp_port, monkeypatch, capsys, password="secret"):
    code, out, err = run(
        home,
        "account",
        "add",
        "shop",
        "--imap",
        f"127.0.0.1:{dovecot.port}",
        "--smtp",
        f"127.0.0.1:{smtp_port}",
        "--user",
        "support",
        "--address",
        "support@shop.example",
        "--name",
        "Shop Support",
        "--tls",
        "none",
        stdin=password + "\n",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 0, err
    return code, out, err


def test_account_keeps_the_password_in_the_keyring_and_sync_files_tickets(
    home, dovecot, inbox, memory_keyring, monkeypatch, capsys
):
    _, _, err = add_account(home, dovecot, 25, monkeypatch, capsys)
    assert "unencrypted" in err  # --tls none is allowed, with a warning
    config = (home / "config.toml").read_text()
    assert "secret" not in config and 'kind = "imap"' in config
    assert memory_keyring.secrets == {("agent-tui", "shop:support"): "secret"}

    first = mail("Where is my order?", message_id="<o1@example.com>")
    uid = inbox.append("INBOX", first.as_bytes())
    inbox.append("INBOX", mail("Refund please", sender="bo@example.com").as_bytes())
    code, out, _ = run(home, "sync", "--json", capsys=capsys)
    report = json.loads(out)
    assert code == 0 and (report["read"], report["new_tickets"]) == (2, 2)
    code, out, _ = run(home, "list", "--json", capsys=capsys)
    tickets = {t["subject"]: t for t in json.loads(out)}
    assert tickets["Where is my order?"]["id"] == 1000 + uid  # the same id on every agent's machine

    # Incremental: only what is new is read; a reply joins its ticket; another agent's answer in Sent too.
    inbox.append("INBOX", mail("Re: Where is my order?", minutes=30, in_reply_to="<o1@example.com>").as_bytes())
    inbox.append(
        "Sent",
        mail(
            "Re: Where is my order?",
            sender="Dana <support@shop.example>",
            to="ann@example.com",
            minutes=40,
            in_reply_to="<o1@example.com>",
        ).as_bytes(),
    )
    code, out, _ = run(home, "sync", "--json", capsys=capsys)
    report = json.loads(out)
    assert (report["read"], report["new_tickets"], report["new_messages"]) == (2, 0, 2)
    code, out, _ = run(home, "show", str(1000 + uid), "--json", capsys=capsys)
    shown = json.loads(out)
    assert [m["author"] for m in shown["messages"]] == ["customer", "customer", "agent"] and shown["status"] == "open"
    code, out, _ = run(home, "sync", "--json", capsys=capsys)
    assert json.loads(out)["read"] == 0  # nothing changed, nothing read


def test_a_renumbered_folder_is_read_again_without_duplicate_tickets(
    home, dovecot, inbox, memory_keyring, monkeypatch, capsys
):
    """UIDVALIDITY changing is simulated by the store's remembered value changing (Dovecot can't renumber INBOX)."""
    add_account(home, dovecot, 25, monkeypatch, capsys)
    for n in range(3):
        inbox.append("INBOX", mail(f"Question {n}", sender=f"c{n}@example.com").as_bytes())
    run(home, "sync", capsys=capsys)
    from agent_tui.store import Store

    store = Store.open(home / "data" / "accounts" / "shop" / "store.sqlite3")
    state = json.loads(store.get_meta("imap.INBOX"))
    store.set_meta("imap.INBOX", json.dumps({**state, "uidvalidity": state["uidvalidity"] - 1}))
    store.close()
    code, out, _ = run(home, "sync", "--json", capsys=capsys)
    report = json.loads(out)
    assert code == 0 and (report["read"], report["new_tickets"], report["duplicates"]) == (3, 0, 3)


def test_messages_found_again_in_a_renumbered_folder_follow_it_so_their_state_is_still_shared(
    home,
    dovecot,
    inbox,
    memory_keyring,
    monkeypatch,
    capsys,
):
    """The store's messages are moved back to an older UIDVALIDITY, as if the server had renumbered INBOX since."""
    add_account(home, dovecot, 25, monkeypatch, capsys)
    uid = inbox.append("INBOX", mail("Renumbered").as_bytes())
    run(home, "sync", capsys=capsys)
    with closing(sqlite3.connect(home / "data" / "accounts" / "shop" / "store.sqlite3")) as db, db:
        validity = json.loads(db.execute("SELECT value FROM meta WHERE key = 'imap.INBOX'").fetchone()[0])[
            "uidvalidity"
        ]
        db.execute(
            "UPDATE meta SET value = json_set(value, '$.uidvalidity', ?) WHERE key = 'imap.INBOX'", (validity - 1,)
        )
        db.execute("UPDATE messages SET source_ref = replace(source_ref, ?, ?)", (f"/{validity}/", f"/{validity - 1}/"))
    code, out, err = run(home, "sync", "--json", capsys=capsys)
    assert code == 0 and json.loads(out)["duplicates"] == 1, err
    code, _, err = run(home, "set", str(1000 + uid), "--status", "pending", capsys=capsys)
    assert code == 0 and "could not be told" not in err
    inbox.client.select_folder("INBOX")
    assert b"$TuiPending" in inbox.client.get_flags([uid])[uid]  # it reached the message under its new numbering


def test_a_first_sync_files_every_message_from_its_headers_before_any_body(
    home, dovecot, inbox, memory_keyring, monkeypatch, capsys
):
    """The connection breaks once every header is in: the queue and threads are complete, the bodies are
    marked as coming, and the next sync brings them; a message deleted meanwhile keeps what its headers said."""
    from agent_tui.errors import SourceError
    from agent_tui.sources.imap import ImapSource

    add_account(home, dovecot, 25, monkeypatch, capsys)
    first = inbox.append(
        "INBOX",
        mail(
            "Where is my order?", sender="c1@example.com", message_id="<h1@example.com>", body="Order PP-1"
        ).as_bytes(),
    )
    inbox.append(
        "INBOX",
        mail(
            "Re: Where is my order?",
            sender="c1@example.com",
            minutes=5,
            in_reply_to="<h1@example.com>",
            body="Any news?",
        ).as_bytes(),
    )
    gone = inbox.append("INBOX", mail("Wrong size", sender="c2@example.com", body="Size M, not L").as_bytes())

    def broken(self, *args):
        raise SourceError("The connection broke during sync; run sync again.")
        yield

    with monkeypatch.context() as patched:
        patched.setattr(ImapSource, "_bodies", broken)
        code, _, err = run(home, "sync", capsys=capsys)
    assert code == 1 and "run sync again" in err
    listed = {t["subject"]: t for t in json.loads(run(home, "list", "--json", capsys=capsys)[1])}
    assert set(listed) == {"Where is my order?", "Wrong size"} and listed["Where is my order?"]["message_count"] == 2
    shown = json.loads(run(home, "show", str(1000 + first), "--json", capsys=capsys)[1])["messages"]
    assert [(m["text"], m["body_pending"]) for m in shown] == [("", True), ("", True)]

    inbox.client.select_folder("INBOX")
    inbox.client.delete_messages([gone])
    inbox.client.expunge()
    code, out, err = run(home, "sync", "--json", capsys=capsys)
    report = json.loads(out)
    assert code == 0 and (report["read"], report["bodies"], report["failed"]) == (0, 2, 0), err
    shown = json.loads(run(home, "show", str(1000 + first), "--json", capsys=capsys)[1])["messages"]
    assert [(m["text"].strip(), m["body_pending"]) for m in shown] == [("Order PP-1", False), ("Any news?", False)]
    found = json.loads(run(home, "list", "--search", "PP-1", "--json", capsys=capsys)[1])
    assert [t["id"] for t in found] == [1000 + first]  # the bodies are in the full-text index
    kept = json.loads(run(home, "show", str(1000 + gone), "--json", capsys=capsys)[1])["messages"]
    assert [(m["subject"], m["body_pending"]) for m in kept] == [("Wrong size", False)]
    with closing(sqlite3.connect(home / "data" / "accounts" / "shop" / "store.sqlite3")) as db:
        problems = json.loads(db.execute("SELECT problems FROM messages WHERE subject = 'Wrong size'").fetchone()[0])
    assert problems == ["removed from the server before its body was downloaded"]
    found = json.loads(run(home, "list", "--search", "size", "--json", capsys=capsys)[1])
    assert [t["id"] for t in found] == [1000 + gone]  # its subject is searchable all the same
    assert json.loads(run(home, "sync", "--json", capsys=capsys)[1])["bodies"] == 0  # nothing left waiting


def test_a_reply_goes_out_over_smtp_threaded_and_lands_in_sent(
    home, dovecot, inbox, smtp, memory_keyring, monkeypatch, capsys
):
    add_account(home, dovecot, smtp.port, monkeypatch, capsys)
    inbox.append("INBOX", mail("Parcel crushed", message_id="<p1@example.com>").as_bytes())
    run(home, "sync", capsys=capsys)
    code, out, _ = run(home, "list", "--json", capsys=capsys)
    ticket_id = json.loads(out)[0]["id"]
    monkeypatch.setattr("sys.stdin", io.StringIO("We are sending a new one today.\n"))
    code, out, err = run(home, "reply", str(ticket_id), "--body-file", "-", "--send", "--json", capsys=capsys)
    assert code == 0, err
    sent = json.loads(out)
    assert len(smtp.received) == 1
    wire = message_from_bytes(smtp.received[0])
    assert wire["In-Reply-To"] == "<p1@example.com>" and wire["Message-ID"] == sent["message_id"]
    assert wire["Subject"] == f"Re: Parcel crushed [#{ticket_id}]"
    assert wire["From"] == "Robin Ng <support@shop.example>"  # the shared address, the agent's name
    in_sent = [message_from_bytes(raw) for raw in inbox.messages("Sent")]
    assert [m["Message-ID"] for m in in_sent] == [sent["message_id"]]
    run(home, "sync", capsys=capsys)  # its copy in Sent is the same message, not a new one
    code, out, _ = run(home, "show", str(ticket_id), "--json", capsys=capsys)
    assert [m["author"] for m in json.loads(out)["messages"]] == ["customer", "agent"]


def test_a_retry_after_a_crash_never_sends_twice(home, dovecot, inbox, smtp, memory_keyring, monkeypatch, capsys):
    add_account(home, dovecot, smtp.port, monkeypatch, capsys)
    inbox.append("INBOX", mail("Double charge", message_id="<d1@example.com>").as_bytes())
    run(home, "sync", capsys=capsys)
    from agent_tui.config.paths import AppPaths
    from agent_tui.config.settings import load_settings
    from agent_tui.services.accounts import open_account
    from agent_tui.services.replies import Replies

    paths = AppPaths.resolve(home)
    service = open_account(paths, load_settings(paths), None, NOW)
    replies = Replies(service, paths, load_settings(paths))
    ticket_id = service.queue_ids(__import__("agent_tui.domain.queue", fromlist=["QueueQuery"]).QueueQuery())[0]
    message = replies.outgoing(ticket_id, "Refunded today.", "<crash-1@shop.example>")
    # The first attempt got as far as SMTP and Sent, then the process died before recording it.
    service.source.deliver_reply(ticket_id, message)
    assert len(smtp.received) == 1
    service.store.outbox_add(ticket_id, message, NOW)
    assert replies.flush_outbox() == 1  # the retry finds it in Sent: recorded, not resent
    assert len(smtp.received) == 1
    assert [m.message_id for m in service.detail(ticket_id).messages].count("<crash-1@shop.example>") == 1
    service.close()


def test_unreachable_server_and_refused_login_are_one_sentence_and_exit_1(
    home, dovecot, memory_keyring, monkeypatch, capsys
):
    add_account(home, dovecot, 25, monkeypatch, capsys, password="wrong")
    code, _, err = run(home, "sync", capsys=capsys)
    assert code == 1 and "refused the login for 'support'" in err and err.count("\n") == 1
    dovecot.stop()
    code, _, err = run(home, "sync", capsys=capsys)
    assert code == 1 and "could not be reached" in err and "Traceback" not in err
    code, out, _ = run(home, "list", "--json", capsys=capsys)  # the local store still works offline
    assert code == 0 and json.loads(out) == []


def test_password_command_instead_of_a_keyring(home, dovecot, inbox, monkeypatch, capsys):
    code, _, err = run(
        home,
        "account",
        "add",
        "cmd",
        "--imap",
        f"127.0.0.1:{dovecot.port}",
        "--smtp",
        "127.0.0.1:25",
        "--user",
        "support",
        "--tls",
        "none",
        "--password-command",
        "echo secret",
        capsys=capsys,
    )
    assert code == 0, err
    inbox.append("INBOX", mail("Via a command").as_bytes())
    code, out, err = run(home, "sync", "--json", capsys=capsys)
    assert code == 0 and json.loads(out)["new_tickets"] == 1, err


def test_status_is_shared_through_the_mailbox_between_two_agents(
    home, tmp_path, dovecot, inbox, memory_keyring, monkeypatch, capsys
):
    dana, sam = home, tmp_path / "sam"
    for agent_home in (dana, sam):
        add_account(agent_home, dovecot, 25, monkeypatch, capsys)
    uid = inbox.append("INBOX", mail("Shared state", message_id="<s1@example.com>").as_bytes())
    ticket = str(1000 + uid)
    for agent_home in (dana, sam):
        run(agent_home, "sync", capsys=capsys)
    code, _, err = run(dana, "set", ticket, "--status", "pending", capsys=capsys)
    assert code == 0, err
    inbox.client.select_folder("INBOX")
    assert b"$TuiPending" in inbox.client.get_flags([uid])[uid]
    code, out, _ = run(sam, "sync", "--json", capsys=capsys)
    assert json.loads(out)["status_changes"] == 1
    code, out, _ = run(sam, "show", ticket, "--json", capsys=capsys)
    assert json.loads(out)["status"] == "pending"  # the same ticket id on Sam's machine, with Dana's status
    run(sam, "set", ticket, "--status", "solved", capsys=capsys)
    run(dana, "sync", capsys=capsys)
    code, out, _ = run(dana, "show", ticket, "--json", capsys=capsys)
    assert json.loads(out)["status"] == "solved"
    # Another mail client reading the message (\\Seen) says nothing about the ticket: still solved.
    inbox.client.select_folder("INBOX")
    inbox.client.add_flags([uid], [b"\\Seen"])
    code, out, _ = run(dana, "sync", "--json", capsys=capsys)
    assert json.loads(out)["team_changes"] == 0
    code, out, _ = run(dana, "show", ticket, "--json", capsys=capsys)
    assert json.loads(out)["status"] == "solved"


def test_a_status_set_while_offline_is_shared_on_the_next_sync(
    home, tmp_path, dovecot, inbox, memory_keyring, monkeypatch, capsys
):
    add_account(home, dovecot, 25, monkeypatch, capsys)
    uid = inbox.append("INBOX", mail("Offline change").as_bytes())
    run(home, "sync", capsys=capsys)
    dovecot.stop()
    code, out, err = run(home, "set", str(1000 + uid), "--status", "on-hold", capsys=capsys)
    assert code == 1 and "saved here, but the shared inbox could not be told" in err
    dovecot.restart()
    inbox = __import__("tests.sources.conftest", fromlist=["Inbox"]).Inbox(dovecot.port)
    assert run(home, "sync", capsys=capsys)[0] == 0
    inbox.client.select_folder("INBOX")
    assert b"$TuiOnHold" in inbox.client.get_flags([uid])[uid]


def test_sending_again_after_a_failed_send_sends_that_reply_once(
    home, dovecot, inbox, memory_keyring, monkeypatch, capsys
):
    from tests.servers.dovecot import free_port
    from tests.sources.conftest import Smtp

    dead = free_port()  # nothing listens here yet
    add_account(home, dovecot, dead, monkeypatch, capsys)
    inbox.append("INBOX", mail("Refund", message_id="<r1@example.com>").as_bytes())
    run(home, "sync", capsys=capsys)
    code, out, _ = run(home, "list", "--json", capsys=capsys)
    ticket = str(json.loads(out)[0]["id"])
    monkeypatch.setattr("sys.stdin", io.StringIO("Refunded.\n"))
    run(home, "reply", ticket, "--body-file", "-", capsys=capsys)
    for _ in range(2):
        code, _, err = run(home, "reply", ticket, "--send", capsys=capsys)
        assert code == 1 and "stays in the outbox" in err
    smtp = Smtp()
    try:
        config = home / "config.toml"
        config.write_text(config.read_text().replace(f"127.0.0.1:{dead}", f"127.0.0.1:{smtp.port}"))
        code, out, err = run(home, "reply", ticket, "--send", "--json", capsys=capsys)
        assert code == 0, err
        assert len(smtp.received) == 1 and json.loads(out)["text"] == "Refunded.\n"
        assert len(inbox.messages("Sent")) == 1
        code, _, err = run(home, "reply", ticket, "--send", capsys=capsys)
        assert code == 2 and "no draft" in err  # recorded and gone, not sent again
        assert len(smtp.received) == 1
    finally:
        smtp.controller.stop()


def test_a_customer_reopening_a_solved_ticket_reopens_it_in_the_mailbox(
    home, tmp_path, dovecot, inbox, memory_keyring, monkeypatch, capsys
):
    add_account(home, dovecot, 25, monkeypatch, capsys)
    uid = inbox.append("INBOX", mail("Reopen me", message_id="<ro1@example.com>").as_bytes())
    run(home, "sync", capsys=capsys)
    run(home, "set", str(1000 + uid), "--status", "solved", capsys=capsys)
    inbox.client.select_folder("INBOX")
    assert b"$TuiSolved" in inbox.client.get_flags([uid])[uid]
    inbox.append(
        "INBOX", mail("Re: Reopen me", minutes=400, in_reply_to="<ro1@example.com>").as_bytes()
    )  # after the solve
    run(home, "sync", capsys=capsys)  # files the reply (reopened here), and marks the change for sharing
    run(home, "sync", capsys=capsys)  # shares it
    inbox.client.select_folder("INBOX")
    assert set(inbox.client.get_flags([uid])[uid]) & {b"$TuiSolved", b"$TuiPending", b"$TuiOpen"} == {b"$TuiOpen"}
    code, out, _ = run(home, "show", str(1000 + uid), "--json", capsys=capsys)
    assert json.loads(out)["status"] == "open"


def test_oauth2_token_command_logs_in_with_xoauth2_to_imap_and_smtp(
    home, dovecot, inbox, memory_keyring, monkeypatch, capsys
):
    from base64 import b64decode

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    from tests.servers.dovecot import free_port

    logins, received = [], []

    class Handler:  # an SMTP server that takes XOAUTH2 (without TLS, on loopback only)
        async def auth_XOAUTH2(self, server, args):
            logins.append(b64decode(args[1]).decode())
            return AuthResult(success=True)

        async def handle_DATA(self, server, session, envelope):
            received.append(session.authenticated)
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, auth_require_tls=False)
    controller.start()
    try:
        # Dovecot (tests/servers/dovecot.py) accepts XOAUTH2 and checks the token as it would a password.
        code, _, err = run(
            home,
            "account",
            "add",
            "shop",
            "--imap",
            f"127.0.0.1:{dovecot.port}",
            "--smtp",
            f"127.0.0.1:{port}",
            "--user",
            "support",
            "--tls",
            "none",
            "--oauth2-command",
            "echo secret",
            capsys=capsys,
        )
        assert code == 0, err
        assert memory_keyring.secrets == {}  # no password asked for, none stored
        inbox.append("INBOX", mail("Token login").as_bytes())
        code, out, err = run(home, "sync", "--json", capsys=capsys)
        assert code == 0 and json.loads(out)["new_tickets"] == 1, err
        ticket = str(json.loads(run(home, "list", "--json", capsys=capsys)[1])[0]["id"])
        code, _, err = run(
            home, "reply", ticket, "--body-file", "-", "--send", stdin="Done.\n", monkeypatch=monkeypatch, capsys=capsys
        )
        assert code == 0, err
        assert logins == ["user=support\x01auth=Bearer secret\x01\x01"] and received == [True]

        config = home / "config.toml"
        config.write_text(config.read_text().replace("echo secret", "echo expired"))
        code, _, err = run(home, "sync", capsys=capsys)
        assert code == 1 and "refused the login" in err and "OAuth2" in err
    finally:
        controller.stop()


def test_ingest_deliver_puts_mail_in_the_shared_inbox_with_the_teams_ticket_ids(
    home, tmp_path, dovecot, inbox, memory_keyring, monkeypatch, capsys
):
    sam = tmp_path / "sam"
    for agent_home in (home, sam):
        add_account(agent_home, dovecot, 25, monkeypatch, capsys)
    first = tmp_path / "first.eml"
    first.write_bytes(mail("Imported from the old help desk", message_id="<imp1@example.com>").as_bytes())
    reply = tmp_path / "reply.eml"
    reply.write_bytes(
        mail("Re: Imported from the old help desk", minutes=5, in_reply_to="<imp1@example.com>").as_bytes()
    )
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"")))
    code, out, err = run(home, "ingest", "--deliver", "--json", str(first), str(reply), capsys=capsys)
    assert code == 0, err
    report = json.loads(out)
    assert (report["delivered"], report["new_tickets"], report["new_messages"]) == (2, 1, 2)
    assert len(inbox.messages("INBOX")) == 2
    run(sam, "sync", capsys=capsys)
    ids = [json.loads(run(h, "list", "--json", capsys=capsys)[1]) for h in (home, sam)]
    assert [t["id"] for t in ids[0]] == [t["id"] for t in ids[1]] and ids[0][0]["message_count"] == 2
    monkeypatch.setattr(
        "sys.stdin", io.TextIOWrapper(io.BytesIO(b'{"from": "a@b.example", "subject": "x", "text": "y"}\n'))
    )
    code, _, err = run(home, "ingest", "--deliver", "-", capsys=capsys)
    assert code == 2 and "JSON lines" in err


CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the project on this machine")
def test_corpus_mail_threads_through_imap_exactly_as_piped(
    home, tmp_path, dovecot, inbox, memory_keyring, monkeypatch, capsys
):
    """Real-world mail no one here wrote: synced from the shared inbox, it forms the same tickets as when piped in."""
    files = [p for p in sorted(CORPUS.rglob("*.eml")) if p.stat().st_size > 0]
    for path in files:
        inbox.append("INBOX", path.read_bytes())
    add_account(home, dovecot, 25, monkeypatch, capsys)
    code, out, err = run(home, "sync", "--json", capsys=capsys)
    assert code == 0 and "Traceback" not in err
    assert json.loads(out)["read"] == len(files)
    piped = tmp_path / "piped"
    run(piped, "account", "add", "local", "--local", "--address", "support@shop.example", capsys=capsys)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"")))
    assert run(piped, "ingest", "--format", "eml", *map(str, files), capsys=capsys)[0] == 0

    def tickets(agent_home):
        grouped = set()
        for ticket in json.loads(run(agent_home, "list", "--json", capsys=capsys)[1]):
            messages = json.loads(run(agent_home, "show", str(ticket["id"]), "--json", capsys=capsys)[1])["messages"]
            grouped.add(frozenset((m["message_id"], m["subject"], m["date"]) for m in messages))
        return grouped

    synced = tickets(home)
    assert len(synced) > 10 and any(len(t) > 1 for t in synced)  # threads were joined, not one ticket per mail
    assert synced == tickets(piped)


def test_a_big_first_sync_parses_in_a_helper_process_with_the_same_result(
    home, dovecot, inbox, memory_keyring, monkeypatch, capsys
):
    monkeypatch.setattr("agent_tui.sources.imap.pull.PARALLEL_FROM", 5)  # so a dozen messages take that path
    monkeypatch.setattr("agent_tui.sources.imap.pull.BATCH", 4)  # and several batches overlap
    monkeypatch.setattr("agent_tui.sources.imap.pull.BODY_BATCH", 5)
    from concurrent.futures import ProcessPoolExecutor

    submitted = []

    class CountingPool(ProcessPoolExecutor):
        def submit(self, fn, *args, **kwargs):
            submitted.append((fn.__name__, len(args[1])))
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor", CountingPool)  # imported where it is used
    add_account(home, dovecot, 25, monkeypatch, capsys)
    for n in range(10):
        inbox.append(
            "INBOX", mail(f"Order {n}", sender=f"c{n}@example.com", message_id=f"<p{n}@example.com>").as_bytes()
        )
    inbox.append(
        "INBOX", mail("Re: Order 3", sender="c3@example.com", minutes=30, in_reply_to="<p3@example.com>").as_bytes()
    )
    uid = inbox.append("INBOX", mail("Already pending", sender="z@example.com").as_bytes())
    inbox.client.select_folder("INBOX")
    inbox.client.add_flags([uid], [b"$TuiPending"])
    code, out, err = run(home, "sync", "--json", capsys=capsys)
    report = json.loads(out)
    assert code == 0 and (report["read"], report["new_tickets"], report["new_messages"]) == (12, 11, 12), err
    tickets = {t["subject"]: t for t in json.loads(run(home, "list", "--json", capsys=capsys)[1])}
    assert tickets["Order 3"]["message_count"] == 2 and tickets["Already pending"]["status"] == "pending"
    assert tickets["Already pending"]["id"] == 1000 + uid
    # The INBOX was parsed by the helper process batch by batch: headers first, then the bodies.
    assert submitted == [("parse_header_batch", 4)] * 3 + [("parse_batch", 5), ("parse_batch", 5), ("parse_batch", 2)]
    assert report["bodies"] == 12
    shown = json.loads(run(home, "show", str(tickets["Order 3"]["id"]), "--json", capsys=capsys)[1])["messages"]
    assert [(m["text"].strip(), m["body_pending"]) for m in shown] == [("Hello", False), ("Hello", False)]


def test_a_bare_rating_mailed_to_a_solved_ticket_leaves_it_solved_and_more_words_reopen_it(
    tmp_path, dovecot, inbox, monkeypatch, capsys
):
    """Over IMAP a new mail is filed from its headers first: whether it reopens the ticket waits for its body."""
    from agent_tui.domain.csat import SURVEY_LINES

    home = tmp_path / "dana"
    add_account(home, dovecot, 25, monkeypatch, capsys)
    tickets = {}
    for name, answer in (("Ann Lee <ann@example.com>", "5, thanks!"), ("Bo Chen <bo@example.com>", "1\nStill broken.")):
        asked = make_msgid(domain="example.com")
        uid = inbox.append("INBOX", mail("Tent pole", sender=name, message_id=asked).as_bytes())
        survey = make_msgid(domain="shop.example")
        reply = mail(
            "Re: Tent pole",
            sender="Shop <support@shop.example>",
            to=name,
            minutes=10,
            message_id=survey,
            in_reply_to=asked,
            body=f"A new pole is on its way.\n\n{SURVEY_LINES['en']}\n",
        )
        inbox.append("Sent", reply.as_bytes())
        tickets[1000 + uid] = (name, survey, answer)
    assert run(home, "sync", capsys=capsys)[0] == 0
    for ticket in tickets:
        assert run(home, "set", str(ticket), "--status", "solved", capsys=capsys)[0] == 0
    for name, survey, answer in tickets.values():
        inbox.append(
            "INBOX", mail("Re: Tent pole", sender=name, minutes=301, in_reply_to=survey, body=answer).as_bytes()
        )
    assert run(home, "sync", capsys=capsys)[0] == 0
    statuses = {t: json.loads(run(home, "show", str(t), "--json", capsys=capsys)[1])["status"] for t in tickets}
    assert list(statuses.values()) == ["solved", "open"]
    code, out, _ = run(home, "report", "--json", "--since", "2020-01-01", "--until", "2030-01-01", capsys=capsys)
    assert json.loads(out)["csat"] == {"responses": 2, "score": 3.0}  # both rated; Bo had more to say, too
