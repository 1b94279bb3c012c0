"""First run (issue 16, point 5): with no agent configured, the TUI asks who you are, once, and writes config.toml."""

import tomllib

from textual.widgets import Input, Static

from agent_tui.cli import make_app
from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import load_settings
from agent_tui.domain.queue import QueueQuery, View
from agent_tui.ui.screens.first_run import FirstRunScreen
from agent_tui.ui.screens.queue import QueueScreen
from agent_tui.ui.widgets.queue_table import QueueTable
from tests.conftest import NOW, settle
from tests.ui.test_queue_reach import burst


def title(app) -> str:
    return str(app.screen_stack[1].query_one("#title", Static).render())


async def test_with_no_identity_the_dialog_asks_and_writes_config_toml(home, monkeypatch):
    monkeypatch.delenv("AGENT_TUI_AGENT")
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        assert app.screen.query_one("#name", Input).has_focus
        burst(app, "Robin Ng\rnot-an-address\r\r")  # typed fast: each field gets its own text
        await settle(pilot)
        assert app.screen.query_one("#email", Input).value == "not-an-address"
        assert "not an email address" in str(app.screen.query_one("#error", Static).render())
        assert not (home / "config.toml").exists()

        app.screen.query_one("#email", Input).value = "robin@pineandpebble.example"
        await pilot.click("#signature")
        await pilot.press(*"Robin, Pine & Pebble", "enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert "you are Robin Ng" in title(app)
        assert app.service.me.email == "robin@pineandpebble.example"
        assert app.replies.settings.signature == "Robin, Pine & Pebble"
        mine = len(app.service.queue_ids(QueueQuery(view=View.MINE)))
        assert mine == 8  # the demo's tickets held by the login name it was built for are Robin's now
        await pilot.press("t")  # take: the ticket is Robin's, and in Mine
        await settle(pilot)
        assert len(app.service.queue_ids(QueueQuery(view=View.MINE))) == mine + 1
        taken = app.service.ticket(app.screen.query_one(QueueTable).current_id)
        assert taken.assignee.email == "robin@pineandpebble.example"

    written = tomllib.loads((home / "config.toml").read_text())
    assert written["agent"] == {
        "name": "Robin Ng",
        "email": "robin@pineandpebble.example",
        "signature": "Robin, Pine & Pebble",
    }
    settings = load_settings(AppPaths.resolve(home), {})
    assert settings.identity_known and settings.agent.name == "Robin Ng"

    again = make_app(home=home, account="demo", now=NOW)  # asked once: not on the next start
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, QueueScreen) and "you are Robin Ng" in title(again)


async def test_escape_skips_and_the_question_comes_back_next_start(home, monkeypatch):
    monkeypatch.delenv("AGENT_TUI_AGENT")
    for attempt in range(2):
        app = make_app(home=home, account="demo", now=NOW)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, FirstRunScreen), attempt
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, QueueScreen)
    assert not (home / "config.toml").exists()


async def test_with_an_identity_there_is_no_dialog(home):
    app = make_app(home=home, account="demo", now=NOW)  # AGENT_TUI_AGENT is set
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert not any(isinstance(screen, FirstRunScreen) for screen in app.screen_stack)
