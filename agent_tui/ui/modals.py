"""Small modal dialogs: pick one of a few choices, or type a short value."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from agent_tui.domain.text import safe_line

_MODAL_CSS = """
ChoiceModal, PromptModal { align: center middle; }
ChoiceModal > Vertical, PromptModal > Vertical {
    width: 56; height: auto; max-height: 80%; border: thick $primary; background: $surface; padding: 0 1;
}
ChoiceModal OptionList { height: auto; max-height: 20; border: none; }
"""


class ChoiceModal(ModalScreen[str | None]):
    """Pick one value; Escape cancels. Dismisses with the chosen value or None."""

    DEFAULT_CSS = _MODAL_CSS
    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, title: str, choices: list[tuple[str, str]], current: str | None = None) -> None:
        super().__init__()
        self._title = title
        self._choices = choices  # (value, label)
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self._title, style="bold"))
            yield OptionList(*[Option(Text(safe_line(label)), id=value) for value, label in self._choices])

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        values = [value for value, _ in self._choices]
        options.highlighted = values.index(self._current) if self._current in values else 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PromptModal(ModalScreen[str | None]):
    """Type a short value; Enter accepts, Escape cancels."""

    DEFAULT_CSS = _MODAL_CSS
    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, title: str, placeholder: str = "", value: str = "") -> None:
        super().__init__()
        self._title, self._placeholder, self._value = title, placeholder, value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self._title, style="bold"))
            yield Input(value=self._value, placeholder=self._placeholder)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
