"""Keeping an account live while the TUI runs: sync, then wait for the server to say something changed
(IMAP IDLE), and sync again; when the server can't be reached, retry with a growing pause.

Runs in a worker thread; reports through callbacks and never touches the UI itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from agent_tui.domain.presence import Presence
from agent_tui.errors import AgentTuiError
from agent_tui.services.ingest import IngestReport
from agent_tui.services.sync import sync
from agent_tui.services.tickets import TicketService

RESYNC_SECONDS = 60  # a sync even without news, for folders IDLE does not watch (Sent)
MAX_BACKOFF = 60


def keep_live(
    service: TicketService,
    stop: threading.Event,
    on_change: Callable[[IngestReport], None],
    on_status: Callable[[str], None],
) -> None:
    source = service.source
    if source is None or not source.capabilities.live:
        return
    delay = 1
    while not stop.is_set():
        try:
            report = sync(service, on_batch=on_change)  # the queue fills while a first sync runs
            on_status("online")
            delay = 1
            if report.new_messages or report.team_changes or report.vanished:
                on_change(report)
            source.wait_for_changes(service.source_state, stop, RESYNC_SECONDS)
        except Exception as error:  # noqa: BLE001  # a worker that died quietly would leave "connecting…" forever
            reason = "offline" if isinstance(error, AgentTuiError) else f"sync failed ({type(error).__name__})"
            on_status(f"{reason}, retrying in {delay} s")
            stop.wait(delay)
            delay = min(delay * 2, MAX_BACKOFF)


def keep_presence(
    service: TicketService,
    stop: threading.Event,
    on_update: Callable[[list[Presence]], None],
) -> None:
    """Keep this agent's presence announced and the team's heard, reconnecting with a growing pause.
    While the channel is down, the team's presence is unknown, so nobody is shown."""
    channel = service.presence_channel
    if channel is None:
        return
    delay = 1

    def heard(entries: list[Presence]) -> None:
        nonlocal delay
        delay = 1
        service.remember_names(channel.names)
        on_update(entries)

    while not stop.is_set():
        try:
            channel.run(stop, heard)
            return  # stopped, or a channel with nothing more to say
        except Exception:  # noqa: BLE001  # the connection, or a note no one foresaw: never the end of presence
            on_update([])
            stop.wait(delay)
            delay = min(delay * 2, MAX_BACKOFF)
