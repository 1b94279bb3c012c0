"""Zendesk's users as agent-tui names them, kept while a source is open.

Users come side-loaded with what names them (``include=users``); the few a side-load leaves out, and the authors
of exported comments, are read 100 a request (``/users/show_many``), never one by one. Agents are remembered in
SourceState ("agents"), so a sync does not ask for them again; end-users come with their tickets.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from agent_tui.sources.base import SourceState
from agent_tui.sources.helpdesk.zendesk.client import ZendeskClient

SHOW_MANY = 100  # ids a show_many request takes (Zendesk's largest)
END_USER = "end-user"


class Users:
    """id -> (email lowercased, name, role), and email -> id."""

    def __init__(self) -> None:
        self.by_id: dict[int, tuple[str, str, str]] = {}
        self.ids: dict[str, int] = {}

    def remember(self, users: object) -> None:
        for user in users if isinstance(users, list) else []:
            if isinstance(user, dict) and isinstance(user.get("id"), int):
                email = str(user.get("email") or "").lower()
                self.by_id[user["id"]] = (email, str(user.get("name") or ""), str(user.get("role") or END_USER))
                if email:
                    self.ids[email] = user["id"]

    def fill(self, client: ZendeskClient, ids: Iterable[object]) -> None:
        """Users not known yet, 100 a request: never one request per ticket or comment."""
        missing = sorted({i for i in ids if isinstance(i, int) and i not in self.by_id})
        for start in range(0, len(missing), SHOW_MANY):
            chunk = ",".join(map(str, missing[start : start + SHOW_MANY]))
            self.remember(client.get("/users/show_many.json", ids=chunk).get("users"))

    def load_agents(self, state: SourceState) -> None:
        for key, (email, name, role) in json.loads(state.get("agents") or "{}").items():
            self.by_id.setdefault(int(key), (email, name, role))
            if email:
                self.ids.setdefault(email, int(key))

    def save_agents(self, state: SourceState) -> None:
        agents = {str(k): list(v) for k, v in sorted(self.by_id.items()) if v[2] != END_USER}
        if json.dumps(agents) != (state.get("agents") or "{}"):
            state.set("agents", json.dumps(agents))

    def key_of(self, user_id: object) -> str | None:
        """An assignee's agent key: the user's email, else a name made of the id."""
        if not isinstance(user_id, int):
            return None
        email = self.by_id.get(user_id, ("", "", ""))[0]
        return email or f"zendesk-user-{user_id}"
