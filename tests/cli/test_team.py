"""Whom tickets go to and who signs: the team (config and store), no phantom agents, no replies signed 'root'."""

import json

from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import load_settings, save_identity
from tests.cli.test_cli import run


def test_assign_takes_a_teammate_by_the_start_of_a_name_and_refuses_a_phantom(home, capsys):
    code, out, err = run(home, "set", "1041", "--assign", "dan", "--json", capsys=capsys)
    assert code == 0, err
    assert json.loads(out)["assignee"] == "Dana Li"
    code, _, err = run(home, "set", "1041", "--assign", "zed", capsys=capsys)
    assert code == 2 and "No one on the team is called 'zed'" in err and "'Name <email>'" in err
    assert err.count("\n") == 1
    code, out, err = run(home, "set", "1041", "--assign", "Zed Ortiz <zed@shop.example>", "--json", capsys=capsys)
    assert code == 0 and json.loads(out)["assignee"] == "Zed Ortiz", err
    code, _, err = run(home, "report", "--json", capsys=capsys)
    assert "zed" not in json.loads(_)["by_agent"]  # nothing was ever assigned to a phantom "zed"


def test_the_configured_team_can_be_assigned_before_it_held_anything(home, capsys):
    AppPaths.resolve(home).config_file.parent.mkdir(parents=True, exist_ok=True)
    AppPaths.resolve(home).config_file.write_text('[team]\nmembers = ["Mei Lin <mei@shop.example>"]\n')
    code, out, err = run(home, "set", "1041", "--assign", "mei", "--json", capsys=capsys)
    assert code == 0 and json.loads(out)["assignee_email"] == "mei@shop.example", err


def test_a_reply_is_never_signed_by_a_bare_login_name(home, capsys, monkeypatch):
    monkeypatch.delenv("AGENT_TUI_AGENT")
    code, _, err = run(home, "reply", "1041", "--template", "apology-late-order", "--send", capsys=capsys)
    assert code == 2 and "Nothing was sent" in err and "--as" in err
    code, _, err = run(home, "note", "1041", "--body-file", "/dev/null", capsys=capsys)
    assert code == 2 and "Nothing was sent" in err
    code, out, err = run(
        home,
        "reply",
        "1041",
        "--template",
        "apology-late-order",
        "--send",
        "--as",
        "Mei Lin <mei@shop.example>",
        "--json",
        capsys=capsys,
    )
    assert code == 0, err
    assert json.loads(out)["from"]["name"] == "Mei Lin" and "Mei Lin" in json.loads(out)["text"]


def test_first_run_identity_is_written_keeping_the_rest_of_the_file(home, monkeypatch):
    monkeypatch.delenv("AGENT_TUI_AGENT")
    paths = AppPaths.resolve(home)
    paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text('# mine\n[agent]\npresence_lease_seconds = 30\n\n[ui]\nkeymap = "vim"\n')
    assert not load_settings(paths, {}).identity_known
    save_identity(paths, "Mei  Lin", "mei@shop.example", "Mei, Pine & Pebble\n")
    settings = load_settings(paths, {})
    assert settings.identity_known and (settings.agent.name, settings.agent.email) == ("Mei Lin", "mei@shop.example")
    assert settings.signature == "Mei, Pine & Pebble\n" and settings.keymap == "vim"
    assert settings.presence_lease.total_seconds() == 30 and paths.config_file.read_text().startswith("# mine\n")
