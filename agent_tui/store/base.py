"""What every part of the store shares: how a moment is stored (whole seconds since the epoch, UTC), and
the few members of ``Store`` that its parts use, declared once so each part type-checks on its own.

``Store`` is one class put together from mixins, one module a concern (tickets, messages, lookups, the
queue, drafts and the outbox, metrics), because its 78 methods in one file were too many to find a way
through. The mixins keep no state of their own: the connection, its lock and the transactions are
``db.Store``'s.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING


def to_epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


class StoreBase:
    """What the mixins use of ``Store``, which provides it (``db.Store``): the connection, a read that maps
    SQLite failures to StoreError, and write transactions (nested ones join the outer)."""

    _db: sqlite3.Connection

    if TYPE_CHECKING:  # declared for mypy only, so that nothing here stands in front of Store's own

        def transaction(self) -> AbstractContextManager[None]: ...

        def _read(self, sql: str, params: Sequence | dict = ()) -> list[tuple]: ...
