"""Start-up and filter latency of the TUI, printed as figures (run by hand, never in CI).

    python benchmarks/startup.py            # demo and 100,000 tickets, 5 runs each

Measures, in a fresh process each time:
- bare Textual: a minimal app, from process start to its first painted line (the floor);
- demo / 100k: `agent-tui` from process start to the first painted queue row;
and, in-process on 100,000 tickets, the time from a keystroke in the filter box to the redrawn table.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

# Runs in the child: time from the parent's spawn to the first painted row.
_CHILD = r"""
import sys, time
spawned = float(sys.argv[1]); mode = sys.argv[2]; home = sys.argv[3]
if mode == "bare":
    from textual.app import App
    from textual.widgets import Static
    class Bare(App):
        def compose(self):
            yield Static("hello")
        def on_mount(self):
            self.call_after_refresh(self.exit)
    Bare().run(headless=True)
    print(time.time() - spawned)
    raise SystemExit
from agent_tui.ui.widgets import queue_table
painted = {}
original = queue_table.QueueTable.render_line
def render_line(self, y):
    strip = original(self, y)
    if y >= 1 and self.total and self._pages and "paint" not in painted:
        painted["paint"] = time.time() - spawned
        self.app.call_later(self.app.exit)
    return strip
queue_table.QueueTable.render_line = render_line
from agent_tui.cli import make_app
make_app(home=home, account="demo").run(headless=True, size=(160, 45))
print(painted["paint"])
"""


def spawn(mode: str, home: str) -> float:
    env = {**os.environ, "AGENT_TUI_AGENT": "Bench <bench@shop.example>"}
    started = time.time()
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, repr(started), mode, home], capture_output=True, text=True, env=env
    )
    if out.returncode != 0:
        raise SystemExit(out.stderr[-2000:])
    return float(out.stdout.strip().splitlines()[-1])


def home_with_store(store: Path | None) -> str:
    home = tempfile.mkdtemp(prefix="agent-tui-bench-")
    if store is not None:  # put the generated store where the demo account lives; its anchor keeps it from reseeding
        target = Path(home) / "data" / "accounts" / "demo" / "store.sqlite3"
        target.parent.mkdir(parents=True)
        shutil.copy(store, target)
        from agent_tui.store import Store

        copy = Store.open(target)
        copy.set_meta("demo.anchor", str(int(time.time())))
        copy.close()
    return home


async def filter_latency(home: str, text: str) -> list[float]:
    from agent_tui.cli import make_app
    from agent_tui.ui.widgets.queue_table import QueueTable

    app = make_app(home=home, account="demo")
    timings: list[float] = []
    async with app.run_test(size=(160, 45)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(QueueTable)
        original = table.render_line
        frame: dict[str, float | int] = {}

        def render_line(y: int):
            strip = original(y)
            # The redraw is complete when every body line of the new contents has been rendered once.
            if y >= 1 and table._generation > frame.get("before", 1 << 30):
                frame["lines"] = frame.get("lines", 0) + 1
                if frame["lines"] == table.size.height - 1:
                    frame["done"] = time.perf_counter()
            return strip

        table.render_line = render_line  # type: ignore[method-assign]
        await pilot.press("slash")
        for char in text:
            frame.clear()
            frame["before"] = table._generation
            started = time.perf_counter()
            await pilot.press(char)  # returns only once the app is idle, well after the redraw
            while "done" not in frame:
                await asyncio.sleep(0.001)
            timings.append(frame["done"] - started)
    return timings


def summary(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"median {statistics.median(ms):7.1f} ms   min {min(ms):7.1f}   max {max(ms):7.1f}   (n={len(ms)})"


def main() -> None:
    from benchmarks.generate import generate

    runs = 5
    big = generate(100_000)
    demo_home, big_home = home_with_store(None), home_with_store(big)
    spawn("demo", demo_home)  # seeds the demo store and warms the file cache
    # The copied store gets the SLA policy applied once (every unsolved deadline), as the CLI does it in the
    # foreground; the TUI would do it in a worker after its first paint, competing with what is measured.
    subprocess.run(
        [sys.executable, "-m", "agent_tui", "--home", big_home, "list", "--limit", "1"], check=True, capture_output=True
    )
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus")
    print(f"first paint, bare Textual app     {summary([spawn('bare', demo_home) for _ in range(runs)])}")
    print(f"first painted queue, demo (66)    {summary([spawn('demo', demo_home) for _ in range(runs)])}")
    print(f"first painted queue, 100,000      {summary([spawn('demo', big_home) for _ in range(runs)])}")
    typed = asyncio.run(filter_latency(big_home, "parcel"))
    print(f"filter keystroke -> redraw, 100k  {summary(typed)}  typing 'parcel'")
    search = asyncio.run(filter_latency(big_home, "?退款"))
    print(f"full-text search keystroke, 100k  {summary(search[1:])}  typing '?退款'")
    for home in (demo_home, big_home):
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
