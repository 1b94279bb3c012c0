"""Merging a ticket into another (``agent-tui merge``, the ticket screen's merge key), and the merges teammates
made, seen in a sync.

The merged ticket's messages move to the target keeping their dates (so they thread there: a customer's reply
to any of them lands in the target), the target's SLA clocks are computed again, and the merged ticket is
closed with a ``merged`` event naming the target, which ingest follows for the merged ticket's ``[#ID]``
token. Shared with the team where the source can hold it (``Capabilities.merge``: IMAP keywords); on other
shared sources it is refused rather than made here only.
"""

from __future__ import annotations

from collections.abc import Sequence

from agent_tui.domain.merge import MERGED_EVENT, MERGED_FROM_EVENT, check_merge
from agent_tui.domain.models import Status, Ticket
from agent_tui.errors import UsageError
from agent_tui.services.tickets import TEAM_ACTOR, TicketService
from agent_tui.sources.items import StateSeen


def merge_tickets(service: TicketService, ticket_id: int, into_id: int, *, force: bool = False) -> Ticket:
    """Merge ``ticket_id`` into ``into_id``; returns the target. UsageError (nothing changed) when the rules
    refuse it (``domain.merge.check_merge``) or the account's shared source can't hold a merge."""
    store = service.store
    ticket, into = store.ticket(ticket_id), store.ticket(into_id)
    check_merge(ticket, into, merged_into=store.merged_into(ticket_id), force=force)
    source = service.source
    if service.shares_state and source is not None and not source.capabilities.merge:
        raise UsageError(
            f"A {source.kind} account can't merge tickets from agent-tui yet; merge #{ticket_id} into #{into_id} "
            f"in {source.kind} itself, and the next sync shows it here."
        )
    with store.transaction():
        _merge(service, ticket, into_id, service.me.name, share=True)
    return store.ticket(into_id)


def merge_from_team(service: TicketService, ticket_id: int, into_id: int) -> bool:
    """A teammate merged ``ticket_id`` into ``into_id`` (seen on the source); True if it was merged here now.
    A ticket merged here already (into that one, or, made at the same moment, into another) stays as it is."""
    store = service.store
    if not store.ticket_exists(into_id) or store.merged_into(ticket_id) is not None:
        return False
    into_id = store.merge_target(into_id)  # the target merged on here too (a chain of merges): where it went
    if ticket_id == into_id:
        return False
    with store.transaction():
        _merge(service, store.ticket(ticket_id), into_id, TEAM_ACTOR, share=False)
    return True


def _merge(service: TicketService, ticket: Ticket, into_id: int, actor: str | None, *, share: bool) -> None:
    store, now = service.store, service.now()
    last = store.last_status_change(ticket.id)
    at = max(now, last.at) if last else now
    store.move_messages(ticket.id, into_id)
    store.record_event(ticket.id, at, actor, MERGED_EVENT, str(into_id))
    store.record_event(into_id, at, actor, MERGED_FROM_EVENT, str(ticket.id))
    if ticket.status is not Status.CLOSED:
        service.record_status(ticket.id, Status.CLOSED, at, actor, share=share)
    service.refresh_sla_many([ticket.id, into_id])
    if share:
        _share_target(service, ticket, into_id)


def _share_target(service: TicketService, merged: Ticket, into_id: int) -> None:
    """The target's whole state goes out again: on a mailbox it is written on every message it now has,
    the merged ticket's included (their old state, and tags, must not come back as the target's)."""
    into = service.store.ticket(into_id)
    service._mark_for_sharing(into_id, status=True, assignee=True, priority=True)
    for tag in into.tags:
        service._mark_for_sharing(into_id, tag=(tag, True))
    for tag in set(merged.tags) - set(into.tags):
        service._mark_for_sharing(into_id, tag=(tag, False))


def merges_seen(service: TicketService, seen: Sequence[StateSeen]) -> int:
    """Merges teammates made, read on the source with ticket states (a merged ticket's first message names
    its target); each is made here too. Returns how many were new here."""
    merged, store = 0, service.store
    for state in seen:
        if state.state.merged_into is None:
            continue
        hint = state.ticket_hint
        ticket_id = hint if hint is not None and store.ticket_exists(hint) else store.ticket_for_source_ref(state.ref)
        if ticket_id is not None and merge_from_team(service, ticket_id, state.state.merged_into):
            merged += 1
    return merged
