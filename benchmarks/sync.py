"""IMAP sync against a local Dovecot, next to mbsync (run by hand as root; prints a table, never in CI).

    python benchmarks/sync.py [N ...]      # default 20,000 messages; e.g. `sync.py 20000 100000`

Needs Dovecot (`./dev test` installs it) and mbsync (`apt-get install -y isync`). For each N it starts a
throwaway Dovecot (tests/servers/dovecot.py), imports an mbox of N generated messages (benchmarks/ingest.py:
threads, English and Chinese, 10% small attachments) into INBOX with `doveadm import`, and measures:

- queue usable s: from starting that first `agent-tui sync` until every message is in the store, from its
  headers (the store is polled every 20 ms, so up to 20 ms late): the queue, filter and threads work from here;
- initial s: `agent-tui sync` into a fresh home, wall clock from process start to exit, bodies and search index
  included; msg/s is N / that;
- peak MB: that child's max RSS (measured by a small wrapper around just that process, so per run);
- resync s: `agent-tui sync` again with nothing changed on the server;
- +10 flags s: after another connection adds \\Flagged to 10 messages: the cost of noticing flag changes
  (a sync that does not ask for them with CONDSTORE finds nothing new, so this is just the cost of looking);
- +10 new s: after another connection APPENDs 10 new messages;
- warm resync s / warm +10 flags s: the same two syncs (flags taken off again for the second) run by
  `cli.main` in a Python that has already started and imported agent-tui: the sync's own time, without the
  ~0.15 s a new process spends starting Python and importing (children run from compiled modules, as an
  installed agent-tui does, even where PYTHONDONTWRITEBYTECODE is set);
- mbsync s / mbsync resync s: `mbsync -a` (isync, FSync no) of the same INBOX into a fresh Maildir, then
  again with nothing changed (after a 1.1 s pause: mbsync waits out a Maildir changed in the last second).
  It is the floor for a plain IMAP-to-disk copy: no parsing, threading or database.
Every figure is one run, process start included. Temp folders are under /tmp (the mail user must traverse them).
"""

from __future__ import annotations

import imaplib
import json
import mailbox
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.ingest import write_mbox  # noqa: E402  # importable once the path is set
from tests.servers.dovecot import Dovecot  # noqa: E402

AGENT = "Bench <bench@shop.example>"
# Runs the command (argv[3:]) as its only child, its stdout and stderr to the files argv[2] and argv[2].err,
# and writes the child's exit code, wall time and max RSS (KiB) as JSON to argv[1].
_WRAPPER = r"""
import json, resource, subprocess, sys, time
with open(sys.argv[2], "wb") as out, open(sys.argv[2] + ".err", "wb") as err:
    started = time.perf_counter()
    code = subprocess.run(sys.argv[3:], stdout=out, stderr=err).returncode
    elapsed = time.perf_counter() - started
with open(sys.argv[1], "w") as figures:
    json.dump({"code": code, "seconds": elapsed, "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}, figures)
"""


def measured(command: list[str], scratch: Path, env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run command once; return (seconds, peak MB, stdout) of that process alone. Raises with its stderr on failure."""
    figures, output = scratch / "figures.json", scratch / "output"
    subprocess.run([sys.executable, "-c", _WRAPPER, str(figures), str(output), *command], env=env, check=True)
    result = json.loads(figures.read_text())
    if result["code"] != 0:
        stderr = Path(f"{output}.err").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"{' '.join(command)} exited {result['code']}:\n{stderr}")
    return result["seconds"], result["maxrss_kb"] / 1024, output.read_text(errors="replace")


def load_inbox(server: Dovecot, scratch: Path, count: int) -> None:
    source = scratch / "source"
    source.mkdir()
    source.chmod(0o755)  # doveadm reads the mbox as the mail user
    write_mbox(source / "inbox", count)
    (source / "inbox").chmod(0o644)
    location = f"mbox:{source}:INBOX={source / 'inbox'}:INDEX=MEMORY"
    doveadm(server, "import", "-u", "support", location, "", "all")
    status = doveadm(server, "mailbox", "status", "-u", "support", "messages", "INBOX")
    if status.strip() != f"INBOX messages={count}":
        raise RuntimeError(f"doveadm import loaded {status.strip()!r}, expected {count} messages")
    shutil.rmtree(source)


def doveadm(server: Dovecot, *args: str) -> str:
    return subprocess.run(
        ["doveadm", "-c", str(server.dir / "dovecot.conf"), *args], check=True, capture_output=True, text=True
    ).stdout


def imap(server: Dovecot) -> imaplib.IMAP4:
    connection = imaplib.IMAP4("127.0.0.1", server.port)
    connection.login("support", "secret")
    return connection


def flag_ten(server: Dovecot, change: str = "+FLAGS.SILENT") -> None:
    """Flag (or with ``-FLAGS.SILENT``, unflag) 10 messages spread over INBOX, from another connection."""
    connection = imap(server)
    try:
        connection.select("INBOX")
        _, data = connection.uid("SEARCH", "ALL")
        uids = data[0].split()
        step = max(1, len(uids) // 10)
        chosen = b",".join(uids[::step][:10]).decode()
        status, _ = connection.uid("STORE", chosen, change, r"(\Flagged)")
        assert status == "OK", status
    finally:
        connection.logout()


def append_ten(server: Dovecot, scratch: Path) -> None:
    small = scratch / "ten.mbox"
    write_mbox(small, 10)
    connection = imap(server)
    try:
        for message in mailbox.mbox(small):
            status, _ = connection.append("INBOX", "", imaplib.Time2Internaldate(time.time()), message.as_bytes())
            assert status == "OK", status
    finally:
        connection.logout()


def agent_tui(home: Path) -> list[str]:
    cli = Path(sys.executable).with_name("agent-tui")
    return [
        str(cli) if cli.exists() else sys.executable,
        *([] if cli.exists() else ["-m", "agent_tui"]),
        "--home",
        str(home),
    ]


def add_account(server: Dovecot, home: Path, env: dict[str, str]) -> None:
    subprocess.run(
        [
            *agent_tui(home),
            "account",
            "add",
            "bench",
            "--imap",
            f"127.0.0.1:{server.port}",
            "--smtp",
            "127.0.0.1:25",
            "--user",
            "support",
            "--tls",
            "none",
            "--password-command",
            "echo secret",
        ],
        env=env,
        check=True,
        capture_output=True,
    )


def sync_once(home: Path, scratch: Path, env: dict[str, str]) -> tuple[float, float, dict]:
    """One timed `agent-tui sync --json`: (seconds, peak MB, its report)."""
    seconds, peak, output = measured([*agent_tui(home), "sync", "--json"], scratch, env)
    return seconds, peak, json.loads(output)


def first_sync(home: Path, scratch: Path, env: dict[str, str], count: int) -> tuple[float, float, float, dict]:
    """The first sync, timed, while its store is watched (every 20 ms, read-only) for the moment all ``count``
    messages are in it, their headers at least: what a queue reads. (usable s, seconds, peak MB, report)"""
    store = home / "data" / "accounts" / "bench" / "store.sqlite3"
    usable = float("nan")
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(measured, [*agent_tui(home), "sync", "--json"], scratch, env)
        while not running.done():
            if usable != usable and messages_in(store) >= count:
                usable = time.perf_counter() - started
            time.sleep(0.02)
        seconds, peak, output = running.result()
    return usable, seconds, peak, json.loads(output)


# One `agent-tui sync --json` in a Python that has already started and imported agent-tui: the sync's own
# time, without the 0.15 s a new process spends starting Python and importing. Prints the seconds.
_WARM_SYNC = r"""
import contextlib, io, sys, time
from agent_tui.cli import main
import agent_tui.sources.imap, agent_tui.services.sync
started = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["--home", sys.argv[1], "sync", "--json"])
print(time.perf_counter() - started if code == 0 else float("nan"))
"""


def warm_sync(home: Path, env: dict[str, str]) -> float:
    done = subprocess.run(
        [sys.executable, "-c", _WARM_SYNC, str(home)], env=env, check=True, capture_output=True, text=True
    )
    return float(done.stdout.strip().splitlines()[-1])


def messages_in(store: Path) -> int:
    try:
        with closing(sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=0.01)) as db:
            return db.execute("SELECT count(*) FROM messages").fetchone()[0]
    except sqlite3.Error:
        return 0  # not created yet, or busy for a moment


def mbsync_rc(server: Dovecot, scratch: Path) -> Path:
    maildir = scratch / "maildir"
    maildir.mkdir()
    rc = scratch / "mbsyncrc"
    rc.write_text(f"""FSync no

IMAPAccount bench
Host 127.0.0.1
Port {server.port}
User support
Pass secret
SSLType None
AuthMechs LOGIN

IMAPStore bench-far
Account bench

MaildirStore bench-near
Path {maildir}/
Inbox {maildir}/INBOX
SubFolders Verbatim

Channel bench
Far :bench-far:
Near :bench-near:
Patterns INBOX
Create Near
SyncState *
""")
    return rc


def bench(count: int) -> dict[str, float]:
    scratch = Path(tempfile.mkdtemp(prefix="syncbench-", dir="/tmp"))
    server = None
    try:
        server = Dovecot.start(scratch / "dovecot")
        load_inbox(server, scratch, count)
        home = scratch / "home"
        env = {**os.environ, "AGENT_TUI_AGENT": AGENT}
        env.pop("AGENT_TUI_HOME", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # start as an installed agent-tui does: from compiled modules
        add_account(server, home, env)  # ...which this first run writes
        row: dict[str, float] = {"size": count}
        usable, seconds, peak, report = first_sync(home, scratch, env, count)
        if report.get("read") != count or report.get("bodies") != count:
            print(f"warning: initial sync read {report.get('read')} of {count} messages: {report}", file=sys.stderr)
        row.update(usable=usable, initial=seconds, peak=peak, rate=count / seconds)
        row["resync"], _, report = sync_once(home, scratch, env)
        row["resync_warm"] = warm_sync(home, env)
        flag_ten(server)
        row["flags"], _, report = sync_once(home, scratch, env)
        flag_ten(server, "-FLAGS.SILENT")
        row["flags_warm"] = warm_sync(home, env)
        append_ten(server, scratch)
        row["new"], _, report = sync_once(home, scratch, env)
        if report.get("read") != 10:
            print(f"warning: resync after 10 appends read {report.get('read')}: {report}", file=sys.stderr)
        rc = mbsync_rc(server, scratch)
        mbsync = [shutil.which("mbsync") or "mbsync", "-q", "-c", str(rc), "-a"]
        row["mbsync"], _, _ = measured(mbsync, scratch)
        time.sleep(1.1)  # mbsync sleeps 1 s by itself when the Maildir changed within the last second
        row["mbsync_resync"], _, _ = measured(mbsync, scratch)
        synced = sum(1 for folder in ("cur", "new") for _ in (scratch / "maildir" / "INBOX" / folder).iterdir())
        if synced != count + 10:
            print(f"warning: mbsync copied {synced} of {count + 10} messages", file=sys.stderr)
        return row
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [20_000]
    columns = [
        ("size", "messages", "{:,.0f}"),
        ("usable", "queue usable s", "{:.2f}"),
        ("initial", "initial s", "{:.2f}"),
        ("rate", "msg/s", "{:,.0f}"),
        ("peak", "peak MB", "{:.0f}"),
        ("resync", "resync s", "{:.2f}"),
        ("resync_warm", "warm resync s", "{:.3f}"),
        ("flags", "+10 flags s", "{:.2f}"),
        ("flags_warm", "warm +10 flags s", "{:.3f}"),
        ("new", "+10 new s", "{:.2f}"),
        ("mbsync", "mbsync s", "{:.2f}"),
        ("mbsync_resync", "mbsync resync s", "{:.2f}"),
    ]
    rows = [bench(size) for size in sizes]
    widths = [max(len(title), *(len(fmt.format(row[key])) for row in rows)) for key, title, fmt in columns]
    print("  ".join(title.rjust(width) for (_, title, _), width in zip(columns, widths, strict=True)))
    for row in rows:
        print(
            "  ".join(fmt.format(row[key]).rjust(width) for (key, _, fmt), width in zip(columns, widths, strict=True))
        )
    print(
        "agent-tui: `agent-tui sync` (headers first, then bodies); queue usable: every message's headers in the "
        "store; warm: the sync alone, in a Python already started; mbsync: isync into a Maildir, FSync no. "
        "One run each, process start included unless warm."
    )


if __name__ == "__main__":
    main()
