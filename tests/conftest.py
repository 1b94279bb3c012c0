from datetime import UTC, datetime

import pytest

from agent_tui.cli import main

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
NOW_ISO = NOW.isoformat()
ME = "Robin Ng <robin@pineandpebble.example>"


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty agent-tui home; the agent is Robin, and nothing leaks in from the real environment."""
    monkeypatch.setenv("AGENT_TUI_AGENT", ME)
    for name in ("AGENT_TUI_HOME", "AGENT_TUI_NOW", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "home"


async def settle(pilot) -> None:
    """Wait until the workers started by the last key press, and the messages they posted, are done."""
    from textual.worker import WorkerCancelled

    for _ in range(4):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:  # superseded by a newer load: expected
            pass
        await pilot.pause()


@pytest.fixture
def shop(home, capsys):
    """A local account named shop, the default one, whose shared address is support@shop.example."""
    assert main(["--home", str(home), "account", "add", "shop", "--local", "--address", "support@shop.example"]) == 0
    capsys.readouterr()
    return home
