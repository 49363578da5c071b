"""The texts a business can change: checked when the bot starts, used by the dialogue and the channels,
in the languages the business speaks, with dates, durations and lists written for its locale."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from importlib import resources

import pytest

from booking_client import BusinessFileError, parse_business
from bot.catalog import LANGS, TEXTS
from bot.clock import VirtualClock
from bot.conversation import Dialogue
from bot.core import Core
from bot.messages import Inbound
from bot.replies import Texts, check_overrides, placeholders
from channels.common import say

from dialogue_kit import BERLIN, MONDAY_9, MemoryBackend, MemoryConversations

DEMO_TOML = resources.files("booking_client.data").joinpath("demo_business.toml").read_text("utf-8")


def business(tables: str = "", **top: str):
    """The demo business with top-level settings replaced (`languages='["en"]'`) and `tables` appended."""
    lines = [line for line in DEMO_TOML.splitlines() if line.split(" = ")[0] not in top]
    settings = [f"{key} = {value}" for key, value in top.items()]
    return parse_business("\n".join([*settings, *lines, tables]), "business.toml")


def problems(biz) -> str:
    with pytest.raises(BusinessFileError) as caught:
        check_overrides(biz, "business.toml")
    return str(caught.value)


class Customer:
    """One customer on a dialogue of the given business."""

    def __init__(self, biz, default_lang: str = "en") -> None:
        self.clock = VirtualClock(MONDAY_9)
        self.store = MemoryConversations()
        self.dialogue = Dialogue(biz, MemoryBackend(biz, self.clock), self.store, self.clock,
                                 default_lang=default_lang)
        self.core = Core(biz, self.dialogue, self.store, self.clock, default_lang)  # type: ignore[arg-type]

    async def say(self, text: str, lang: str | None = None) -> str:
        replies = await self.dialogue.handle(Inbound("telegram", "1001", text=text, lang=lang))
        return "\n".join(r.text for r in replies)


# --- the catalog ---------------------------------------------------------------------------------


def test_every_text_exists_in_every_language_with_the_same_placeholders():
    keys = {lang: set(TEXTS[lang]) for lang in LANGS}
    for lang in LANGS:
        assert keys[lang] == keys["en"], f"{lang}: missing {keys['en'] - keys[lang]}, extra {keys[lang] - keys['en']}"
        for key, text in TEXTS[lang].items():
            assert placeholders(text) == placeholders(TEXTS["en"][key]), f"[texts.{lang}] {key}"


def test_the_texts_command_lists_every_key_with_its_placeholders():
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "texts"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    for lang in LANGS:
        assert f"[texts.{lang}]" in proc.stdout
    assert all(key in proc.stdout for key in TEXTS["en"])
    assert any(line.split() == ["ask_staff", "{service}"] for line in proc.stdout.splitlines())


# --- checking the overrides ----------------------------------------------------------------------


def test_a_placeholder_the_text_does_not_provide_is_named_with_the_file_and_key():
    biz = business('[texts.en]\ngreet = "Welcome to {salon}!"\n')
    assert problems(biz) == "business.toml: [texts.en] greet uses {salon}, but greet only provides {business}"
    biz = business('[texts.de]\nthanks = "Danke, {name}!"\n')
    assert problems(biz) == "business.toml: [texts.de] thanks uses {name}, but thanks takes no placeholders"


def test_a_misspelled_key_is_named_with_a_suggestion():
    biz = business('[texts.de]\ngreting = "Hallo!"\n')
    assert problems(biz) == "business.toml: [texts.de] greting is not a text the bot says (did you mean greet?)"
    biz = business('[texts.en]\nzzzz = "?"\n')
    assert "[texts.en] zzzz is not a text the bot says (`booking-bot texts` lists them)" in problems(biz)


def test_unknown_languages_and_broken_braces_are_named():
    assert "[texts.fr] 'fr' is not a language the bot speaks (en, de)" in problems(
        business('[texts.fr]\ngreet = "Salut"\n'))
    assert "setting 'languages': 'fr' is not a language the bot speaks" in problems(
        business(languages='["en", "fr"]'))
    assert "[texts.en] greet is not a valid text" in problems(business('[texts.en]\ngreet = "Hi {business"\n'))
    assert "[texts.en] greet has {business.name...}: placeholders are plain names" in problems(
        business('[texts.en]\ngreet = "Hi from {business.name}"\n'))
    assert "[texts.de] command_book must be 1 to 256 characters" in problems(
        business(f'[texts.de]\ncommand_book = "{"x" * 300}"\n'))


def test_every_problem_is_one_line():
    found = problems(business('[texts.en]\ngreet = "{salon}"\ngreting = "x"\n'))
    assert found.splitlines() == [
        "business.toml: [texts.en] greet uses {salon}, but greet only provides {business}",
        "business.toml: [texts.en] greting is not a text the bot says (did you mean greet?)",
    ]


def test_good_overrides_pass_and_are_said():
    biz = business('[texts.en]\ngreet = "Welcome to {business}! How can we help?"\n'
                   'slow_down = "Easy there!"\ncommand_book = "Get a slot"\n')
    check_overrides(biz, "business.toml")
    texts = Texts.of(biz)
    assert texts("en", "greet", business="Demo Salon") == "Welcome to Demo Salon! How can we help?"
    assert texts("de", "greet", business="Demo Salon").startswith("Hallo!")  # German keeps the catalog's


async def test_the_dialogue_and_the_channels_say_the_overrides():
    customer = Customer(business('[texts.en]\ngreet = "Welcome to {business}!"\nfailed = "Oops, try again."\n'
                                 'opted_out = "Bye from {business}."\n'))
    assert await customer.say("hello", "en") == "Welcome to Demo Salon!"
    assert say(customer.core, "en", "failed") == "Oops, try again."
    assert say(customer.core, "en", "opted_out") == "Bye from Demo Salon."
    assert say(customer.core, "de", "failed").startswith("Entschuldigung")


def test_booking_bot_chat_stops_on_a_bad_override_with_one_line(tmp_path):
    path = tmp_path / "business.toml"
    path.write_text(DEMO_TOML + '\n[texts.en]\ngreet = "Welcome to {salon}!"\n', encoding="utf-8")
    env = {**os.environ, "BUSINESS_FILE": str(path), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "chat"], input="hi\n", capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=60)
    assert proc.returncode == 2
    assert f"{path}: [texts.en] greet uses {{salon}}, but greet only provides {{business}}" in proc.stderr
    assert "Traceback" not in proc.stderr and "bot:" not in proc.stdout


# --- languages -----------------------------------------------------------------------------------


async def test_a_business_that_speaks_only_english_answers_german_in_english():
    customer = Customer(business(languages='["en"]'), default_lang="de")
    reply = await customer.say("Hallo, ich möchte einen Termin buchen", "de")
    assert "Which service would you like?" in reply
    assert (await customer.store.load("telegram:1001")).lang == "en"
    assert await customer.core.language("telegram:1002", "de") == "en"


async def test_the_default_language_is_the_first_the_business_speaks():
    customer = Customer(business(languages='["de"]'), default_lang="en")
    assert (await customer.say("hi")).startswith("Hallo!")
    assert Texts.of(business(languages='["de", "en"]')).language(None, "fr") == "de"


# --- locales -------------------------------------------------------------------------------------


def test_locales_are_checked_with_babel_and_name_the_key():
    with pytest.raises(BusinessFileError) as caught:
        business(locales='{ en = "en_XX_nonsense" }')
    assert "business.toml: setting 'locales'" in str(caught.value) and "en_XX_nonsense" in str(caught.value)
    with pytest.raises(BusinessFileError) as caught:
        business(locales='{ en = "de_AT" }')
    assert "not a locale of the language 'en'" in str(caught.value)


def test_without_locales_english_is_british_and_german_is_german():
    texts = Texts.of(business())
    moment = datetime(2026, 12, 8, 14, 0, tzinfo=BERLIN)
    assert texts.formats("en").when(moment) == "Tue 8 Dec, 14:00"
    assert texts.formats("de").when(moment) == "Di. 8. Dez., 14:00"
    assert texts.formats("de").day(date(2027, 1, 4)) == "Montag, 4. Januar"
    assert texts.formats("en").names(["Sarah", "Tom", "Anna"]) == "Sarah, Tom and Anna"
    assert texts.formats("de").names(["Sarah", "Tom", "Anna"]) == "Sarah, Tom und Anna"


def test_en_us_gets_12_hour_times_and_de_at_austrian_months():
    texts = Texts.of(business(locales='{ en = "en_US", de = "de_AT" }'))
    assert texts.formats("en").when(datetime(2026, 12, 8, 14, 0, tzinfo=BERLIN)) == "Tue, Dec 8, 2:00 PM"
    assert texts.formats("de").day(date(2027, 1, 4)) == "Montag, 4. Jänner"
    assert texts.formats("de").days(date(2026, 12, 30), date(2027, 1, 2)) == "Mi., 30. Dez. – Sa., 2. Jän."


async def test_replies_use_the_business_locale():
    biz = business(locales='{ en = "en_US" }', min_notice_minutes="90")
    customer = Customer(biz)
    for text in ("beard trim with Tom on Wednesday at 3pm", "Anna"):
        await customer.say(text, "en")
    assert "with Tom on Wed, Nov 25, 3:00 PM" in await customer.say("anna@example.com", "en")
    customer = Customer(biz)
    assert "at least 90 minutes notice" in await customer.say("beard trim with Tom today at 9:30", "en")
    customer = Customer(biz)
    assert "Our team: Sarah and Tom" in await customer.say("haircut with Bob tomorrow at 10", "en")


def test_the_readme_lists_every_text():
    from pathlib import Path

    from bot.cli import texts_table

    readme = (Path(__file__).parents[2] / "README.md").read_text("utf-8")
    listed = readme.split("<!-- texts:begin -->\n")[1].split("<!-- texts:end -->")[0].strip()
    assert listed == texts_table(), "README's text catalog is out of step: paste `booking-bot texts --markdown` in"
