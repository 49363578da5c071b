"""Patterns for days and periods in English and German: calendar dates, "tomorrow", weekdays,
weeks, months and holidays, plus the chat phrases that only look like dates ("that's all today").
"""

from __future__ import annotations

import re

from ..lexicon import DE_ORDINAL_WORDS, alternation
from .vocabulary import AMPM, DAY_NUMBER, MONTH, NUMBER_WORD, ORDINAL_WORD, WEEKDAY, lazy_rx, rx

# Noise that looks like a date or time but is not one ("that's all today", "24/7", "2 people").
NOISE = rx(r"\b(?:(?:that'?s|that is|is|be|for) all(?: for)? today|all for today|for (?:your |the )?help today"
           r"|help (?:me )?today|24/7|24 ?h\b|365 days|guten morgen|good morning|good afternoon|good evening"
           r"|good night|gute nacht|guten abend|guten tag|schönen (?:tag|abend)|nice (?:day|evening)"
           r"|have a (?:good|great|nice|lovely) (?:day|evening|night|weekend|one)|schönes wochenende"
           r"|nice weekend|good weekend|in a minute|in einer minute|one moment|einen moment"
           r"|(?:this|that|the) one|(?:first|second|third) (?:one|option)"
           r"|one\b(?:(?<=morning one)|(?<=afternoon one)|(?<=evening one)|(?<=early one)|(?<=later one)|(?<=earlier one)"
           r"|(?<=other one))(?!\s*(?:o'?clock|am\b|pm\b|:))|\b\d for \d\b(?!\s*(?:am|pm|uhr|o'?clock|:|h\b))"
           r"|\d+\s*(?:people|persons|personen|leute|kids|kinder|children|euros?|dollars?|bucks)\b"

           r"|(?<!\bin )(?<!within )\d+\s*(?:years?|jahre?n?)\b(?!\s+(?:ago|from|hence|back|later|earlier)\b))")

# How many people, in words: "two people", "zu dritt" (looked for only when such a word is there)
PEOPLE_WORDS = ("people", "person", "leute", "kids", "kinder", "children", "adults", "erwachsene", "zu ", "party of")
PEOPLE = rx(rf"\b(?:{NUMBER_WORD})\s+(?:people|persons|personen|leute|kids|kinder|children|adults|erwachsene)\b"
            r"|\b(?:zu (?:zweit|dritt|viert|fünft)|party of \w+)\b")

# Absolute dates (patterns for the rarer forms are compiled on first use: start-up stays short)
ISO = rx(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
DOTTED_FULL = rx(r"\b(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4}|\d{2})?(?![\d:])")
DOTTED_ON = rx(r"\b(?:am|den|on|vom|zum|ab|bis|für|fuer|for)\s+(\d{1,2})\.(\d{1,2})\b(?![.:]?\d)(?!\s*uhr)")
SLASHED = rx(r"(?<![\d/])(\d{1,2})(?:/| / )(\d{1,2})(?:/(\d{4}|\d{2}))?(?![\d/])")
DAY_RANGE = lazy_rx(
    rf"\b(?:between|from|zwischen dem|zwischen|vom|von)\s+(?:the\s+|dem\s+)?({DAY_NUMBER})\.?"
    rf"(?:\s+(?:of\s+)?({MONTH})\.?)?\s*(?:and|to|till|until|through|thru|-|bis(?: zum)?|und dem|und)\s+"
    rf"(?:the\s+|dem\s+)?({DAY_NUMBER})\.?(?:\s+(?:of\s+)?({MONTH})\b)?")
# "July 13-15", "Aug 8 - Aug 12", "August 27th - 29th"; "23rd to 26th Oct", "13 bis 15 Juli", "1-8 September"
_TO = r"\s*(?:-|–|to|till|until|thru|through|bis(?: zum)?|bis einschließlich)\s*"
MONTH_DAY_RANGE = lazy_rx(
    rf"\b(?:from\s+|vom\s+|von\s+)?({MONTH})\.?\s+({DAY_NUMBER})\.?{_TO}(?:({MONTH})\.?\s+)?({DAY_NUMBER})\b\.?"
    rf"(?!\s*(?:{AMPM}|uhr|o'?clock|h\b|:))(?:,?\s*(\d{{4}}))?")
DAY_DAY_MONTH = lazy_rx(
    rf"\b(?:from\s+|vom\s+|von\s+)?(?:the\s+)?({DAY_NUMBER})\.?{_TO}(?:the\s+)?({DAY_NUMBER})\.?\s*(?:of\s+)?({MONTH})\b\.?"
    rf"(?:,?\s*(\d{{4}}))?")
# "14. - 15.10.", "14.10. - 15.10.2018", "14./15.10.", "vom 14.10. bis zum 15.10.2018", "vom 14.10. auf den 15.10."
DOTTED_RANGE = lazy_rx(
    r"(?<![\d.:/])(\d{1,2})\.?(?:(\d{1,2})\.)?\s*(?:-|–|/|bis(?: zum)?|auf den|to|until)\s*(\d{1,2})\.(\d{1,2})\b\.?"
    r"(\d{4}|\d{2}(?![\d:]))?(?!\s*(?:uhr|h\b|:|\d))")
# "the 3rd through the 7th", "3rd - 7th" (not "to": "from the 3rd to the 7th" without "from" is a move)
ORDINAL_RANGE = lazy_rx(
    r"\b(?:the\s+)?(\d{1,2}(?:st|nd|rd|th))()\s*(?:-|–|through|thru|till|until)\s*(?:the\s+)?(\d{1,2}(?:st|nd|rd|th))()\b")
# "the week of June 22", "die Woche vom 22. Juni": the week (Monday to Sunday) around that day
WEEK_OF = lazy_rx(r"\b(?:the\s+)?(?:week of|woche vom|woche des)\s+(?=§)")
# "12/24 - 12/26" (month first in English, day first in German)
SLASHED_RANGE = lazy_rx(
    r"(?<![\d/])(\d{1,2})/(\d{1,2})\s*(?:-|–|to|till|until|thru|through|bis)\s*(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?(?![\d/])")
DAY_MONTH = rx(
    rf"\b(?:the\s+|am\s+|den\s+|dem\s+)?({DAY_NUMBER})\.?\s*(?:of\s+|-)?({MONTH})\b\.?(?:,?\s*(\d{{4}}))?")
MONTH_DAY = rx(
    rf"\b({MONTH})\.?\s*(?:the\s+)?({DAY_NUMBER})(?![:\d])(?!\s*(?:{AMPM}|uhr|o'?clock|h\b|hours?|mins?|minutes?))"
    rf"(?:,?\s*(\d{{4}}))?\b")
OF_MONTH = lazy_rx(
    rf"\b(?:the\s+|am\s+|den\s+)?({DAY_NUMBER})\.?\s+(?:day\s+)?(?:of\s+)?(this|the|next|the next|coming|dieses|des|nächsten|naechsten"
    rf"|kommenden|previous|the previous|last|the last|letzten|vorigen|des letzten|des vorigen|des nächsten)\s+"
    rf"(?:month|monats)\b")
ORDINAL_DAY = rx(rf"\b(?:on|for|by|until|till|from)\s+the\s+({ORDINAL_WORD})\b(?!\s*(?:one|option|choice|slot|time|of|floor|week))"
                 rf"|\b(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)\b(?!\s*(?:one|option|choice|slot|time|floor|week|street|st\b|avenue|ave\b|road|rd\b|blvd|boulevard|place|lane|ln\b|drive|dr\b|grade|birthday|anniversary|century))")
DE_DAY = rx(r"\b(?:am|den|zum|bis zum|ab dem|ab|vom)\s+(\d{1,2})(?:\.|s?te[nr]?\b)(?!\d)(?!\s*(?:uhr|\d))")
# German ordinal words as typed without ß or umlauts too ("dreissigster", "fuenfter")
DE_ORDINALS: dict[str, int] = {
    variant: day for word, day in DE_ORDINAL_WORDS.items()
    for variant in {word, word.replace("ß", "ss"), word.replace("ü", "ue"), word.replace("ü", "u")}}
DE_ORDINAL_DATE = lazy_rx(rf"\b({alternation(DE_ORDINALS)})\s+({MONTH})\b")

# Relative days
RELATIVE_WORDS = rx(
    r"\b(?:the\s+)?day after tomorrow\b|\bovermorrow\b|\bübermorgen\b|\bueber ?morgen\b"
    r"|\b(?:heute|today)\s+(?:morgen|früh|frueh|morning)\b|\bthis morning\b"
    r"|\bmorgen\s+(?:früh|frueh|fruh|vormittag|nachmittag|abend|mittag)\b"
    r"|\b(?:tomorrow|morgen)\s+(?:morning|afternoon|evening|night)\b"
    r"|\b(?:tonight|heute\s+abend|heute\s+nacht|this evening|heut abend)\b"
    r"|\b(?:this|today)\s+(?:afternoon|arvo)\b|\bheute\s+(?:nachmittag|mittag|vormittag)\b"
    r"|\b(?:later\s+)?today\b|\bheute\b|\bheut\b|\btomorrow\b|\bmorgen\b(?!s)|\byesterday\b|\bgestern\b"
    r"|\b(?:right )?now\b|\bjetzt\b|\bsofort\b|\basap\b|\bas soon as possible\b|\bso bald wie möglich\b"
    r"|\bschnellstmöglich\b|\bso schnell wie möglich\b|\bnächstmöglich\w*\b")
IN_N = rx(
    rf"\b(?:in|within|innerhalb von)\s+(?:a\s+|an\s+|one\s+|einer\s+|einem\s+|1\s+)?(\d{{1,3}}|{NUMBER_WORD}|a couple of|a few|couple|paar|ein paar)?\s*"
    r"(days?|weeks?|fortnight|months?|hours?|mins?|minutes?|tag|tagen|woche|wochen|monat|monaten|stunden?|minuten?)\b"
    r"|\b(\d{1,3}|a|an|one|two|three|four|five|six)\s+(days?|weeks?)\s+(?:from\s+(?:now|today)|later)\b"
    r"|\b(?:a\s+)?week\s+(?:from\s+)?today\b|\bheute\s+in\s+(?:einer|1)\s+woche\b"
    r"|\b(?:tomorrow|today)\s+week\b|\ba\s+week\s+(?:from\s+)?tomorrow\b|\bmorgen\s+in\s+(?:einer|1)\s+woche\b")

# "in the next few days", "within the next week", "in den nächsten Tagen": from today on, for that long
NEXT_DAYS = lazy_rx(
    rf"\b(?:(?:in|within|over|during)\s+)?the\s+(?:next|coming)\s+(?P<n>couple of|few|\d{{1,2}}|{NUMBER_WORD})?\s*"
    r"(?P<unit>days?|weeks?)\b"
    rf"|\b(?:in|innerhalb)\s+(?:den|der)\s+(?:nächsten|naechsten|kommenden)\s+(?P<n2>paar|\d{{1,2}}|{NUMBER_WORD})?\s*"
    r"(?P<unit2>tagen?|tage|wochen?)\b")
# "this time tomorrow", "um diese Zeit nächste Woche": the clock time it is now, that day
# the clock time it is now; "zur gleichen Zeit" / "same time" is the time already talked about (`in_context`)
THIS_TIME = lazy_rx(
    r"\b(?:this time|um diese zeit)\s+(?P<a>next week|tomorrow|morgen|nächste woche"
    r"|in einer woche)\b|\b(?P<b>next week|tomorrow|morgen|nächste woche|in einer woche)\s+(?:at\s+)?"
    r"(?:this time|um diese zeit)\b")

# Weekdays and weeks
_NEXT = r"(?:next|coming|the coming|the next|upcoming|nächsten|nächster|nächste|naechsten|kommenden|kommender|kommende)"
_THIS = r"(?:this|diesen|dieser|diese|this coming)"
WEEKDAY_RELATIVE = rx(
    rf"\b(?:(on|am|this|{_THIS}|{_NEXT}|übernächsten|uebernächsten|a week on|a week from|a week)\s+)?({WEEKDAY})s?\b"
    rf"(?:\s*,?\s*(?:(?:of|in|der)\s+)?(next week|the week after|the following week|this week|week after next|week|nächste woche"
    rf"|nächsten woche|naechsten woche|kommenden woche"
    rf"|naechste woche|nächster woche|kommende woche|kommender woche|diese woche|dieser woche|in einer woche|in zwei wochen"
    rf"|in 2 wochen|in two weeks|in a week|after next|in 2 weeks)\b)?")
WEEK_WEEKDAY = lazy_rx(
    rf"\b(next week|nächste woche|naechste woche|kommende woche|this week|diese woche)\s*,?\s*(?:on\s+|am\s+)?({WEEKDAY})\b")

# "end of March", "early April", "Mitte Mai", "Anfang April"
MONTH_PART = lazy_rx(rf"\b(end|beginning|start|middle|mid|early|late|ende|anfang|mitte)\s*(?:of\s+|-\s*)?({MONTH})\b")
# "the first week of January", "die letzte Woche im März", "in der ersten Januarwoche": seven days of that month
WEEK_OF_MONTH = lazy_rx(
    r"\b(first|1st|second|2nd|third|3rd|fourth|4th|last|final|erste[nrs]?|zweite[nrs]?|dritte[nrs]?|vierte[nrs]?"
    rf"|letzte[nrs]?)\s+(?:(?:week|woche)\s+(?:of|in|im|des|vom)\s+({MONTH})\b|({MONTH})woche\b)")
# "in December", "im Dezember": the whole month (a day in it is read by the date pass first)
IN_MONTH = lazy_rx(rf"\b(?:in|im|during|for|sometime in|irgendwann im)\s+({MONTH})\b(?!\s*\d)")
PERIODS = rx(
    r"\b(?:the\s+)?(week after next|übernächste woche|uebernächste woche)\b"
    r"|\b(next|this|coming|the following|following|upcoming|the|nächste|naechste|kommende|diese|dieser|nächsten|diesen"
    r"|last|past|previous|the last|the past|the previous|letzte|letzten|vergangene|vergangenen|vorige|vorigen)?\s*(week|woche)\b"
    r"(?!\s+(?:before|after|vor|nach)\s+(?:the\s+|dem\s+)?§)"  # "the week before Christmas" is a bound (read later)
    r"|\b(?:(next|this|coming|nächstes|naechstes|kommendes|dieses|am|übers|ueber(?:s| das)|on the|over the)\s+)?(weekend|wochenende)\b"
    r"|\b(?:(?:at|by|towards|around|to)\s+)?(?:the\s+)?(end|beginning|start|middle|mid)\s+of\s+(?:the\s+|this\s+)?(next\s+)?(month|week)\b"
    r"|\b(ende|anfang|mitte)\s+(?:des\s+|dieses\s+|der\s+)?(nächsten\s+|naechsten\s+|kommenden\s+|nächster\s+|naechster\s+"
    r"|kommender\s+)?(monats|monat|woche)\b"
    r"|\b(monatsende|monatsanfang|wochenende)\b"
    r"|\b(early|late|later)\s+(next|this)\s+(week|month)\b"
    r"|\b(next|this|nächsten|naechsten|diesen|kommenden)\s+(month|monat)\b")

# The words before the day a change points at: "from Tuesday to Thursday", "auf Donnerstag".
TARGET_BEFORE = re.compile(r"(?:\bto|\bauf|\binstead|\brather|\bfor|\bmake it|\bzum|\bnach)\s*(?:the\s+|den\s+|dem\s+|on\s+|am\s+)?$")
