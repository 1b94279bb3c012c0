"""What the key screens look like, compared with accepted SVG snapshots (update with --snapshot-update).

The demo is seeded at a frozen time, so every figure on screen is reproducible. The queue, the ticket and the
composer are taken at three sizes: an 80×24 SSH window or split pane, a common 120×36, and a wide 200×60.
"""

import pytest

from agent_tui.cli import make_app
from tests.conftest import NOW, settle

SIZES = [(80, 24), (120, 36), (200, 60)]
_IDS = [f"{width}x{height}" for width, height in SIZES]


async def _loaded(pilot) -> None:
    await settle(pilot)


async def _third_ticket(pilot) -> None:
    await settle(pilot)
    await pilot.press("down", "down", "enter")
    await settle(pilot)


async def _composer(pilot) -> None:
    await _third_ticket(pilot)
    await pilot.press("r")
    await settle(pilot)


async def _dashboard(pilot) -> None:
    await settle(pilot)
    await pilot.press("d")
    await settle(pilot)


def test_queue_screen(home, snap_compare):
    assert snap_compare(make_app(home=home, account="demo", now=NOW), terminal_size=(140, 36), run_before=_loaded)


def test_ticket_screen(home, snap_compare):
    assert snap_compare(make_app(home=home, account="demo", now=NOW), terminal_size=(140, 36), run_before=_third_ticket)


@pytest.mark.parametrize("size", SIZES, ids=_IDS)
def test_queue_at(home, snap_compare, size):
    assert snap_compare(make_app(home=home, account="demo", now=NOW), terminal_size=size, run_before=_loaded)


@pytest.mark.parametrize("size", SIZES, ids=_IDS)
def test_ticket_at(home, snap_compare, size):
    assert snap_compare(make_app(home=home, account="demo", now=NOW), terminal_size=size, run_before=_third_ticket)


@pytest.mark.parametrize("size", SIZES, ids=_IDS)
def test_composer_at(home, snap_compare, size):
    assert snap_compare(make_app(home=home, account="demo", now=NOW), terminal_size=size, run_before=_composer)


def test_dashboard_at_80x24(home, snap_compare):
    assert snap_compare(make_app(home=home, account="demo", now=NOW), terminal_size=(80, 24), run_before=_dashboard)
