"""A throwaway Dovecot IMAP server on 127.0.0.1, for tests (adapted from ../shared/servers/dovecot.sh).

Users ``support`` and ``agent1``, password ``secret``; sdbox storage; a Sent folder; CONDSTORE, QRESYNC
and IDLE as Dovecot 2.3 ships them. Dovecot's login and mail processes run as the ``mail`` user, so the
folder it lives in must be reachable by that user.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

CONFIG = """
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
mail_location = sdbox:{dir}/mail/%u
mail_uid = mail
mail_gid = mail
first_valid_uid = 8
mail_plugins = $mail_plugins
protocol imap {{
  mail_max_userip_connections = 50
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/users
}}
userdb {{
  driver = static
  args = uid=mail gid=mail home={dir}/home/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
}}
"""


def available() -> bool:
    return shutil.which("dovecot") is not None and os.geteuid() == 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Dovecot:
    dir: Path
    port: int

    @classmethod
    def start(cls, folder: Path, config: str = CONFIG) -> Dovecot:
        """Start one in ``folder``; ``config`` is CONFIG, or a variant of it (a server without QRESYNC, say)."""
        folder.mkdir(parents=True, exist_ok=True)
        for sub in ("run", "state", "mail", "home"):
            (folder / sub).mkdir(exist_ok=True)
        for sub in ("mail", "home"):
            shutil.chown(folder / sub, "mail", "mail")
        # The unprivileged mail processes must traverse every parent folder.
        for parent in [folder, *folder.parents]:
            if parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o011)
        (folder / "users").write_text("support:{PLAIN}secret\nagent1:{PLAIN}secret\n")
        port = free_port()
        (folder / "dovecot.conf").write_text(config.format(dir=folder, port=port))
        _run_dovecot(folder)
        server = cls(folder, port)
        server.wait_until_up()
        return server

    def wait_until_up(self) -> None:
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as connection:
                    if connection.recv(4):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"Dovecot did not start; see {self.dir / 'dovecot.log'}")

    def stop(self, wait: bool = True) -> None:
        """Ask Dovecot to stop; ``wait``: until it has (about a second: it waits for its processes)."""
        pid_file = self.dir / "run" / "master.pid"
        if pid_file.exists():
            try:
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
            except (ProcessLookupError, ValueError):
                pass
            if wait:
                self.wait_stopped()

    def wait_stopped(self, seconds: float = 10.0) -> None:
        pid_file = self.dir / "run" / "master.pid"
        deadline = time.monotonic() + seconds
        while pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.02)

    def restart(self) -> None:
        self.stop()
        time.sleep(0.2)
        _run_dovecot(self.dir)
        self.wait_until_up()


# Dovecots told to stop and still shutting down, alongside the tests that follow. Kept here, in a module
# imported once (a conftest may be imported twice: by pytest, and by a test module that imports from it).
_STOPPING: list[Dovecot] = []
_AT_ONCE = 8  # never a pile of shutting-down servers on a busy machine


def stop_later(server: Dovecot) -> None:
    """Stop ``server`` without waiting (about a second); its folder goes once it has stopped."""
    server.stop(wait=False)
    _STOPPING.append(server)
    while len(_STOPPING) > _AT_ONCE:
        _gone(_STOPPING.pop(0))


def stop_all() -> None:
    """Wait for every server told to stop, and remove their folders."""
    while _STOPPING:
        _gone(_STOPPING.pop())


def _gone(server: Dovecot) -> None:
    server.wait_stopped()
    shutil.rmtree(server.dir, ignore_errors=True)


def _run_dovecot(folder: Path) -> None:
    # Dovecot daemonises: its children would hold captured pipes open forever, so output goes to a file.
    with (folder / "start.log").open("ab") as log:
        subprocess.run(
            ["dovecot", "-c", str(folder / "dovecot.conf")],
            check=True,
            stdout=log,
            stderr=log,
            stdin=subprocess.DEVNULL,
        )
