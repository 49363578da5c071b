"""Ports for the bot to listen on in tests."""

from __future__ import annotations

import random
import socket


def free_port() -> int:
    """A port nothing listens on, below the range the kernel hands to outgoing connections (32768 and up on
    Linux). A port from bind(0) comes from that range, and a connection another process opens meanwhile (to the
    database, to a fake) may take it before the bot listens there."""
    while True:
        port = random.randrange(20000, 32768)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
