"""The Textual app: holds the tickets service and the keymap, and opens on the queue."""

from __future__ import annotations

from textual.app import App

from agent_tui.services.replies import Replies
from agent_tui.services.tickets import TicketService
from agent_tui.ui.bindings import bindings
from agent_tui.ui.screens.help import HelpScreen
from agent_tui.ui.screens.queue import QueueScreen


class AgentTuiApp(App[int]):
    TITLE = "agent-tui"
    BINDINGS = bindings("app")

    def __init__(self, service: TicketService, keymap: dict[str, str], replies: Replies) -> None:
        super().__init__()
        self.service = service
        self.keys_in_force = keymap
        self.replies = replies

    def on_mount(self) -> None:
        self.set_keymap(self.keys_in_force)
        self.push_screen(QueueScreen(self.service))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.keys_in_force))

    def on_unmount(self) -> None:
        self.service.close()
