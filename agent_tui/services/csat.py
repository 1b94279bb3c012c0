"""Satisfaction ratings: a customer's reply to a survey, read as it is filed (ingest) and kept in the event log.

Only a reply whose ticket's latest agent message before it asked for a rating (``domain.csat.has_survey``)
is read, so a "5" in any other mail is never a rating. Replaying the same mail gives the same events.
"""

from __future__ import annotations

from agent_tui.domain.csat import has_survey, is_only_a_rating, parse_rating
from agent_tui.domain.models import Message
from agent_tui.store import Store
from agent_tui.store.merges import CSAT_EVENT


def record_rating(store: Store, ticket_id: int, message: Message) -> int | None:
    """Log the rating a customer's message gives, if it answers a survey in its ticket; returns it."""
    rating = parse_rating(message.text)  # cheap, and None for almost every message: the store is read after
    if rating is None:
        return None
    if not answers_a_survey(store, ticket_id, message):
        return None
    if not store.has_event(ticket_id, message.date, CSAT_EVENT, str(rating)):
        store.record_event(
            ticket_id, message.date, message.sender.name or message.sender.email, CSAT_EVENT, str(rating)
        )
    return rating


def answers_a_survey(store: Store, ticket_id: int, message: Message) -> bool:
    """Whether the message comes after an agent reply that asked for a rating (so it may be one)."""
    survey = store.last_agent_message_text(ticket_id, message.date)
    return survey is not None and has_survey(survey)


def is_a_thank_you(rated: int | None, message: Message) -> bool:
    """A rating given in answer to a survey, and nothing more: it does not reopen a solved ticket."""
    return rated is not None and is_only_a_rating(message.text)
