"""Dates, times and periods in English and German text, resolved against a local `now`.

The resolver works on the normalised text in passes, most specific first; each pass masks what it
took so a later, looser pass cannot read the same words again ("7th of March" is not also "the 7th",
"viertel nach drei" is not also "nach drei"). What is not said otherwise resolves into the future: a
weekday is the coming one, a date already past this year is next year's; what is said as past ("last
Tuesday", "vor zwei Wochen") stays past, for the dialogue to answer that it has passed.

    vocabulary, date_patterns, clock_patterns   what dates and times look like
    dates, holidays                             calendar arithmetic; holidays (fixed, from Easter, by weekday)
    scan                                        the mentions found so far, and the masking
    day_typos                                   misspelled weekdays: corrected, or reported as unclear
    nth_passes, offset_passes                   "first Tuesday of October"; "in 2 hours", "3 days ago"
    date_passes, relative_passes                passes for days: holidays, calendar dates and ranges of them,
                                                then "tomorrow", weekdays
    period_passes, clock_passes                 passes for weeks and months; clock times and parts of day
    combine                                     the mentions -> one When
    resolver                                    `resolve`: which passes run, in what order
"""

from .combine import PARTS
from .resolver import resolve
from .result import NOTHING, When

__all__ = ["NOTHING", "PARTS", "When", "resolve"]
