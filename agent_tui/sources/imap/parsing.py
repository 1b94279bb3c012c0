"""Parsing a sync's fetched messages into items, in a helper process when a folder is big.

Parsing is the larger part of a first sync, so it overlaps with fetching: ``_Parsing`` hands batches to one
``forkserver`` helper while the source fetches the next. ``parse_batch`` and ``parse_header_batch`` live at
module level so the helper can import them; ``prepare_parse_helper`` must run before the TUI takes stderr.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from agent_tui.sources.items import Incoming, Item, Unreadable
from agent_tui.sources.mail.parse import MADE_UP_ID_END, parse_headers
from agent_tui.sources.mail.readers import mail_item

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")


def parse_batch(folder: str, raws: list[tuple[int, bytes | None]], now: datetime) -> list[Item]:
    """Fetched messages as items (run in a helper process for big syncs, so it lives at module level)."""
    return [
        mail_item(raw, f"{folder} UID {uid}", now)
        if raw
        else Unreadable(f"{folder} UID {uid}", "came back empty from the server")
        for uid, raw in raws
    ]


def parse_header_batch(folder: str, blocks: list[tuple[int, bytes]], now: datetime) -> list[Item | None]:
    """Fetched header blocks as items whose bodies are still to come (like ``parse_batch``, for the header
    pass); None for a message to fetch whole instead: one with no Message-ID (its content is what identifies
    it) or with raw 8-bit bytes in its headers (their charset may be declared only in its body)."""
    items: list[Item | None] = []
    for uid, block in blocks:
        origin = f"{folder} UID {uid}"
        if not block.isascii():
            items.append(None)
            continue
        try:
            parsed = parse_headers(block, fallback_date=now)
        except Exception as error:  # noqa: BLE001  # parse_headers is built not to raise; one message must never stop the sync
            items.append(Unreadable(origin, f"could not be parsed as mail ({type(error).__name__})"))
            continue
        if (parsed.message.message_id or "").endswith(MADE_UP_ID_END):
            items.append(None)
            continue
        parsed.message.body_pending = True
        items.append(Incoming(origin, parsed.message, problems=parsed.problems))
    return items


def prepare_parse_helper() -> None:
    """Start multiprocessing's resource tracker while ``sys.stderr`` is still this process's own: call it before
    the TUI starts. Under Textual, ``sys.stderr`` is a stand-in whose file descriptor is -1, so a tracker
    started later fails ("bad value(s) in fds_to_keep") and the first sync of a big mailbox parses on one core."""
    if (os.cpu_count() or 1) < 2:
        return
    from multiprocessing import resource_tracker

    try:
        resource_tracker.ensure_running()
    except (OSError, ValueError):
        pass  # no helper, then: parsing stays in this process, slower but the same


class _Parsing:
    """Parses a sync's batches, in one helper process (``forkserver``) once a folder is big enough to pay for
    starting it, while this process fetches the next batch and files the last: parsing is the larger part."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._in_process = (os.cpu_count() or 1) < 2  # no second core to parse on

    def __enter__(self) -> _Parsing:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def run(
        self, parse: Callable[..., list[R]], batches: Iterator[tuple[tuple, T]], *, big: bool
    ) -> Iterator[tuple[list[R], T]]:
        """(parse(*arguments), context) for each (arguments, context) batch, in order."""
        if big and self._pool is None and not self._in_process:
            import multiprocessing  # here: a sync with little to parse never needs it (10 ms of start-up)
            from concurrent.futures import ProcessPoolExecutor

            try:
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("forkserver"))
            except (OSError, ValueError):
                # No helper here: under the TUI, multiprocessing can't pass on Textual's stand-in for stderr
                # ("bad value(s) in fds_to_keep"). Parsing in this process is slower, never wrong.
                self._in_process = True
        if not big or self._pool is None:
            for arguments, context in batches:
                yield parse(*arguments), context
            return
        waiting: tuple[Future, T] | None = None
        for arguments, context in batches:
            parsing = (self._pool.submit(parse, *arguments), context)
            if waiting is not None:
                yield waiting[0].result(), waiting[1]
            waiting = parsing
        if waiting is not None:
            yield waiting[0].result(), waiting[1]
