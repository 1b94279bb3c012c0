"""A merge made on one machine reaches a teammate's through the mailbox ($TuiMerged.<id>), against a real Dovecot."""

import json

from tests.sources.test_imap import mail, run
from tests.sources.test_imap_team import DANA, SAM, add_account, as_agent, flags, show


def test_a_merge_reaches_the_teammate_and_the_next_reply_lands_in_the_merged_ticket(
    tmp_path, dovecot, inbox, monkeypatch, capsys
):
    dana, sam = tmp_path / "dana", tmp_path / "sam"
    for agent_home in (dana, sam):
        add_account(agent_home, dovecot, capsys)
    first = inbox.append("INBOX", mail("Parcel late", message_id="<late1@example.com>").as_bytes())
    second = inbox.append("INBOX", mail("Refund please", minutes=5, message_id="<refund1@example.com>").as_bytes())
    for agent_home in (dana, sam):
        assert run(agent_home, "sync", capsys=capsys)[0] == 0
    a, b = 1000 + first, 1000 + second

    as_agent(monkeypatch, DANA)
    assert run(dana, "set", str(a), "--tag", "late", capsys=capsys)[0] == 0
    code, out, err = run(dana, "merge", str(a), str(b), "--json", capsys=capsys)
    assert code == 0, err
    assert json.loads(out)["into"] == b
    assert f"$TuiMerged.{b}".encode() in flags(inbox, first)
    assert b"$TuiTag.late" not in flags(inbox, first)  # the target's state now, not the merged ticket's

    as_agent(monkeypatch, SAM)
    code, out, err = run(sam, "sync", "--json", capsys=capsys)
    assert code == 0, err
    merged, into = show(sam, str(a), capsys), show(sam, str(b), capsys)
    assert merged["status"] == "closed" and merged["message_count"] == 0
    assert into["message_count"] == 2

    # The customer answers the first ticket's mail: on both machines it lands in the merged ticket.
    inbox.append(
        "INBOX",
        mail(
            "Re: Parcel late", minutes=30, message_id="<late2@example.com>", in_reply_to="<late1@example.com>"
        ).as_bytes(),
    )
    for agent_home in (dana, sam):
        assert run(agent_home, "sync", capsys=capsys)[0] == 0
        assert show(agent_home, str(b), capsys)["message_count"] == 3
        assert show(agent_home, str(a), capsys)["message_count"] == 0
    # Dana's later change to the merged ticket keeps the merge mark on the mailbox.
    as_agent(monkeypatch, DANA)
    assert run(dana, "set", str(b), "--status", "pending", capsys=capsys)[0] == 0
    assert {f"$TuiMerged.{b}".encode(), b"$TuiPending"} <= flags(inbox, first)
