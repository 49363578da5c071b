"""Whatever a customer types, in whatever order, the bot answers and never books without a yes."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.main import build_app
from bot.clock import VirtualClock
from bot.messages import Inbound
from bot.settings import Settings
from storage import make_engine

WORDS = ["book", "haircut", "Sarah", "Tom", "tomorrow", "at 10", "yes", "no", "1", "2", "3", "cancel", "stop",
         "move it to friday", "Färben", "morgen um 14 Uhr", "ja", "nein", "my bookings", "anna@example.com",
         "Anna", "next week", "😀", "", "help", "beard trim on sunday", "yesterday", "15:45", "abbrechen"]
YES = {"yes", "ja", "1", "2", "3"}  # an answer that may pick "Yes" (or a time, then "Yes")
message = st.one_of(st.sampled_from(WORDS), st.text(max_size=80),
                    st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join))


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(message, min_size=1, max_size=8))
def test_any_sequence_of_messages_is_answered_and_never_books_without_a_yes(tmp_path_factory, messages):
    async def run() -> None:
        path = tmp_path_factory.mktemp("prop") / "bot.db"
        engine = make_engine(f"sqlite+aiosqlite:///{path}")
        clock = VirtualClock(datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")))
        app = await build_app(Settings(_env_file=None), clock=clock, engine=engine)
        try:
            said_yes = False
            for text in messages:
                replies = await app.dialogue.handle(Inbound("telegram", "1", text=text, lang="en"))
                assert replies and all(r.text.strip() for r in replies)
                said_yes = said_yes or bool(YES & set(text.lower().split()))
            if not said_yes:
                assert await app.backend.list_all() == []
        finally:
            await app.aclose()

    asyncio.run(run())
