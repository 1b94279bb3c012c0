"""`agent-tui merge ID INTO_ID`: messages move, the first ticket closes pointing at the second, and later mail to
either (by Message-ID or by the first ticket's [#ID] token) lands in the merged ticket."""

import json

from tests.ingest.test_ingest import cli, mail


def _ingest(home, tmp_path, capsys, name, message):
    path = tmp_path / f"{name}.eml"
    path.write_bytes(message.as_bytes())
    code, _, err = cli(home, "ingest", str(path), capsys=capsys)
    assert code == 0, err


def _show(home, ticket_id, capsys):
    code, out, err = cli(home, "show", str(ticket_id), "--json", capsys=capsys)
    assert code == 0, err
    return json.loads(out)


def _two_tickets(shop, tmp_path, capsys):
    _ingest(shop, tmp_path, capsys, "a", mail("Parcel late", message_id="<a1@example.com>", body="Where is it?"))
    _ingest(
        shop,
        tmp_path,
        capsys,
        "b",
        mail("Refund please", message_id="<b1@example.com>", date="Tue, 03 Nov 2026 09:00:00 +0000", body="Refund?"),
    )
    return 1001, 1002


def test_merge_moves_messages_closes_the_first_and_later_mail_lands_in_the_second(shop, tmp_path, capsys):
    a, b = _two_tickets(shop, tmp_path, capsys)
    code, out, err = cli(shop, "merge", str(a), str(b), "--json", capsys=capsys)
    assert code == 0, err
    assert json.loads(out) == {
        "merged": a,
        "into": b,
        "messages_moved": 1,
        "status": "closed",
        "into_status": "new",
        "into_messages": 2,
    }
    merged, into = _show(shop, a, capsys), _show(shop, b, capsys)
    assert merged["status"] == "closed" and merged["message_count"] == 0
    assert [m["text"].strip() for m in into["messages"]] == ["Where is it?", "Refund?"]  # dates kept: in date order
    assert into["messages"][0]["date"].startswith("2026-11-02T09:00")
    # The customer replies to the first ticket's message (In-Reply-To): it threads to the merged ticket.
    _ingest(
        shop,
        tmp_path,
        capsys,
        "reply",
        mail(
            "Re: Parcel late",
            message_id="<a2@example.com>",
            in_reply_to="<a1@example.com>",
            body="Any news?",
            date="Wed, 04 Nov 2026 09:00:00 +0000",
        ),
    )
    # And a mail with the first ticket's token in its subject, nothing to thread by: redirected too.
    _ingest(
        shop,
        tmp_path,
        capsys,
        "token",
        mail(f"About [#{a}]", message_id="<a3@example.com>", body="Token", date="Wed, 04 Nov 2026 10:00:00 +0000"),
    )
    into = _show(shop, b, capsys)
    assert [m["text"].strip() for m in into["messages"]][-2:] == ["Any news?", "Token"]
    assert _show(shop, a, capsys)["message_count"] == 0
    assert into["status"] == "new"  # still unanswered


def test_merge_refusals_are_one_sentence_and_exit_2(shop, tmp_path, capsys):
    a, b = _two_tickets(shop, tmp_path, capsys)
    _ingest(shop, tmp_path, capsys, "c", mail("Other", sender="Bo <bo@example.com>", message_id="<c1@example.com>"))
    c = 1003
    code, _, err = cli(shop, "merge", str(a), str(c), capsys=capsys)
    assert code == 2 and "different customers" in err and "--force" in err
    code, _, err = cli(shop, "merge", str(a), str(a), capsys=capsys)
    assert code == 2 and "into itself" in err
    assert _show(shop, a, capsys)["message_count"] == 1  # nothing changed
    assert cli(shop, "merge", str(a), str(c), "--force", capsys=capsys)[0] == 0
    code, _, err = cli(shop, "merge", str(b), str(a), capsys=capsys)
    assert code == 2 and "closed" in err  # a merged ticket is closed: nothing merges into it
    code, _, err = cli(shop, "merge", str(a), str(b), capsys=capsys)
    assert code == 2 and f"already merged into #{c}" in err
    code, _, err = cli(shop, "merge", str(a), "9999", capsys=capsys)
    assert code == 2 and "9999" in err
