"""Ingest throughput from an mbox of generated mail (run by hand; prints figures).

    python benchmarks/ingest.py [N]      # default 20,000 messages

Writes an mbox of N realistic messages (threads of 1-4 messages, English and Chinese, 10% with a small
attachment), then times `agent-tui ingest` of it into a fresh local account in a child process and
reports messages per second and the child's peak memory (max RSS).
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

_SUBJECTS = [
    "Where is my order PP-{n}?",
    "Parcel arrived damaged",
    "Refund for PP-{n}",
    "Wrong size sent",
    "订单PP-{n}还没收到",
    "包裹破损了",
    "申请退款",
    "尺码不对，想换货",
]
_BODY_EN = "Hello,\n\nI ordered PP-{n} last week and it has not arrived. Could you check for me?\n\nThanks,\n{name}\n"
_BODY_ZH = "你好，\n\n我上周下的订单PP-{n}还没有收到，麻烦帮我查一下。\n\n谢谢，\n{name}\n"


def write_mbox(path: Path, count: int) -> None:
    rng = random.Random(count)
    start = datetime(2026, 10, 1, tzinfo=UTC)
    written = 0
    with path.open("wb") as out:
        while written < count:
            n = 10000 + written
            customer = f"customer{rng.randrange(count // 3 + 1)}@example.com"
            name = f"Customer {n}"
            subject = rng.choice(_SUBJECTS).format(n=n)
            when = start + timedelta(minutes=rng.randrange(60 * 24 * 50))
            previous: list[str] = []
            for turn in range(min(rng.randrange(1, 5), count - written)):
                message = EmailMessage()
                agent_turn = turn % 2 == 1
                message["From"] = "Shop Support <support@shop.example>" if agent_turn else f"{name} <{customer}>"
                message["To"] = customer if agent_turn else "support@shop.example"
                message["Subject"] = ("Re: " if turn else "") + subject
                message["Date"] = format_datetime(when + timedelta(hours=turn * 3))
                message["Message-ID"] = make_msgid(domain="bench.example")
                if previous:
                    message["In-Reply-To"] = previous[-1]
                    message["References"] = " ".join(previous)
                body = (_BODY_ZH if "订单" in subject or "包裹" in subject else _BODY_EN).format(n=n, name=name)
                message.set_content(body * rng.randrange(1, 4))
                if rng.random() < 0.1:
                    message.add_attachment(os.urandom(2048), maintype="image", subtype="jpeg", filename="photo.jpg")
                previous.append(message["Message-ID"])
                out.write(f"From {customer} {when:%a %b %d %H:%M:%S %Y}\n".encode())
                out.write(message.as_bytes().replace(b"\nFrom ", b"\n>From "))
                out.write(b"\n")
                written += 1


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory(prefix="agent-tui-ingest-") as folder:
        mbox = Path(folder) / "mail.mbox"
        write_mbox(mbox, count)
        home = Path(folder) / "home"
        env = {**os.environ, "AGENT_TUI_HOME": str(home), "AGENT_TUI_AGENT": "Bench <bench@shop.example>"}
        cli = [sys.executable, "-m", "agent_tui"]
        subprocess.run(
            [*cli, "account", "add", "bench", "--local", "--address", "support@shop.example"],
            env=env,
            check=True,
            capture_output=True,
        )
        started = time.perf_counter()
        result = subprocess.run([*cli, "ingest", "--json", str(mbox)], env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(result.stdout.strip() or result.stderr.strip()[-500:])
        print(
            f"{count:,} messages ({mbox.stat().st_size / 1e6:.1f} MB mbox) in {elapsed:.2f} s: "
            f"{count / elapsed:,.0f} messages/s (process start included), peak memory {peak_mb:.0f} MB"
        )


if __name__ == "__main__":
    main()
