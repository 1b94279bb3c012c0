"""The queue's bulk changes: status, priority, assignee, tags or a macro on every marked ticket (or the current one
when none is marked). Marked tickets are changed after a confirmation naming the count; each is changed whole or
not at all (``services.bulk``), and the notice names the ones left as they were and why. A ticket someone else
changed since it was marked is refused by the collision guard. A bulk change is remembered as one entry of the
session's undo list (``ui/undo.py``): the queue's undo key takes back all of it, the ticket screen's too."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from agent_tui.domain.models import Agent, Priority, Status
from agent_tui.errors import AgentTuiError, NotFoundError
from agent_tui.services.bulk import BulkResult, Target, TicketChange, change_many
from agent_tui.ui.modals import ChoiceModal, ConfirmModal
from agent_tui.ui.screens.picker import Picked, PickerItem, PickerModal, picked_tag, tag_picker, team_picker
from agent_tui.ui.undo import Change, field_value, session_undo, undo_hint, undo_last

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.screen import Screen

    from agent_tui.services.macros import Macro, MacroLibrary
    from agent_tui.ui.screens.queue import QueueScreen

T = TypeVar("T")
_SHOWN_IDS = 12  # the confirmation lists this many ticket numbers, then "and N more"


def _targets(screen: QueueScreen) -> tuple[list[Target], str]:
    """The marked tickets (each with how far it was seen when marked), else the current one; and their name."""
    if screen.marked:
        count = len(screen.marked)
        return [Target(i, marks=m) for i, m in screen.marked.items()], f"{count} marked ticket{'s' * (count != 1)}"
    from agent_tui.ui.widgets.queue_table import QueueTable

    current = screen.query_one(QueueTable).current_id
    return ([Target(current)], f"#{current}") if current is not None else ([], "")


def _ids_line(targets: list[Target]) -> str:
    ids = sorted(t.ticket_id for t in targets)
    shown = " ".join(f"#{i}" for i in ids[:_SHOWN_IDS])
    return shown + (f" and {len(ids) - _SHOWN_IDS} more" if len(ids) > _SHOWN_IDS else "")


def _confirmed(screen: QueueScreen, question: str, targets: list[Target], go: Callable[[], None]) -> None:
    """Marked tickets: ask first, naming the count; the current ticket alone: at once, as on the ticket screen."""
    if not screen.marked:
        go()
        return
    screen.app.push_screen(
        ConfirmModal(
            question, [("apply", "y", "Apply"), ("cancel", "n", "Cancel")], safe="cancel", details=[_ids_line(targets)]
        ),
        lambda answer: go() if answer == "apply" else None,
    )


def _run(screen: QueueScreen, what: str, run: Callable[[], tuple[BulkResult, bool]]) -> None:
    """Make the change in a worker (``run``: its result, and whether it was recorded for undo); then clear the
    marks, say what happened and read the queue again."""

    def work() -> None:
        try:
            result, recorded = run()
        except AgentTuiError as error:
            screen.app.call_from_thread(screen.notify, str(error), severity="error", markup=False, timeout=10)
            return
        screen.app.call_from_thread(_done, screen, result, what, recorded)

    screen.run_worker(work, thread=True, group="queue-change", exit_on_error=False)


def _done(screen: QueueScreen, result: BulkResult, what: str, recorded: bool) -> None:
    screen.marked.clear()
    screen._show_marks()
    lines = [f"{result.summary()} ({what}).{undo_hint(screen.app.keys_in_force, 'queue.undo') if recorded else ''}"]
    lines += result.refusals()
    lines += [f"{what_}: {why}" for what_, why in result.not_shared]
    if result.share_error:
        lines.append(result.share_error)
    failed = bool(result.refused or result.not_shared or result.share_error)
    screen.notify(
        "\n".join(lines), severity="warning" if failed else "information", markup=False, timeout=15 if failed else 5
    )
    screen.reload(with_counts=True)


def change(screen: QueueScreen, change: TicketChange) -> None:
    targets, label = _targets(screen)
    if not targets:
        return
    what = change.describe()
    _confirmed(
        screen,
        f"{what[0].upper() + what[1:]}: change {label}?",
        targets,
        lambda: _run(screen, what, lambda: _change_recorded(screen, targets, change)),
    )


def _change_recorded(screen: QueueScreen, targets: list[Target], change: TicketChange) -> tuple[BulkResult, bool]:
    """``change_many``, remembered for undo as one action: a Change for every ticket and field it changed (a
    ticket refused, or already so, records nothing). In the worker, under the undo lock, so an undo pressed
    meanwhile waits for the change and then takes all of it back."""
    fields, said = _fields_of(change), change.describe()
    undo = session_undo(screen.app)
    with undo.working:
        before = {target.ticket_id: _values(screen, target.ticket_id, fields) for target in targets}
        result = change_many(screen.service, targets, change)
        changes: list[Change] = []
        for outcome in result.applied:
            was = before[outcome.ticket_id]
            for field, now in _values(screen, outcome.ticket_id, fields).items():
                if field in was and was[field] != now:
                    changes.append(Change(outcome.ticket_id, field, was[field], now, said))
        undo.push(changes)
    return result, bool(changes)


def _fields_of(change: TicketChange) -> list[str]:
    """The fields (as undo names them) a change sets: a snooze is a change of status (on-hold)."""
    fields = ["status"] if change.status else []
    if change.priority is not None:
        fields.append("priority")
    if change.assignee or change.unassign:
        fields.append("assignee")
    return fields + [f"tag:{tag}" for tag in (*change.add_tags, *change.remove_tags)]


def _values(screen: QueueScreen, ticket_id: int, fields: Sequence[str]) -> dict[str, object]:
    """The value of each field on one ticket; none for a ticket that isn't there (change_many names it)."""
    try:
        ticket = screen.service.ticket(ticket_id)
    except NotFoundError:
        return {}
    return {field: field_value(ticket, field) for field in fields}


def undo(screen: QueueScreen) -> None:
    """Take back the last action of the session (a bulk change, or one made on a ticket), then read the queue."""

    def work() -> None:
        said, severity = undo_last(screen.service, session_undo(screen.app))
        screen.app.call_from_thread(_undone, screen, said, severity)

    screen.run_worker(work, thread=True, group="queue-change", exit_on_error=False)


def _undone(screen: QueueScreen, said: str, severity: SeverityLevel) -> None:
    timeout = None if severity == "information" else 10  # a longer one names what was left alone
    screen.notify(said, severity=severity, markup=False, timeout=timeout)
    screen.reload(with_counts=True)


def set_status(screen: QueueScreen, status: str) -> None:
    change(screen, TicketChange(status=Status(status)))


def choose_status(screen: QueueScreen) -> None:
    _, label = _targets(screen)
    if label:
        screen.app.push_screen(
            ChoiceModal(f"Set the status of {label}", [(s.value, s.value) for s in Status]),
            lambda value: set_status(screen, value) if value else None,
        )


def choose_priority(screen: QueueScreen) -> None:
    _, label = _targets(screen)
    if label:
        choices = [(p.label, p.label) for p in sorted(Priority, reverse=True)]
        screen.app.push_screen(
            ChoiceModal(f"Set the priority of {label}", choices),
            lambda value: change(screen, TicketChange(priority=Priority.parse(value))) if value else None,
        )


def _in_worker(
    screen: QueueScreen,
    read: Callable[[], T],
    then: Callable[[T], None],
    *,
    severity: SeverityLevel = "error",
    timeout: float | None = None,
) -> None:
    """Read what a picker lists, or what was picked, in a worker (I/O stays off the screen's thread), then
    show or use it; an AgentTuiError is a notice of that ``severity``."""

    def work() -> None:
        try:
            found = read()
        except AgentTuiError as error:
            screen.app.call_from_thread(screen.notify, str(error), severity=severity, markup=False, timeout=timeout)
            return
        screen.app.call_from_thread(then, found)

    screen.run_worker(work, thread=True, group="queue-picker", exclusive=True, exit_on_error=False)


def assign(screen: QueueScreen) -> None:
    _, label = _targets(screen)
    if label:
        _in_worker(screen, screen.service.team, lambda team: _show_team(screen, label, team))


def _show_team(screen: QueueScreen, label: str, team: list[Agent]) -> None:
    def picked(choice: Picked | None) -> None:
        if choice is None:
            return
        if not choice.new:
            change(screen, TicketChange(assignee=team[int(choice.value)]))
            return
        # Someone typed in: the team is read to find them, in a worker. No phantom agents: a name no one
        # answers to is a warning whose sentence says how to name someone new.
        typed = choice.value
        _in_worker(
            screen,
            lambda: screen.service.resolve_agent(typed),
            lambda agent: change(screen, TicketChange(assignee=agent)),
            severity="warning",
            timeout=10,
        )

    screen.app.push_screen(team_picker(f"Assign {label} to", team, screen.service.me), picked)


def add_tag(screen: QueueScreen) -> None:
    _tag(screen, True)


def remove_tag(screen: QueueScreen) -> None:
    _tag(screen, False)


def _tag(screen: QueueScreen, present: bool) -> None:
    _, label = _targets(screen)
    if not label:
        return

    def refused(why: str) -> None:
        screen.notify(why, severity="warning", markup=False)

    def picked(choice: Picked | None) -> None:
        if (tag := picked_tag(choice, refused)) is not None:
            change(screen, TicketChange(add_tags=(tag,)) if present else TicketChange(remove_tags=(tag,)))

    def show(counts: list[tuple[str, int]]) -> None:
        title = f"{'Tag' if present else 'Remove a tag from'} {label}"
        screen.app.push_screen(tag_picker(title, counts, adding=present), picked)

    _in_worker(screen, lambda: screen.service.tag_counts(limit=500), show)


def pick_macro(screen: QueueScreen) -> None:
    from agent_tui.services.macros import library

    _, label = _targets(screen)
    if label:
        _in_worker(
            screen,
            lambda: library(screen.app.replies),
            lambda lib: show_macros(screen, lib, label, lambda macro: _macro_chosen(screen, macro)),
        )


def show_macros(screen: Screen, lib: MacroLibrary, label: str, chosen: Callable[[Macro], None]) -> None:
    """The fuzzy macro picker (shared with the ticket screen); a broken macro file is named in a notice."""
    for problem in lib.problems:
        screen.notify(f"Macro skipped: {problem}", severity="warning", markup=False, timeout=10)
    if not lib.macros:
        screen.notify("There are no macros (put NAME.toml files in macros/ in your config dir).", markup=False)
        return
    items = [PickerItem(m.name, m.title, m.describe()) for m in lib.macros]
    by_name = {m.name: m for m in lib.macros}
    screen.app.push_screen(
        PickerModal(f"Apply a macro to {label}", items, placeholder="a macro: words of its title", enter="applies it"),
        lambda choice: chosen(by_name[choice.value]) if choice is not None else None,
    )


def _macro_chosen(screen: QueueScreen, macro: Macro) -> None:
    from agent_tui.services.macros import apply_macro

    targets, label = _targets(screen)
    if not targets:
        return
    replies = screen.app.replies

    def go(send: bool) -> None:
        # Not recorded for undo: a macro may have sent replies, which no undo takes back.
        _run(screen, f"macro {macro.name}", lambda: (apply_macro(replies, macro, targets, send=send), False))

    if not screen.marked:
        go(False)  # one ticket: its reply is kept as the draft, to read before sending
        return
    answers = [("draft", "d", "Apply, replies as drafts"), ("cancel", "n", "Cancel")]
    if macro.template:
        answers.insert(0, ("send", "s", "Apply and send the replies"))
    else:
        answers[0] = ("draft", "y", "Apply")
    screen.app.push_screen(
        ConfirmModal(
            f"Apply {macro.title!r} to {label}?", answers, safe="cancel", details=[macro.describe(), _ids_line(targets)]
        ),
        lambda answer: go(answer == "send") if answer in ("send", "draft") else None,
    )
