"""Macros: shipped and user files, `macro list` and `macro apply` (the reply rendered and, with --send, sent),
and a broken file named in one sentence with its file and line."""

import io
import json

from agent_tui.cli import main
from tests.conftest import NOW_ISO


def cli(home, *args, capsys, monkeypatch=None, stdin=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["--home", str(home), "--now", NOW_ISO, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_macro_list_shows_the_shipped_ones_in_english_and_chinese(home, capsys):
    code, out, err = cli(home, "macro", "list", "--json", capsys=capsys)
    macros = {m["name"]: m for m in json.loads(out)}
    assert code == 0 and err == ""
    late = macros["late-order"]
    assert late["title"].startswith("Late order → LATTE apology, pending, tag late-order")
    assert (late["template"], late["status"], late["add_tags"]) == ("apology-late-order", "pending", ["late-order"])
    assert macros["refund-issued"]["title"].startswith("退款已处理")
    assert macros["damaged"]["add_tags"] == ["damaged"]
    code, out, _ = cli(home, "macro", "list", capsys=capsys)
    assert code == 0 and "late-order" in out and "退款已处理" in out


def test_macro_apply_send_records_the_reply_and_sets_the_fields(home, capsys):
    code, out, err = cli(home, "macro", "apply", "late-order", "1041", "1030", "--send", "--json", capsys=capsys)
    data = json.loads(out)
    assert code == 0 and err == "" and data["applied"] == 2
    for result in data["results"]:
        assert result["ticket"]["status"] == "pending" and "late-order" in result["ticket"]["tags"]
    _, out, _ = cli(home, "show", "1041", "--json", capsys=capsys)
    last = json.loads(out)["messages"][-1]
    assert last["author"] == "agent" and "trace with the carrier" in last["text"]
    assert json.loads(out)["status"] == "pending"  # the reply did not move it back to open


def test_macro_apply_without_send_saves_the_draft_and_ids_come_from_stdin(home, capsys, monkeypatch):
    code, out, _ = cli(home, "macro", "apply", "damaged", "-", stdin="1041\n", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0 and "reply saved as your draft" in out
    _, out, _ = cli(home, "show", "1041", "--json", capsys=capsys)
    ticket = json.loads(out)
    assert ticket["priority"] == "high" and "damaged" in ticket["tags"] and ticket["message_count"] == 1
    code, out, _ = cli(home, "reply", "1041", "--json", capsys=capsys)  # the draft is there to send
    assert code == 0 and json.loads(out)["status"] == "draft"
    # Applied again, the draft is not overwritten: that ticket is refused as bad input.
    code, _, err = cli(home, "macro", "apply", "late-order", "1041", capsys=capsys)
    assert code == 2 and "#1041: you have an unsent draft on it" in err


def test_a_users_macro_and_a_broken_one(home, capsys):
    macros = home / "macros"
    macros.mkdir(parents=True)
    (macros / "vip.toml").write_text('title = "VIP"\npriority = "urgent"\nadd_tags = ["vip"]\nassignee = "me"\n')
    (macros / "broken.toml").write_text('title = "Broken"\nstatus = "pending"\nadd_tags = "late"\n')
    (macros / "typo.toml").write_text('title = "Typo"\nstatus = "pendng"\n')
    (macros / "syntax.toml").write_text('title = "Syntax"\nstatus = pending\n')
    code, out, err = cli(home, "macro", "list", "--json", capsys=capsys)
    names = {m["name"] for m in json.loads(out)}
    assert code == 0 and "vip" in names and not names & {"broken", "typo", "syntax"}
    lines = err.splitlines()
    assert len(lines) == 3
    assert f"{macros / 'broken.toml'}, line 3: add_tags must be a list of texts" in err
    assert f"{macros / 'typo.toml'}, line 2: Unknown status 'pendng'" in err
    assert f"{macros / 'syntax.toml'}, line 2: not valid TOML" in err
    code, out, err = cli(home, "macro", "apply", "broken", "1041", capsys=capsys)
    assert code == 2 and out == "" and err.count("\n") == 1 and "broken.toml, line 3" in err
    code, out, _ = cli(home, "macro", "apply", "vip", "1041", capsys=capsys)
    assert code == 0
    _, out, _ = cli(home, "show", "1041", "--json", capsys=capsys)
    ticket = json.loads(out)
    assert ticket["priority"] == "urgent" and ticket["assignee"] == "Robin Ng" and "vip" in ticket["tags"]


def test_a_macro_naming_no_template_is_refused_with_its_line(home, capsys):
    macros = home / "macros"
    macros.mkdir(parents=True)
    (macros / "ghost.toml").write_text('title = "Ghost"\n\ntemplate = "no-such-template"\n')
    code, _, err = cli(home, "macro", "apply", "ghost", "1041", capsys=capsys)
    assert code == 2 and "ghost.toml, line 3: there is no reply template named 'no-such-template'" in err
    code, _, err = cli(home, "macro", "apply", "nothing-here", "1041", capsys=capsys)
    assert code == 2 and "There is no macro named 'nothing-here'" in err
