"""A local SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives, for the email tests.

It runs in the test's own event loop, so a test waits on `next_message()` (an asyncio
condition), never on a sleep. Optional: STARTTLS or implicit TLS with a self-signed
certificate made for the test (`self_signed`), a login, recipients it refuses (5xx) or
puts off (4xx).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import shutil
import ssl
import subprocess
import warnings
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


@dataclass
class Received:
    """One message as the server got it: the envelope and the parsed email."""

    sender: str
    recipients: list[str]
    message: EmailMessage
    tls: bool


@dataclass
class FakeSMTP:
    tls: str = "none"  # none | starttls | tls (what the server offers)
    cert: tuple[Path, Path] | None = None  # certificate and key files for starttls / tls
    login: tuple[str, str] | None = None  # the only user and password it accepts
    refuse: set[str] = field(default_factory=set)  # recipients answered 550
    busy: set[str] = field(default_factory=set)  # recipients answered 450
    received: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._changed = asyncio.Condition()
        self._server: asyncio.AbstractServer | None = None
        self.port = 0

    async def start(self, port: int = 0) -> int:
        """Listen on 127.0.0.1 (`port`: a given one, e.g. to come back where a mailer expects the server)."""
        context = self._context() if self.tls != "none" else None
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: self._protocol(context), "127.0.0.1", port,
                                                ssl=context if self.tls == "tls" else None)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def _protocol(self, context: ssl.SSLContext | None) -> SMTP:
        with warnings.catch_warnings():  # implicit TLS: aiosmtpd cannot tell the login is encrypted, and warns
            warnings.simplefilter("ignore")
            return SMTP(self, hostname="fake-smtp.test", tls_context=context if self.tls == "starttls" else None,
                        require_starttls=self.tls == "starttls", authenticator=self._auth if self.login else None,
                        auth_required=bool(self.login), auth_require_tls=self.tls == "starttls")

    def _context(self) -> ssl.SSLContext:
        assert self.cert is not None, "a TLS server needs a certificate (self_signed)"
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*self.cert)
        return context

    def _auth(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and self.login == (data.login.decode(), data.password.decode())
        return AuthResult(success=ok, handled=False)

    # --- aiosmtpd's handler hooks -----------------------------------------------------------

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        if address in self.busy:
            return "450 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[arg-type]
        async with self._changed:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed,  # type: ignore[arg-type]
                                          _encrypted(server, session)))
            self._changed.notify_all()
        return "250 Message accepted for delivery"

    # --- the test's side ---------------------------------------------------------------------

    async def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """Wait until `count` messages have arrived in all (`timeout` is only a safety limit)."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: len(self.received) >= count), timeout)
            except TimeoutError:
                raise AssertionError(f"expected {count} emails, got {len(self.received)}") from None
        return self.received


def _encrypted(server: SMTP, session: Session) -> bool:
    """Whether the message came over TLS (after STARTTLS, or on a TLS connection from the start)."""
    transport = server.transport
    return session.ssl is not None or (transport is not None and transport.get_extra_info("ssl_object") is not None)


def self_signed(directory: Path) -> tuple[Path, Path] | None:
    """A certificate and key for 127.0.0.1 made with the openssl tool; None where it is missing."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def client_context(cert: Path) -> ssl.SSLContext:
    """What the mailer trusts in the tests: exactly the test's own certificate."""
    return ssl.create_default_context(cafile=str(cert))
