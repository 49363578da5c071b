"""Text clean-up before matching: case, quotes, emoji, umlaut variants and common typos.

Two views of a message are produced. `clean` keeps every character position of the original
(so entity spans can be cut from the user's own text); `norm` additionally repairs typos of the
words the rules key on, and is what the intent and date/time rules read.
"""

from __future__ import annotations

import re
import unicodedata

# Characters with a one-character ASCII stand-in; everything else that is not a letter, digit or
# ordinary punctuation (emoji, pictographs, dingbats) becomes a space.
_CHAR_MAP = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": " ", "\u3000": " ",
    "\u2026": ".", "\uff1a": ":", "\uff0c": ",", "\uff01": "!", "\uff1f": "?",
}
_KEEP_PUNCT = set(".,:;!?'\"-/@+#&()%")


def _clean_char(c: str) -> str:
    mapped = _CHAR_MAP.get(c)
    if mapped is not None:
        return mapped
    if c.isalnum():
        low = c.lower()
        return low if len(low) == 1 else c
    if c in _KEEP_PUNCT or c == " ":
        return c
    if c in "\t\n\r\f\v":
        return " "
    cat = unicodedata.category(c)
    if cat.startswith("P"):
        return c if c.isascii() else " "
    return " "  # symbols, emoji, controls, variation selectors


_ASCII_TABLE = {ord(c): c.lower() for c in map(chr, range(128)) if c.isalpha()}
_ASCII_TABLE.update({ord(c): " " for c in "\t\n\r\f\v"})
_ASCII_TABLE.update({ord("`"): "'"})


_CONTROL = re.compile("[\x00-\x1f\x7f]")


def clean(text: str) -> str:
    """Lower-case, straight quotes, no emoji; same length as `text` so spans line up."""
    if text.isascii():
        out = text.translate(_ASCII_TABLE)
        if _CONTROL.search(out) is None:
            return out
    return "".join(_clean_char(c) for c in text)


# --- typo repair -------------------------------------------------------------------------------
# Frequent misspellings seen in chat, written out; plus single-edit variants of the key words
# below (generated once at import), so "tommorow", "wendsday" or "appoitment" still read right.
_KNOWN_TYPOS = {
    "tmrw": "tomorrow", "tmr": "tomorrow", "tmrrw": "tomorrow", "tomoz": "tomorrow", "2morrow": "tomorrow",
    "2moro": "tomorrow", "2mrw": "tomorrow", "tommorrow": "tomorrow", "tomorrows": "tomorrow",
    "tommorow": "tomorrow", "tomorow": "tomorrow", "tomoro": "tomorrow", "tomorro": "tomorrow",
    "tonite": "tonight", "2nite": "tonight", "2day": "today", "tdy": "today",
    "appt": "appointment", "appts": "appointments", "apt": "appointment", "appoint": "appointment",
    "thx": "thanks", "thnx": "thanks", "thanx": "thanks", "tnx": "thanks", "ty": "thanks", "tyvm": "thanks",
    "pls": "please", "plz": "please", "plss": "please", "bitteschön": "bitte",
    "u": "you", "ur": "your", "r": "are", "wanna": "want to", "gonna": "going to", "gotta": "got to",
    "dont": "don't", "cant": "can't", "wont": "won't",
    "isnt": "isn't", "doesnt": "doesn't", "didnt": "didn't", "thats": "that's", "whats": "what's",
    "hows": "how's", "theres": "there's", "lets": "let's", "wheres": "where's", "youre": "you're",
    "wats": "what's", "wat": "what", "adress": "address", "addres": "address", "adres": "address",
    "tue": "tuesday", "tues": "tuesday", "wed": "wednesday", "weds": "wednesday",
    "thu": "thursday", "thur": "thursday", "thurs": "thursday", "fri": "friday", "arvo": "afternoon", "avo": "afternoon", "aft": "afternoon", "aftn": "afternoon", "aftrn": "afternoon",
    "eve": "evening", "mrng": "morning", "morn": "morning", "eveng": "evening", "evng": "evening",
    "mornin": "morning", "nite": "night", "wk": "week", "nxt": "next", "wknd": "weekend",
    "resched": "reschedule", "cancle": "cancel", "cancell": "cancel", "cancal": "cancel",
    "avail": "available", "avil": "available", "bday": "birthday",
    "arround": "around", "aroud": "around", "arond": "around", "aorund": "around", "arund": "around",
    "morgn": "morgen", "moin": "moin", "nachm": "nachmittag", "vorm": "vormittag",
    "uebermorgen": "übermorgen", "ubermorgen": "übermorgen", "naechste": "nächste",
    "naechsten": "nächsten", "nachste": "nächste", "nachsten": "nächsten", "nächstn": "nächsten",
    "naechster": "nächster", "nachster": "nächster", "tschuess": "tschüss", "tschuss": "tschüss",
    "tschüs": "tschüss", "danek": "danke", "dnake": "danke", "dankeschoen": "dankeschön",
    "moechte": "möchte", "mochte": "möchte", "hätt": "hätte", "haette": "hätte", "hatte gern": "hätte gern",
    "fuer": "für", "heisse": "heiße", "heiße": "heiße", "heisst": "heißt",
    "montag": "montag", "dienstg": "dienstag", "mittwch": "mittwoch", "donerstag": "donnerstag",
    "samstg": "samstag", "sonntg": "sonntag", "freitg": "freitag",
}

# Words the rules key on. A token one edit away from one of these (and not itself a common word)
# is read as that word. Only words of 6+ letters: shorter ones collide with real words too often.
_KEYWORDS = (
    "tomorrow", "today", "tonight", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "january", "february", "march", "april", "august", "september", "october", "november",
    "december", "morning", "afternoon", "evening", "weekend", "appointment", "appointments", "available",
    "availability", "reschedule", "cancel", "booking", "bookings", "reservation", "schedule", "thanks",
    "thank", "please", "tomorrow's", "o'clock", "quarter", "between", "midday", "tonight",
    "termin", "termine", "morgen", "übermorgen", "montag", "dienstag", "mittwoch", "donnerstag",
    "freitag", "samstag", "sonntag", "januar", "februar", "märz", "juni", "juli", "oktober",
    "dezember", "vormittag", "nachmittag", "nachmittags", "vormittags", "abends", "wochenende",
    "verschieben", "absagen", "stornieren", "buchen", "reservieren", "danke", "nächste", "nächsten",
    "zwischen", "möchte", "hallo", "mitarbeiter", "haircut", "coloring", "colouring",
)
# Real words that are one edit from a keyword and must stay as they are.
_PROTECTED = frozenset((
    "monday's", "months", "mother", "marcus", "marches", "marched", "thankful", "abend", "morgens",
    "termine", "termin", "terminal", "cancer", "canceled", "cancelled", "booking", "booked", "booker",
    "tuesdays", "mondays", "fridays", "sundays", "saturdays", "wednesdays", "thursdays", "weekends",
    "mornings", "evenings", "afternoons", "reschedules", "rescheduled", "scheduled", "schedules",
    "please", "pleased", "pleasure", "hello", "hallo", "danken", "dankend", "morgan", "sunday",
    "mittag", "mittags", "juli", "juni", "june", "july", "marz", "quarters", "thanked", "evenings",
    "buche", "bucht", "abende", "stornier", "available", "availability", "haircuts", "coloring",
    "coloured", "colored", "coloring", "colouring", "nachmittag", "vormittag", "nächster",
))


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _build_typo_index() -> dict[str, str]:
    """Map every one-deletion variant of each keyword to the keyword (SymSpell style)."""
    index: dict[str, str] = {}
    ambiguous: set[str] = set()
    for kw in _KEYWORDS:
        if len(kw) < 6:
            continue
        for variant in {kw, *_deletes(kw)}:
            if variant in index and index[variant] != kw:
                ambiguous.add(variant)
            index.setdefault(variant, kw)
    for variant in ambiguous:
        del index[variant]
    return index


_TYPO_INDEX = _build_typo_index()
_KEYWORD_SET = frozenset(_KEYWORDS)
_TOKEN = re.compile(r"[a-zäöüß0-9']+")


def _repair(token: str) -> str:
    known = _KNOWN_TYPOS.get(token)
    if known is not None:
        return known
    if len(token) < 6 or token in _KEYWORD_SET or token in _PROTECTED or not token.isalpha():
        return token
    # one deletion, one insertion, one substitution or an adjacent swap away from a keyword
    hit = _TYPO_INDEX.get(token)
    if hit is not None and len(hit) == len(token) + 1 and hit[0] == token[0]:
        return hit
    candidates: set[str] = set()
    for variant in _deletes(token):
        kw = _TYPO_INDEX.get(variant)
        if kw is None:
            continue
        # one extra letter ("tommorrow"), or one changed letter in a long word ("wednesdey")
        if kw == variant or (len(kw) == len(token) and len(kw) >= 7):
            candidates.add(kw)
    if hit is not None and len(hit) == len(token) and len(hit) >= 7:
        candidates.add(hit)
    # the first letter is almost never the typo; it keeps "looking" from becoming "booking"
    candidates = {kw for kw in candidates if kw[0] == token[0]}
    if len(candidates) == 1:
        return candidates.pop()
    return token


_REPAIRED: dict[str, str] = {}  # token -> its repair (itself when fine); chat repeats its words a lot


def _repaired(match: re.Match[str]) -> str:
    token = match.group(0)
    fixed = _REPAIRED.get(token)
    if fixed is None:
        if len(_REPAIRED) > 100_000:
            _REPAIRED.clear()
        fixed = _REPAIRED[token] = _repair(token)
    return fixed


def repair_typos(text: str) -> str:
    """Replace misspelled key words in an already `clean` text."""
    tokens = _TOKEN.findall(text)
    if list(map(_REPAIRED.get, tokens)) == tokens:
        return text  # every word already known to be fine
    return _TOKEN.sub(_repaired, text)


_SPACES = re.compile(r"\s+")
# German writes a day and a part of it as one word: "Freitagnachmittag", "morgenfrüh", "Montagabend".
_DAY_PART_COMPOUND = re.compile(
    r"\b(montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|sonnabend|morgen|heute)"
    r"(früh|frueh|vormittags?|nachmittags?|mittags?|abends?|nachts?|morgens?)\b")


# Weekday abbreviations that are also ordinary words ("so", "do", "sat", "sun"): expanded only after
# a word that announces a day, or before a time or a part of the day ("sat morning", "Sa vormittag"). (tue, wed,
# thu, fri are plain typo repairs above.)
_DAY_ABBR = {
    "mon": "monday", "sat": "saturday", "sun": "sunday",
    "mo": "montag", "di": "dienstag", "mi": "mittwoch", "do": "donnerstag", "fr": "freitag", "sa": "samstag",
    "so": "sonntag",
}
_CUED_ABBR = "|".join(_DAY_ABBR)
_DAY_CUE = r"on|next|this|by|until|till|am|nächsten|naechsten|kommenden|diesen|dieser|ab|bis|jeden|nächster|naechster"
# "so" and "do" are everyday words ("so um 10", "so gegen 18 Uhr", "could you do 3pm"): without a cue before them
# they are days only with the dot of an abbreviation, or right before the number ("So 10 Uhr"), and "do" never
# after "you", "we", "I", "to" or "can"
_PLAIN_ABBR = "|".join(a for a in _DAY_ABBR if a not in ("so", "do"))
_ABBR_CUED = re.compile(rf"\b({_DAY_CUE}) ({_CUED_ABBR})\b\.?|\b({_PLAIN_ABBR})\.? (?=(?:um |at |gegen |ab )?\d"
                        r"|(?:morning|afternoon|evening|night|arvo|lunchtime|vormittag|nachmittag|abend|früh|mittag)s?\b)"
                        r"|\b(so|(?<!you )(?<!\bu )(?<!\bwe )(?<!\bi )(?<!they )(?<!\bto )(?<!\bcan )do)"
                        r"(?:\. (?=(?:um |at |gegen |ab )?\d)| (?=\d))")


# Every match has a space before the abbreviation, or a digit after it: most messages have neither.
_SPACE_ABBR = re.compile("|".join(" " + abbr for abbr in _DAY_ABBR))
_DIGIT = re.compile(r"\d")


def _expand_days(text: str) -> str:
    if _SPACE_ABBR.search(text) is None and _DIGIT.search(text) is None:
        return text
    return _ABBR_CUED.sub(
        lambda m: f"{m.group(1)} {_DAY_ABBR[m.group(2)]}" if m.group(1) else f"{_DAY_ABBR[m.group(3) or m.group(4)]} ",
        text)


def normalize(text: str) -> tuple[str, str]:
    """Return (`clean`, `norm`): the span-preserving view and the typo-repaired view."""
    c = clean(text)
    n = repair_typos(c)
    if "tag" in n or "mittwoch" in n or "morgen" in n or "heute" in n or "sonnabend" in n:
        n = _DAY_PART_COMPOUND.sub(r"\1 \2", n)  # "Dienstagnachmittag" -> "dienstag nachmittag"
    n = _expand_days(n)
    if "  " in n or not (n.isascii() and n.isprintable()):  # else a single " " is the only white space there is
        n = _SPACES.sub(" ", n)
    return c, n.strip()


def umlaut_pattern(word: str) -> str:
    """A regex for `word` that also accepts the ae/oe/ue/ss and bare-vowel spellings of umlauts."""
    out = []
    for ch in re.escape(word.lower()):
        if ch == "ä":
            out.append("(?:ä|ae|a)")
        elif ch == "ö":
            out.append("(?:ö|oe|o)")
        elif ch == "ü":
            out.append("(?:ü|ue|u)")
        elif ch == "ß":
            out.append("(?:ß|ss)")
        else:
            out.append(ch)
    return "".join(out)
