"""Dates, times, durations, lists and date ranges as a customer of one locale writes them (Babel).

A business picks a locale per language (`locales = { en = "en_US", de = "de_AT" }`): en_US gets
12-hour times and "Tue, Dec 8", de_AT says "Jänner". Without one, English is en_GB and German de_DE.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton, format_time, format_timedelta
from babel.lists import format_list

DEFAULT_LOCALES = {"en": "en_GB", "de": "de_DE"}

# CLDR's German short forms put a comma after the weekday ("Di., 8. Dez.") and shorten the weekday
# of a full date; the bot writes "Di. 8. Dez." and "Sonntag, 29. November" in every German locale
# (the locale still chooses the month names, e.g. "Jänner" in Austria).
_GERMAN = {"MMMEd": "EEE d. MMM", "MMMMEEEEd": "EEEE, d. MMMM"}


@dataclass(frozen=True)
class Formats:
    """How one locale writes the moments, durations and lists in a reply."""

    locale: str = "en_GB"

    @property
    def language(self) -> str:
        return self.locale.split("_")[0]

    def _date(self, skeleton: str, value: date | datetime) -> str:
        if self.language == "de":
            return _plain(format_date(value, _GERMAN[skeleton], locale=self.locale))
        return _plain(format_skeleton(skeleton, value, locale=self.locale))

    def when(self, moment: datetime) -> str:
        """'Tue 24 Nov, 10:00' (en_GB) / 'Tue, Nov 24, 10:00 AM' (en_US) / 'Di. 24. Nov., 10:00' (de), in its zone."""
        return f"{self._date('MMMEd', moment)}, {self.clock_time(moment)}"

    def day(self, d: date) -> str:
        """'Sunday 29 November' / 'Sonntag, 29. November'."""
        return self._date("MMMMEEEEd", d)

    def clock_time(self, moment: datetime) -> str:
        """'14:00', or '2:00 PM' where the locale counts 12 hours."""
        return _plain(format_time(moment, "short", locale=self.locale))

    def days(self, first: date, last: date) -> str:
        """A range of days written once: 'Tue 8 – Thu 10 Dec' / 'Di., 8. – Do., 10. Dez.'."""
        return _plain(format_interval(first, last, "MMMEd", locale=self.locale))

    def duration(self, delta: timedelta) -> str:
        """'1 hour', '2 days', '90 minutes' / '1 Stunde', '90 Minuten' (never rounded)."""
        minutes = int(delta.total_seconds() // 60)
        unit = "day" if minutes % (24 * 60) == 0 else "hour" if minutes % 60 == 0 else "minute"
        return format_timedelta(delta, granularity=unit, threshold=10**9, locale=self.locale)

    def names(self, items: Sequence[str], *, either: bool = False) -> str:
        """'Sarah, Tom and Anna' / 'Sarah, Tom und Anna'; with `either`, 'Sarah or Tom'."""
        if not items:
            return ""
        return format_list(list(items), style="or" if either else "standard", locale=self.locale)


def _plain(text: str) -> str:
    """CLDR's narrow and thin spaces ("2:00\u202fPM") as plain ones, so a customer can type a label back."""
    return text.translate(_SPACES)


_SPACES = {0x202F: " ", 0x2009: " ", 0x00A0: " "}


def formats_for(lang: str, locales: dict[str, str] | None = None) -> Formats:
    """The Formats of a language: the business's locale for it (checked when the file loads), else the default."""
    return Formats(str(Locale.parse((locales or {}).get(lang) or DEFAULT_LOCALES.get(lang, "en_GB"))))
