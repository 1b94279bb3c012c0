"""A throwaway Request Tracker 5 on 127.0.0.1, for tests (started by rt5_start.sh beside this file).

Users: root/password (admin); agent1 (Dana Li <dana@shop.example>, an API token in DIR/agent1.token) and sam
(Sam Ortiz <sam@shop.example>, password pass2pass2), both agents on queue General. Everyone may create and
reply by mail, so customers write in through RT's mail gateway, as their mail would.
"""

from __future__ import annotations

import email
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from email.message import Message as EmailMessage
from pathlib import Path

import httpx

from tests.servers.dovecot import free_port

START = Path(os.environ.get("AGENT_TUI_RT_START", Path(__file__).with_name("rt5_start.sh")))
SAM_PASSWORD = "pass2pass2"

SEED = r"""
use lib '/usr/share/request-tracker5/lib'; use RT; RT::LoadConfig(); RT::Init();
my $q = RT::Queue->new(RT->SystemUser); $q->Load('General') or die;
my $a = RT::User->new(RT->SystemUser); $a->Load('agent1') or die;
$a->SetEmailAddress('dana@shop.example'); $a->SetRealName('Dana Li');
my $u = RT::User->new(RT->SystemUser);
$u->Create(Name=>'sam', EmailAddress=>'sam@shop.example', RealName=>'Sam Ortiz', Privileged=>1, Password=>'%s');
$u->PrincipalObj->GrantRight(Right=>$_, Object=>$q) for qw(SeeQueue ShowTicket ShowTicketComments OwnTicket ReplyToTicket CommentOnTicket ModifyTicket SeeCustomField ModifyCustomField);
my $e = RT::Group->new(RT->SystemUser); $e->LoadSystemInternalGroup('Everyone');
$e->PrincipalObj->GrantRight(Right=>$_, Object=>$q) for qw(CreateTicket ReplyToTicket);
print "ok\n";
"""


def available() -> str | None:
    """Why RT can't run here, or None when it can."""
    if os.geteuid() != 0:
        return "RT's test server needs root (start.sh installs Debian's request-tracker5 and runs it)"
    if not START.is_file():
        return f"{START} is missing"
    return None


@dataclass
class Rt:
    dir: Path
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def token(self) -> str:
        return (self.dir / "agent1.token").read_text().strip()

    @classmethod
    def start(cls, folder: Path) -> Rt:
        port = free_port()
        result = subprocess.run(
            ["bash", str(START), str(folder), str(port)], capture_output=True, text=True, timeout=600, check=False
        )
        server = cls(folder, port)
        if result.returncode != 0 or not server.token:
            server.stop()
            raise RuntimeError(f"RT did not start: {result.stderr.strip() or result.stdout.strip()}")
        env = {
            **os.environ,
            "RT_SITE_CONFIG": str(folder / "RT_SiteConfig.pm"),
            "RT_SITE_CONFIG_DIR": str(folder / "site.d"),
        }
        (folder / "seed-tests.pl").write_text(SEED % SAM_PASSWORD)
        seeded = subprocess.run(
            ["perl", str(folder / "seed-tests.pl")], capture_output=True, text=True, env=env, check=False
        )
        if "ok" not in seeded.stdout:
            server.stop()
            raise RuntimeError(f"RT's test users could not be made: {seeded.stderr.strip()}")
        return server

    def stop(self) -> None:
        pid_file = self.dir / "server.pid"
        if not pid_file.exists():
            return
        try:
            pid = int(pid_file.read_text().strip())
            os.kill(pid, signal.SIGTERM)
            for _ in range(100):
                os.kill(pid, 0)
                time.sleep(0.05)
        except (ProcessLookupError, ValueError):
            pass

    # -- acting on RT as others do -----------------------------------------------------------------

    def api(self, method: str, path: str, user: str = "root", password: str = "password", **kwargs) -> httpx.Response:
        """A REST2 call as ``user`` (root by default; agent1 by its token), as a teammate in RT's web UI would act."""
        auth = None if user == "agent1" else (user, password)
        headers = {"Authorization": f"token {self.token}"} if user == "agent1" else None
        with httpx.Client(base_url=f"{self.url}/REST/2.0", auth=auth, headers=headers, timeout=30) as client:
            return client.request(method, path, **kwargs)

    def mail(self, raw: bytes | str, action: str = "correspond") -> int:
        """A customer's mail through RT's mail gateway; returns the newest ticket (the one a new mail made)."""
        text = raw.decode() if isinstance(raw, bytes) else raw
        response = httpx.post(
            f"{self.url}/REST/1.0/NoAuth/mail-gateway",
            data={"queue": "General", "action": action, "message": text},
            timeout=30,
        )
        assert response.text.startswith("ok"), response.text
        newest = self.api(
            "GET", "/tickets", params={"query": "id > 0", "orderby": "id", "order": "DESC", "per_page": 1}
        )
        return int(newest.json()["items"][0]["id"])

    def reply_by_mail(self, ticket: int, raw: bytes) -> int:
        """A customer's follow-up to ``ticket``: RT threads mail by the [agenttui.test #ID] in its subject."""
        message: EmailMessage = email.message_from_bytes(raw)
        subject = str(message.get("Subject", ""))
        del message["Subject"]
        message["Subject"] = f"{subject} [agenttui.test #{ticket}]"
        self.mail(message.as_string())
        return ticket

    def transactions(self, ticket: int, kind: str) -> list[dict]:
        """The ticket's transactions of ``kind`` (Correspond, Comment, ...), read as root."""
        response = self.api(
            "POST",
            "/transactions",
            params={"fields": "Type,Creator,Created", "per_page": 100, "orderby": "id"},
            json=[
                {"field": "ObjectType", "operator": "=", "value": "RT::Ticket"},
                {"field": "ObjectId", "operator": "=", "value": ticket},
                {"field": "Type", "operator": "=", "value": kind},
            ],
        )
        return response.json()["items"]

    def all_transactions(self, kind: str) -> list[dict]:
        items, page = [], 1
        while True:
            response = self.api(
                "POST",
                "/transactions",
                params={"fields": "Type,Creator,ObjectId", "per_page": 100, "page": page, "orderby": "id"},
                json=[{"field": "Type", "operator": "=", "value": kind}],
            )
            data = response.json()
            items += data["items"]
            if page >= (data.get("pages") or 1):
                return items
            page += 1

    def ticket(self, ticket: int) -> dict:
        return self.api("GET", f"/ticket/{ticket}").json()


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def rt_table(server: Rt, who: str = "dana", **extra) -> dict:
    """An account table for agent1 (Dana, by token) or sam (by password)."""
    if who == "sam":
        table = {
            "kind": "rt",
            "url": server.url,
            "user": "sam",
            "auth": "basic",
            "password_command": f"echo {SAM_PASSWORD}",
        }
    else:
        table = {"kind": "rt", "url": server.url, "user": "agent1", "token_command": f"cat {server.dir}/agent1.token"}
    return {**table, "queue": "General", "tags_field": "Tags", **extra}
