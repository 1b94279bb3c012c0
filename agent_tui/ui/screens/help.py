"""The help screen: every binding in force, with its id (for keymap files) and its keys."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.keys import format_key
from textual.screen import ModalScreen
from textual.widgets import Static

from agent_tui.config.keymaps import BINDING_SPECS

_SCOPES = {"app": "Everywhere", "queue": "Queue", "ticket": "Ticket", "compose": "Reply", "dashboard": "Dashboard"}


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", show=False)]

    def __init__(self, keymap: dict[str, str]) -> None:
        super().__init__()
        self.keymap = keymap

    def rows(self, scope: str) -> list[tuple[str, str, str]]:
        """(keys as shown, what it does, binding id) for every binding of one scope."""
        return [
            (", ".join(format_key(k) for k in self.keymap[spec.id].split(",")), spec.description, spec.id)
            for spec in BINDING_SPECS
            if spec.scope == scope
        ]

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=True, header_style="bold")
        table.add_column("Keys", no_wrap=True)
        table.add_column("Does")
        table.add_column("Binding id", style="dim", no_wrap=True)
        for scope, title in _SCOPES.items():
            table.add_row(Text(title, style="bold underline"), "", "")
            for keys, description, binding_id in self.rows(scope):
                table.add_row(Text(keys), Text(description), Text(binding_id))
            table.add_row("", "", "")
        with VerticalScroll(id="help"):
            yield Static(Text("Keys in force  ·  Escape closes  ·  change them in keymap.toml", style="bold"))
            yield Static(table)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
