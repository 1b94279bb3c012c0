"""The line that says which teammates are on this ticket: ``⚠ Dana Li is replying, 40 s``."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text
from textual.widgets import Static

from agent_tui.domain.presence import Presence, describe


class PresenceLine(Static):
    """Hidden while nobody else is on the ticket. Names come from the mailbox: ``describe`` makes them safe."""

    DEFAULT_CSS = """
    PresenceLine { height: 1; background: $warning 20%; color: $text; text-style: bold; padding: 0 1; display: none; }
    """

    def show(self, others: list[Presence]) -> None:
        self.display = bool(others)
        if others:
            now = datetime.now(UTC)
            self.update(Text("⚠ " + " · ".join(describe(p, now) for p in others)))
