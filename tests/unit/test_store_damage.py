"""Opening the store when it is shared or broken: agent-tui processes racing to create or upgrade it, a
lock held too long, an empty or damaged file. The races run real processes through the CLI's ``main``."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import pytest

from agent_tui.cli import main
from agent_tui.domain.models import Address, Author, Customer, Message, Status
from agent_tui.errors import StoreError
from agent_tui.store import Store
from agent_tui.store.db import _statements
from agent_tui.store.schema import MIGRATIONS, SCHEMA_VERSION
from tests.conftest import NOW, NOW_ISO

REPO = Path(__file__).resolve().parents[2]
PROCESSES = 5
ROUNDS = 4

# Each child imports everything first, then waits for the go file, so that the processes reach the store
# together (process start-up alone spreads them over a few hundred milliseconds and hides the race).
_CHILD = r"""
import os, sys, time
from agent_tui.cli import main
import agent_tui.services.accounts, agent_tui.services.ingest, agent_tui.sources.local
ready, go = sys.argv[1], sys.argv[2]
open(ready, "w").close()
while not os.path.exists(go):
    time.sleep(0.001)
sys.exit(main(sys.argv[3:]))
"""


def cli(home, *args, capsys):
    code = main(["--home", str(home), "--now", NOW_ISO, *args])
    out, err = capsys.readouterr()
    return code, out, err


def store_file(home: Path) -> Path:
    return home / "data" / "accounts" / "shop" / "store.sqlite3"


def eml(folder: Path, number: int) -> Path:
    message = EmailMessage()
    message["From"], message["To"] = f"Customer {number} <c{number}@example.com>", "support@shop.example"
    message["Subject"], message["Message-ID"] = f"Order {number}", f"<order{number}@example.com>"
    message["Date"] = "Mon, 02 Nov 2026 09:00:00 +0000"
    message.set_content(f"Where is order {number}?")
    path = folder / f"{number}.eml"
    path.write_bytes(message.as_bytes())
    return path


def ingest_at_once(home: Path, files: list[Path]) -> list[tuple[int, str]]:
    """`agent-tui ingest FILE` for every file, in as many processes released at the same moment."""
    go = home / "go"
    children = []
    for number, path in enumerate(files):
        ready = home / f"ready{number}"
        children.append(
            (
                ready,
                subprocess.Popen(
                    [
                        sys.executable,
                        "-c",
                        _CHILD,
                        str(ready),
                        str(go),
                        "--home",
                        str(home),
                        "--now",
                        NOW_ISO,
                        "ingest",
                        str(path),
                    ],
                    cwd=REPO,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
            )
        )
    while not all(ready.exists() or child.poll() is not None for ready, child in children):
        time.sleep(0.005)
    go.touch()
    return [(child.wait(), child.stderr.read()) for _, child in children]


def subjects(home: Path, capsys) -> set[str]:
    code, out, err = cli(home, "list", "--view", "all", "--json", capsys=capsys)
    assert code == 0, err
    return {ticket["subject"] for ticket in json.loads(out)}


def test_processes_ingesting_into_a_store_not_yet_created_all_succeed(home, capsys):
    """Issue 18.4: right after `account add`, every racing `ingest` used to create the schema itself; all
    but one failed ("table meta already exists", "duplicate column name", "database is locked")."""
    for round_ in range(ROUNDS):
        round_home = home / f"round{round_}"
        assert cli(round_home, "account", "add", "shop", "--local", capsys=capsys)[0] == 0
        assert not store_file(round_home).exists()
        files = [eml(round_home, number) for number in range(PROCESSES)]
        results = ingest_at_once(round_home, files)
        assert [code for code, _ in results] == [0] * PROCESSES, [err for _, err in results]
        assert subjects(round_home, capsys) == {f"Order {number}" for number in range(PROCESSES)}


def old_store(path: Path, version: int) -> None:
    """A store as an older agent-tui left it: the first VERSION migrations, and the rollback journal that a
    copy (``VACUUM INTO``, a restore) has, so the openers also race to switch it to WAL."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = sqlite3.connect(path, isolation_level=None)
    raw.create_function("agent_tui_normalise_subject", 1, lambda subject: subject, deterministic=True)
    raw.execute("BEGIN")
    for migration in MIGRATIONS[:version]:
        for statement in _statements(migration):
            raw.execute(statement)
    raw.execute(f"PRAGMA user_version = {version}")
    raw.execute("COMMIT")
    raw.close()


def test_processes_opening_an_older_store_at_once_upgrade_it_once(home, capsys):
    """The last migration adds a column, so applying it twice fails ("duplicate column name"): each
    process must read the version again once it holds the write lock."""
    for round_ in range(ROUNDS):
        round_home = home / f"round{round_}"
        assert cli(round_home, "account", "add", "shop", "--local", capsys=capsys)[0] == 0
        old_store(store_file(round_home), SCHEMA_VERSION - 1)
        files = [eml(round_home, number) for number in range(PROCESSES)]
        results = ingest_at_once(round_home, files)
        assert [code for code, _ in results] == [0] * PROCESSES, [err for _, err in results]
        assert subjects(round_home, capsys) == {f"Order {number}" for number in range(PROCESSES)}
        raw = sqlite3.connect(store_file(round_home))
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        raw.close()


def test_a_store_locked_longer_than_the_wait_says_another_agent_tui_is_writing(tmp_path, monkeypatch):
    from agent_tui.store import db

    monkeypatch.setattr(db, "BUSY_TIMEOUT", 0.2)  # the real wait is long; the message is what is tested
    path = tmp_path / "store.sqlite3"
    old_store(path, SCHEMA_VERSION)  # not in WAL mode yet: opening it needs the file to itself
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    with pytest.raises(StoreError) as opening:
        Store.open(path)
    holder.execute("ROLLBACK")
    store = Store.open(path)
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(StoreError) as writing:
        store.set_meta("key", "value")
    holder.execute("ROLLBACK")
    store.close()
    holder.close()
    for error in (opening.value, writing.value):
        assert str(error) == f"Another agent-tui is writing this account's store {path}; try again in a moment."


def test_an_empty_store_file_is_refused_not_started_afresh(home, capsys):
    assert cli(home, "account", "add", "shop", "--local", capsys=capsys)[0] == 0
    path = store_file(home)
    path.parent.mkdir(parents=True)
    path.touch()
    code, out, err = cli(home, "list", "--json", capsys=capsys)
    assert (code, out) == (1, "")
    assert err == (
        f"agent-tui: The local store {path} is empty (0 bytes), which looks like damage; move it aside to start"
        " afresh, or restore it from a backup.\n"
    )
    assert path.stat().st_size == 0  # left as found


def test_a_file_that_is_not_a_store_is_called_damaged(home, capsys):
    assert cli(home, "account", "add", "shop", "--local", capsys=capsys)[0] == 0
    path = store_file(home)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00garbage" * 1000)
    code, out, err = cli(home, "list", capsys=capsys)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and f"The local store {path} is damaged" in err
    assert "permissions" not in err and "Traceback" not in err


def smash(path: Path, name: str) -> None:
    """Overwrite the root page of table or index NAME with garbage, as a failing disk or a bad copy would."""
    raw = sqlite3.connect(path)
    page_size = raw.execute("PRAGMA page_size").fetchone()[0]
    (root,) = raw.execute("SELECT rootpage FROM sqlite_schema WHERE name = ?", (name,)).fetchone()
    raw.close()
    with path.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\xde\xad\xbe\xef" * (page_size // 4))


def test_a_write_that_meets_a_damaged_page_fails_and_changes_nothing(home, tmp_path, capsys):
    """A change of status updates the status index: with that index damaged the write must fail with a
    sentence and exit 1, and the ticket (read through its intact table) must be unchanged."""
    assert cli(home, "account", "add", "shop", "--local", capsys=capsys)[0] == 0
    assert cli(home, "ingest", *map(str, (eml(tmp_path, number) for number in range(3))), capsys=capsys)[0] == 0
    smash(store_file(home), "tickets_by_status")
    code, out, err = cli(home, "set", "1001", "--status", "solved", capsys=capsys)
    assert (code, out) == (1, "")
    assert err == (
        f"agent-tui: The local store {store_file(home)} is damaged (database disk image is malformed);"
        " restore it from a backup, or move it aside to start afresh.\n"
    )
    code, out, err = cli(home, "show", "1001", "--json", capsys=capsys)
    assert code == 0, err
    assert json.loads(out)["status"] == "new"


def test_once_a_read_meets_damage_the_store_refuses_writes(tmp_path):
    """SQLite only notices damage in the pages a statement reads, so a write elsewhere would succeed on a
    store already known to be damaged (the TUI keeps one open): it is refused instead."""
    path = tmp_path / "store.sqlite3"
    store = Store.open(path)
    ticket = store.create_ticket(subject="Parcel", customer=Customer("ann@example.com", "Ann"), created_at=NOW)
    store.add_message(
        ticket, Message(Author.CUSTOMER, Address("ann@example.com", "Ann"), NOW, "Where is it?", subject="Parcel")
    )
    store.close()
    smash(path, "messages")
    store = Store.open(path)
    with pytest.raises(StoreError, match="is damaged"):
        store.messages(ticket)
    with pytest.raises(StoreError, match="is damaged"):
        store.set_status(ticket, Status.SOLVED, NOW, None)
    store.close()
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT status FROM tickets WHERE id = ?", (ticket,)).fetchone()[0] == "new"
    raw.close()


def test_ingest_into_a_damaged_store_stops_with_one_sentence_not_a_failure_per_message(home, tmp_path, capsys):
    """Damage is the store's, not the message's: ingest stops (exit 1) instead of calling each message bad (exit 2)."""
    assert cli(home, "account", "add", "shop", "--local", capsys=capsys)[0] == 0
    assert cli(home, "ingest", *map(str, (eml(tmp_path, number) for number in range(3))), capsys=capsys)[0] == 0
    smash(store_file(home), "tickets_by_status")
    code, _, err = cli(home, "ingest", *map(str, (eml(tmp_path, number) for number in range(3, 6))), capsys=capsys)
    assert code == 1
    assert err.count("\n") == 1 and "is damaged" in err
