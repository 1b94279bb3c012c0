"""Satisfaction ratings: a customer's reply to a survey, read as it is filed (ingest) and kept in the event log.

Only a reply whose ticket's latest agent message before it asked for a rating (``domain.csat.has_survey``)
is read, so a "5" in any other mail is never a rating. Replaying the same mail gives the same events.
"""

from __future__ import annotations

from collections.abc import Callable

from agent_tui.domain.csat import has_survey, parse_rating
from agent_tui.domain.models import Message
from agent_tui.store import Store
from agent_tui.store.merges import CSAT_EVENT


def record_rating(store: Store, ticket_id: int, message: Message) -> int | None:
    """Log the rating a customer's message gives, if it answers a survey in its ticket; returns it."""
    rating = parse_rating(message.text)  # cheap, and None for almost every message: the store is read after
    if rating is None:
        return None
    survey = store.last_agent_message_text(ticket_id, message.date)
    if survey is None or not has_survey(survey):
        return None
    if not store.has_event(ticket_id, message.date, CSAT_EVENT, str(rating)):
        store.record_event(
            ticket_id, message.date, message.sender.name or message.sender.email, CSAT_EVENT, str(rating)
        )
    return rating


def record_rating_at(store: Store, source_ref: str, message: Message, own: Callable[[], set[str]]) -> None:
    """The same, for a message filed from its headers whose body just came: a customer's (not from ``own()``,
    the team's addresses, read only when the text is a rating)."""
    if parse_rating(message.text) is None or message.sender.email.lower() in own():
        return
    ticket_id = store.ticket_for_source_ref(source_ref)
    if ticket_id is not None:
        record_rating(store, ticket_id, message)
