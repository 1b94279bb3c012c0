"""The ticket screen's attachments (show the message, save to a directory, open with the system's opener) and
its forward (to an address, with an optional note). Kept apart from the ticket screen, which is long enough.

Saving and opening use the service's safe names (services.attachments); the opener is run with an argument
list, never through a shell, in a worker thread.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from agent_tui.domain.text import safe_line
from agent_tui.errors import AgentTuiError
from agent_tui.ui.modals import ChoiceModal, PromptModal

if TYPE_CHECKING:
    from agent_tui.services.attachments import AttachmentFile
    from agent_tui.ui.screens.ticket import TicketScreen

OPENERS = ("xdg-open", "open")  # Linux and the BSDs, macOS


def default_directory() -> Path:
    """Where a saved attachment goes unless the agent says otherwise: ~/Downloads, else the current directory."""
    downloads = Path.home() / "Downloads"
    return downloads if downloads.is_dir() else Path.cwd()


def attachment_chosen(screen: TicketScreen, number: int, message_index: int) -> None:
    """The agent picked the ``number``-th attachment of the ticket (from 1): show, save or open it."""

    def chosen(answer: str | None) -> None:
        if answer == "show":
            screen.show_message(message_index)
        elif answer == "save":
            screen.app.push_screen(
                PromptModal("Save to directory", "a directory; made if missing", str(default_directory())),
                lambda where: _run(screen, number, Path(where).expanduser(), False) if where else None,
            )
        elif answer == "open":
            _run(screen, number, None, True)

    screen.app.push_screen(
        ChoiceModal(
            "Attachment",
            [("save", "Save to a directory…"), ("open", "Open with the system's opener"), ("show", "Show its message")],
        ),
        chosen,
    )


def _run(screen: TicketScreen, number: int, directory: Path | None, open_it: bool) -> None:
    ticket_id = screen.ticket_id

    def work() -> None:
        from agent_tui.services.attachments import save_files, ticket_files

        try:
            files = ticket_files(screen.service, ticket_id)
            if not 1 <= number <= len(files):
                raise AgentTuiError(f"Ticket {ticket_id} no longer has that attachment; look again with the list.")
            file = files[number - 1]
            if file.data is None:
                raise AgentTuiError(
                    f"{safe_line(file.attachment.filename)}: its content was not kept here, so it can't be "
                    "saved or opened."
                )
            opener = _opener() if open_it else None
            if open_it and opener is None:
                raise AgentTuiError(
                    "No program to open files with was found (xdg-open or open); save the file instead."
                )
            target = directory if directory is not None else Path(tempfile.mkdtemp(prefix="agent-tui-"))
            saved = save_files([file], target)[0]
        except AgentTuiError as error:
            screen.app.call_from_thread(screen.notify, str(error), severity="error", markup=False)
            return
        assert saved is not None
        if opener is None:
            screen.app.call_from_thread(screen.notify, f"Saved {safe_line(str(saved))}.", markup=False)
            return
        _open(screen, opener, saved, file)

    screen.run_worker(work, thread=True, group="ticket-attachment", exit_on_error=False)


def _opener() -> str | None:
    return next((found for name in OPENERS if (found := shutil.which(name))), None)


def _open(screen: TicketScreen, opener: str, path: Path, file: AttachmentFile) -> None:
    try:
        result = subprocess.run(  # an argument list: the file's name never reaches a shell
            [opener, str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        said = f"{Path(opener).name} could not open {safe_line(file.safe_name)} ({error}); it is saved at {path}."
        screen.app.call_from_thread(screen.notify, said, severity="error", markup=False)
        return
    if result.returncode != 0:
        said = f"{Path(opener).name} exited with {result.returncode}; the file is saved at {safe_line(str(path))}."
        screen.app.call_from_thread(screen.notify, said, severity="warning", markup=False)
        return
    screen.app.call_from_thread(screen.notify, f"Opened {safe_line(file.safe_name)}.", markup=False)


# -- forward ---------------------------------------------------------------------------------------


def start_forward(screen: TicketScreen) -> None:
    """Ask for the address(es), then an optional note, and forward the conversation with its attachments."""
    ticket_id = screen.ticket_id

    def addressed(to: str | None) -> None:
        if not to:
            return
        screen.app.push_screen(
            PromptModal("A note above the forwarded text (optional)", "Enter alone: no note"),
            lambda note: _forward(screen, ticket_id, to, note) if note is not None else None,
        )

    screen.app.push_screen(
        PromptModal(f"Forward #{ticket_id} to", "an address, or several, comma-separated"), addressed
    )


def _forward(screen: TicketScreen, ticket_id: int, to_text: str, note: str) -> None:
    def work() -> None:
        from agent_tui.services.replies import parse_addresses

        replies = screen.app.replies
        try:
            to = parse_addresses([to_text], "Forward to")
            message = replies.forward(ticket_id, to, note)
        except AgentTuiError as error:
            screen.app.call_from_thread(screen.notify, str(error), severity="error", markup=False)
            return
        source = replies.service.source
        recipients = ", ".join(safe_line(a.email) for a in message.to)
        if source is not None and source.capabilities.send:
            said = f"Forwarded #{ticket_id} to {recipients}."
        else:
            said = (
                f"Forward of #{ticket_id} to {recipients} recorded (this account has no mail server: nothing was sent)."
            )
        screen.app.call_from_thread(screen.notify, said, markup=False)
        screen.app.call_from_thread(screen.load, ticket_id)

    screen.run_worker(work, thread=True, group="ticket-change", exit_on_error=False)
