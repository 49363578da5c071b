"""Dates, times, durations, lists and date ranges as a customer of one locale writes them (Babel).

A business picks a locale per language (`locales = { en = "en_US", de = "de_AT" }`): en_US gets
12-hour times and "Tue, Dec 8", de_AT says "Jänner". Without one, English is en_GB and German de_DE.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton, format_time, format_timedelta
from babel.lists import format_list
from babel.numbers import format_currency

DEFAULT_LOCALES = {"en": "en_GB", "de": "de_DE"}

# CLDR's German short forms put a comma after the weekday ("Di., 8. Dez.") and shorten the weekday
# of a full date; the bot writes "Di. 8. Dez." and "Sonntag, 29. November" in every German locale
# (the locale still chooses the month names, e.g. "Jänner" in Austria).
_GERMAN = {"MMMEd": "EEE d. MMM", "MMMMEEEEd": "EEEE, d. MMMM"}


_HERR = re.compile(r"^Herr(?=\s)")


@dataclass(frozen=True)
class Formats:
    """How one locale writes the moments, durations and lists in a reply."""

    locale: str = "en_GB"

    @property
    def language(self) -> str:
        return self.locale.split("_")[0]

    def after_for(self, name: str) -> str:
        """A name as written after "for": in German "für Herrn Müller" (the title declined), else as it is."""
        return _HERR.sub("Herrn", name) if self.language == "de" else name

    @cached_property
    def _babel(self) -> Locale:
        """The locale parsed once, not by Babel on every date, time and list it writes."""
        return Locale.parse(self.locale)

    def _date(self, skeleton: str, value: date | datetime) -> str:
        # only the day counts for these skeletons: each day is written once per locale, then remembered (Babel
        # matches the skeleton and walks its pattern field by field every time: a few per cent of a turn's CPU)
        return _written_date(self.locale, skeleton, value.date() if isinstance(value, datetime) else value)

    def when(self, moment: datetime) -> str:
        """'Tue 24 Nov, 10:00' (en_GB) / 'Tue, Nov 24, 10:00 AM' (en_US) / 'Di. 24. Nov., 10:00' (de), in its zone."""
        return f"{self._date('MMMEd', moment)}, {self.clock_time(moment)}"

    def day(self, d: date) -> str:
        """'Sunday 29 November' / 'Sonntag, 29. November'."""
        return self._date("MMMMEEEEd", d)

    def clock_time(self, moment: datetime | time) -> str:
        """'14:00', or '2:00 PM' where the locale counts 12 hours."""
        return _written_time(self.locale, moment.hour, moment.minute)

    def spans(self, spans: Sequence[tuple[time, time]]) -> str:
        """Opening spans of a day: '10:00–14:00' or '09:00–12:00, 13:00–18:00'."""
        return ", ".join(f"{self.clock_time(a)}–{self.clock_time(b)}" for a, b in spans)

    def weekday(self, index: int) -> str:
        """A weekday's short name (0 is Monday): 'Mon' / 'Mo'."""
        return self._babel.days["format"]["abbreviated"][index].rstrip(".")

    def weekday_name(self, index: int) -> str:
        """A weekday's name (0 is Monday): 'Monday' / 'Montag'."""
        return self._babel.days["format"]["wide"][index]

    def days(self, first: date, last: date) -> str:
        """A range of days written once: 'Tue 8 – Thu 10 Dec' / 'Di., 8. – Do., 10. Dez.'."""
        return _plain(format_interval(first, last, "MMMEd", locale=self._babel))

    def duration(self, delta: timedelta, *, in_hours: bool = False) -> str:
        """'1 hour', '2 days', '90 minutes' / '1 Stunde', '90 Minuten' (never rounded); `in_hours`
        keeps whole days in hours ('48 hours'), as a business writes a deadline."""
        minutes = int(delta.total_seconds() // 60)
        whole_days = minutes % (24 * 60) == 0 and not in_hours
        unit = "day" if whole_days else "hour" if minutes % 60 == 0 else "minute"
        return format_timedelta(delta, granularity=unit, threshold=10**9, locale=self._babel)

    def names(self, items: Sequence[str], *, either: bool = False) -> str:
        """'Sarah, Tom and Anna' / 'Sarah, Tom und Anna'; with `either`, 'Sarah or Tom'."""
        if not items:
            return ""
        return format_list(list(items), style="or" if either else "standard", locale=self._babel)

    def money(self, amount: float, currency: str) -> str:
        """'€35' / '35 €' for whole amounts, '€12.50' / '12,50 €' otherwise, as the locale writes money."""
        if float(amount).is_integer():
            text = format_currency(int(amount), currency, self._whole_money, locale=self._babel, currency_digits=False)
        else:
            text = format_currency(amount, currency, locale=self._babel)
        return text.replace("\u00a0", " ")  # a plain space, as a customer would type it

    @cached_property
    def _whole_money(self) -> str:
        """The locale's money pattern without decimals ('¤#,##0' / '#,##0 ¤')."""
        return re.sub(r"\.0+", "", self._babel.currency_formats["standard"].pattern.split(";")[0])


@functools.lru_cache(maxsize=4096)
def _written_date(locale: str, skeleton: str, day: date) -> str:
    babel = Locale.parse(locale)
    if babel.language == "de":
        return _plain(format_date(day, _GERMAN[skeleton], locale=babel))
    return _plain(format_skeleton(skeleton, day, locale=babel))


@functools.lru_cache(maxsize=4096)
def _written_time(locale: str, hour: int, minute: int) -> str:
    """A locale's short time (hours and minutes only: no locale's short pattern has seconds or a zone)."""
    return _plain(format_time(time(hour, minute), "short", locale=Locale.parse(locale)))


def _plain(text: str) -> str:
    """CLDR's narrow and thin spaces ("2:00\u202fPM") as plain ones, so a customer can type a label back."""
    return text.translate(_SPACES)


_SPACES = {0x202F: " ", 0x2009: " ", 0x00A0: " "}


def formats_for(lang: str, locales: dict[str, str] | None = None) -> Formats:
    """The Formats of a language: the business's locale for it (checked when the file loads), else the default."""
    return Formats(str(Locale.parse((locales or {}).get(lang) or DEFAULT_LOCALES.get(lang, "en_GB"))))
