"""The local store: one SQLite file per account, the only place the UI and the CLI read from.

One connection is shared by the UI's worker threads, serialised by a lock: SQLite work here is short
(milliseconds), and a single writer avoids ``database is locked`` between our own threads. Other
processes (a second agent-tui, a script running ``agent-tui set``) coordinate through WAL and the
busy timeout.

The reads and writes themselves are split by concern into mixins, one module each (``tickets``,
``messages``, ``lookups``, ``queue``, ``outbox``, ``metrics``; what they share is in ``base``), and put
together here as the one ``Store`` every caller uses. This module keeps what they all stand on: opening
and upgrading the file, transactions and savepoints, and turning SQLite's failures into sentences.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from agent_tui.domain.threading import normalise_subject
from agent_tui.errors import StoreError
from agent_tui.store.lookups import LookupsMixin
from agent_tui.store.merges import MergesMixin
from agent_tui.store.messages import MessagesMixin
from agent_tui.store.metrics import MetricsMixin
from agent_tui.store.outbox import OutboxMixin
from agent_tui.store.queue import QueueMixin
from agent_tui.store.schema import MIGRATIONS, SCHEMA_VERSION
from agent_tui.store.snooze import SnoozeMixin
from agent_tui.store.state import NamespacedState
from agent_tui.store.tickets import TicketsMixin

# How long to wait for another agent-tui holding the write lock before saying so. The longest holders
# measured: an upgrade of a 100,000-ticket store (about 1 s), an ingest batch of 500 messages (0.2 s);
# the margin is for slow disks.
BUSY_TIMEOUT = 15.0


class Store(TicketsMixin, MessagesMixin, LookupsMixin, QueueMixin, OutboxMixin, MetricsMixin, MergesMixin, SnoozeMixin):
    """All reads and writes of one account's SQLite file. Thread-safe; no UI, no network."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None) -> None:
        self._db = connection
        self._lock = threading.RLock()
        self._depth = 0
        self._damage: str | None = None  # the sentence, once a statement has met a damaged page
        self.path = path

    # -- opening ---------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str) -> Store:
        """Open the store at PATH, creating it only where no file exists: an empty file there is damage
        (a failed copy, a crash of the file system), and starting it afresh would hide every ticket."""
        path = Path(path)
        try:
            if not path.exists():
                _create(path)
            elif path.is_file() and path.stat().st_size == 0:
                raise StoreError(
                    f"The local store {path} is empty (0 bytes), which looks like damage; move it aside to start afresh, "
                    "or restore it from a backup."
                )
            connection = _connect(path)
            try:
                store = cls(connection, path)
                store._migrate()
            except BaseException:
                connection.close()
                raise
        except sqlite3.Error as error:
            raise _store_error(error, path) from None
        except OSError as error:
            raise StoreError(
                f"The local store {path} could not be created ({error.strerror}); check that its folder can be written."
            ) from None
        return store

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _migrate(self) -> None:
        """Bring the schema up to date. Other agent-tui processes may be opening the same store this moment,
        so the version is read again under the write lock, and every pending step commits together with the
        new version: whoever comes second finds the work done."""
        if self._schema_version() == SCHEMA_VERSION:
            return  # the usual case, without taking the write lock
        with self.transaction():
            for number in range(self._schema_version(), SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[number]):
                    self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _schema_version(self) -> int:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"The local store {self.path} was written by a newer agent-tui (schema {version}); upgrade "
                "agent-tui to open it."
            )
        return version

    def _failure(self, error: sqlite3.Error) -> StoreError:
        """The sentence for a failed statement. Damage is remembered: SQLite notices it only in the pages a
        statement reads, so a later write elsewhere would succeed on a store already known to be damaged."""
        failure = _store_error(error, self.path)
        if _is_damage(error):
            self._damage = str(failure)
        return failure

    def transaction(self) -> _Transaction:
        """A write transaction; nested calls join the outer one. Maps SQLite failures to StoreError."""
        return _Transaction(self)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Inside a transaction: undo just this block's writes if it raises (one bad item of a batch)."""
        with self.transaction():
            self._db.execute("SAVEPOINT item")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK TO item")
                self._db.execute("RELEASE item")
                raise
            self._db.execute("RELEASE item")

    def _read(self, sql: str, params: Sequence | dict = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as error:
                raise self._failure(error) from None

    # -- meta ------------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        rows = self._read("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def source_state(self, namespace: str) -> NamespacedState:
        """A source's own keys (its cursors), under ``namespace``: the one part of the store a source writes."""
        return NamespacedState(self, namespace)

    def data_version(self) -> int:
        """Changes whenever another connection (another agent-tui, a script) commits to this file."""
        return self._read("PRAGMA data_version")[0][0]


class _Transaction:
    """What ``Store.transaction`` returns: a class rather than a ``@contextmanager`` generator, because ingest
    enters about ten a message (nested ones join the outer), and the generator's overhead was 6% of a sync."""

    __slots__ = ("_store", "_outer")

    def __init__(self, store: Store) -> None:
        self._store = store
        self._outer = False

    def __enter__(self) -> None:
        store = self._store
        store._lock.acquire()
        self._outer = store._depth == 0
        store._depth += 1
        if self._outer:
            try:
                if store._damage:
                    raise StoreError(store._damage)
                store._db.execute("BEGIN IMMEDIATE")
            except BaseException as error:
                self._leave()
                if isinstance(error, sqlite3.Error):
                    raise store._failure(error) from None
                raise

    def __exit__(self, kind: type | None, error: BaseException | None, traceback: object) -> None:
        store = self._store
        try:
            if error is None:
                if not self._outer:
                    return
                try:
                    store._db.execute("COMMIT")
                    return
                except BaseException as failure:  # noqa: BLE001  # rolled back below, then re-raised as a sentence
                    error = failure
            if self._outer and store._db.in_transaction:
                try:
                    store._db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # what was not committed never reaches the file; the error that led here is the one to tell
            if isinstance(error, sqlite3.Error):
                raise store._failure(error) from None
            if kind is None:
                raise error  # COMMIT failed with something other than an SQLite error
        finally:
            self._leave()

    def _leave(self) -> None:
        self._store._depth -= 1
        self._store._lock.release()


def _statements(script: str) -> Iterator[str]:
    """Split a migration into statements (``executescript`` would commit the open transaction)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending
            pending = ""
    if pending.strip():
        yield pending


def _store_error(error: sqlite3.Error, path: Path | None) -> StoreError:
    text = str(error)
    code = _primary_code(error)
    if code == sqlite3.SQLITE_FULL or "full" in text:
        return StoreError(f"The disk holding {path} is full; free some space and try again (nothing was lost).")
    if _is_busy(error):
        return StoreError(f"Another agent-tui is writing this account's store {path}; try again in a moment.")
    if code == sqlite3.SQLITE_READONLY or "readonly" in text or "read-only" in text:
        return StoreError(f"The local store {path} is read-only; check its permissions.")
    if _is_damage(error):
        return StoreError(
            f"The local store {path} is damaged ({text}); restore it from a backup, or move it aside to start afresh."
        )
    if code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
        return StoreError(
            f"The local store {path} could not be opened ({text}); check the permissions of the file and its folder."
        )
    return StoreError(f"The local store {path} failed ({text}).", whole_store=False)


def _primary_code(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)  # None for errors raised by Python's sqlite3 module itself
    return None if code is None else code & 0xFF


def _is_busy(error: sqlite3.Error) -> bool:
    text = str(error)
    return _primary_code(error) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in text or "busy" in text


def _is_damage(error: sqlite3.Error) -> bool:
    """Pages that are not SQLite's: "database disk image is malformed", "file is not a database"."""
    return _primary_code(error) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT)
    try:
        _use_wal(connection)
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA foreign_keys=ON")
        connection.create_function("agent_tui_normalise_subject", 1, normalise_subject, deterministic=True)
    except BaseException:
        connection.close()
        raise
    return connection


def _use_wal(connection: sqlite3.Connection) -> None:
    """Switch to WAL, which lets readers go on while one process writes. Switching needs the file to itself,
    and SQLite reports another opener holding it as busy at once, without the busy timeout's wait: wait here."""
    deadline = time.monotonic() + BUSY_TIMEOUT
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _create(path: Path) -> None:
    """Make a new store beside PATH and give it PATH's name only once its schema is complete, so that
    another agent-tui opening PATH meanwhile finds no file or a whole store, never an empty one (which
    ``Store.open`` refuses as damage). Whoever links first wins; the others open the winner's store."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}-{os.urandom(4).hex()}.new")
    try:
        connection = _connect(draft)
        try:
            Store(connection, path)._migrate()
        finally:
            connection.close()
        try:
            os.link(draft, path)  # unlike a rename, never replaces a store another process has just made
        except OSError:
            pass  # it exists: open that one; or no hard links on this file system: Store.open makes it in place
    finally:
        for leftover in (draft, draft.with_name(draft.name + "-wal"), draft.with_name(draft.name + "-shm")):
            leftover.unlink(missing_ok=True)
