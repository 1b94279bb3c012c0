"""Real servers on loopback: Dovecot (IMAP) started per test, aiosmtpd (SMTP), an in-memory keyring."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from tests.servers.dovecot import CONFIG, Dovecot, available, free_port, stop_all, stop_later
from tests.servers.rt import Rt
from tests.servers.rt import available as rt_unavailable


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.secrets.get((service, username))

    def set_password(self, service, username, password):
        self.secrets[(service, username)] = password

    def delete_password(self, service, username):
        self.secrets.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@contextmanager
def running_dovecot(config: str = CONFIG) -> Iterator[Dovecot]:
    """A Dovecot of its own for one test, under /tmp (its mail processes must reach the folder). Its shutdown
    (about a second) is not waited for: the session's end waits for them all and removes their folders."""
    if not available():
        pytest.skip("Dovecot is not installed (./dev test installs dovecot-imapd) or we are not root")
    folder = Path(tempfile.mkdtemp(prefix="agent-tui-dovecot-", dir="/tmp"))
    server = Dovecot.start(folder, config)
    try:
        yield server
    finally:
        stop_later(server)


@pytest.fixture(scope="session", autouse=True)
def _dovecots_stopped() -> Iterator[None]:
    yield
    stop_all()


@pytest.fixture
def dovecot():
    with running_dovecot() as server:
        yield server


class Inbox:
    """What the test itself sends into the shared mailbox (as another mail client would)."""

    def __init__(self, port: int) -> None:
        from imapclient import IMAPClient

        self.client = IMAPClient("127.0.0.1", port=port, ssl=False, timeout=10)
        self.client.login("support", "secret")

    def append(self, folder: str, raw: bytes) -> int:
        response = self.client.append(folder, raw)
        return int(response.split(b"]")[0].split()[-1])  # [APPENDUID validity uid]

    def messages(self, folder: str) -> list[bytes]:
        self.client.select_folder(folder)
        uids = self.client.search(["ALL"])
        return [data[b"BODY[]"] for data in self.client.fetch(uids, ["BODY.PEEK[]"]).values()] if uids else []


@pytest.fixture
def inbox(dovecot):
    box = Inbox(dovecot.port)
    yield box
    box.client.logout()


class Smtp:
    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.received: list[bytes] = []
        outer = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                outer.received.append(envelope.original_content or envelope.content)
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()


@pytest.fixture
def smtp():
    server = Smtp()
    yield server
    server.controller.stop()


@pytest.fixture(scope="session")
def rt() -> Iterator[Rt]:
    """One Request Tracker 5 for the session (about 3 s to start; tests make tickets of their own in it)."""
    why = rt_unavailable()
    if why is not None:
        pytest.skip(why)
    folder = Path(tempfile.mkdtemp(prefix="agent-tui-rt-", dir="/tmp"))
    try:
        server = Rt.start(folder)
    except RuntimeError as error:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(str(error))
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
