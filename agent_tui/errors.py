"""One exception tree for everything the user may see.

Each error carries one plain sentence for the user (what went wrong and what to do) and the exit
code the CLI contract assigns to it: 1 failure, 2 usage or bad input, 3 refused by the collision guard.
The CLI and the TUI print ``str(error)`` and nothing else: never a traceback.
"""

from __future__ import annotations


class AgentTuiError(Exception):
    """Base of every error meant for the user."""

    exit_code = 1


class UsageError(AgentTuiError):
    """The command line, a config file or an input was wrong."""

    exit_code = 2


class ConfigError(UsageError):
    """A config or keymap file is invalid; the message names the file and line."""


class NotFoundError(UsageError):
    """The ticket, account or template asked for does not exist."""


class StoreError(AgentTuiError):
    """The local store could not be read or written (disk full, permissions, corruption).

    ``whole_store`` is false only for a failure one piece of input may have caused (a constraint it broke):
    ingest then fails that item alone and goes on; any other failure stops it, keeping what was stored."""

    def __init__(self, message: str, *, whole_store: bool = True) -> None:
        super().__init__(message)
        self.whole_store = whole_store


class SourceError(AgentTuiError):
    """A mail server or help-desk API could not be reached or refused the request."""


class DeliveryUncertain(SourceError):
    """A reply may or may not have reached the mail server: agent-tui stopped (or the line dropped) while the
    server was taking it. It is held, never sent again on its own: the agent decides."""


class CollisionError(AgentTuiError):
    """Refused because someone else changed or holds the ticket."""

    exit_code = 3
