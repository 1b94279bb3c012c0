"""First run: who is the agent? Asked once, on start, when config.toml names no one (and AGENT_TUI_AGENT is unset).

The answer is written as ``[agent]`` in config.toml (in a worker) and the dialog returns it, for the app to make
it "me" at once. Escape leaves the file alone: the question comes back on the next start.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import save_identity
from agent_tui.errors import AgentTuiError
from agent_tui.ui.widgets.field_input import FieldInput


@dataclass(frozen=True, slots=True)
class Identity:
    name: str
    email: str | None
    signature: str | None


class FirstRunScreen(ModalScreen[Identity | None]):
    DEFAULT_CSS = """
    FirstRunScreen { align: center middle; }
    FirstRunScreen > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    FirstRunScreen #why { color: $text-muted; margin-bottom: 1; }
    FirstRunScreen Grid { grid-size: 2; grid-columns: 11 1fr; grid-rows: 1; grid-gutter: 1 0; height: auto; }
    FirstRunScreen Label { height: 1; }
    FirstRunScreen Input, FirstRunScreen Input:focus { height: 1; border: none; padding: 0 1; background: $boost; }
    FirstRunScreen Input:focus { background: $primary 30%; }
    FirstRunScreen #error { color: $error; text-style: bold; height: auto; margin-top: 1; display: none; }
    FirstRunScreen #error.-shown { display: block; }
    FirstRunScreen #keys { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [
        Binding("escape", "skip", "Not now", show=False),
        Binding("ctrl+s", "save", "Save", show=False),
    ]

    def __init__(self, paths: AppPaths) -> None:
        super().__init__()
        self.paths = paths

    def compose(self) -> ComposeResult:
        with Vertical() as dialog:
            dialog.border_title = "Who are you?"
            yield Static(
                f"Your replies are signed with your name; Mine and Take mean you. Saved in {self.paths.config_file} "
                "([agent]); AGENT_TUI_AGENT overrides it.",
                id="why",
                markup=False,
            )
            with Grid():
                yield Label("Name")
                yield FieldInput(placeholder="e.g. Dana Li", id="name")
                yield Label("Email")
                yield FieldInput(placeholder="e.g. dana@shop.example", id="email")
                yield Label("Signature")
                yield FieldInput(placeholder="optional, e.g. Dana, Pine & Pebble", id="signature")
            yield Static("", id="error")
            yield Static(Text("⏎ next, then save · ctrl+s save · esc not now (asked again next start)"), id="keys")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#name", Input))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input is list(self.query(FieldInput))[-1]:  # Enter in an earlier field moved on to the next
            self.action_save()

    def action_save(self) -> None:
        name = " ".join(self.query_one("#name", Input).value.split())
        email = self.query_one("#email", Input).value.strip() or None
        signature = self.query_one("#signature", Input).value.strip() or None
        if not name:
            self._problem("Give your name: it signs your replies.")
            self.query_one("#name", Input).focus()
            return
        self._save(Identity(name, email, signature))

    @work(thread=True, exclusive=True, group="first-run", exit_on_error=False)
    def _save(self, identity: Identity) -> None:
        try:
            save_identity(self.paths, identity.name, identity.email, identity.signature)
        except AgentTuiError as error:
            self.app.call_from_thread(self._problem, str(error))
            return
        self.app.call_from_thread(self.dismiss, identity)

    def _problem(self, sentence: str) -> None:
        error = self.query_one("#error", Static)
        error.update(Text(sentence))
        error.add_class("-shown")

    def action_skip(self) -> None:
        self.dismiss(None)
