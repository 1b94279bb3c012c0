"""The Textual app: holds the tickets service and the keymap, and opens on the queue."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import replace

from textual.app import App, SystemCommand
from textual.reactive import reactive
from textual.screen import Screen

from agent_tui.domain.models import Agent
from agent_tui.domain.presence import Activity, Presence, on_ticket
from agent_tui.errors import AgentTuiError
from agent_tui.services.replies import Replies
from agent_tui.services.tickets import TicketService
from agent_tui.ui.bindings import bindings
from agent_tui.ui.screens.first_run import FirstRunScreen, Identity
from agent_tui.ui.screens.help import HelpScreen
from agent_tui.ui.screens.palette import ScreenCommands
from agent_tui.ui.screens.queue import QueueScreen


class AgentTuiApp(App[int]):
    TITLE = "agent-tui"
    BINDINGS = bindings("app")
    COMMANDS = App.COMMANDS | {ScreenCommands}  # Ctrl+P: the screen's actions by title and key, then Textual's
    connection_status = reactive("")  # "", "online", "offline, retrying in 4 s": shown by the queue

    def __init__(self, service: TicketService, keymap: dict[str, str], replies: Replies) -> None:
        super().__init__()
        self.service = service
        self.keys_in_force = keymap
        self.replies = replies
        self.presence: list[Presence] = []  # the team's live presence, everyone's but this client's

    def on_mount(self) -> None:
        self.set_keymap(self.keys_in_force)
        self.push_screen(QueueScreen(self.service))
        if not self.replies.settings.identity_known:  # first run: no [agent] name, no AGENT_TUI_AGENT
            self.push_screen(FirstRunScreen(self.replies.paths), self._identity_given)
        for problem in self.replies.library.problems:  # a broken template is left out, and said so
            self.notify(f"Template skipped: {problem}", severity="warning", markup=False, timeout=10)
        self._stop_live = threading.Event()
        self.run_worker(self._apply_policy, thread=True, group="policy", exit_on_error=False)
        if self.service.source is not None and self.service.source.capabilities.live:
            self.connection_status = "connecting…"
            self.run_worker(self._live, thread=True, group="live", exit_on_error=False)
        if self.service.presence_channel is not None:
            self.run_worker(self._presence, thread=True, group="presence", exit_on_error=False)

    def _identity_given(self, identity: Identity | None) -> None:
        """The first-run dialog was answered (and config.toml written): from now on "me" is that agent."""
        if identity is None:
            return
        agent = Agent(name=identity.name, email=identity.email)
        self.replies.settings = replace(
            self.replies.settings, agent=agent, signature=identity.signature, identity_known=True
        )
        self.notify(f"Welcome, {identity.name}: saved in {self.replies.paths.config_file}.", markup=False)
        self.run_worker(lambda: self._become(agent), thread=True, group="identity", exit_on_error=False)

    def _become(self, agent: Agent) -> None:
        """Tickets taken under the login name before are now theirs (the demo's among them)."""
        try:
            self.service.become(agent)
            self.service.share()
        except AgentTuiError as error:
            self.call_from_thread(self.notify, str(error), severity="warning", markup=False)
        self.call_from_thread(self.store_changed)  # Mine and the header follow

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own palette commands (theme, screenshot...), found by typing but not listed before the
        screen's own; not Quit, which the screen's commands list with its key."""
        for command in super().get_system_commands(screen):
            if command.title != "Quit":
                yield command._replace(discover=False)

    def _apply_policy(self) -> None:
        """A changed sla.toml moves every open ticket's deadline: done after the first paint."""
        from agent_tui.services.accounts import apply_policy_changes

        if apply_policy_changes(self.service):
            self.call_from_thread(self.store_changed)

    def _live(self) -> None:
        from agent_tui.services.live import keep_live

        keep_live(
            self.service,
            self._stop_live,
            on_change=lambda report: self.call_from_thread(self.store_changed),
            on_status=lambda status: self.call_from_thread(setattr, self, "connection_status", status),
        )

    def _presence(self) -> None:
        from agent_tui.services.live import keep_presence

        keep_presence(self.service, self._stop_live, lambda entries: self.call_from_thread(self._heard, entries))

    def _heard(self, entries: list[Presence]) -> None:
        channel = self.service.presence_channel
        self.presence = [p for p in entries if channel is None or p.client != channel.client_id]
        self._broadcast("presence_changed")

    def announce(self, ticket_id: int | None, activity: Activity | None) -> None:
        """What this agent is doing now, for the team to see (no-op without a team)."""
        if self.service.presence_channel is not None:
            self.service.presence_channel.announce(ticket_id, activity)

    def others_on(self, ticket_id: int) -> list[Presence]:
        return on_ticket(self.presence, ticket_id)

    def _broadcast(self, method: str) -> None:
        for screen in self.screen_stack:
            handler = getattr(screen, method, None)
            if handler is not None:
                handler()

    def store_changed(self) -> None:
        """New mail or changes arrived: every screen that shows store data reads it again."""
        self._broadcast("store_changed")

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.keys_in_force))

    def on_unmount(self) -> None:
        self._stop_live.set()
        self.service.close()
