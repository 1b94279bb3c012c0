"""RT's REST2 API over one ``httpx.Client``: authentication, errors as one sentence, 429 waits, and paging.

Every failure leaves as ``SourceError`` naming what failed and what to do: a wrong URL, a refused login,
missing rights, a server error, a timeout, a certificate that does not verify. 429 and 503 answers are
retried after their Retry-After (bounded). Collections are paged with ``per_page=100``: for a user who is
not a superuser RT filters each page of transactions *after* reading it (``total`` and ``pages`` come back
null), so a page can be short, or empty with more behind it (checked: page 1 empty, page 7 not). The
transaction feed (``source``) asks with TransactionSQL, for which RT checks the right to see the tickets in
SQL, and reads on over empty pages up to the newest transaction it knows is there.

Speed: RT checks a token or password with bcrypt (``$BcryptCost`` 12: about 0.25 s of the server's time) on
every REST2 request that carries one, and that was nearly all of a sync's time. A client that makes a second
request first logs in once through REST 1.0 (the same token or password; RT answers with a session cookie,
as for its ``rt`` CLI) and sends that cookie with the credentials after: RT reads the cookie first (about
0.03 s a request) and falls back to the credentials if the session is gone. One request (a resync with
nothing new) stays one request; when the login fails, every request just carries the credentials as before.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from agent_tui.errors import SourceError
from agent_tui.sources.helpdesk.http import client, retry_after, send
from agent_tui.sources.helpdesk.rt.settings import RtSettings

if TYPE_CHECKING:
    import httpx  # imported when a client is made: opening an account (or `list`) needs no HTTP stack

PER_PAGE = 100  # RT's largest page
_RETRIES = 3
_MAX_WAIT = 30.0  # seconds: the longest Retry-After honoured in one wait


class Refused(SourceError):
    """RT answered, and said no to this one request (rights, a missing ticket, a value it would not take)."""


class RtClient:
    """One connection to RT's REST2 API. Raises SourceError for everything that fails."""

    def __init__(self, settings: RtSettings, secret: str) -> None:
        import httpx

        self.settings = settings
        auth: httpx.Auth | None = None
        headers = {"Accept": "application/json"}
        if settings.auth == "token":
            headers["Authorization"] = f"token {secret}"
        else:
            auth = httpx.BasicAuth(settings.user, secret)
        self.http = client(
            f"{settings.url}/REST/2.0", headers=headers, auth=auth, timeout=settings.timeout, verify=settings.verify
        )
        self._secret = secret
        self._requests = 0
        self._logged_in = False

    def close(self) -> None:
        self.http.close()

    # -- requests ------------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
        accept: tuple[int, ...] = (),
    ) -> httpx.Response:
        """The response to one request; 2xx and the codes in ``accept`` are returned, the rest raise."""

        where = self.settings.url
        self._requests += 1
        if self._requests == 2:
            self._login()
        response = send(
            lambda: self.http.request(method, path, params=params, json=json, headers=headers),
            f"RT at {where}",
            retries=_RETRIES,
            wait=lambda answer: retry_after(answer, default=5.0, least=0.0, most=_MAX_WAIT),
            sleep=time.sleep,
        )
        code = response.status_code
        if 200 <= code < 300 or code in accept:
            return response
        user = self.settings.user
        if code == 401 or (code == 302 and self._logged_in):  # with a cookie RT redirects where it says 401
            raise SourceError(
                f"RT at {where} refused the login for {user!r}; check the user and its {self.settings.auth}."
            )
        if code == 403:
            raise Refused(f"RT refused {user!r} {method} {path} (403); ask an RT admin for the rights on the queue.")
        if code == 404:
            raise SourceError(
                f"RT at {where} has no {path} (404); check the url (RT's base address, without /REST/2.0)."
            )
        if code in (429, 503):
            raise SourceError(f"RT at {where} is busy (HTTP {code}) and asked to wait; try again later.")
        if code >= 500:
            raise SourceError(
                f"RT at {where} failed on {method} {path} (HTTP {code}); try again later, or ask its admin to read RT's log."
            )
        raise Refused(f"RT at {where} refused {method} {path} (HTTP {code}: {message_of(response)}).")

    def _login(self) -> None:
        """Open an RT session (a cookie kept by ``self.http``) with one REST 1.0 login; on any failure, go on
        without one: every request carries the credentials anyway."""
        import httpx

        url = f"{self.settings.url}/REST/1.0/"
        try:
            if self.settings.auth == "token":
                response = self.http.get(url)  # the token header logs in (RT's AttemptTokenAuthentication)
            else:
                response = self.http.post(url, data={"user": self.settings.user, "pass": self._secret})
        except httpx.HTTPError:
            self.http.cookies.clear()
            return
        first = response.text.split("\n", 1)[0] if response.status_code == 200 else ""
        self._logged_in = first.startswith("RT/") and " 200 " in first and bool(self.http.cookies)
        if not self._logged_in:
            self.http.cookies.clear()  # an anonymous session's cookie would turn RT's 401s into redirects

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        return decode(response, self.settings.url)

    def get(self, path: str, **params: Any) -> Any:
        return self.json("GET", path, params=params or None)

    def pages(
        self,
        method: str,
        path: str,
        params: dict[str, Any],
        body: Any = None,
        *,
        whole: bool = False,
    ) -> Iterator[list[dict]]:
        """A collection's items a page at a time, until an empty page (``whole``: until a short page, for
        collections RT does not filter, such as a visible transaction's attachments)."""
        page = 1
        while True:
            data = self.json(method, path, params={**params, "per_page": PER_PAGE, "page": page}, json=body)
            items = list(data.get("items") or [])
            if not items:
                return
            yield items
            if data.get("pages") is not None and page >= int(data["pages"]):
                return  # a superuser's answer says where it ends
            if whole and len(items) < PER_PAGE:
                return
            page += 1


def decode(response: httpx.Response, where: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise SourceError(
            f"{where} did not answer as RT's REST2 API (not JSON); check the url (RT's base address)."
        ) from None


def message_of(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.reason_phrase
    if isinstance(data, dict):
        return str(data.get("message", response.reason_phrase))
    return "; ".join(map(str, data)) if isinstance(data, list) else str(data)
