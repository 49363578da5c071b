"""The operator console on the real database (`booking-bot chat --live`) beside a running bot: the team
answers and closes a handoff there, and the running bot passes it on in the customer's chat."""

from __future__ import annotations

import asyncio
import os
import sys

from channel_kit import settings_for, settle

from bot.main import notifier_for

TEAM = -100500
ANNA = 424242


async def live_console(db_url: str, lines: list[str]) -> tuple[int, str, str]:
    env = {**os.environ, "DATABASE_URL": db_url, "OPERATOR_TELEGRAM_CHAT_ID": str(TEAM),
           "TELEGRAM_BOT_TOKEN": "123456:AAFakeTokenForTestsOnly_0123456789ab"}
    env.pop("BUSINESS_FILE", None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "chat", "--live", env=env, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(("\n".join(lines) + "\n").encode()), 60)
    return proc.returncode, out.decode(), err.decode()


async def test_a_reply_and_a_close_from_the_live_console_reach_the_customer_through_the_running_bot(
        tmp_path, sqlite_engine, fake_telegram, run_bot):
    settings = settings_for(fake_telegram, operator_telegram_chat_id=TEAM)
    async with run_bot(settings, sqlite_engine) as (server, app):
        notifier = await notifier_for(app, server)
        await fake_telegram.send(ANNA, "I want to talk to a person")
        await fake_telegram.wait_for(ANNA, 1)
        await notifier.tick()
        await fake_telegram.wait_for(TEAM, 1)

        code, out, err = await live_console(f"sqlite:///{tmp_path / 'test.db'}", [
            "/handoff list", "/handoff reply 1 Hi, this is Sarah from the salon.", "/handoff close 1", "hello"])
        assert code == 0 and "LIVE: the real database" in err, err
        assert f"#1  telegram:{ANNA}" in out
        assert "console: handoff #1 answered (the running bot passes it on to the customer)" in out
        assert fake_telegram.chat(ANNA)[1:] == [], "the console itself sends nothing"

        await notifier.tick()  # the running bot's next check
        told = await fake_telegram.wait_for(ANNA, 3)
        assert told[1].text == "Demo Salon: Hi, this is Sarah from the salon."
        assert told[2].text.startswith("The conversation with the team at Demo Salon is closed")
        await fake_telegram.send(ANNA, "hi again")
        assert (await fake_telegram.wait_for(ANNA, 4))[3].text.startswith("Hi!"), "the bot answers her again"
        await settle(server, fake_telegram)
    assert (await app.store.progress("telegram:1001")).turns == 0, "never in a real customer's chat"
    assert (await app.store.progress("console:operator")).turns == 1, "the live console talks as the operator"
