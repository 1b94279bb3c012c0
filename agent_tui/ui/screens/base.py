"""The base of agent-tui's screens: a Screen whose ``app`` is typed as the AgentTuiApp it runs in."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual.screen import Screen

if TYPE_CHECKING:
    from textual import getters

    from agent_tui.ui.app import AgentTuiApp  # ui/app.py imports the screens: for the type checker only

ResultType = TypeVar("ResultType")


class AgentScreen(Screen[ResultType]):
    """``self.app`` is the AgentTuiApp, so a screen reaches ``announce``, ``others_on``, ``presence`` and
    ``replies`` with their types. Only the type checker sees the difference: at run time ``app`` is Textual's
    own property, as on any Screen (Textual's ``getters.app`` idiom, kept out of run time because of the cycle
    and because it would assert the app's type)."""

    if TYPE_CHECKING:
        app = getters.app(AgentTuiApp)
