"""Small modal dialogs: pick one of a few choices, type a short value, or answer a question (with a key each)."""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
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


class ConfirmModal(ModalScreen[str]):
    """A question, the facts behind it, and a few answers, each a button with a key of its own (Tab moves
    between them, Enter presses one). Escape gives the safe answer, which has the focus at first."""

    DEFAULT_CSS = """
    ConfirmModal { align: center middle; }
    ConfirmModal > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $warning; background: $surface; padding: 0 1;
    }
    ConfirmModal #details { height: auto; max-height: 12; margin-top: 1; }
    ConfirmModal #answers { height: auto; margin-top: 1; }
    ConfirmModal Button { margin-right: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(
        self, question: str, answers: list[tuple[str, str, str]], *, safe: str, details: list[str] | None = None
    ) -> None:
        """``answers``: (value, key, label) each, the key a single character or ""; ``safe``: the value Escape
        gives (and the focus starts on)."""
        super().__init__()
        self._question, self._answers, self._safe, self._details = question, answers, safe, details or []
        self._keys = {key: value for value, key, _ in answers if key}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self._question, style="bold"))
            if self._details:
                with VerticalScroll(id="details"):
                    for detail in self._details:
                        yield Static(Text("• " + safe_line(detail)))
            with Horizontal(id="answers"):
                for value, key, label in self._answers:
                    keys = "/".join(k for k in (key, "Esc" if value == self._safe else "") if k)
                    yield Button(f"{label} ({keys})" if keys else label, id=f"answer-{value}", compact=True)

    def on_mount(self) -> None:
        self.query_one(f"#answer-{self._safe}", Button).focus()

    def on_key(self, event: events.Key) -> None:
        value = self._keys.get(event.key)
        if value is not None:
            event.stop()
            self.dismiss(value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id:
            self.dismiss(event.button.id.removeprefix("answer-"))

    def action_cancel(self) -> None:
        self.dismiss(self._safe)
