"""Key bindings: every user-facing binding has a stable id; keymap files map ids to keys.

A keymap file is TOML with one table per scope::

    [queue]
    open = "enter"
    down = "j,down"      # several keys, comma-separated
    filter = "/"         # a single character may be written as itself

Load order: the defaults below, then the chosen keymap (``--keymap NAME`` or ``[ui] keymap``; a
user's ``keymaps/NAME.toml`` in the config dir wins over a shipped one), then the user's
``keymap.toml`` in the config dir. Unknown ids, unknown keys and clashes are errors naming the
file, reported before the TUI starts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import read_toml
from agent_tui.errors import ConfigError
from agent_tui.resources import shipped_dir


@dataclass(frozen=True, slots=True)
class BindingSpec:
    id: str
    action: str
    description: str
    keys: str  # the default keys
    show: bool = True  # shown in the footer

    @property
    def scope(self) -> str:
        return self.id.split(".", 1)[0]


def _spec(id: str, action: str, description: str, keys: str, show: bool = True) -> BindingSpec:
    return BindingSpec(id, action, description, keys, show)


# "app" bindings work on every screen; the others on the screen of that name.
BINDING_SPECS: tuple[BindingSpec, ...] = (
    _spec("app.help", "help", "Help", "question_mark,f1"),
    _spec("app.quit", "quit", "Quit", "q"),
    _spec("queue.open", "open_ticket", "Open", "enter"),
    _spec("queue.down", "cursor_down", "Down", "down", show=False),
    _spec("queue.up", "cursor_up", "Up", "up", show=False),
    _spec("queue.page_down", "page_down", "Page down", "pagedown", show=False),
    _spec("queue.page_up", "page_up", "Page up", "pageup", show=False),
    _spec("queue.top", "cursor_top", "First ticket", "home", show=False),
    _spec("queue.bottom", "cursor_bottom", "Last ticket", "end", show=False),
    _spec("queue.filter", "focus_filter", "Filter", "slash"),
    _spec("queue.clear_filter", "clear_filter", "Clear filter", "escape", show=False),
    _spec("queue.next_view", "next_view", "Next view", "tab", show=False),
    _spec("queue.previous_view", "previous_view", "Previous view", "shift+tab", show=False),
    _spec("queue.view_open", "show_view('open')", "All open", "1", show=False),
    _spec("queue.view_unassigned", "show_view('unassigned')", "Unassigned", "2", show=False),
    _spec("queue.view_mine", "show_view('mine')", "Mine", "3", show=False),
    _spec("queue.view_pending", "show_view('pending')", "Pending", "4", show=False),
    _spec("queue.view_breaching", "show_view('breaching')", "Breaching soon", "5", show=False),
    _spec("queue.view_all", "show_view('all')", "Everything", "6", show=False),
    _spec("queue.sort", "next_sort", "Sort", "o"),
    _spec("queue.reverse", "reverse_sort", "Reverse", "O", show=False),
    _spec("queue.take", "take", "Take", "t"),
    _spec("queue.refresh", "refresh_queue", "Refresh", "ctrl+r", show=False),
    _spec("queue.dashboard", "dashboard", "Dashboard", "d"),
    _spec("queue.sidebar", "toggle_panel", "Show/hide the views", "backslash", show=False),
    # Bulk: mark tickets, then the change keys act on every marked one (on the current one when none is).
    _spec("queue.mark", "toggle_mark", "Mark", "space", show=False),
    _spec("queue.mark_all", "mark_all", "Mark all shown", "asterisk", show=False),
    _spec("queue.clear_marks", "clear_marks", "Clear the marks", "u", show=False),
    _spec("queue.status", "choose_status", "Status (marked)", "s", show=False),
    _spec("queue.solve", "set_status('solved')", "Solve (marked)", "S", show=False),
    _spec("queue.pending", "set_status('pending')", "Pending (marked)", "w", show=False),
    _spec("queue.priority", "choose_priority", "Priority (marked)", "P", show=False),
    _spec("queue.assign", "assign", "Assign (marked)", "A", show=False),
    _spec("queue.tag", "add_tag", "Tag (marked)", "plus", show=False),
    _spec("queue.untag", "remove_tag", "Untag (marked)", "minus", show=False),
    _spec("queue.macro", "pick_macro", "Macro", "M", show=False),
    _spec("queue.undo", "undo", "Undo the last change (of the marked tickets too)", "U", show=False),
    _spec("ticket.back", "back", "Back", "escape"),
    _spec("ticket.next", "next_ticket", "Next", "n"),
    _spec("ticket.previous", "previous_ticket", "Previous", "p"),
    _spec("ticket.status", "choose_status", "Status", "s"),
    _spec("ticket.solve", "set_status('solved')", "Solve", "S"),
    _spec("ticket.pending", "set_status('pending')", "Pending", "w", show=False),
    _spec("ticket.open", "set_status('open')", "Reopen", "o", show=False),
    _spec("ticket.reply", "reply", "Reply", "r"),
    _spec("ticket.priority", "choose_priority", "Priority", "P"),
    _spec("ticket.take", "take", "Take", "t"),
    _spec("ticket.unassign", "unassign", "Unassign", "u", show=False),
    _spec("ticket.assign", "assign", "Assign", "A", show=False),
    _spec("ticket.tag", "add_tag", "Tag", "plus"),
    _spec("ticket.untag", "remove_tag", "Untag", "minus", show=False),
    _spec("ticket.scroll_down", "scroll_thread(1)", "Scroll down", "down", show=False),
    _spec("ticket.scroll_up", "scroll_thread(-1)", "Scroll up", "up", show=False),
    _spec("ticket.page_down", "scroll_thread(10)", "Page down", "pagedown,space", show=False),
    _spec("ticket.page_up", "scroll_thread(-10)", "Page up", "pageup", show=False),
    _spec("ticket.sidebar", "toggle_panel", "Show/hide the customer and history", "backslash", show=False),
    _spec("ticket.undo", "undo", "Undo the last change (status, assignee, tag, priority)", "U", show=False),
    _spec("ticket.history", "pick_history", "Open one of the customer's earlier tickets", "H", show=False),
    _spec("ticket.attachments", "list_attachments", "Attachments", "a", show=False),
    _spec("ticket.macro", "pick_macro", "Macro", "M", show=False),
    _spec("ticket.forward", "forward", "Forward the conversation", "f", show=False),
    _spec("ticket.merge", "merge", "Merge into another of the customer's open tickets", "m", show=False),
    _spec("compose.send", "send", "Send", "ctrl+s"),
    _spec("compose.close", "close", "Close (keep draft)", "escape"),
    # Not ctrl+d, ctrl+e, ctrl+x...: the editor (TextArea) has those for itself.
    _spec("compose.editor", "external_editor", "$EDITOR", "ctrl+o"),
    _spec("compose.templates", "pick_template", "Templates", "ctrl+t"),
    _spec("compose.discard", "discard", "Discard", "ctrl+g"),
    _spec("compose.note", "toggle_note", "Reply/Note", "ctrl+n"),
    _spec("compose.attach", "attach", "Attach", "ctrl+l"),  # not ctrl+a: the editor's start of line
    _spec("dashboard.back", "back", "Back", "escape,d"),
    _spec("dashboard.refresh", "refresh_dashboard", "Refresh", "ctrl+r"),
    _spec("dashboard.scroll_down", "scroll_dashboard(1)", "Scroll down", "down", show=False),
    _spec("dashboard.scroll_up", "scroll_dashboard(-1)", "Scroll up", "up", show=False),
    _spec("dashboard.page_down", "scroll_dashboard(10)", "Page down", "pagedown,space", show=False),
    _spec("dashboard.page_up", "scroll_dashboard(-10)", "Page up", "pageup", show=False),
)

SPECS_BY_ID = {spec.id: spec for spec in BINDING_SPECS}
_MODIFIERS = {"alt", "ctrl", "hyper", "meta", "shift", "super"}  # as Textual reports them


def specs_for(scope: str) -> list[BindingSpec]:
    return [spec for spec in BINDING_SPECS if spec.scope == scope]


def default_keymap() -> dict[str, str]:
    return {spec.id: spec.keys for spec in BINDING_SPECS}


def load_keymap(paths: AppPaths, name: str) -> dict[str, str]:
    """The keys in force for every binding id; raises ConfigError naming the file on any problem."""
    keymap = default_keymap()
    if name != "default":
        candidates = [paths.user_keymaps_dir / f"{name}.toml", shipped_dir("keymaps") / f"{name}.toml"]
        chosen = next((path for path in candidates if path.is_file()), None)
        if chosen is None:
            available = ", ".join(sorted(available_keymaps(paths)))
            raise ConfigError(f"There is no keymap named {name!r}; available: {available}.")
        keymap.update(_read_keymap_file(chosen))
    if paths.user_keymap_file.is_file():
        keymap.update(_read_keymap_file(paths.user_keymap_file))
    _check_clashes(keymap, source=paths.user_keymap_file if paths.user_keymap_file.is_file() else name)
    return keymap


def available_keymaps(paths: AppPaths) -> set[str]:
    names = {"default"}
    for folder in (shipped_dir("keymaps"), paths.user_keymaps_dir):
        if folder.is_dir():
            names.update(p.stem for p in folder.glob("*.toml"))
    return names


def _read_keymap_file(path: Path) -> dict[str, str]:
    data = read_toml(path)
    keymap: dict[str, str] = {}
    for scope, table in data.items():
        if not isinstance(table, dict):
            raise ConfigError(f'{path}: {scope!r} must be a table such as [queue] with lines like open = "enter".')
        for name, keys in table.items():
            binding_id = f"{scope}.{name}"
            if binding_id not in SPECS_BY_ID:
                raise ConfigError(f"{path}: unknown binding id {binding_id!r}; `agent-tui keys` lists them.")
            if not isinstance(keys, str) or not keys.strip():
                raise ConfigError(f'{path}: {binding_id} must be a string of keys such as "ctrl+o".')
            keymap[binding_id] = ",".join(normalise_key(k, path, binding_id) for k in keys.split(","))
    return keymap


def normalise_key(key: str, source: Path | str, binding_id: str) -> str:
    """Check a key against the names Textual gives key presses, and write it as Textual will report it:
    a written character becomes its name (``/`` -> ``slash``), names are lower case, and modifiers come
    in Textual's (alphabetical) order, so ``shift+ctrl+up`` matches the ``ctrl+shift+up`` Textual sends."""
    from textual.keys import _character_to_key  # only when a file is read

    written = key
    key = key.strip()
    *modifiers, base = key.split("+") if len(key) > 1 else [key]
    modifiers = [modifier.lower() for modifier in modifiers]
    if len(base) == 1:
        if not base.isprintable():
            raise _unknown(source, binding_id, written, f"{base!r} is not a key name")
        base = base if base.isalnum() else _character_to_key(base)
    else:
        base = base.lower()
        if not base:
            raise _unknown(source, binding_id, written, "it ends in an empty key")
        if base not in _key_names():
            raise _unknown(source, binding_id, written, f"{base!r} is not a key name")
    for modifier in modifiers:
        if modifier not in _MODIFIERS:
            raise _unknown(
                source, binding_id, written, f"{modifier!r} is not a modifier (use {', '.join(sorted(_MODIFIERS))})"
            )
        if modifiers.count(modifier) > 1:
            raise _unknown(source, binding_id, written, f"it has {modifier!r} twice")
    return "+".join([*sorted(modifiers), base])


def _unknown(source: Path | str, binding_id: str, key: str, why: str) -> ConfigError:
    return ConfigError(
        f"{source}: {binding_id} has an unknown key {key!r}: {why} "
        '(examples: "j", "J", "/", "enter", "f5", "ctrl+o", "shift+tab", "question_mark").'
    )


@lru_cache(maxsize=1)
def _key_names() -> frozenset[str]:
    """Every name (longer than one character) Textual gives a key: its Keys, the names of the printable
    ASCII characters ("slash", "question_mark", "space"...), its aliases and the kitty protocol's keys.
    Not every Unicode character name: Textual would accept "banana" (🍌) as a key, but nobody has one."""
    from textual.keys import KEY_ALIASES, Keys, _character_to_key

    names = {key.value.rpartition("+")[2] for key in Keys if not key.value.startswith("<")}
    names |= {_character_to_key(chr(code)) for code in range(0x20, 0x7F)}
    names |= {alias.rpartition("+")[2] for key, aliases in KEY_ALIASES.items() for alias in (key, *aliases)}
    try:  # private to Textual: the keys of the kitty keyboard protocol (media keys, keypad, caps_lock...)
        from textual._keyboard_protocol import FUNCTIONAL_KEYS
    except ImportError:
        pass
    else:
        names |= set(FUNCTIONAL_KEYS.values())
    return frozenset(name for name in names if len(name) > 1 and "-" not in name)


def _check_clashes(keymap: dict[str, str], source: Path | str) -> None:
    """Two bindings on one screen (or one of them global) may not share a key."""
    owners: dict[tuple[str, str], str] = {}
    for binding_id, keys in keymap.items():
        scope = SPECS_BY_ID[binding_id].scope
        for key in keys.split(","):
            for other_scope in _scopes_sharing(scope):
                other = owners.get((other_scope, key))
                if other and other != binding_id:
                    raise ConfigError(f"{source}: key {key!r} is bound to both {other} and {binding_id}.")
            owners[(scope, key)] = binding_id


def _scopes_sharing(scope: str) -> Iterable[str]:
    scopes = {spec.scope for spec in BINDING_SPECS}
    return scopes if scope == "app" else (scope, "app")
