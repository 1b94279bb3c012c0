"""`agent-tui account add NAME --rt URL --user USER`: what is written where (no server needed)."""

import io

from agent_tui.cli import main


def add(home, *args, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["--home", str(home), "account", "add", "desk", "--rt", *args])


def test_the_api_token_goes_to_the_keyring_never_the_config(home, memory_keyring, monkeypatch, capsys):
    assert (
        add(
            home,
            "https://rt.shop.example/",
            "--user",
            "agent1",
            "--queue",
            "General",
            stdin="1-27-secret\n",
            monkeypatch=monkeypatch,
        )
        == 0
    )
    config = (home / "config.toml").read_text()
    assert 'kind = "rt"' in config and 'url = "https://rt.shop.example"' in config and 'auth = "token"' in config
    assert "secret" not in config
    assert memory_keyring.secrets == {("agent-tui", "desk:agent1"): "1-27-secret"}
    assert main(["--home", str(home), "account", "remove", "desk"]) == 0
    assert memory_keyring.secrets == {}


def test_a_token_or_password_command_is_kept_instead_of_a_secret(home, memory_keyring, capsys):
    assert add(home, "http://127.0.0.1:8080", "--user", "agent1", "--token-command", "pass rt/agent1") == 0
    assert 'token_command = "pass rt/agent1"' in (home / "config.toml").read_text() and memory_keyring.secrets == {}
    assert (
        main(
            [
                "--home",
                str(home),
                "account",
                "add",
                "other",
                "--rt",
                "http://127.0.0.1:8080",
                "--user",
                "a",
                "--password-command",
                "echo pw",
            ]
        )
        == 0
    )
    assert 'auth = "basic"' in (home / "config.toml").read_text()


def test_a_url_without_a_scheme_or_a_missing_user_is_one_sentence(home, capsys):
    assert add(home, "rt.shop.example", "--user", "agent1") == 2
    assert add(home, "https://rt.shop.example") == 2
    assert main(["--home", str(home), "account", "add", "x", "--rt", "https://a.example", "--local"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 3 and "Traceback" not in err


def test_a_zendesk_subdomain_or_url_and_the_token_in_the_keyring(home, memory_keyring, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("zd-token\n"))
    assert main(["--home", str(home), "account", "add", "zd", "--zendesk", "shop", "--user", "dana@shop.example"]) == 0
    config = (home / "config.toml").read_text()
    assert 'kind = "zendesk"' in config and 'url = "https://shop.zendesk.com"' in config and "zd-token" not in config
    assert memory_keyring.secrets == {("agent-tui", "zd:dana@shop.example"): "zd-token"}
    assert (
        main(
            [
                "--home",
                str(home),
                "account",
                "add",
                "proxy",
                "--zendesk",
                "http://127.0.0.1:9/",
                "--user",
                "sam@shop.example",
                "--token-command",
                "echo t",
            ]
        )
        == 0
    )
    assert 'url = "http://127.0.0.1:9"' in (home / "config.toml").read_text()
    assert main(["--home", str(home), "account", "add", "bad", "--zendesk", "shop", "--user", "sam"]) == 2
