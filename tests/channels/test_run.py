"""`booking-bot run` as an operator meets it: what starts, where it listens, how it stops."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp
from channel_kit import free_port, settings_for, within
from fake_twilio import ACCOUNT_SID, AUTH_TOKEN, SENDER

from bot.main import build_app, build_server

BIN = Path(sys.executable).with_name("booking-bot")


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "TWILIO_", "PUBLIC_", "HTTP_", "RATE_", "SMTP_", "OPERATOR_"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'bot.db'}"
    env.update(extra)
    return env


async def run_cli(tmp_path: Path, stdin: bytes = b"", **env: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        str(BIN), "run", cwd=tmp_path, env=clean_env(tmp_path, **env),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(stdin), 60)
    return proc.returncode, out.decode(), err.decode()


async def test_with_no_channel_it_says_so_and_opens_the_console(tmp_path):
    code, out, err = await run_cli(tmp_path, b"hello\n")
    assert code == 0
    assert "no channel is configured" in err
    assert out.startswith("bot: Hi!")


async def test_a_missing_or_malformed_setting_is_one_line_naming_it(tmp_path):
    code, out, err = await run_cli(tmp_path, TWILIO_ACCOUNT_SID=ACCOUNT_SID)
    assert code == 2 and err.strip().splitlines() == [err.strip()]
    assert "TWILIO_AUTH_TOKEN" in err
    code, _, err = await run_cli(tmp_path, TELEGRAM_BOT_TOKEN="12345:AAshortButValidLookingToken_xyz", HTTP_PORT="80a")
    assert code == 2 and "HTTP_PORT" in err and "Traceback" not in err
    code, _, err = await run_cli(tmp_path, TELEGRAM_BOT_TOKEN="not a token")
    assert code == 2 and "TELEGRAM_BOT_TOKEN" in err and "not a token" not in err


async def test_a_booking_system_configured_wrongly_is_one_line_naming_the_setting(tmp_path):
    code, _, err = await run_cli(tmp_path, BOOKING_BACKEND="calcom")
    assert code == 2 and err.strip().splitlines() == [err.strip()] and "CALCOM_API_KEY" in err
    code, _, err = await run_cli(tmp_path, BOOKING_BACKEND="calendly")
    assert code == 2 and "BOOKING_BACKEND" in err and "local, calcom" in err
    code, _, err = await run_cli(tmp_path, BOOKING_BACKEND="calcom", CALCOM_API_KEY="cal_test_key",
                                 CALCOM_EVENT_TYPES="Hair=101")
    assert code == 2 and err.strip().endswith("(services: Haircut, Coloring, Beard trim)") and "'Hair'" in err
    assert "CALCOM_EVENT_TYPES" in err and "Traceback" not in err
    code, _, err = await run_cli(tmp_path, BOOKING_BACKEND="calcom", CALCOM_API_KEY="cal_test_key",
                                 CALCOM_EVENT_TYPES="Haircut=101")
    assert code == 2 and "CALCOM_EVENT_TYPES" in err and "Coloring" in err and "Traceback" not in err


async def test_run_serves_both_channels_then_stops_cleanly_on_sigterm(tmp_path, fake_telegram, fake_twilio):
    port = free_port()
    env = clean_env(
        tmp_path, TELEGRAM_BOT_TOKEN=fake_telegram.token, TELEGRAM_API_BASE=fake_telegram.base,
        TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN, TWILIO_WHATSAPP_FROM=SENDER,
        TWILIO_API_BASE=fake_twilio.base, PUBLIC_BASE_URL="https://bot.example.com", HTTP_PORT=str(port),
    )
    proc = await asyncio.create_subprocess_exec(str(BIN), "run", cwd=tmp_path, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        banner = []
        while not any("listening on" in line for line in banner):
            line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
            assert line, (await proc.stderr.read()).decode()
            banner.append(line)
        text = "".join(banner)
        assert "Telegram: @demo_salon_bot, long polling" in text
        assert "give Twilio https://bot.example.com/whatsapp/inbound" in text
        assert f"http://127.0.0.1:{port}" in text

        await fake_telegram.send(5, "hello")
        [hello] = await fake_telegram.wait_for(5, 1, timeout=10)
        assert hello.text.startswith("Hi!")
        fake_twilio.webhook_url = f"http://127.0.0.1:{port}/whatsapp/inbound"
        fake_twilio.public_url = "https://bot.example.com/whatsapp/inbound"
        status, _, _ = await fake_twilio.send("+4915112345678", "hallo, ich möchte einen Termin")
        assert status == 200
        await fake_twilio.wait_for("+4915112345678", 1, timeout=10)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                assert response.status == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, err.decode()
    assert "stopped" in out.decode()
    assert "4915112345678" not in err.decode(), "numbers never reach the log"


async def test_a_stop_finishes_the_turns_in_flight(sqlite_engine, fake_telegram, clock):
    settings = settings_for(fake_telegram)
    app = await build_app(settings, clock=clock, engine=sqlite_engine)
    server = build_server(app)
    await server.start()
    handle = app.dialogue.handle
    started, release = asyncio.Event(), asyncio.Event()

    async def slow(msg, also=None):
        started.set()
        await release.wait()  # the turn ends only once the stop is waiting for it
        return await handle(msg, also)

    app.dialogue.handle = slow
    conveyor = server.channels["telegram"].conveyor
    drain = conveyor.drain
    draining = asyncio.Event()
    chat_when_the_stop_moved_on: list[list[str]] = []

    async def drain_seen(timeout: float = 30.0) -> bool:  # the stop waiting for the turns in flight
        draining.set()
        finished = await drain(timeout)
        chat_when_the_stop_moved_on.append([m.text[:3] for m in fake_telegram.chat(5)])
        return finished

    conveyor.drain = drain_seen
    await fake_telegram.send(5, "hello")
    await within(started.wait(), "the turn started")
    stopping = asyncio.create_task(server.stop(timeout=5))
    try:
        await within(draining.wait(), "the stop waits for the turns in flight")
        assert fake_telegram.chat(5) == [], "the turn is still in flight when the stop begins to wait"
    finally:
        release.set()
    await within(stopping, "the stop finished")
    assert chat_when_the_stop_moved_on == [["Hi!"]], "the stop went on (to close the connections) only after the reply"
    assert [m.text[:3] for m in fake_telegram.chat(5)] == ["Hi!"]
    assert server.state == "stopped"


async def test_several_processes_started_at_once_on_a_fresh_postgresql_database_all_come_up(
        tmp_path, fake_twilio, fresh_pg_url):
    """Every component migrates its tables under one lock, so processes starting together never collide."""
    ports = [free_port() for _ in range(4)]
    procs = [await asyncio.create_subprocess_exec(
        str(BIN), "run", cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env=clean_env(tmp_path, DATABASE_URL=fresh_pg_url, TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
                      TWILIO_WHATSAPP_FROM=SENDER, TWILIO_API_BASE=fake_twilio.base,
                      PUBLIC_BASE_URL="https://bot.example.com", HTTP_PORT=str(port)))
        for port in ports]
    try:
        for proc in procs:
            banner = ""
            while "is running" not in banner:
                line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
                assert line, "a process did not come up: " + (await proc.stderr.read()).decode()
                banner += line
        async with aiohttp.ClientSession() as http:
            for port in ports:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    assert response.status == 200 and (await response.json())["database"] == "ok"
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        results = [await asyncio.wait_for(proc.communicate(), 30) for proc in procs]
    for proc, (_, err) in zip(procs, results):
        assert proc.returncode == 0, err.decode()


async def test_the_start_up_lines_say_where_the_business_hears_of_its_customers(tmp_path, fake_telegram):
    env = clean_env(tmp_path, TELEGRAM_BOT_TOKEN=fake_telegram.token, TELEGRAM_API_BASE=fake_telegram.base,
                    HTTP_PORT=str(free_port()), OPERATOR_TELEGRAM_CHAT_ID="-100500", SMTP_HOST="127.0.0.1",
                    SMTP_PORT=str(free_port()), SMTP_TLS="none", SMTP_FROM="salon@example.com",
                    OPERATOR_EMAIL="owner@example.com")
    proc = await asyncio.create_subprocess_exec(str(BIN), "run", cwd=tmp_path, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        banner = ""
        while "Operator notifications" not in banner:
            line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
            assert line, (await proc.stderr.read()).decode()
            banner += line
    finally:
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.communicate(), 30)
    assert "Email: through 127.0.0.1:" in banner and "from salon@example.com" in banner
    assert "NOT WORKING NOW: cannot reach the mail server" in banner, "nothing listens there: said at start"
    assert ("Operator notifications: Telegram chat -100500, email to owner@example.com; "
            "a handoff closes by itself after 24h") in banner


async def test_a_database_file_that_is_not_a_database_is_one_line_naming_the_setting(tmp_path, fake_telegram):
    (tmp_path / "bot.db").write_text("these are not the tables you are looking for\n")
    code, _, err = await run_cli(tmp_path, TELEGRAM_BOT_TOKEN=fake_telegram.token,
                                 TELEGRAM_API_BASE=fake_telegram.base, HTTP_PORT=str(free_port()))
    assert code == 2 and err.strip().splitlines() == [err.strip()], err
    assert err.startswith("booking-bot: setting DATABASE_URL: cannot open the database") and "Traceback" not in err


async def test_operator_and_email_settings_that_do_not_fit_are_one_line_each(tmp_path):
    cases = [
        (dict(OPERATOR_TELEGRAM_CHAT_ID="-100500"),
         "setting TELEGRAM_BOT_TOKEN: needed when OPERATOR_TELEGRAM_CHAT_ID"),
        (dict(OPERATOR_EMAIL="owner@example.com"), "setting SMTP_HOST: needed when OPERATOR_EMAIL is set"),
        (dict(SMTP_HOST="127.0.0.1", SMTP_FROM="salon@example.com", SMTP_TLS="ssl"),
         "setting SMTP_TLS: 'ssl' is not one of starttls, tls, none"),
        (dict(SMTP_HOST="127.0.0.1"), "setting SMTP_FROM: needed when SMTP_HOST is set"),
    ]
    for env, line in cases:  # no channel either: the line comes before any console would open
        code, out, err = await run_cli(tmp_path, **env)
        assert code == 2 and err.strip().splitlines() == [err.strip()], (env, err)
        assert err.startswith(f"booking-bot: {line}") and out == "", (env, err)
