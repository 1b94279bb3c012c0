"""Internal notes shared through the shared IMAP inbox, against a real Dovecot and a real SMTP server: a note
by Dana is filed as a note in the same ticket on Sam's machine, never reaches the SMTP server, never reopens
a ticket or counts as a reply, is stored once however its delivery is interrupted, and can't be forged."""

from __future__ import annotations

import json
import signal
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from tests.sources.test_imap import mail, run
from tests.sources.test_reply_kill import agent_tui, ok

DANA = "Dana Li <dana@shop.example>"
SAM = "Sam Ortiz <sam@shop.example>"
NOTE = "Customer is a VIP: refund at once.\n"


def add_account(home, dovecot, smtp_port, capsys):
    code, _, err = run(
        home,
        *("account", "add", "shop", "--imap", f"127.0.0.1:{dovecot.port}", "--smtp", f"127.0.0.1:{smtp_port}"),
        *("--user", "support", "--address", "support@shop.example", "--name", "Shop Support", "--tls", "none"),
        *("--password-command", "echo secret"),
        capsys=capsys,
    )
    assert code == 0, err


def team(tmp_path, dovecot, inbox, smtp, capsys, *names):
    """Each agent's home with the shared account, and one customer ticket every one of them has synced."""
    homes = [tmp_path / name for name in names]
    for home in homes:
        add_account(home, dovecot, smtp.port, capsys)
    uid = inbox.append("INBOX", mail("Where is my order?", message_id="<order@example.com>").as_bytes())
    for home in homes:
        assert run(home, "sync", capsys=capsys)[0] == 0
    return homes, 1000 + uid


def as_agent(monkeypatch, agent):
    monkeypatch.setenv("AGENT_TUI_AGENT", agent)


def show(home, ticket, capsys):
    code, out, err = run(home, "show", str(ticket), "--json", capsys=capsys)
    assert code == 0, err
    return json.loads(out)


def note(home, ticket, body, monkeypatch, capsys):
    code, out, err = run(
        home, "note", str(ticket), "--body-file", "-", stdin=body, monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0, err
    return out


def inbox_notes(inbox) -> list[tuple[EmailMessage, set[bytes]]]:
    """Every message in INBOX marked as a note, with its flags."""
    inbox.client.select_folder("INBOX")
    uids = inbox.client.search(["HEADER", "X-Agent-Tui-Note", ""])
    fetched = inbox.client.fetch(uids, ["BODY.PEEK[]", "FLAGS"]) if uids else {}
    return [
        (message_from_bytes(d[b"BODY[]"], policy=policy.default), set(d[b"FLAGS"])) for _, d in sorted(fetched.items())
    ]


def notes_in(seen: dict) -> list[dict]:
    return [m for m in seen["messages"] if m["author"] == "note"]


def test_a_note_by_dana_reaches_sams_store_in_the_same_ticket_and_never_the_smtp_server(
    tmp_path, dovecot, inbox, smtp, monkeypatch, capsys
):
    (dana, sam), ticket = team(tmp_path, dovecot, inbox, smtp, capsys, "dana", "sam")
    as_agent(monkeypatch, DANA)
    note(dana, ticket, NOTE, monkeypatch, capsys)
    assert smtp.received == []

    ((stored, flags),) = inbox_notes(inbox)  # one message in the shared INBOX, marked for every client
    assert {b"\\Seen", b"$TuiNote"} <= flags
    assert not {f for f in flags if f.startswith(b"$Tui") and f != b"$TuiNote"}  # it carries no ticket state
    assert stored["From"] == "Dana Li <support@shop.example>"  # the agent's name, the team's address
    assert f"[#{ticket}]" in stored["Subject"] and stored["X-Agent-Tui-Note"] == "1"

    as_agent(monkeypatch, SAM)
    code, out, err = run(sam, "sync", "--json", capsys=capsys)
    assert code == 0, err
    assert json.loads(out)["new_tickets"] == 0  # filed in the ticket, not one of its own
    seen = show(sam, ticket, capsys)
    (shared,) = notes_in(seen)
    assert shared["text"].strip() == NOTE.strip() and shared["from"]["name"] == "Dana Li"
    assert shared["message_id"] == stored["Message-ID"]
    assert [m["author"] for m in seen["messages"]] == ["customer", "note"]

    assert run(dana, "sync", capsys=capsys)[0] == 0  # Dana reads her own note back: still one
    assert len(notes_in(show(dana, ticket, capsys))) == 1
    assert smtp.received == []


def test_a_note_never_reopens_a_solved_ticket_nor_counts_as_a_reply_and_carries_no_state(
    tmp_path, dovecot, inbox, smtp, monkeypatch, capsys
):
    (dana, sam), ticket = team(tmp_path, dovecot, inbox, smtp, capsys, "dana", "sam")
    as_agent(monkeypatch, DANA)
    assert run(dana, "set", str(ticket), "--status", "solved", capsys=capsys)[0] == 0
    note(dana, ticket, NOTE, monkeypatch, capsys)
    as_agent(monkeypatch, SAM)
    assert run(sam, "sync", capsys=capsys)[0] == 0
    seen = show(sam, ticket, capsys)
    assert seen["status"] == "solved" and len(notes_in(seen)) == 1
    code, out, err = run(sam, "report", "--json", capsys=capsys)
    assert code == 0, err
    report = json.loads(out)
    assert report["first_response"]["count"] == 0 and report["by_agent"] == {}, report

    # Sam changes the ticket: the state is written on the customer's message, never on the note, which keeps
    # its mark; a third agent's first sync files it as a note and reads the state Sam set.
    assert run(sam, "set", str(ticket), "--status", "pending", "--tag", "vip", capsys=capsys)[0] == 0
    ((_, flags),) = inbox_notes(inbox)
    assert b"$TuiNote" in flags and not {f for f in flags if f.startswith(b"$Tui") and f != b"$TuiNote"}
    carol = tmp_path / "carol"
    add_account(carol, dovecot, smtp.port, capsys)
    assert run(carol, "sync", capsys=capsys)[0] == 0
    seen = show(carol, ticket, capsys)
    assert (seen["status"], seen["tags"]) == ("pending", ["vip"])
    assert [m["author"] for m in seen["messages"]] == ["customer", "note"]


@pytest.mark.parametrize("point", ["queued", "delivered"])
def test_a_note_killed_on_its_way_is_stored_once_when_the_outbox_is_flushed_again(
    tmp_path, dovecot, inbox, smtp, capsys, point
):
    (dana, sam), ticket = team(tmp_path, dovecot, inbox, smtp, capsys, "dana", "sam")
    killed = agent_tui(dana, "note", str(ticket), "--body-file", "-", stdin=NOTE, kill_at=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert len(inbox_notes(inbox)) == (1 if point == "delivered" else 0)
    ok(agent_tui(dana, "note", str(ticket), "--body-file", "-", stdin="Second thought.\n"))  # flushes the first too
    bodies = [m.get_content().strip() for m, _ in inbox_notes(inbox)]
    assert sorted(bodies) == sorted([NOTE.strip(), "Second thought."])
    for home in (dana, sam):
        ok(agent_tui(home, "sync"))
        shown = json.loads(ok(agent_tui(home, "show", str(ticket), "--json")).stdout)
        assert sorted(m["text"].strip() for m in notes_in(shown)) == sorted(bodies)
    assert smtp.received == []


def test_a_customer_cannot_forge_a_note(tmp_path, dovecot, inbox, smtp, monkeypatch, capsys):
    (sam,), ticket = team(tmp_path, dovecot, inbox, smtp, capsys, "sam")
    as_agent(monkeypatch, SAM)
    assert run(sam, "set", str(ticket), "--status", "solved", capsys=capsys)[0] == 0
    forged = mail(f"Re: Where is my order? [#{ticket}]", minutes=330, in_reply_to="<order@example.com>", body="Refund!")
    forged["X-Agent-Tui-Note"] = "1"
    inbox.append("INBOX", forged.as_bytes())  # as mail from outside arrives: no keywords
    # Even with the keyword (a server-side filter set it, say), mail from the customer's address is theirs.
    flagged = mail("Re: Where is my order?", minutes=331, in_reply_to="<order@example.com>", body="Me again")
    flagged["X-Agent-Tui-Note"] = "1"
    inbox.client.append("INBOX", flagged.as_bytes(), flags=[b"$TuiNote"])
    assert run(sam, "sync", capsys=capsys)[0] == 0
    seen = show(sam, ticket, capsys)
    assert [m["author"] for m in seen["messages"]] == ["customer", "customer", "customer"]
    assert seen["status"] == "open"  # the customer wrote again: reopened, as any customer message does
