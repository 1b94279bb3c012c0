"""Zendesk Support's REST API (``/api/v2``) over one ``httpx.Client``: settings, auth, errors, rate limits, paging.

Authentication is an API token: HTTP basic with ``EMAIL/token`` and the token (from ``token_command``, else the
OS keyring). TLS certificates are verified; redirects are not followed (a wrong URL says so, it does not wander).

Every failure leaves as ``SourceError``, one sentence naming what failed and what to do: a wrong URL, a refused
login (401), missing rights (403), no such thing (404), a server error (5xx), a timeout, a certificate that does
not verify. A 429 is waited out for its ``Retry-After`` (bounded to ``MAX_WAIT`` seconds, at most ``RETRIES``
times: never a tight loop); ``X-Rate-Limit-Remaining`` is kept from every answer so polling can slow down.
Lists are read with cursor pagination (``page[size]``): offset pagination (``page=N``) stops at 10,000 records.
A time-based export's "Too recent start_time" (422) is no failure: nothing is there to read yet.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agent_tui.config import credentials
from agent_tui.errors import SourceError, UsageError
from agent_tui.sources.helpdesk.http import base_url, client, retry_after, send

if TYPE_CHECKING:
    import httpx  # imported when a client is made: opening an account (or `list`) needs no HTTP stack

RETRIES = 3  # 429/503 answers waited out per request before giving up
MAX_WAIT = 60.0  # seconds: the longest Retry-After honoured in one wait
PAGE_SIZE = 100  # cursor pagination's largest page on lists (comments, audits)


@dataclass(frozen=True)
class ZendeskSettings:
    account: str
    url: str  # https://SUB.zendesk.com (or a test server's http://127.0.0.1:PORT), no trailing slash
    user: str  # the agent's Zendesk login email
    token_command: str | None  # prints the API token; None: the keyring
    timeout: float = 20.0
    verify: bool = True

    @classmethod
    def from_config(cls, account: str, table: dict) -> ZendeskSettings:
        url = base_url(account, table, "/api/v2", "https://shop.zendesk.com")
        user = str(table.get("user", ""))
        if "@" not in user:
            raise UsageError(f"Account {account!r}: a Zendesk account needs user = the agent's login email.")
        command = table.get("token_command")
        return cls(
            account,
            url,
            user,
            str(command) if command else None,
            float(table.get("timeout", 20.0)),
            bool(table.get("verify_tls", True)),
        )

    def token(self) -> str:
        """The API token, from its command or the keyring (SourceError saying what to do)."""
        if self.token_command:
            return credentials.from_command(self.account, self.token_command, "API token")
        return credentials.password(self.account, self.user, None)


class ZendeskClient:
    """One connection to the API. Counts its requests and waits (``requests``, ``waited``) for the curious."""

    def __init__(self, settings: ZendeskSettings, sleep: Callable[[float], None] = time.sleep) -> None:
        import httpx

        self.settings = settings
        self.sleep = sleep
        self.http = client(
            f"{settings.url}/api/v2",
            headers={"Accept": "application/json"},
            auth=httpx.BasicAuth(f"{settings.user}/token", settings.token()),
            timeout=settings.timeout,
            verify=settings.verify,
        )
        self.requests = 0
        self.waited: list[float] = []  # every Retry-After waited out
        self.remaining: int | None = None  # X-Rate-Limit-Remaining of the last answer

    def close(self) -> None:
        self.http.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        accept: tuple[int, ...] = (),
    ) -> httpx.Response:
        """The answer to one request: 2xx and the codes in ``accept`` are returned, the rest raise SourceError."""

        def attempt() -> httpx.Response:
            self.requests += 1
            response = self.http.request(method, path, params=params, json=json)
            remaining = response.headers.get("X-Rate-Limit-Remaining")
            if remaining is not None and remaining.strip().isdigit():
                self.remaining = int(remaining)
            return response

        def pause(seconds: float) -> None:
            self.waited.append(seconds)
            self.sleep(seconds)

        response = send(
            attempt,
            f"Zendesk at {self.settings.url}",
            retries=RETRIES,
            wait=lambda answer: retry_after(answer, default=10.0, least=1.0, most=MAX_WAIT),
            sleep=pause,
        )
        return self._checked(response, method, path, accept)

    def _checked(self, response: httpx.Response, method: str, path: str, accept: tuple[int, ...]) -> httpx.Response:
        code, where, user = response.status_code, self.settings.url, self.settings.user
        if 200 <= code < 300 or code in accept:
            return response
        if code == 401:
            raise SourceError(f"Zendesk at {where} refused the API token of {user!r}; check the user and the token.")
        if code == 403:
            raise SourceError(
                f"Zendesk refused {user!r} {method} {path} (403); an agent's role with that right is needed."
            )
        if code == 404:
            raise SourceError(f"Zendesk at {where} has no {path} (404); check the url (https://SUB.zendesk.com).")
        if code in (429, 503):
            raise SourceError(f"Zendesk at {where} is rate limiting (HTTP {code}) and asked to wait; try again later.")
        if code >= 500:
            raise SourceError(f"Zendesk at {where} failed on {method} {path} (HTTP {code}); try again later.")
        if 300 <= code < 400:
            raise SourceError(
                f"{where} redirected {path} to {response.headers.get('Location', '?')}; check the url (https://SUB.zendesk.com)."
            )
        raise SourceError(f"Zendesk at {where} refused {method} {path} (HTTP {code}: {message_of(response)}).")

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.object_of(self.request(method, path, **kwargs))

    def object_of(self, response: httpx.Response) -> Any:
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise SourceError(
                f"{self.settings.url} did not answer as Zendesk's API (not a JSON object); check the url."
            )
        return data

    def get(self, path: str, **params: Any) -> Any:
        return self.json("GET", path, params=params or None)

    def time_export(self, path: str, **params: Any) -> Any:
        """A page of a time-based incremental export, or None when Zendesk refuses its ``start_time`` as too
        recent (it must be a minute old): there is nothing to read yet, the next sync asks again."""
        response = self.request("GET", path, params=params, accept=(400, 422))
        if response.status_code in (400, 422):
            text = message_of(response)
            if "too recent" in text.lower():
                return None
            raise SourceError(
                f"Zendesk at {self.settings.url} refused GET {path} (HTTP {response.status_code}: {text})."
            )
        return self.object_of(response)

    def cursor_pages(self, path: str, key: str, params: dict[str, Any]) -> Iterator[dict]:
        """Each answer of a list read with cursor pagination (``meta.has_more``, ``meta.after_cursor``)."""
        query = {**params, "page[size]": PAGE_SIZE}
        while True:
            data = self.get(path, **query)
            yield data
            meta = data.get("meta") or {}
            if not meta.get("has_more") or not meta.get("after_cursor"):
                return
            query["page[after]"] = meta["after_cursor"]


def message_of(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.reason_phrase
    if isinstance(data, dict):
        error: Any = data.get("error")
        parts = (
            [error.get("title"), error.get("message")] if isinstance(error, dict) else [error, data.get("description")]
        )
        return "; ".join(str(part) for part in parts if part) or response.reason_phrase
    return str(data)
