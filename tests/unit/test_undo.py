"""Taking a change back (ui/undo.py) through the tickets service, on the demo's store: a snooze comes back with
its wake time, and a change that can't be taken back is named while the rest of its group is."""

from datetime import timedelta

from agent_tui.domain.models import Status
from agent_tui.ui.undo import Change, UndoStack, change_recorded, field_value, undo_last
from tests.conftest import NOW
from tests.ui.test_queue_and_ticket import service_for


def test_undoing_a_reopen_brings_back_the_snooze_and_its_wake_time(home):
    service = service_for(home)
    try:
        wake = NOW + timedelta(days=1)
        service.set_status(1044, Status.ON_HOLD, wake)
        stack = UndoStack()
        assert change_recorded(service, stack, 1044, "status", lambda: service.set_status(1044, Status.OPEN), "open")
        said, severity = undo_last(service, stack)
        ticket = service.ticket(1044)
        assert (ticket.status, ticket.snoozed_until) == (Status.ON_HOLD, wake)
        assert severity == "information" and said.startswith("Undone on #1044: open; it is on-hold again until")
    finally:
        service.close()


def test_a_change_that_cannot_be_taken_back_is_named_and_the_rest_of_its_group_is_undone(home):
    service = service_for(home)
    try:
        before = field_value(service.ticket(1041), "status")
        service.set_status(1041, Status.PENDING)
        stack = UndoStack()
        gone = Change(999_999, "status", (Status.OPEN, None), (Status.PENDING, None), "pending")  # no such ticket
        stack.push([gone, Change(1041, "status", before, field_value(service.ticket(1041), "status"), "pending")])
        said, severity = undo_last(service, stack)
        assert field_value(service.ticket(1041), "status") == before
        assert severity == "warning" and "#999999 not undone (pending)" in said and "Undone on #1041" in said
    finally:
        service.close()
