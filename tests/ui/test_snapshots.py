"""What the key screens look like, compared with accepted SVG snapshots (update with --snapshot-update).

The demo is seeded at a frozen time, so every figure on screen is reproducible.
"""

from agent_tui.cli import make_app
from tests.conftest import NOW, settle


async def _loaded(pilot) -> None:
    await settle(pilot)


def test_queue_screen(home, snap_compare):
    assert snap_compare(make_app(home=home, account="demo", now=NOW), terminal_size=(140, 36), run_before=_loaded)


def test_ticket_screen(home, snap_compare):
    async def open_third(pilot) -> None:
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        await settle(pilot)

    assert snap_compare(make_app(home=home, account="demo", now=NOW), terminal_size=(140, 36), run_before=open_third)
