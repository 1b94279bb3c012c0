"""The command palette's own commands (Ctrl+P): every action of the screen in front, by its title and its keys.

The list is built when the palette opens, from the bindings the screen and its widgets declare (each has a
stable id in ``config/keymaps.py``) and the keys in force for them, so it never goes stale: a new binding, or a
key changed in keymap.toml, shows here by itself. A screen may add commands that have no key of their own with a
``palette_commands()`` method (the queue offers every column to sort by). Textual's own commands (theme,
screenshot...) stay beside these.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual.actions import parse as parse_action
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.dom import DOMNode
from textual.keys import format_key

from agent_tui.config.keymaps import SPECS_BY_ID

# Movements one line or page at a time: keys to hold, not commands to look up.
_MOVEMENTS = ("cursor_up", "cursor_down", "page_up", "page_down", "scroll_thread(", "scroll_dashboard(")
# A title that names a view by itself ("Pending") is given what it is ("View: Pending"), to be found as one.
_KINDS = {"show_view(": "View"}


@dataclass(frozen=True, slots=True)
class PaletteCommand:
    title: str
    keys: str  # as shown: "S", "ctrl+r", "⏎"
    run: Callable[[], Any]
    binding_id: str  # "" for a screen's extra command


def screen_commands(screen: DOMNode) -> list[PaletteCommand]:
    """The commands of ``screen``: its bindings and its widgets' (in the registry's order), then its extra
    commands, then the app's."""
    app = screen.app
    keys_in_force: dict[str, str] = getattr(app, "keys_in_force", {})
    found: dict[str, PaletteCommand] = {}
    for node in [*screen.query("*"), screen, app]:
        for binding in _bindings_of(node):
            spec = SPECS_BY_ID.get(binding.id or "")
            if spec is None or spec.id in found or spec.action.startswith(_MOVEMENTS):
                continue
            if not _allowed(node, spec.action):
                continue
            keys = keys_in_force.get(spec.id, spec.keys)
            kind = next((name for prefix, name in _KINDS.items() if spec.action.startswith(prefix)), None)
            found[spec.id] = PaletteCommand(
                title=f"{kind}: {spec.description}" if kind else spec.description,
                keys=", ".join(format_key(key) for key in keys.split(",") if key),
                run=partial(app.run_action, spec.action, node),
                binding_id=spec.id,
            )
    ordered = [found[spec_id] for spec_id in SPECS_BY_ID if spec_id in found]
    extras = getattr(screen, "palette_commands", None)
    own = [command for command in ordered if not command.binding_id.startswith("app.")]
    everywhere = [command for command in ordered if command.binding_id.startswith("app.")]
    more = [PaletteCommand(title, "", run, "") for title, run in (extras() if extras is not None else [])]
    return [*own, *more, *everywhere]


def _bindings_of(node: DOMNode) -> Iterator[Binding]:
    for binding in getattr(type(node), "BINDINGS", ()):
        if isinstance(binding, Binding) and binding.id:
            yield binding


def _allowed(node: DOMNode, action: str) -> bool:
    """Whether the node offers the action now (a screen may hide one with ``check_action``)."""
    _, name, parameters = parse_action(action)
    return node.check_action(name, parameters) is True


class ScreenCommands(Provider):
    """The palette's provider of the active screen's commands."""

    async def startup(self) -> None:
        self._commands = screen_commands(self.screen)

    def _shown(self, command: PaletteCommand, title: Content) -> Content:
        return Content.assemble(title, "  ", (command.keys, "dim")) if command.keys else title

    async def discover(self) -> Hits:
        for command in self._commands:
            yield DiscoveryHit(self._shown(command, Content(command.title)), command.run, text=command.title)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands:
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(
                    score,
                    self._shown(command, matcher.highlight(command.title)),
                    command.run,
                    text=command.title,
                )
