"""A fuzzy picker: type to narrow a list, Enter picks the highlighted entry.

Used for the team (assign), tags, the customer's earlier tickets and the attachments. It may also offer what
was typed as something new ("New tag: late"): the caller decides what a new value may be, and refuses it with
a sentence if it must (an unknown name is no teammate)."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from agent_tui.domain.models import Agent, normalise_tag
from agent_tui.domain.text import safe_line
from agent_tui.errors import UsageError

NEW = "new"  # the id of the entry offering the typed text as something new
_WORDS = re.compile(r"[^\W_]+", re.UNICODE)


def match_score(query: str, text: str) -> int:
    """How well ``query`` matches ``text``: 4 the whole text or one of its words, 3 the start of the text or of
    a word, 2 anywhere in it, 1 its letters in order (``rfnd`` in refund), 0 not at all. Case-insensitive."""
    query, text = query.casefold().strip(), text.casefold()
    if not query:
        return 1
    words = _WORDS.findall(text)
    if query == text or query in words:
        return 4
    if text.startswith(query) or any(word.startswith(query) for word in words):
        return 3
    if query in text:
        return 2
    letters = iter(text)
    return 1 if all(char in letters for char in query.replace(" ", "")) else 0


def rank(query: str, texts: Sequence[str]) -> list[tuple[int, int]]:
    """(index, score) of the texts ``query`` matches, best first; equal scores keep their order (me first)."""
    scored = [(index, match_score(query, text)) for index, text in enumerate(texts)]
    return sorted(((i, s) for i, s in scored if s), key=lambda pair: -pair[1])


@dataclass(frozen=True, slots=True)
class PickerItem:
    value: str  # what the picker dismisses with
    label: str  # shown, and matched
    detail: str = ""  # shown dim after the label, and matched too
    current: bool = False  # the value in force now: marked, and highlighted while nothing is typed


@dataclass(frozen=True, slots=True)
class Picked:
    value: str  # an item's value, or the typed text when ``new``
    new: bool = False


class PickerModal(ModalScreen[Picked | None]):
    """Dismisses with the picked item (or the typed text offered as new), or None on Escape."""

    DEFAULT_CSS = """
    PickerModal { align: center middle; }
    PickerModal > Vertical {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    PickerModal #picker-input { border: none; height: 1; padding: 0 1; background: $boost; }
    PickerModal OptionList { height: auto; max-height: 14; border: none; }
    PickerModal .hint { color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", show=False),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("pagedown", "move(10)", show=False),
        Binding("pageup", "move(-10)", show=False),
    ]

    def __init__(
        self,
        title: str,
        items: Sequence[PickerItem],
        *,
        placeholder: str = "type to narrow",
        enter: str = "picks",
        new: Callable[[str, int], str | None] | None = None,
        empty: str = "Nothing matches.",
    ) -> None:
        super().__init__()
        self._title, self._items, self._placeholder, self._enter_does = title, list(items), placeholder, enter
        self._new = new  # (the typed text, how many entries match it) -> the label offering it as new, or None
        self._empty = empty

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self._title, style="bold"))
            yield Input(placeholder=self._placeholder, id="picker-input")
            yield OptionList()
            yield Label(Text(f"↑/↓ choose · Enter {self._enter_does} · Esc cancels"), classes="hint")

    def on_mount(self) -> None:
        self._show("")
        self.query_one(Input).focus()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        self._show(event.value)

    def _show(self, typed: str) -> None:
        typed = typed.strip()
        ranked = rank(typed, [f"{item.label} {item.detail}" for item in self._items])
        options = [self._option(index) for index, score in ranked if score >= 2 or not typed]
        loose = [self._option(index) for index, score in ranked if score < 2 and typed]
        exact = any(item.label.casefold() == typed.casefold() for item in self._items)
        offer = self._new(typed, len(ranked)) if self._new is not None and typed and not exact else None
        if offer is not None:
            entry = Option(Text.assemble(("+ ", "bold"), (safe_line(offer), "italic")), id=NEW)
            # "Name <email>" is meant as someone new; otherwise what matches well comes first
            options = [entry, *options] if "<" in typed and typed.endswith(">") else [*options, entry]
        options += loose
        listing = self.query_one(OptionList)
        listing.clear_options()
        listing.add_options(options or [Option(Text(self._empty, style="dim"), disabled=True)])
        current = next((i for i, item in enumerate(self._items) if item.current), None)
        if not typed and current is not None:
            listing.highlighted = current
        elif options:
            listing.highlighted = 0

    def _option(self, index: int) -> Option:
        item = self._items[index]
        prompt = Text(safe_line(item.label), style="bold" if item.current else "")
        if item.detail:
            prompt.append(f"  {safe_line(item.detail)}", "dim")
        if item.current:
            prompt.append("  (now)", "dim italic")
        return Option(prompt, id=str(index))

    def action_move(self, step: int) -> None:
        listing = self.query_one(OptionList)
        if listing.option_count:
            here = listing.highlighted if listing.highlighted is not None else -1
            listing.highlighted = max(0, min(listing.option_count - 1, here + step))

    @on(Input.Submitted)
    def _enter(self) -> None:
        listing = self.query_one(OptionList)
        if listing.highlighted is not None:
            self._pick(listing.get_option_at_index(listing.highlighted))

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option)

    def _pick(self, option: Option) -> None:
        if option.disabled or option.id is None:
            return
        if option.id == NEW:
            self.dismiss(Picked(self.query_one(Input).value.strip(), new=True))
        else:
            self.dismiss(Picked(self._items[int(option.id)].value))

    def action_cancel(self) -> None:
        self.dismiss(None)


def team_picker(title: str, team: Sequence[Agent], me: Agent, holder: Agent | None = None) -> PickerModal:
    """The team to assign from (``TicketService.team()``: me first), the holder marked. An item's value is its
    index in ``team``; a name no one matches is offered as new, for ``resolve_agent`` to take as
    ``Name <email>`` or refuse with the sentence saying how to name someone new."""
    items = [
        PickerItem(
            str(index),
            agent.name + (" (me)" if index == 0 and agent == me else ""),
            agent.email or "",
            current=holder is not None and agent.matches(holder.name, holder.email),
        )
        for index, agent in enumerate(team)
    ]
    return PickerModal(
        title,
        items,
        placeholder="a name or an address; Name <email> for someone new",
        new=lambda typed, matches: f"Someone new: {typed}" if not matches or "<" in typed else None,
        empty="No one on the team matches.",
    )


def tag_picker(
    title: str, counts: Sequence[tuple[str, int]], *, adding: bool = True, leave_out: Collection[str] = ()
) -> PickerModal:
    """The tags in use, most used first (``TicketService.tag_counts``), but those in ``leave_out``; what is typed
    is offered too, as a new tag when ``adding``. ``picked_tag`` reads the choice."""
    items = [
        PickerItem(tag, tag, f"{count} ticket{'s' * (count != 1)}") for tag, count in counts if tag not in leave_out
    ]
    return PickerModal(
        title,
        items,
        placeholder="a tag: those in use are suggested",
        new=lambda typed, matches: f"{'New tag' if adding else 'Tag'}: {typed}",
        empty="No tag matches.",
    )


def picked_tag(choice: Picked | None, refused: Callable[[str], None]) -> str | None:
    """The tag chosen in a ``tag_picker``, normalised; None when none was, or (said to ``refused``) it is no tag."""
    if choice is None or not choice.value.strip():
        return None
    try:
        return normalise_tag(choice.value)
    except UsageError as error:
        refused(str(error))
        return None
