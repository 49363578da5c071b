"""Serve a fake's aiohttp application on 127.0.0.1 (never any other address)."""

from __future__ import annotations

from aiohttp import web


async def serve_on_loopback(app: web.Application, port: int = 0) -> tuple[web.AppRunner, str]:
    """Start `app` on 127.0.0.1:`port` (0 = any free port); returns the runner and its base URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    host, real_port = runner.addresses[0][:2]
    return runner, f"http://{host}:{real_port}"
