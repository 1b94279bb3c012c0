"""News from a worker that lands while a screen is being mounted is shown, not lost (issue 18, point 13).

Textual marks a screen mounted only after its ``on_mount`` handler has run, so a screen that checked
``is_mounted`` dropped news arriving in between. Under load this lost the demo team's presence markers at random
and made the queue snapshot flaky. Here the news is delivered exactly in that window, every time.
"""

from datetime import UTC, datetime, timedelta

from agent_tui.cli import make_app
from agent_tui.domain.models import Agent
from agent_tui.domain.presence import Activity, Presence
from agent_tui.ui.screens.queue import QueueScreen
from agent_tui.ui.widgets.queue_table import QueueTable
from tests.conftest import NOW, settle


async def test_presence_heard_between_on_mount_and_mounted_reaches_the_queue(home, monkeypatch):
    app = make_app(home=home, account="demo", now=NOW)
    moment = datetime.now(UTC)
    dana = Presence(
        Agent("Dana Li", "dana@pineandpebble.example"),
        1041,
        Activity.REPLYING,
        moment,
        "elsewhere",
        moment,
        timedelta(minutes=1),
    )
    original = QueueScreen._post_mount
    shown = []

    def news_in_the_window(screen):
        assert not screen.is_mounted  # on_mount has run; Textual has not yet marked the screen mounted
        app.presence = [dana]
        screen.presence_changed()  # as the app's presence worker calls it
        shown.append(dict(screen.query_one(QueueTable).presence))
        original(screen)

    monkeypatch.setattr(QueueScreen, "_post_mount", news_in_the_window)
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
    assert shown == [{1041: "✎ Dana"}]
