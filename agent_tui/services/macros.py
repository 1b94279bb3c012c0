"""Macros: a reply template plus status, assignee, tags and priority, applied to tickets in one step.

A macro is a TOML file ``NAME.toml`` in the shipped ``macros/`` folder or the user's (which wins by name)::

    title = "Late order → LATTE apology, pending, tag late-order"
    template = "apology-late-order"    # optional: a reply template, rendered in the customer's language
    status = "pending"                 # optional, as `set --status`
    assignee = "me"                    # optional, as `set --assign`
    add_tags = ["late-order"]          # optional
    remove_tags = ["needs-triage"]     # optional
    priority = "high"                  # optional

A file that can't be read, isn't TOML, has a setting of the wrong type or value, an unknown setting, or names a
template that doesn't exist is one sentence naming the file and line: it is skipped in lists (and said so), and
applying it is refused (exit 2). Applying runs through ``services.bulk`` (each ticket all-or-nothing, the
collision guard, one share with the team); the template's reply is sent with ``send``, else kept as a draft.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent_tui.config.settings import decode_utf8
from agent_tui.domain.models import Priority, Status, normalise_tag
from agent_tui.errors import ConfigError, NotFoundError, SourceError, UsageError
from agent_tui.services.bulk import BulkResult, Target, TicketChange, apply_change, apply_many

if TYPE_CHECKING:
    from agent_tui.services.replies import Replies
    from agent_tui.services.tickets import TicketService

_TEXTS = ("title", "template", "status", "assignee", "priority")
_LISTS = ("add_tags", "remove_tags")
_NAME = re.compile(r"^[^\W_][\w-]*$")
_TOML_AT = re.compile(r"^(?P<what>.*?) \(at line (?P<line>\d+), column (?P<column>\d+)\)$")


class MacroError(UsageError):
    """A macro file could not be read or is wrong; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Macro:
    name: str
    title: str
    template: str | None
    status: Status | None
    assignee: str | None  # as written ("me", a name, "Name <email>"): resolved when applied
    add_tags: tuple[str, ...]
    remove_tags: tuple[str, ...]
    priority: Priority | None
    path: Path

    def change(self, service: TicketService) -> TicketChange:
        """The fields it sets, with the assignee resolved (UsageError naming the file when no one answers)."""
        assignee = None
        if self.assignee:
            try:
                assignee = service.resolve_agent(self.assignee)
            except UsageError as error:
                raise MacroError(f"{self.path}, line {_line_of(self.path, 'assignee')}: {error}") from None
        return TicketChange(
            status=self.status,
            priority=self.priority,
            assignee=assignee,
            add_tags=self.add_tags,
            remove_tags=self.remove_tags,
        )

    def describe(self) -> str:
        """``reply apology-late-order · pending · +late-order``: what it does, in a few words."""
        parts = [f"reply {self.template}"] if self.template else []
        if self.status:
            parts.append(self.status.value)
        if self.priority is not None:
            parts.append(f"priority {self.priority.label}")
        if self.assignee:
            parts.append(f"assign {self.assignee}")
        parts += [f"+{t}" for t in self.add_tags] + [f"-{t}" for t in self.remove_tags]
        return " · ".join(parts)

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "title": self.title,
            "template": self.template,
            "status": self.status.value if self.status else None,
            "assignee": self.assignee,
            "add_tags": list(self.add_tags),
            "remove_tags": list(self.remove_tags),
            "priority": self.priority.label if self.priority is not None else None,
            "path": str(self.path),
        }


def _line_of(path: Path, key: str, text: str | None = None) -> int | None:
    """The line ``key = ...`` is on (tomllib keeps no positions)."""
    if text is None:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return None
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf'\s*"?{re.escape(key)}"?\s*=', line):
            return number
    return None


def read_macro(path: Path, templates: Iterable[str] | None = None) -> Macro:
    """One macro file; MacroError (one sentence naming the file and line) when it is wrong. ``templates``: the
    template names there are, to refuse a macro naming one that isn't."""
    try:
        text = decode_utf8(path, path.read_bytes())
    except OSError as error:
        raise MacroError(f"{path}: could not be read ({error.strerror}).") from None
    except ConfigError as error:
        raise MacroError(str(error)) from None
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = _TOML_AT.match(str(error))
        if found:
            raise MacroError(
                f"{path}, line {found['line']}: not valid TOML ({found['what'].lower()}, column {found['column']})."
            ) from None
        raise MacroError(f"{path}: not valid TOML ({error}).") from None

    def wrong(key: str, why: str) -> MacroError:
        number = _line_of(path, key, text)
        return MacroError(f"{path}{f', line {number}' if number else ''}: {why}.")

    for key in data:
        if key not in _TEXTS and key not in _LISTS:
            raise wrong(key, f"unknown setting {key!r}; a macro has {', '.join(_TEXTS + _LISTS)}")
    for key in _TEXTS:
        if key in data and not (isinstance(data[key], str) and data[key].strip()):
            raise wrong(key, f'{key} must be a text in quotes, such as {key} = "..."')
    for key in _LISTS:
        if key in data and not (isinstance(data[key], list) and all(isinstance(v, str) for v in data[key])):
            raise wrong(key, f'{key} must be a list of texts, such as {key} = ["...", "..."]')
    try:
        status = Status.parse(data["status"]) if "status" in data else None
    except UsageError as error:
        raise wrong("status", str(error).rstrip(".")) from None
    try:
        priority = Priority.parse(data["priority"]) if "priority" in data else None
    except UsageError as error:
        raise wrong("priority", str(error).rstrip(".")) from None
    tags: dict[str, tuple[str, ...]] = {}
    for key in _LISTS:
        try:
            tags[key] = tuple(normalise_tag(t) for t in data.get(key, []))
        except UsageError as error:
            raise wrong(key, str(error).rstrip(".")) from None
    template = data.get("template")
    if template is not None and templates is not None and template.split(".", 1)[0] not in set(templates):
        raise wrong("template", f"there is no reply template named {template!r} (agent-tui templates list)")
    if not (template or status or priority is not None or data.get("assignee") or any(tags.values())):
        raise MacroError(f"{path}: the macro does nothing; give a template, status, assignee, tags or priority.")
    name = path.stem
    return Macro(
        name=name,
        title=data.get("title", name.replace("-", " ").capitalize()),
        template=template,
        status=status,
        assignee=data.get("assignee"),
        add_tags=tags["add_tags"],
        remove_tags=tags["remove_tags"],
        priority=priority,
        path=path,
    )


class MacroLibrary:
    def __init__(self, folders: Iterable[Path], templates: Iterable[str] | None = None) -> None:
        """Later folders win by name: pass the shipped folder first, the user's last."""
        known = set(templates) if templates is not None else None
        found: dict[str, Macro] = {}
        broken: dict[str, str] = {}
        for folder in folders:
            if not folder.is_dir():
                continue
            for path in sorted(folder.glob("*.toml")):
                if not _NAME.match(path.stem):
                    continue
                try:
                    macro = read_macro(path, known)
                except MacroError as error:
                    broken[path.stem] = str(error)
                    found.pop(path.stem, None)  # the user's broken copy is not replaced by the shipped one
                    continue
                broken.pop(macro.name, None)
                found[macro.name] = macro
        self.macros = sorted(found.values(), key=lambda m: m.name)
        self.problems = list(broken.values())
        self._broken = broken

    def get(self, name: str) -> Macro:
        for macro in self.macros:
            if macro.name == name:
                return macro
        if name in self._broken:
            raise MacroError(self._broken[name])
        known = ", ".join(m.name for m in self.macros) or "none"
        raise NotFoundError(f"There is no macro named {name!r} (the macros: {known}).")


def library(replies: Replies) -> MacroLibrary:
    """The shipped macros and the user's, checked against the templates in force."""
    from agent_tui.resources import shipped_dir

    return MacroLibrary(
        [shipped_dir("macros"), replies.paths.config_dir / "macros"], (t.name for t in replies.library.templates)
    )


def apply_macro(replies: Replies, macro: Macro, targets: Sequence[Target], *, send: bool = False) -> BulkResult:
    """The macro on every target, each ticket all-or-nothing: its reply (rendered in the customer's language) is
    sent with ``send`` (before the fields, so the agent's status stands) or saved as the draft; a ticket with an
    unsent draft of the agent's is left alone, so no draft is overwritten."""
    service = replies.service
    change = macro.change(service)
    change.validate(service)
    if macro.template:
        replies.library.get(macro.template)  # a template gone since the list was read: refused before anything

    def one(ticket_id: int) -> str | None:
        note, unsent = None, None
        if macro.template:
            if replies.draft(ticket_id) is not None:
                raise UsageError("you have an unsent draft on it; send or discard it, then apply the macro again")
            text = replies.render(macro.template, ticket_id).text
            if send:
                try:
                    replies.send(ticket_id, text)
                except SourceError as error:  # queued in the outbox: it goes with the next send or sync
                    unsent = error
                delivered = service.source is not None and service.source.capabilities.send
                note = "reply sent" if delivered else "reply recorded (no mail server: nothing was delivered)"
            else:
                replies.save_draft(ticket_id, text, macro.template)
                note = "reply saved as your draft"
        if not change.is_empty:
            apply_change(service, ticket_id, change)
        if unsent is not None:
            raise unsent
        return note

    return apply_many(service, targets, one)
