"""The command palette (Ctrl+P) lists the actions of the screen in front by title, with their keys (issue 16, 6)."""

from textual.command import CommandList, CommandPalette

from agent_tui.cli import make_app
from agent_tui.domain.queue import SortKey, View
from agent_tui.ui.screens.queue import QueueScreen
from agent_tui.ui.screens.ticket import TicketScreen
from tests.conftest import NOW, settle


async def search(pilot, text: str) -> list[str]:
    """Open the palette, type ``text``; the titles it offers, in order."""
    await pilot.press("ctrl+p")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*text)
    await settle(pilot)
    await pilot.pause(0.3)  # the palette gathers its hits in a worker, a little after the keys
    await settle(pilot)
    results = pilot.app.screen.query_one(CommandList)
    return [str(results.get_option_at_index(i).hit.text) for i in range(results.option_count)]


async def run(pilot, titles: list[str], title: str) -> None:
    """Run the hit ``title`` from the list, as a user does: down to it, then Enter."""
    results = pilot.app.screen.query_one(CommandList)
    while results.highlighted != titles.index(title):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)


async def test_on_the_queue_view_finds_the_views_and_runs_one(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        titles = await search(pilot, "view")
        for view in ("All open", "Unassigned", "Mine", "Pending", "Breaching soon", "Everything"):
            assert f"View: {view}" in titles
        results = app.screen.query_one(CommandList)
        prompt = str(results.get_option_at_index(titles.index("View: Pending")).prompt)
        assert prompt.endswith("  4")  # with its key
        await run(pilot, titles, "View: Pending")
        assert isinstance(app.screen, QueueScreen) and app.screen.query_state.view is View.PENDING


async def test_the_palette_sorts_by_any_column_and_uses_the_keys_in_force(home):
    (home / "keymap.toml").parent.mkdir(parents=True, exist_ok=True)
    (home / "keymap.toml").write_text('[queue]\ntake = "ctrl+t"\n')
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        titles = await search(pilot, "take")
        results = app.screen.query_one(CommandList)
        assert str(results.get_option_at_index(titles.index("Take")).prompt).endswith("ctrl+t")
        await pilot.press("escape")
        await settle(pilot)
        titles = await search(pilot, "sort by subj")
        await run(pilot, titles, "Sort by: Subject")
        assert app.screen.query_state.sort is SortKey.SUBJECT


async def test_on_a_ticket_solve_finds_solve(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        titles = await search(pilot, "solve")
        assert titles[0] == "Solve"
        results = app.screen.query_one(CommandList)
        assert str(results.get_option_at_index(0).prompt).endswith("  S")
        assert not any(title.startswith("View:") for title in titles)  # the queue's are not the ticket's
