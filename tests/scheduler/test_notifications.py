"""Notifications to the business and handoffs: planned once, sent once, and the bot quiet while the team talks."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from booking_client import Booking, BookingRequest, BookingStatus, Contact
from bot.clock import VirtualClock
from bot.conversation.state import Handoff, HandoffEntry, State
from bot.main import build_app, build_notifier, build_scheduler
from bot.messages import Inbound
from bot.settings import Settings
from scheduler.notifications import booking_kind

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)


class TeamChat:
    """The business's operator chat: what it received; a switch to make it slow."""

    def __init__(self) -> None:
        self.got: list[tuple[str, int | None]] = []
        self.pause = 0.0

    async def __call__(self, text: str, handoff: int | None) -> bool:
        if self.pause:
            await asyncio.sleep(self.pause)  # a slow network, so two loops overlap
        self.got.append((text, handoff))
        return True

    @property
    def texts(self) -> list[str]:
        return [text for text, _ in self.got]


class Phone:
    """The customers' channel: what each customer received."""

    def __init__(self) -> None:
        self.got: list[tuple[str, str, str]] = []

    async def __call__(self, kind, user, reply, variables):
        self.got.append((kind, user, reply.text))
        return True


async def make(engine, clock, *, team: bool = True, **settings):
    if team:  # the team is reachable (its chat is the TeamChat below)
        settings |= {"operator_telegram_chat_id": -100500, "telegram_bot_token": "123456:AAFakeTokenForTestsOnly_01234"}

    app = await build_app(Settings(_env_file=None, **settings), clock=clock, engine=engine)
    chat, phone = TeamChat(), Phone()
    notifier = build_notifier(app, {"telegram": phone, "whatsapp": phone}, operator_chat=chat if team else None,
                              email=False)
    await notifier.begin()
    return app, notifier, chat, phone


async def say(app, text: str, user: str = "1001", lang: str = "en") -> list[str]:
    return [r.text for r in await app.dialogue.handle(Inbound("telegram", user, text=text, lang=lang))]


def walk_in(start: datetime, ref: str = "whatsapp:+4915100000001") -> BookingRequest:
    return BookingRequest("beard", "tom", start, Contact(ref=ref, name="Jonas"))


async def test_an_existing_database_does_not_notify_its_history_on_the_first_start(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    app = await build_app(Settings(_env_file=None), clock=clock, engine=sqlite_engine)
    for i in range(3):  # the business's history, from before notifications existed
        await app.backend.create(walk_in(MONDAY_9 + timedelta(days=1, hours=i)), f"old-{i}")
    _, notifier, chat, _ = await make(sqlite_engine, clock)
    await notifier.tick()
    assert chat.got == []
    await app.backend.create(walk_in(MONDAY_9 + timedelta(days=2)), "new")
    await notifier.tick()
    assert chat.texts == ["New booking: Beard trim with Tom on Wed 25 Nov, 09:00.\n"
                          "Customer: Jonas, WhatsApp +4915100000001"]



async def test_two_loops_at_once_never_send_a_notification_twice(db_engine):
    clock = VirtualClock(MONDAY_9)
    app, first, chat, _ = await make(db_engine, clock)
    _, second, other_chat, _ = await make(db_engine, clock)
    second.targets = first.targets  # both loops send to the same chat
    chat.pause = 0.01
    for i in range(6):
        await app.backend.create(walk_in(MONDAY_9 + timedelta(days=1, hours=i)), f"b-{i}")
    await asyncio.gather(first.tick(), second.tick(), first.tick(), second.tick())
    assert len(chat.got) == 6 and len(set(chat.texts)) == 6
    rows = await first.listing()
    assert [r.status for r in rows] == ["sent"] * 6


@pytest.mark.parametrize("lang, ask, back", [
    ("en", "can I speak to a human", "The conversation with the team at Demo Salon is closed"),
    ("de", "kann ich jemanden sprechen?", "Das Gespräch mit dem Team von Demo Salon ist beendet"),
])
async def test_a_handoff_closes_by_itself_after_the_business_timeout(sqlite_engine, lang, ask, back):
    clock = VirtualClock(MONDAY_9)
    app, notifier, chat, phone = await make(sqlite_engine, clock)
    await say(app, ask, lang=lang)
    assert await say(app, "hello?", lang=lang) == []
    await notifier.tick()
    assert chat.got[0][1] == 1 and chat.got[1] == (f"Handoff #1, Telegram writes:\nhello?", 1)
    clock.set(MONDAY_9 + timedelta(hours=24, minutes=1))
    await notifier.tick()
    assert phone.got == [("handoff_closed", "1001", phone.got[0][2])] and phone.got[0][2].startswith(back)
    assert chat.texts[-1] == "Handoff #1 with Telegram closed by itself after the waiting time; the bot answers again."
    assert (await say(app, "help", lang=lang))[0] != ""


async def test_a_customer_writing_after_the_timeout_is_answered_and_told_the_bot_is_back(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    app, notifier, chat, phone = await make(sqlite_engine, clock)
    await say(app, "I want to talk to a person")
    clock.set(MONDAY_9 + timedelta(hours=25))
    [answer] = await say(app, "what can you do?")
    assert answer.startswith("The conversation with the team at Demo Salon is closed")
    assert "I can help you with appointments" in answer
    await notifier.tick()
    assert phone.got == [], "told already in the answer"
    assert chat.texts[-1].startswith("Handoff #1 with Telegram closed by itself")


async def test_the_console_closes_and_answers_a_handoff(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    app, notifier, chat, phone = await make(sqlite_engine, clock)
    await say(app, "I want to talk to a person")
    [handoff] = await notifier.open_handoffs()
    assert await notifier.reply(handoff.id, "We'll call you back at 11.") is not None
    assert await notifier.close(handoff.id, "console") is not None
    assert await notifier.close(handoff.id, "console") is None, "closed once"
    await notifier.tick()
    assert [text for _, _, text in phone.got][0] == "Demo Salon: We'll call you back at 11."
    assert phone.got[1][0] == "handoff_closed"
    assert (await say(app, "hi"))[0].startswith("Hi!")


async def test_without_an_operator_channel_the_bot_promises_nothing_and_gives_the_phone(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    app, notifier, chat, phone = await make(sqlite_engine, clock, team=False)
    [answer] = await say(app, "I want to talk to a person")
    assert answer == ("Sorry, I can't pass messages on to the team from this chat. You can reach Demo Salon "
                      "directly: +49 30 1234567 or hello@demo-salon.example.")
    assert await say(app, "hi") != [], "nobody else has the conversation: the bot keeps answering"
    assert await app.store.open_handoffs() == []


async def test_reminder_buttons_and_stop_still_work_during_a_handoff(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    app, notifier, chat, phone = await make(sqlite_engine, clock)
    for text in ("haircut with Sarah Thursday at 10", "Anna", "anna@example.com", "yes"):
        await say(app, text)
    reminders = build_scheduler(app, {"telegram": phone}, also=[notifier])
    await reminders.tick()  # the reminders are planned
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=BERLIN))
    await say(app, "I want to talk to a person")


    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN))
    await reminders.tick()  # the day-before reminder, with its quick actions
    assert phone.got[0][0] == "reminder"
    assert (await say(app, "1"))[0] != "", "the reminder's first option is still answered"
    assert await say(app, "stop") != []
    assert await say(app, "see you then") == []


async def test_a_customer_waiting_for_the_team_is_not_nudged_about_their_unfinished_booking(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    app, notifier, chat, phone = await make(sqlite_engine, clock)
    await say(app, "haircut with Sarah Thursday at 10")  # the bot asks for a name...
    await say(app, "I want to talk to a person")  # ...and the customer asks for the team instead
    reminders = build_scheduler(app, {"telegram": phone}, also=[notifier])
    for hours in (1, 2, 3):
        clock.set(MONDAY_9 + timedelta(hours=hours, minutes=1))
        await reminders.tick()
    assert [kind for kind, _, _ in phone.got] == [], "the team has the conversation: the bot starts nothing in it"


async def test_the_team_hears_when_its_answer_could_not_reach_the_customer(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    app, notifier, chat, phone = await make(sqlite_engine, clock)
    await say(app, "I want to talk to a person")

    async def blocked(kind, user, reply, variables):  # the customer has blocked the bot
        return SimpleNamespace(sent=False, reason="the customer blocked the bot")

    notifier.senders["telegram"] = blocked
    await notifier.reply(1, "We can fit you in at 4pm.")
    await notifier.tick()
    await notifier.tick()
    assert chat.texts[-1] == "Handoff #1: your answer could not be delivered to Telegram. Please reach them another way."
    await notifier.tick()
    assert len([t for t in chat.texts if "could not be delivered" in t]) == 1, "told once"


def test_states_stored_before_handoffs_still_load_and_the_handoff_log_is_never_stored():
    old = State.model_validate_json('{"lang": "de", "turns": 3, "name": "Anna"}')
    assert old.handoff is None and old.turns == 3
    state = State(handoff=Handoff(id=4, opened_at=MONDAY_9, closes_at=MONDAY_9 + timedelta(hours=24)))
    state.handoff_log.append(HandoffEntry(kind="customer", text="hello?"))
    stored = state.model_dump_json()
    assert "hello?" not in stored
    assert State.model_validate_json(stored).handoff == state.handoff


@pytest.mark.parametrize("change, status, told", [
    ("created", "confirmed", "booked"), ("created", "pending", "requested"), ("cancelled", "cancelled", "cancelled"),
    ("rescheduled", "rescheduled", "moved"), ("status", "no_show", "no_show"), ("status", "completed", None),
    ("seen", "confirmed", None),
])
def test_what_the_business_is_told_of_each_change(change, status, told):
    booking = Booking("b1", "beard", "tom", MONDAY_9, MONDAY_9 + timedelta(minutes=15), BookingStatus(status),
                      Contact(ref="telegram:1"))
    assert booking_kind(change, booking) == told


async def test_two_processes_on_postgresql_never_send_a_notification_twice(fresh_pg_url):
    from storage import make_engine

    clock = VirtualClock(MONDAY_9)
    engines = [make_engine(fresh_pg_url), make_engine(fresh_pg_url)]  # each process its own connections
    try:
        (app, first, chat, _), (_, second, _, _) = [await make(engine, clock) for engine in engines]
        second.targets = first.targets  # the same operator chat
        chat.pause = 0.01
        for i in range(8):
            await app.backend.create(walk_in(MONDAY_9 + timedelta(days=1, hours=i)), f"b-{i}")
        await asyncio.gather(*(loop.tick() for loop in (first, second) * 3))
        assert len(chat.got) == 8 and len(set(chat.texts)) == 8
    finally:
        for engine in engines:
            await engine.dispose()


async def _booked_today_at_11(engine):
    """Anna Schmidt's haircut with Sarah today at 11:00, booked and its notice sent: (clock, app, notifier, chat)."""
    clock = VirtualClock(MONDAY_9)
    app, notifier, chat, _ = await make(engine, clock)
    await say(app, "haircut with Sarah today at 11")
    await say(app, "Anna Schmidt")
    await say(app, "yes")
    await notifier.tick()
    return clock, app, notifier, chat


async def test_running_late_reaches_the_team_once_with_the_booking_and_the_bot_goes_on(db_engine):
    clock, app, notifier, chat = await _booked_today_at_11(db_engine)
    clock.set(MONDAY_9 + timedelta(hours=1, minutes=50))
    [answer] = await say(app, "running 20 mins late, so sorry")
    assert answer == ("Thanks for letting us know! I'm telling the team at Demo Salon that you'll be about 20 minutes "
                      "late for your Haircut at 11:00.")
    await asyncio.gather(notifier.tick(), notifier.tick())
    await notifier.tick()
    assert chat.got[1:] == [("Running late (about 20 minutes): Haircut with Sarah on Mon 23 Nov, 11:00.\n"
                             "Customer: Anna Schmidt, Telegram\nThey wrote: “running 20 mins late, so sorry”", None)]
    assert (await say(app, "where are you?"))[0].startswith("You'll find us at"), "no handoff: the bot still answers"


async def test_a_new_delay_said_right_after_reaches_the_team_too(sqlite_engine):
    """"Actually make that 20" after "I'll be 10 minutes late": the team hears the new delay as well."""
    clock, app, notifier, chat = await _booked_today_at_11(sqlite_engine)
    clock.set(MONDAY_9 + timedelta(hours=1, minutes=50))
    await say(app, "the bus is late, I'll be 10 min late")
    [answer] = await say(app, "actually make that 20")
    assert answer == ("Thanks for letting us know! I'm telling the team at Demo Salon that you'll be about 20 minutes "
                      "late for your Haircut at 11:00.")
    await notifier.tick()
    assert [text.split("\n")[0] for text, _ in chat.got[1:]] == [
        "Running late (about 10 minutes): Haircut with Sarah on Mon 23 Nov, 11:00.",
        "Running late (about 20 minutes): Haircut with Sarah on Mon 23 Nov, 11:00."]


async def test_running_late_with_a_partys_bookings_tells_the_team_of_the_customers_own(sqlite_engine):
    """A parent and a child booked at the same time: "I'm running 10 minutes late" is told of the parent's own
    appointment, whichever of the two the booking system lists first (six families, the two in either order)."""
    clock = VirtualClock(MONDAY_9)
    app, notifier, chat, _ = await make(sqlite_engine, clock)
    families = [(str(2001 + n), f"Parent{n} Schmidt", at) for n, at in enumerate(["10", "11", "12", "13", "14", "15"])]
    for user, name, at in families:
        await say(app, f"haircuts for me and my son Leo today at {at}", user=user)
        await say(app, name, user=user)
        assert "for Leo" in (await say(app, "yes", user=user))[0]
    await notifier.tick()
    clock.set(MONDAY_9 + timedelta(minutes=50))
    told = len(chat.texts)
    for user, name, at in families:
        clock.set(MONDAY_9.replace(hour=int(at)) - timedelta(minutes=10))
        await say(app, "I'm running 10 minutes late", user=user)
        await notifier.tick()
        own = [b for b in await app.backend.list_for_contact(Contact(ref=f"telegram:{user}")) if b.contact.name == name]
        staff = app.business.person(own[0].staff).name
        assert chat.texts[-1].startswith(f"Running late (about 10 minutes): Haircut with {staff} on Mon 23 Nov, {at}:00.")
    assert len(chat.texts) == told + len(families)


async def test_when_they_arrive_reaches_the_team_with_the_booking(sqlite_engine):
    """"I'm 5 minutes away": the customer hears the team is told when they arrive, and the team's notice says it."""
    clock, app, notifier, chat = await _booked_today_at_11(sqlite_engine)
    clock.set(MONDAY_9 + timedelta(hours=2, minutes=2))
    [answer] = await say(app, "I'm 5 minutes away")
    assert "11:07" in answer and "Haircut" in answer
    await notifier.tick()
    assert chat.got[1:] == [("Running late (there at about 11:07): Haircut with Sarah on Mon 23 Nov, 11:00.\n"
                             "Customer: Anna Schmidt, Telegram\nThey wrote: “I'm 5 minutes away”", None)]


TOLD_EN = "Welcome! I've let the team at Demo Salon know you're here for your Haircut at 11:00."


@pytest.mark.parametrize("text, lang, told", [
    ("I'm here, should I come in?", "en", TOLD_EN), ("I'm here for my 11 o'clock", "en", TOLD_EN),
    ("ich bin da für meinen Termin um 11", "de", "Willkommen! Ich habe dem Team von Demo Salon Bescheid gesagt, dass Sie "
                                                 "für Ihren Termin Haarschnitt um 11:00 da sind."),
])
async def test_im_here_reaches_the_team_with_the_booking_and_the_bot_goes_on(sqlite_engine, text, lang, told):
    """"I'm here, should I come in?", "I'm here for my 11 o'clock", "ich bin da …": the customer hears the team is told,
    the team's notice names the booking, and nothing is booked."""
    clock, app, notifier, chat = await _booked_today_at_11(sqlite_engine)
    clock.set(MONDAY_9 + timedelta(hours=1, minutes=55))
    [answer] = await say(app, text, lang=lang)
    assert answer == told
    await notifier.tick()
    assert chat.got[1:] == [("Arrived: Haircut with Sarah on Mon 23 Nov, 11:00.\nCustomer: Anna Schmidt, Telegram\n"
                             f"They wrote: “{text}”", None)]
    assert (await say(app, "where are you?"))[0].startswith("You'll find us at"), "no handoff: the bot still answers"


async def test_im_here_with_no_booking_today_still_reaches_the_team_and_says_so(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    app, notifier, chat, _ = await make(sqlite_engine, clock)
    [answer] = await say(app, "ich bin schon da", lang="de")
    assert answer == ("Willkommen! Ich habe dem Team von Demo Salon Bescheid gesagt, dass Sie da sind. Einen Termin von "
                      "Ihnen für heute finde ich nicht.")
    await notifier.tick()
    assert chat.texts == ["Arrived: no booking of theirs found for today.\nCustomer: Telegram\n"
                          "They wrote: “ich bin schon da”"]


async def test_running_late_said_before_the_first_start_is_not_told_afterwards(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    settings = {"operator_telegram_chat_id": -100500, "telegram_bot_token": "123456:AAFakeTokenForTestsOnly_01234"}
    app = await build_app(Settings(_env_file=None, **settings), clock=clock, engine=sqlite_engine)
    await say(app, "I'm running late")  # before the business had notifications
    _, notifier, chat, _ = await make(sqlite_engine, clock)
    await notifier.tick()
    assert chat.got == []
    await say(app, "ich komme eine halbe Stunde später", user="1002", lang="de")
    await notifier.tick()
    assert chat.texts == ["Running late (about 30 minutes): no booking of theirs found for today.\nCustomer: Telegram\n"
                          "They wrote: “ich komme eine halbe Stunde später”"]


async def test_running_late_with_the_booking_system_down_still_reaches_the_team(sqlite_engine):
    from booking_client import BackendUnavailable

    clock = VirtualClock(MONDAY_9)
    app, notifier, chat, _ = await make(sqlite_engine, clock)

    async def down(*args, **kwargs):
        raise BackendUnavailable("the booking system does not answer")

    app.backend.list_for_contact = down
    [answer] = await say(app, "I'll be 10 minutes late")
    assert "passing your message on to the team at Demo Salon" in answer
    await notifier.tick()
    assert chat.texts[0].startswith("Running late (about 10 minutes): no booking of theirs found for today.")


@pytest.mark.parametrize("text, lang, told", [
    ("could you put a note that I have a sensitive scalp?", "en",
     "Thanks, I've passed that on to the team at Demo Salon, for your Haircut on Mon 23 Nov, 11:00."),
    ("bitte notieren, dass ich empfindliche Kopfhaut habe", "de",
     "Danke, ich habe das an das Team von Demo Salon weitergegeben, für Ihren Termin Haarschnitt am Mo. 23. Nov., "
     "11:00."),
])
async def test_a_note_for_the_team_reaches_it_with_the_booking(sqlite_engine, text, lang, told):
    """"Could you put a note that I have a sensitive scalp?": the customer hears it is passed on, and the team's
    notice names the booking and carries their words, once."""
    clock, app, notifier, chat = await _booked_today_at_11(sqlite_engine)
    [answer] = await say(app, text, lang=lang)
    assert answer == told
    await asyncio.gather(notifier.tick(), notifier.tick())
    assert chat.got[1:] == [("A note from a customer: Haircut with Sarah on Mon 23 Nov, 11:00.\n"
                             f"Customer: Anna Schmidt, Telegram\nThey wrote: “{text}”", None)]


async def test_a_note_with_no_booking_still_reaches_the_team(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    app, notifier, chat, _ = await make(sqlite_engine, clock)
    [answer] = await say(app, "please let Sarah know I'm allergic to ammonia")
    assert answer == "Thanks, I've passed that on to the team at Demo Salon."
    await notifier.tick()
    assert chat.texts == ["A note from a customer: no upcoming booking of theirs found.\nCustomer: Telegram\n"
                          "They wrote: “please let Sarah know I'm allergic to ammonia”"]


@pytest.mark.parametrize("note, lang, yes, told", [
    ("could you put a note that I have a sensitive scalp?", "en", "yes",
     "New booking: Haircut with Sarah on Mon 23 Nov, 11:00.\nCustomer: Anna Schmidt, Telegram\n"
     "Note from the customer: I have a sensitive scalp"),
    ("Notiz: ich komme mit Kinderwagen", "de", "ja",
     "New booking: Haircut with Sarah on Mon 23 Nov, 11:00.\nCustomer: Anna Schmidt, Telegram\n"
     "Note from the customer: Ich komme mit Kinderwagen"),
])
async def test_a_note_said_while_booking_comes_with_the_new_booking_and_stays_on_it(sqlite_engine, note, lang, yes,
                                                                                     told):
    """A note said before the yes is the booking's own: the team's notice of the new booking carries it, the booking
    system keeps it, and nothing is passed on separately."""
    clock = VirtualClock(MONDAY_9)
    app, notifier, chat, _ = await make(sqlite_engine, clock)
    await say(app, "haircut with Sarah today at 11", lang=lang)
    await say(app, "Anna Schmidt", lang=lang)
    [answer] = await say(app, note, lang=lang)
    assert ("on your booking as a note" if lang == "en" else "als Notiz") in answer
    await say(app, yes, lang=lang)
    await asyncio.gather(notifier.tick(), notifier.tick())
    assert chat.texts == [told]
    [booking] = await app.backend.list_for_contact(Contact(ref="telegram:1001"))
    assert booking.notes == told.rsplit(": ", 1)[1]
