"""The base of agent-tui's screens: a Screen whose ``app`` is typed as the AgentTuiApp it runs in, and which
fits its layout to the terminal's width."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import events
from textual.screen import Screen

if TYPE_CHECKING:
    from textual import getters

    from agent_tui.ui.app import AgentTuiApp  # ui/app.py imports the screens: for the type checker only

ResultType = TypeVar("ResultType")

NARROW_BELOW = 100  # columns: an 80-column SSH window or a split pane is "narrow"


class AgentScreen(Screen[ResultType]):
    """``self.app`` is the AgentTuiApp, so a screen reaches ``announce``, ``others_on``, ``presence`` and
    ``replies`` with their types. Only the type checker sees the difference: at run time ``app`` is Textual's
    own property, as on any Screen (Textual's ``getters.app`` idiom, kept out of run time because of the cycle
    and because it would assert the app's type).

    **Width.** Below ``NARROW_BELOW`` columns the screen has the class ``-narrow``, for its .tcss to lay itself
    out for a small window (a media query). A screen with a side panel (``HAS_PANEL``) hides it when narrow:
    the class ``-panel-hidden``; ``toggle_panel`` shows or hides it by hand, a choice that holds until the
    window crosses ``NARROW_BELOW`` again. Both classes are set here on mount and on every resize (a screen
    under another is resized with it), rather than by Textual's ``HORIZONTAL_BREAKPOINTS``, so the panel's
    state changes in the same step as the width class."""

    if TYPE_CHECKING:
        app = getters.app(AgentTuiApp)

    HAS_PANEL: ClassVar[bool] = False
    narrow: bool | None = None  # None until the screen knows its width
    _panel_choice: bool | None = None  # the agent's toggle; None: the panel follows the width

    def on_mount(self) -> None:
        self._fit_width(self.app.size.width)

    def on_resize(self, event: events.Resize) -> None:
        self._fit_width(event.size.width)

    def _fit_width(self, width: int) -> None:
        narrow = width < NARROW_BELOW
        if narrow == self.narrow:
            return
        self.narrow = narrow
        self._panel_choice = None
        self.set_class(narrow, "-narrow")
        self._show_panel()

    @property
    def panel_shown(self) -> bool:
        """Whether the side panel shows now (by the width, or as the agent toggled it)."""
        if not self.HAS_PANEL:
            return False
        return self._panel_choice if self._panel_choice is not None else not self.narrow

    def action_toggle_panel(self) -> None:
        if self.HAS_PANEL:
            self._panel_choice = not self.panel_shown
            self._show_panel()

    def _show_panel(self) -> None:
        if self.HAS_PANEL:
            self.set_class(not self.panel_shown, "-panel-hidden")
            self.panel_changed()

    def panel_changed(self) -> None:
        """The side panel was shown or hidden: a screen says elsewhere what the hidden panel held."""
