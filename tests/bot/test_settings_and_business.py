"""An operator's mistakes in settings or the business file are named, never a traceback."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking_client import BusinessFileError, load_business, parse_business
from bot.clock import parse_delta
from bot.settings import SettingsError, load_settings

GOOD = '''
name = "Studio"
timezone = "Europe/Vienna"
[hours]
mon = ["09:00-12:00", "13:00-17:00"]
[[services]]
id = "consult"
name = { en = "Consultation", de = "Beratung" }
duration_minutes = 45
[[staff]]
id = "eva"
name = "Eva"
services = ["consult"]
'''


def test_the_demo_business_is_bundled():
    biz = load_business()
    assert biz.name == "Demo Salon" and biz.timezone == "Europe/Berlin"
    assert [s.display("de") for s in biz.services] == ["Haarschnitt", "Färben", "Bartschnitt"]
    assert {p.name for p in biz.staff_for("haircut")} == {"Sarah", "Tom"}
    assert biz.hours.spans(6) == []  # closed on Sunday


def test_a_small_business_file_loads():
    biz = parse_business(GOOD)
    assert biz.service("consult").duration == timedelta(minutes=45)
    assert len(biz.hours.spans(0)) == 2


@pytest.mark.parametrize("broken, words", [
    (GOOD.replace('"Europe/Vienna"', '"Europe/Nowhere"'), ["timezone", "Europe/Nowhere"]),
    (GOOD.replace('services = ["consult"]', 'services = ["massage"]'), ["eva", "massage"]),
    (GOOD.replace('"09:00-12:00"', '"12:00-09:00"'), ["hours.mon", "ends before it starts"]),
    (GOOD.replace("duration_minutes = 45", "duration_minutes = -5"), ["duration_minutes"]),
    (GOOD.replace('name = "Eva"', 'name = "Eva'), ["not valid TOML", "line"]),
    (GOOD.replace("duration_minutes = 45", "duration_minutes = 45\ndurration = 3"),
     ["services.0.durration", "is not a key of the business file", "did you mean 'duration_minutes'?"]),
    (GOOD.replace("[hours]", "[hours]\nmonday = []"), ["hours.monday", "did you mean 'mon'?"]),
])
def test_business_file_mistakes_name_the_setting_or_line(broken, words):
    with pytest.raises(BusinessFileError) as err:
        parse_business(broken, "studio.toml")
    message = str(err.value)
    assert "studio.toml" in message
    for word in words:
        assert word in message


def test_a_missing_business_file_is_named(tmp_path):
    with pytest.raises(BusinessFileError, match="BUSINESS_FILE"):
        load_business(tmp_path / "nope.toml")


def test_bad_settings_name_the_variable(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://localhost/x")
    with pytest.raises(SettingsError, match="DATABASE_URL"):
        load_settings()
    monkeypatch.setenv("DATABASE_URL", "sqlite:///x.db")
    monkeypatch.setenv("DEFAULT_LANGUAGE", "fr")
    with pytest.raises(SettingsError, match="DEFAULT_LANGUAGE"):
        load_settings()


def test_plain_urls_are_upgraded_to_the_async_drivers(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db:5432/bot")
    assert load_settings().database_url == "postgresql+asyncpg://u@db:5432/bot"


@pytest.mark.parametrize("text, delta", [
    ("+1d2h30m", timedelta(days=1, hours=2, minutes=30)),
    ("+23h", timedelta(hours=23)),
    ("+2w", timedelta(weeks=2)),
])
def test_clock_moves(text, delta):
    assert parse_delta(text) == delta


@pytest.mark.parametrize("text", ["+", "+1x", "tomorrow", "+-1d"])
def test_bad_clock_moves_are_refused(text):
    with pytest.raises(ValueError):
        parse_delta(text)
