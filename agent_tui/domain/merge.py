"""Merging one ticket into another: the rules, and the note the merged ticket keeps. Pure.

The first ticket's messages join the second (keeping their dates); the first is closed, pointing at the
second, and mail that would have reached it (its ``[#ID]`` token) reaches the second instead.
"""

from __future__ import annotations

from agent_tui.domain.models import Status, Ticket
from agent_tui.errors import UsageError

MERGED_EVENT = "merged"  # logged on the merged ticket: the value is the id it was merged into
MERGED_FROM_EVENT = "merged_from"  # logged on the ticket it was merged into: the merged ticket's id
MAX_HOPS = 20  # a redirect chain longer than this is a loop (never made here; a hand-edited store might)


def merge_note(target_id: int) -> str:
    return f"merged into #{target_id}"


def check_merge(ticket: Ticket, into: Ticket, *, merged_into: int | None, force: bool = False) -> None:
    """Raise UsageError, in one sentence, when ``ticket`` may not be merged into ``into``.

    ``merged_into``: where ``ticket`` was merged before, if it was."""
    if ticket.id == into.id:
        raise UsageError(f"Ticket {ticket.id} can't be merged into itself.")
    if merged_into is not None:
        raise UsageError(f"Ticket {ticket.id} was already merged into #{merged_into}.")
    if into.status is Status.CLOSED:
        raise UsageError(f"Ticket {into.id} is closed; merge into an open ticket (or reopen #{into.id} first).")
    if ticket.customer.email.lower() != into.customer.email.lower() and not force:
        raise UsageError(
            f"Tickets {ticket.id} and {into.id} are from different customers ({ticket.customer.email}, "
            f"{into.customer.email}); give --force to merge them anyway."
        )
