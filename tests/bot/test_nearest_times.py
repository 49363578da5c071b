"""A time that is not free: the nearest free ones instead, from the asked day, then the days after, then before."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from dialogue_kit import BERLIN, Chat, at


def book_whole_days(chat: Chat, first: date, last: date) -> None:
    """Every hour of every weekday from `first` to `last`, for both people who cut hair."""
    day = first
    while day <= last:
        for hour in range(9, 18):
            for staff in ("sarah", "tom"):
                chat.backend.add("haircut", staff, datetime.combine(day, time(hour), BERLIN), ref="telegram:9")
        day += timedelta(days=1)


def times(chat: Chat) -> list[str]:
    """The times offered, without who is free then ("Thu 26 Nov, 15:00 (Sarah)")."""
    return [label.split(" (")[0] for label in chat.labels() if "Nov" in label or "Dec" in label]


def asked_spans(chat: Chat) -> list[timedelta]:
    """How long a stretch of the calendar each availability question covered."""
    spans: list[timedelta] = []
    ask = chat.backend.availability

    async def counting(start, end, service, staff=None):
        spans.append(end - start)
        return await ask(start, end, service, staff)

    chat.backend.availability = counting  # type: ignore[method-assign]
    return spans


async def test_a_taken_time_offers_free_times_of_the_same_day_and_asks_about_that_day_only():
    chat = Chat()
    for staff in ("sarah", "tom"):
        chat.backend.add("haircut", staff, at(25, 15), ref="telegram:9")
    spans = asked_spans(chat)
    text = await chat.say("haircut on Wednesday at 3pm")
    assert "isn't free" in text
    assert times(chat) == ["Wed 25 Nov, 13:00", "Wed 25 Nov, 14:00", "Wed 25 Nov, 16:00"]
    assert max(spans) <= timedelta(days=1), "the booking system was asked about more than the asked day"


@pytest.mark.parametrize("full, asked, offered", [
    ((date(2026, 11, 25), date(2026, 11, 25)), "Wednesday",  # that day full: the same time on the days after
     ["Thu 26 Nov, 15:00", "Fri 27 Nov, 15:00", "Mon 30 Nov, 15:00"]),
    ((date(2026, 12, 2), date(2026, 12, 9)), "Wednesday 2 December",  # the week after full too: the days before
     ["Fri 27 Nov, 15:00", "Mon 30 Nov, 15:00", "Tue 1 Dec, 15:00"]),
])
async def test_a_full_day_offers_the_same_time_on_the_closest_other_days(full, asked, offered):
    chat = Chat()
    book_whole_days(chat, *full)
    text = await chat.say(f"haircut on {asked} at 3pm")
    assert "isn't free" in text
    assert times(chat) == offered


async def test_hours_the_business_is_never_open_say_the_opening_hours_and_offer_the_nearest_times_that_week():
    chat = Chat()
    text = await chat.say("haircut any day next week after 7pm")
    assert "we're not open after 19:00" in text
    assert "Mon–Fri 09:00–18:00, Sat 10:00–14:00, Sun closed" in text
    assert times(chat) == ["Mon 30 Nov, 17:00", "Tue 1 Dec, 17:00", "Wed 2 Dec, 17:00"]


async def test_hours_taken_every_day_of_a_week_offer_the_times_nearest_them_in_that_week():
    chat = Chat()
    for day in range(30, 35):  # every morning of next week's weekdays, both people, taken
        for hour in range(9, 12):
            for staff in ("sarah", "tom"):
                when = datetime(2026, 11, 30, hour, tzinfo=BERLIN) + timedelta(days=day - 30)
                chat.backend.add("haircut", staff, when, ref="telegram:9")
    text = await chat.say("haircut some morning next week")
    assert "nothing free for Haircut Mon 30 Nov – Sun 6 Dec, 09:00–12:00" in text
    assert "not open" not in text
    assert times(chat) == ["Mon 30 Nov, 12:00", "Tue 1 Dec, 12:00", "Wed 2 Dec, 12:00"]


@pytest.mark.parametrize("asked, said, offered", [
    ("on Wednesday after 7pm", "on Wednesday 25 November we close at 18:00 (open 09:00–18:00)",
     ["Wed 25 Nov, 15:00", "Wed 25 Nov, 16:00", "Wed 25 Nov, 17:00"]),
    ("on Wednesday before 8am", "on Wednesday 25 November we only open at 09:00 (open 09:00–18:00)",
     ["Wed 25 Nov, 09:00", "Wed 25 Nov, 10:00", "Wed 25 Nov, 11:00"]),
])
async def test_a_part_of_one_day_outside_the_hours_says_that_days_hours_and_offers_that_days_nearest(
        asked, said, offered):
    chat = Chat()
    text = await chat.say(f"haircut {asked}")
    assert said in text
    assert times(chat) == offered


async def test_anything_later_after_the_days_last_time_offers_the_next_days_not_the_same_times_again():
    chat = Chat()
    await chat.say("my name is Leo")
    assert "Shall I book" in await chat.say("haircut with Sarah on Wednesday at 5pm")
    await chat.say("anything later?")  # 17:00 is the last this booking system has: nothing later that day
    assert times(chat) and all(not label.startswith("Wed 25 Nov") for label in times(chat))
