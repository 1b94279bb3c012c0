"""Sending an agent's reply over SMTP (smtplib), as a MIME message built from the stored one.

Apart from the source because it is the one part that speaks SMTP, not IMAP. ``ImapSource.deliver_reply``
makes it exactly once: before sending, the Sent folder is searched for the reply's Message-ID (fixed when
its draft was created), so a retry after a crash never sends twice; ``send`` tells a reply refused (it stays
queued) from one that may have gone out (the line broke during DATA: ``DeliveryUncertain``).
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from agent_tui.config import credentials
from agent_tui.domain.models import Author, Message
from agent_tui.errors import DeliveryUncertain, SourceError
from agent_tui.sources.imap.settings import ImapSettings
from agent_tui.sources.mail.parse import FORWARD_HEADER

_TOKEN = re.compile(r"[A-Za-z0-9!#$&^_.+-]+")


def mime(message: Message, settings: ImapSettings) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = formataddr((message.sender.name or settings.name, settings.address))
    mail["To"] = ", ".join(formataddr((a.name, a.email)) for a in message.to)
    if message.cc:  # send_message puts every To and Cc address in the envelope (RCPT TO)
        mail["Cc"] = ", ".join(formataddr((a.name, a.email)) for a in message.cc)
    mail["Subject"] = message.subject
    thread_headers(mail, message)
    if message.author is Author.FORWARD:  # so every teammate's sync files it as a forward, not a reply
        mail[FORWARD_HEADER] = "yes"
    mail.set_content(message.text)
    for attachment, data in zip(message.attachments, message.payloads, strict=False):
        maintype, _, subtype = attachment.content_type.partition("/")
        if not subtype or not _TOKEN.fullmatch(maintype) or not _TOKEN.fullmatch(subtype):
            maintype, subtype = "application", "octet-stream"
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return mail


def send(
    mail: EmailMessage,
    before_handover: Callable[[], None],
    *,
    settings: ImapSettings,
    context: Callable[[], ssl.SSLContext],
) -> None:
    s = settings
    where = f"{s.smtp_host}:{s.smtp_port}"
    handed_over = False
    try:
        if s.tls == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, context=context(), timeout=30)
        else:
            server = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=30)
            if s.tls == "starttls":
                server.starttls(context=context())
        with server:
            if s.oauth2_command:
                token = credentials.from_command(s.account, s.oauth2_command, "OAuth2 token")
                server.ehlo_or_helo_if_needed()
                server.auth(
                    "XOAUTH2",
                    lambda challenge=None: "" if challenge else f"user={s.user}\x01auth=Bearer {token}\x01\x01",
                )
            elif s.tls != "none" or server.has_extn("auth"):
                server.login(s.user, credentials.password(s.account, s.user, s.password_command))
            take_data = server.data

            def data(content):  # send_message's last step: the server may deliver from here on
                nonlocal handed_over
                before_handover()
                handed_over = True
                return take_data(content)

            server.data = data  # type: ignore[method-assign]
            server.send_message(mail)
    except smtplib.SMTPAuthenticationError:
        raise SourceError(
            f"The SMTP server {where} refused the login for {s.user!r}; the reply stays in the outbox."
        ) from None
    except smtplib.SMTPResponseException as error:  # the server answered, and said no: not delivered
        raise SourceError(
            f"The SMTP server {where} refused the reply ({error.smtp_code} {error.smtp_error!r}); it stays in the outbox."
        ) from None
    except (TimeoutError, OSError, smtplib.SMTPException) as error:
        if handed_over:  # the line dropped while the server had the whole message: it may deliver it
            raise DeliveryUncertain(
                f"The connection to {where} broke while it was taking the reply ({error}); "
                "it may have gone out, so it is held: agent-tui reply ID --send --resend sends it anyway."
            ) from None
        raise SourceError(
            f"The SMTP server {where} could not take the reply ({error}); it stays in the outbox."
        ) from None


def thread_headers(mail: EmailMessage, message: Message) -> None:
    """Date, Message-ID, In-Reply-To and References, so every mail client threads it into the ticket."""
    mail["Date"] = format_datetime(message.date)
    mail["Message-ID"] = message.message_id
    if message.in_reply_to:
        mail["In-Reply-To"] = message.in_reply_to
    if message.references:
        mail["References"] = " ".join(message.references)
