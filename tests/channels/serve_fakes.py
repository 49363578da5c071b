"""Start the fake Telegram and Twilio servers standalone and play a customer on each, for a manual run.

    .venv/bin/python tests/channels/serve_fakes.py        # fakes on 127.0.0.1:8081 (Telegram) and :8082 (Twilio)

then, in another terminal, `booking-bot run` with the environment this script prints. Type:

    tg TEXT        Telegram customer 1001 writes TEXT        (/start, /book ... work too)
    tg! LABEL      Telegram customer taps the button LABEL under the latest keyboard
    wa TEXT        WhatsApp customer +4915100000001 writes TEXT (a signed Twilio webhook)
    team TEXT      a team member answers in the operator group, replying to the latest handoff notification
    team! LABEL    a team member taps LABEL (Close) under the latest handoff notification
    quit

With --team (default -100777, the operator group) the bot's notifications to the business are printed
too; start the bot with OPERATOR_TELEGRAM_CHAT_ID set to it, as the printed command does.

Every message the bot sends is printed as the customer would see it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

import aiohttp

from fake_telegram import FakeTelegram
from fake_twilio import ACCOUNT_SID, AUTH_TOKEN, SENDER, FakeTwilio

TG_USER = 1001
WA_USER = "+4915100000001"
TEAM_MEMBER = 2002


async def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--telegram-port", type=int, default=8081)
    p.add_argument("--twilio-port", type=int, default=8082)
    p.add_argument("--bot", default="http://127.0.0.1:8080", help="where booking-bot run listens")
    p.add_argument("--public", default="https://bot.example.com", help="PUBLIC_BASE_URL the bot is given")
    p.add_argument("--team", type=int, default=-100777, help="the operator group's chat id")
    args = p.parse_args()

    telegram, twilio = FakeTelegram(), FakeTwilio(real_clock=True)
    await telegram.start(args.telegram_port)
    await twilio.start(args.twilio_port)
    twilio.webhook_url = args.bot.rstrip("/") + "/whatsapp/inbound"
    twilio.public_url = args.public.rstrip("/") + "/whatsapp/inbound"
    print("fakes are up. Start the bot with:\n"
          f"  TELEGRAM_BOT_TOKEN={telegram.token} TELEGRAM_API_BASE={telegram.base} \\\n"
          f"  TWILIO_ACCOUNT_SID={ACCOUNT_SID} TWILIO_AUTH_TOKEN={AUTH_TOKEN} \\\n"
          f"  TWILIO_WHATSAPP_FROM={SENDER} TWILIO_API_BASE={twilio.base} \\\n"
          f"  PUBLIC_BASE_URL={args.public} HTTP_PORT={args.bot.rsplit(':', 1)[-1]} \\\n"
          f"  OPERATOR_TELEGRAM_CHAT_ID={args.team} booking-bot run", flush=True)

    shown_tg, shown_wa, shown_team = 0, 0, 0

    async def show(wait: float) -> None:
        nonlocal shown_tg, shown_wa, shown_team
        deadline = asyncio.get_running_loop().time() + wait
        quiet_since = None
        while asyncio.get_running_loop().time() < deadline:
            tg, wa = telegram.chat(TG_USER), twilio.to(WA_USER)
            fresh = tg[shown_tg:], wa[shown_wa:]
            for m in fresh[0]:
                print(f"telegram bot: {m.text}" + (f"   [{' | '.join(m.buttons)}]" if m.buttons else ""), flush=True)
            for m in fresh[1]:
                body = m.body if m.body is not None else f"<template {m.content_sid} {m.content_variables}>"
                print("whatsapp bot: " + body.replace("\n", "\n              "), flush=True)
            team = telegram.chat(args.team)
            for m in team[shown_team:]:
                print("team chat: " + m.text.replace("\n", "\n           ")
                      + (f"   [{' | '.join(m.buttons)}]" if m.buttons else ""), flush=True)
            shown_tg, shown_wa = len(tg), len(wa)
            fresh_team, shown_team = team[shown_team:], len(team)
            if fresh[0] or fresh[1] or fresh_team:
                quiet_since = asyncio.get_running_loop().time()
            elif quiet_since is not None and asyncio.get_running_loop().time() - quiet_since > 0.5:
                return
            await asyncio.sleep(0.05)

    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line or line.strip() == "quit":
            break
        command, _, text = line.strip().partition(" ")
        if command == "tg":
            await telegram.send(TG_USER, text)
        elif command == "tg!":
            keyboards = [m for m in telegram.chat(TG_USER) if m.keyboard]
            if not keyboards or text not in keyboards[-1].buttons:
                print("no such button", flush=True)
                continue
            await telegram.press(TG_USER, keyboards[-1], text)
        elif command in ("team", "team!"):
            notes = [m for m in telegram.chat(args.team) if m.buttons]
            if not notes:
                print("no handoff notification in the team chat yet", flush=True)
                continue
            if command == "team":
                await telegram.send_in(args.team, TEAM_MEMBER, text, reply_to=notes[-1])
            elif text in notes[-1].buttons:
                await telegram.press(TEAM_MEMBER, notes[-1], text)
            else:
                print("no such button", flush=True)
                continue
        elif command == "wa":
            try:
                status, _, _ = await twilio.send(WA_USER, text)
            except aiohttp.ClientConnectionError:
                print(f"the bot is not listening at {twilio.webhook_url} (start it first)", flush=True)
                continue
            if status != 200:
                print(f"the bot answered Twilio's webhook with HTTP {status}", flush=True)
        elif command == "sleep":
            await asyncio.sleep(float(text or 1))
            continue
        else:
            print(__doc__, flush=True)
            continue
        await show(10)
    await show(1)
    await telegram.stop()
    await twilio.stop()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
