"""What every help desk's REST client shares: its base address read from the account, one ``httpx.Client``,
transport failures as one sentence, and 429/503 answers waited out (bounded, a few times: never a tight loop).

Each desk's client keeps what is its own: authentication, what its status codes mean, its paging. httpx (and what
it imports) is loaded only when a client is made: opening an account, or ``list``, needs no HTTP stack.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from agent_tui.errors import SourceError, UsageError

if TYPE_CHECKING:
    import httpx


def base_url(account: str, table: Mapping[str, object], api_path: str, example: str) -> str:
    """The desk's base address from ``url`` (a trailing slash or the API's own path, ``api_path``, dropped);
    UsageError naming the account unless it is an http(s) address."""
    url = str(table.get("url", "")).rstrip("/")
    if url.endswith(api_path):
        url = url[: -len(api_path)]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"Account {account!r}: url {url!r} is not an http(s) address such as {example}.")
    return url


def client(
    base: str, *, headers: dict[str, str], auth: httpx.Auth | None, timeout: float, verify: bool
) -> httpx.Client:
    """A client that verifies TLS unless told not to, never follows a redirect (a wrong URL says so), and gives
    up connecting after at most 10 s."""
    import httpx

    return httpx.Client(
        base_url=base,
        headers=headers,
        auth=auth,
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        verify=verify,
        follow_redirects=False,
    )


def send(
    attempt: Callable[[], httpx.Response],
    who: str,
    *,
    retries: int,
    wait: Callable[[httpx.Response], float],
    sleep: Callable[[float], None],
) -> httpx.Response:
    """The answer of ``attempt()``, tried again after ``wait(answer)`` seconds while it is a 429 or 503, at most
    ``retries`` times (the last answer is returned as it is, for the caller to judge). A timeout, a certificate
    that does not verify, or a server that can't be reached is a SourceError naming ``who`` ("RT at URL")."""
    import httpx

    tried = 0
    while True:
        try:
            response = attempt()
        except httpx.TimeoutException:
            raise SourceError(f"{who} did not answer in time; try again later.") from None
        except httpx.HTTPError as error:
            text = str(error) or type(error).__name__
            if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
                raise SourceError(
                    f"The TLS certificate of {who} could not be verified ({text}); check the url."
                ) from None
            raise SourceError(f"{who} could not be reached ({text}); check the url, or try again later.") from None
        if response.status_code not in (429, 503) or tried == retries:
            return response
        tried += 1
        sleep(wait(response))


def retry_after(response: httpx.Response, *, default: float, least: float, most: float) -> float:
    """The wait a 429/503 asks for, in seconds, within [least, most]; ``default`` when it names none, or an HTTP
    date (not honoured)."""
    try:
        return max(least, min(float(response.headers.get("Retry-After") or default), most))
    except ValueError:
        return default
