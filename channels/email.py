"""Email out through an SMTP server (aiosmtplib): confirmations to customers, notes to the business.

The server's answers become the channels' errors through one table: trouble reaching or
talking to the server, and every 4xx answer, is `RetryLater`; a refused recipient and other
5xx answers are `Undeliverable`, so whoever sends (the notification outbox) retries or gives up.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from email.message import EmailMessage
from typing import Any

import aiosmtplib
from aiosmtplib import (
    SMTPAuthenticationError,
    SMTPConnectError,
    SMTPException,
    SMTPNotSupported,
    SMTPRecipientsRefused,
    SMTPResponseException,
    SMTPServerDisconnected,
    SMTPTimeoutError,
)

from bot.settings import SMTP_TLS_MODES, Settings, check_email

from .errors import ChannelError, ErrorRule, RetryLater, Undeliverable, map_errors

log = logging.getLogger(__name__)


def _refused(exc: BaseException) -> ChannelError:
    """Every recipient refused: a 4xx (mailbox busy, greylisting) is worth another try, a 5xx is not."""
    assert isinstance(exc, SMTPRecipientsRefused)
    codes = [r.code for r in exc.recipients]
    if codes and all(400 <= code < 500 for code in codes):
        return RetryLater(f"the mail server refused the recipient for now ({codes[0]})")
    return Undeliverable(f"the mail server refused the recipient ({codes[0] if codes else 'no code'})")


def _by_code(exc: BaseException) -> ChannelError:
    assert isinstance(exc, SMTPResponseException)
    what = f"the mail server answered {exc.code}"
    return Undeliverable(what) if exc.code >= 500 else RetryLater(what)


# How aiosmtplib's errors become channel errors: first matching row wins.
SEND_ERRORS: list[ErrorRule] = [
    (SMTPRecipientsRefused, _refused),
    # a refused login is the operator's to fix (SMTP_USER / SMTP_PASSWORD); the message waits for it
    (SMTPAuthenticationError,
     lambda e: RetryLater("setting SMTP_USER / SMTP_PASSWORD: the mail server refused the login")),
    (SMTPNotSupported, lambda e: RetryLater(f"setting SMTP_TLS: the mail server does not support this ({e})")),
    (SMTPConnectError, lambda e: RetryLater(f"cannot reach the mail server: {type(e).__name__}")),
    (SMTPTimeoutError, lambda e: RetryLater("the mail server did not answer in time")),
    (SMTPServerDisconnected, lambda e: RetryLater("the mail server closed the connection")),
    (SMTPResponseException, _by_code),
    (SMTPException, lambda e: RetryLater(f"setting SMTP_TLS: the mail server does not offer STARTTLS ({e})")
     if "STARTTLS" in str(e) else None),
    (SMTPException, lambda e: RetryLater(f"mail server trouble: {e}")),
    (ssl.SSLError, lambda e: RetryLater(f"setting SMTP_TLS: the TLS handshake failed ({e.reason})")),
    (OSError, lambda e: RetryLater(f"cannot reach the mail server: {type(e).__name__}")),
    (asyncio.TimeoutError, lambda e: RetryLater("the mail server did not answer in time")),
]


class Mailer:
    """Sends one email per call through the configured SMTP server (a fresh connection each time)."""

    def __init__(self, host: str, port: int, *, user: str | None = None, password: str | None = None,
                 sender: str, tls: str = "starttls", timeout: float = 20,
                 tls_context: ssl.SSLContext | None = None) -> None:
        if tls not in SMTP_TLS_MODES:
            raise ValueError(f"tls must be one of {', '.join(SMTP_TLS_MODES)}, not {tls!r}")
        self.host, self.port = host, port
        self.user, self.password = user, password
        self.sender = sender
        self.tls = tls
        self.timeout = timeout
        self.tls_context = tls_context  # None: the system's trusted certificates

    async def send(self, message: EmailMessage) -> None:
        """Deliver `message` (its From is the sender when it has none); `RetryLater` or `Undeliverable` if not."""
        if message["From"] is None:
            message["From"] = self.sender
        with map_errors(SEND_ERRORS):
            await aiosmtplib.send(message, **self._connection())
        log.info("email: sent to the mail server %s:%s", self.host, self.port)

    async def check(self) -> str | None:
        """At start: connect, secure and log in as a send would, then leave. None when all is well, else
        what is wrong (naming the setting where one is to blame); nothing is sent."""
        client = aiosmtplib.SMTP(**self._connection())
        try:
            with map_errors(SEND_ERRORS):
                await client.connect()
                await client.quit()
        except ChannelError as exc:
            return str(exc)
        finally:
            client.close()
        return None

    def _connection(self) -> dict[str, Any]:
        """How to reach, secure and log in to the server: the same for a send and for the check at start."""
        return {"hostname": self.host, "port": self.port, "username": self.user or None,
                "password": self.password if self.user else None, "use_tls": self.tls == "tls",
                "start_tls": self.tls == "starttls", "timeout": self.timeout, "tls_context": self.tls_context}

    def describe(self) -> str:
        login = ", with login" if self.user else ""
        return f"Email: through {self.host}:{self.port} ({self.tls}{login}), from {self.sender}"


def mailer_from(settings: Settings) -> Mailer | None:
    """The mailer the SMTP settings describe, or None without SMTP_HOST; SettingsError naming a bad setting."""
    check_email(settings)
    if not settings.smtp_host:
        return None
    password = settings.smtp_password.get_secret_value() if settings.smtp_password is not None else None
    return Mailer(settings.smtp_host, settings.smtp_port, user=settings.smtp_user or None, password=password,
                  sender=settings.smtp_from, tls=settings.smtp_tls)
