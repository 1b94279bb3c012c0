"""Help desk sync against a real RT 5 and the Zendesk fake (run by hand as root; prints a table, never in CI).

    python benchmarks/api_sync.py [N]      # default 2,000 RT tickets
    python benchmarks/api_sync.py --zendesk [N]   # only the Zendesk fake's first sync (default 1,000 tickets)

Needs RT (tests/servers/rt5_start.sh installs Debian's request-tracker5 and rt5-clients). It starts a throwaway
RT on a free port and fills it with N tickets of 3-5 transactions each: a Create by root for a requestor
(customerI@example.com), then 2-4 Correspond and Comment by agent1. Filling runs RT's own Perl API (as
start.sh's seed.pl does) with scrips off and SQLite's sync off: about 15 s per 1,000 tickets, where REST2
takes about a second a ticket. The filled database is kept in /tmp/agent-tui-bench/rt5-N and reused. Measured:

- queue usable s: from starting the first `agent-tui sync` until every message is in the store (polled every
  20 ms from another connection, read-only);
- first sync s / requests: that sync's wall time (process start included) and the HTTP requests it made
  (counted by a hook on httpx in the child);
- resync s / requests: `agent-tui sync` again with nothing changed in RT;
- rt CLI s / requests: the baseline, Debian's `rt` (rt5-clients, REST 1.0, its session cookie kept in a
  scratch HOME): `rt ls -i "Queue='General'"`, then `rt show -l ticket/ID/history` (every transaction with its
  content) for each ticket, one after another, as a script would;
- zendesk requests /1,000: a first `agent-tui sync` of 1,000 tickets of 3-5 comments each (some of them
  internal notes) from tests/servers/zendesk_fake.py (Zendesk's documented shapes, never a real Zendesk), in
  requests per 1,000 tickets: the ticket export, the ticket event export (1,000 events a page) and the users
  the exports do not side-load, with no request per ticket. `--zendesk` runs only this, needing no RT.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, redirect_stdout
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.servers.dovecot import free_port  # noqa: E402  # importable once the path is set

START = HERE.parent / "tests" / "servers" / "rt5_start.sh"
CACHE = Path("/tmp/agent-tui-bench")
AGENT = "Bench <bench@shop.example>"

# N tickets through RT's Perl API; prints how many messages (Create, Correspond, Comment) they hold.
_FILL = r"""
use strict; use warnings;
use lib '/usr/share/request-tracker5/lib'; use RT; RT::LoadConfig(); RT::Init();
use MIME::Entity;
my ($n) = @ARGV;
my $dbh = $RT::Handle->dbh;
$dbh->do('PRAGMA synchronous = OFF'); $dbh->do('PRAGMA journal_mode = MEMORY');
$dbh->do('UPDATE Scrips SET Disabled = 1');  # no notification mail while filling
my $agent = RT::CurrentUser->new(RT->SystemUser); $agent->Load('agent1') or die;
my $root = RT::CurrentUser->new(RT->SystemUser); $root->Load('root') or die;
my $messages = 0;
srand(7);
for my $i (1..$n) {
    my $mime = MIME::Entity->build(Type => 'text/plain', Charset => 'UTF-8',
        Data => ["Hello, order PP-$i has not arrived.\nCould you look into it?\n"]);
    my $t = RT::Ticket->new($root);
    my ($id, $txn, $msg) = $t->Create(Queue => 'General', Subject => "Order PP-$i",
        Requestor => ["customer$i\@example.com"], MIMEObj => $mime);
    die "create: $msg" unless $id;
    my $mine = RT::Ticket->new($agent); $mine->Load($id);
    my $more = 2 + int(rand(3));
    for my $k (1..$more) {
        my $body = MIME::Entity->build(Type => 'text/plain', Charset => 'UTF-8', Data => ["Reply $k on ticket $id.\n"]);
        my ($ok, $m) = $k % 3 == 2 ? $mine->Comment(MIMEObj => $body) : $mine->Correspond(MIMEObj => $body);
        die "txn: $m" unless $ok;
    }
    $messages += 1 + $more;
}
$dbh->do('UPDATE Scrips SET Disabled = 0');
print "$messages\n";
"""

# Runs `agent-tui` (cli.main) with argv[2:], counting its HTTP requests; writes {"code", "requests"} to argv[1].
_COUNTED = r"""
import json, sys
import httpx
count = 0
send = httpx.Client.send
def counted(self, request, **kwargs):
    global count
    count += 1
    return send(self, request, **kwargs)
httpx.Client.send = counted
from agent_tui.cli import main
code = main(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "requests": count}, out)
"""


class Rt:
    """A throwaway RT 5 (rt5_start.sh) whose database is swapped for a filled, cached one."""

    def __init__(self, folder: Path, count: int) -> None:
        self.dir, self.port = folder, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "RT_SITE_CONFIG": str(folder / "RT_SiteConfig.pm"),
            "RT_SITE_CONFIG_DIR": str(folder / "site.d"),
        }
        subprocess.run(["bash", str(START), str(folder), str(self.port)], check=True, capture_output=True, timeout=900)
        cached = CACHE / f"rt5-{count}"
        if not (cached / "messages").exists():
            self.stop()
            started = time.perf_counter()
            filled = subprocess.run(
                ["perl", "-e", _FILL, str(count)], env=self.env, check=True, capture_output=True, text=True
            )
            print(f"filled RT with {count:,} tickets in {time.perf_counter() - started:.0f} s", file=sys.stderr)
            cached.mkdir(parents=True, exist_ok=True)
            shutil.copy(folder / "rtdb", cached / "rtdb")
            shutil.copy(folder / "agent1.token", cached / "agent1.token")
            (cached / "messages").write_text(filled.stdout.strip())
        else:
            self.stop()
            shutil.copy(cached / "rtdb", folder / "rtdb")
            shutil.copy(cached / "agent1.token", folder / "agent1.token")
        self.messages = int((cached / "messages").read_text())
        self.serve()

    def serve(self) -> None:
        """RT's standalone server, as rt5_start.sh runs it (2 workers)."""
        server = "/usr/share/request-tracker5/libexec/rt-server"
        with open(self.dir / "server.log", "ab") as log:
            process = subprocess.Popen(
                [server, "--host", "127.0.0.1", "--port", str(self.port), "--max-workers", "2"],
                env=self.env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        (self.dir / "server.pid").write_text(str(process.pid))
        for _ in range(300):
            try:
                if httpx.get(f"{self.url}/REST/2.0/rt", timeout=1).status_code == 401:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("RT did not come up")

    def stop(self) -> None:
        pid_file = self.dir / "server.pid"
        try:
            pid = int(pid_file.read_text().strip())
            os.kill(pid, signal.SIGTERM)
            for _ in range(100):
                os.kill(pid, 0)
                time.sleep(0.05)
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass


def counted_run(args: list[str], scratch: Path, env: dict[str, str]) -> tuple[float, int]:
    """Run agent-tui once in a fresh Python; (wall seconds, HTTP requests)."""
    figures = scratch / "counted.json"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", _COUNTED, str(figures), *args], env=env, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    result = json.loads(figures.read_text())
    if result["code"] != 0:
        raise RuntimeError(f"agent-tui {' '.join(args)} exited {result['code']}")
    return seconds, result["requests"]


def messages_in(store: Path) -> int:
    try:
        with closing(sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=0.01)) as db:
            return db.execute("SELECT count(*) FROM messages").fetchone()[0]
    except sqlite3.Error:
        return 0  # not created yet, or busy for a moment


def agent_tui_rt(rt: Rt, scratch: Path) -> dict[str, float]:
    home = scratch / "home"
    env = {**os.environ, "AGENT_TUI_AGENT": AGENT}
    env.pop("AGENT_TUI_HOME", None)
    token = rt.dir / "agent1.token"
    add = ["--home", str(home), "account", "add", "desk", "--rt", rt.url, "--user", "agent1", "--queue", "General"]
    subprocess.run(
        [sys.executable, "-m", "agent_tui", *add, "--token-command", f"cat {token}"],
        env=env,
        check=True,
        capture_output=True,
    )
    store = home / "data" / "accounts" / "desk" / "store.sqlite3"
    usable = float("nan")
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(counted_run, ["--home", str(home), "sync"], scratch, env)
        while not running.done():
            if usable != usable and messages_in(store) >= rt.messages:
                usable = time.perf_counter() - started
            time.sleep(0.02)
        first, first_requests = running.result()
    if messages_in(store) != rt.messages:
        print(f"warning: the store holds {messages_in(store)} of {rt.messages} messages", file=sys.stderr)
    resync, resync_requests = counted_run(["--home", str(home), "sync"], scratch, env)
    return {
        "usable": usable,
        "first": first,
        "first_req": first_requests,
        "resync": resync,
        "resync_req": resync_requests,
    }


def rt_cli(rt: Rt, scratch: Path) -> dict[str, float]:
    """Debian's `rt` (REST 1.0): the queue's ids, then each ticket's full history, one process after another."""
    home = scratch / "rt-cli"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "RTSERVER": rt.url, "RTUSER": "agent1", "RTPASSWD": "pass1pass1"}
    started = time.perf_counter()
    listed = subprocess.run(["rt", "ls", "-i", "Queue='General'"], env=env, check=True, capture_output=True, text=True)
    ids = [line.split("/")[1] for line in listed.stdout.split() if line.startswith("ticket/")]
    read = 0
    for ticket in ids:
        shown = subprocess.run(
            ["rt", "show", "-l", f"ticket/{ticket}/history"], env=env, check=True, capture_output=True
        )
        read += shown.stdout.count(b"\nid: ")
    seconds = time.perf_counter() - started
    return {"cli": seconds, "cli_req": 2 + len(ids), "cli_tickets": len(ids)}  # + its one login


def zendesk(scratch: Path, count: int = 1000, paths: dict[str, int] | None = None) -> float:
    """Requests per 1,000 tickets of a first `agent-tui sync` from the Zendesk fake (tickets of 3-5 comments);
    ``paths`` gets the count of each path asked for."""
    from agent_tui.cli import main
    from tests.servers.zendesk_fake import FakeZendesk

    fake = FakeZendesk(time.time() - 86_400).start()
    try:
        agent = fake.add_user("bench@shop.example", "Bench", "agent")
        for i in range(count):
            tid = fake.create_ticket(f"customer{i}@example.com", f"Order PP-{i}", f"Order PP-{i} has not arrived.")
            for k in range(2 + i % 3):
                fake.add_comment(tid, agent, f"Reply {k}.", public=k % 3 != 1)
        fake.tick(120)  # past the export's left-out last minute
        home = str(scratch / "zendesk-home")
        os.environ["AGENT_TUI_AGENT"] = AGENT
        add = ["--home", home, "account", "add", "zd", "--zendesk", fake.url, "--user", "bench@shop.example"]
        with redirect_stdout(io.StringIO()):
            if main([*add, "--token-command", f"echo {fake.token}"]) != 0:
                raise RuntimeError("could not add the Zendesk account")
            fake.requests.clear()
            if main(["--home", home, "sync"]) != 0:
                raise RuntimeError("the Zendesk sync failed")
        store = Path(home) / "data" / "accounts" / "zd" / "store.sqlite3"
        comments = sum(len(c) for c in fake.comments.values())
        if messages_in(store) != comments:
            print(f"warning: the store holds {messages_in(store)} of {comments} Zendesk comments", file=sys.stderr)
        for _, target in fake.requests:
            path = target.split("?")[0]
            if paths is not None:
                paths[path] = paths.get(path, 0) + 1
        return len(fake.requests) * 1000 / count
    finally:
        fake.stop()


def zendesk_only(count: int) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="apisync-", dir="/tmp"))
    paths: dict[str, int] = {}
    try:
        per_1000 = zendesk(scratch, count, paths)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"zendesk: first sync of {count:,} tickets of 3-5 comments: {sum(paths.values()):,} requests")
    for path, times in sorted(paths.items()):
        print(f"  {times:6,}  GET {path}")
    print(f"zendesk req/1,000 tickets: {per_1000:,.0f} (tests/servers/zendesk_fake.py, Zendesk's documented shapes)")


def main() -> None:
    if sys.argv[1:2] == ["--zendesk"]:
        zendesk_only(int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
        return
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    scratch = Path(tempfile.mkdtemp(prefix="apisync-", dir="/tmp"))
    rt = None
    try:
        rt = Rt(scratch / "rt", count)
        row: dict[str, float] = {"size": count, "messages": rt.messages}
        row.update(agent_tui_rt(rt, scratch))
        row.update(rt_cli(rt, scratch))
        row["zendesk"] = zendesk(scratch)
    finally:
        if rt is not None:
            rt.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    columns = [
        ("size", "tickets", "{:,.0f}"),
        ("messages", "messages", "{:,.0f}"),
        ("usable", "queue usable s", "{:.2f}"),
        ("first", "first sync s", "{:.2f}"),
        ("first_req", "requests", "{:,.0f}"),
        ("resync", "resync s", "{:.2f}"),
        ("resync_req", "requests", "{:,.0f}"),
        ("cli", "rt CLI s", "{:.2f}"),
        ("cli_req", "requests", "{:,.0f}"),
        ("zendesk", "zendesk req/1,000", "{:,.0f}"),
    ]
    cells = [fmt.format(row[key]) for key, _, fmt in columns]
    widths = [max(len(title), len(cell)) for (_, title, _), cell in zip(columns, cells, strict=True)]
    print("  ".join(title.rjust(width) for (_, title, _), width in zip(columns, widths, strict=True)))
    print("  ".join(cell.rjust(width) for cell, width in zip(cells, widths, strict=True)))
    print(
        "RT 5.0.3 (Debian, SQLite, 2 workers) on loopback; agent-tui: `agent-tui sync` of queue General as agent1 "
        "(token), process start included; rt CLI: Debian's rt5-clients (REST 1.0), `rt ls -i` then "
        "`rt show -l ticket/ID/history` per ticket (its requests: the list and one a ticket, plus a login); "
        "zendesk: tests/servers/zendesk_fake.py. One run each."
    )


if __name__ == "__main__":
    main()
