"""The local SQLite store."""

from agent_tui.store.base import from_epoch, to_epoch
from agent_tui.store.db import Store
from agent_tui.store.outbox import OutboxEntry

__all__ = ["OutboxEntry", "Store", "from_epoch", "to_epoch"]
