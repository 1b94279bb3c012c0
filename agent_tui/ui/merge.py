"""The ticket screen's merge: pick another open ticket of the same customer, confirm, merge (services.merge).

The ticket shown is merged into the one picked (its messages move there, it is closed pointing at it), and the
screen then shows the merged ticket. Kept apart from the ticket screen, which is long enough.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agent_tui.domain.models import Status
from agent_tui.domain.text import safe_line
from agent_tui.errors import AgentTuiError
from agent_tui.ui.modals import ConfirmModal
from agent_tui.ui.screens.picker import Picked, PickerItem, PickerModal

if TYPE_CHECKING:
    from agent_tui.ui.screens.ticket import TicketScreen


def start_merge(screen: TicketScreen) -> None:
    detail = screen.detail
    if detail is None:
        return
    ticket = detail.ticket
    targets = [row for row in detail.history if row.status is not Status.CLOSED]
    if not targets:
        screen.notify("The customer has no other open ticket to merge this one into.", markup=False)
        return
    items = [PickerItem(str(row.id), f"#{row.id} {row.subject}", row.status.value) for row in targets]

    def picked(choice: Picked | None) -> None:
        if choice is None:
            return
        into = int(choice.value)
        subject = next((row.subject for row in targets if row.id == into), "")
        screen.app.push_screen(
            ConfirmModal(
                f"Merge #{ticket.id} into #{into}?",
                [("merge", "y", "Merge"), ("keep", "n", "Keep them apart")],
                safe="keep",
                details=[
                    f"#{ticket.id}'s {ticket.message_count} messages join #{into} {safe_line(subject)}, keeping their dates.",
                    f"#{ticket.id} is closed, pointing at #{into}; mail to either lands in #{into}.",
                ],
            ),
            lambda answer: _merge(screen, ticket.id, into) if answer == "merge" else None,
        )

    screen.app.push_screen(
        PickerModal(
            f"Merge #{ticket.id} into another ticket of {safe_line(ticket.customer.display_name)}",
            items,
            placeholder="a number or words of the subject",
            enter="merges into it",
        ),
        picked,
    )


def _merge(screen: TicketScreen, ticket_id: int, into: int) -> None:
    from agent_tui.services.merge import merge_tickets

    def work() -> None:
        service = screen.service
        try:
            merge_tickets(service, ticket_id, into)
        except AgentTuiError as error:
            screen.app.call_from_thread(screen.notify, str(error), severity="error", markup=False)
            return
        try:
            service.share()
        except AgentTuiError as error:  # merged here all the same: the next sync shares it
            screen.app.call_from_thread(screen.notify, str(error), severity="warning", markup=False)
        screen.app.call_from_thread(screen.notify, f"Merged #{ticket_id} into #{into}.", markup=False)
        screen.app.call_from_thread(screen.load, into)

    screen.run_worker(work, thread=True, group="ticket-change", exit_on_error=False)
