"""agent-tui's CLI in a process of its own that SIGKILLs itself at one step of a send, for the kill tests
(``test_reply_kill.py``). agent-tui knows nothing of this: the steps are found by wrapping what the send
calls (the store's outbox writes, the HTTP client, smtplib).

Run as: python -m tests.sources.kill_agent AGENT-TUI-ARGS... with AGENT_TUI_TEST_KILL_AT set to one of
``queued`` (the outbox row is written, the source not called yet), ``sending`` (inside before_handover:
"sending" is recorded, nothing handed over yet), ``accepted`` (the server answered the POST/PUT/SMTP DATA
with success, nothing more done), ``delivered`` (deliver_reply returned, "sent" not recorded) or ``sent``
("sent" recorded, the reply not yet in the store). Unset or empty: agent-tui runs untouched.
"""

from __future__ import annotations

import os
import signal
import sys

KILL_AT = os.environ.get("AGENT_TUI_TEST_KILL_AT", "")
POINTS = ("queued", "sending", "accepted", "delivered", "sent")


def _die(point: str) -> None:
    if point == KILL_AT:
        sys.stdout.flush()
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGKILL)


def _is_reply_handover(request) -> bool:
    """The one request that hands a reply to a help desk: RT's correspond POST, Zendesk's PUT with a comment."""
    path = request.url.path
    if request.method == "POST" and path.endswith("/correspond"):
        return True
    return request.method == "PUT" and "/tickets/" in path and b'"comment"' in (request.content or b"")


def arm() -> None:
    import smtplib

    import httpx

    from agent_tui.store.db import Store

    outbox_add, outbox_mark = Store.outbox_add, Store.outbox_mark

    def add(self, *args, **kwargs):
        row = outbox_add(self, *args, **kwargs)
        _die("queued")
        return row

    def mark(self, row_id, state, now, error=None):
        if state == "sent":
            _die("delivered")
        outbox_mark(self, row_id, state, now, error)
        if state == "sending" and error is None:  # before_handover (a held reply's mark carries its reason)
            _die("sending")
        if state == "sent":
            _die("sent")

    send = httpx.Client.send

    def http_send(self, request, *args, **kwargs):
        response = send(self, request, *args, **kwargs)
        if _is_reply_handover(request) and response.is_success:
            _die("accepted")
        return response

    data = smtplib.SMTP.data

    def smtp_data(self, msg):
        answer = data(self, msg)
        if answer[0] == 250:
            _die("accepted")
        return answer

    Store.outbox_add = add  # type: ignore[method-assign]
    Store.outbox_mark = mark  # type: ignore[method-assign]
    httpx.Client.send = http_send  # type: ignore[method-assign]
    smtplib.SMTP.data = smtp_data  # type: ignore[method-assign]


if __name__ == "__main__":
    if KILL_AT:
        assert KILL_AT in POINTS, KILL_AT
        arm()
    from agent_tui.cli import main

    raise SystemExit(main(sys.argv[1:]))
