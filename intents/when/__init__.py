"""Dates, times and periods in English and German text, resolved against a local `now`.

The resolver works on the normalised text in passes, most specific first; each pass masks what it
took so a later, looser pass cannot read the same words again ("7th of March" is not also "the 7th",
"viertel nach drei" is not also "nach drei"). Everything resolves into the future: a weekday is the
coming one, a date already past this year is next year's.

    vocabulary, date_patterns, clock_patterns   what dates and times look like
    dates                                       calendar arithmetic, looking forward
    scan                                        the mentions found so far, and the masking
    date_passes, relative_passes                passes for days: calendar dates, then "tomorrow", weekdays
    period_passes, clock_passes                 passes for weeks and months; clock times and parts of day
    combine                                     the mentions -> one When
    resolver                                    `resolve`: which passes run, in what order
"""

from .combine import PARTS
from .resolver import resolve
from .result import NOTHING, When

__all__ = ["NOTHING", "PARTS", "When", "resolve"]
