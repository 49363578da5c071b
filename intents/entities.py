"""Services, staff, customer name, email, phone and option numbers in a message.

Vocabulary words are matched exactly first (with spacing, plural and umlaut variants), then with
one typo for longer words. A provider the vocabulary does not know ("Dr. Thomas Stodgel",
"Great Clips") is taken from a run of capitalised words after a cue such as "with", "see" or "bei".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from .language import FUNCTION_WORDS
from .lexicon import CHOICE_ORDINALS, EN_MONTHS, DE_MONTHS, NUMBER_WORDS, THINKING, WEEKDAYS, any_of
from .normalize import clean, umlaut_pattern
from .party import find_party  # noqa: F401  (how many people: read with the other entities)
from .types import Vocabulary


@dataclass(frozen=True)
class Match:
    """A vocabulary entry found in the text: its canonical id and the words as written."""

    id: str | None
    text: str
    start: int


# --- vocabulary matching -----------------------------------------------------------------------


class _Matcher:
    """All names of one vocabulary table compiled into one regex, plus a fuzzy fallback."""

    def __init__(self, table: dict[str, Sequence[str]], plural: bool):
        entries: list[tuple[str, str]] = []
        for cid, names in table.items():
            for name in [cid, *names]:
                key = " ".join(clean(str(name)).split())
                if key:
                    entries.append((key, cid))
        entries.sort(key=lambda e: len(e[0]), reverse=True)
        self.ids = [cid for _, cid in entries]
        # plural and verb forms: "colours", "coloured", "colouring", "Färbung"
        suffix = r"(?:s|es|e|en|n|ed|d|ing|ung)?" if plural else r"(?:s|'s)?"
        alts, stems = [], []
        for key, _ in entries:
            words = [umlaut_pattern(w) for w in key.split()]
            said = r"[\s-]*".join(words) + suffix
            last = key.split()[-1]
            if plural and last.endswith("en") and len(last) >= 6 and last.isalpha():
                # a German verb named as the service ("Färben"): its noun and forms too ("eine Färbung", "färbt")
                stem = [*words[:-1], umlaut_pattern(last[:-2])]
                said = f"(?:{said}|" + r"[\s-]*".join(stem) + "(?:ung|ungen|t))"
                stems.append(" ".join([*key.split()[:-1], last[:-2]]))
            alts.append("(" + said + ")")
        self.rx = re.compile(r"(?<![\w])(?:" + "|".join(alts) + r")(?![\w])") if alts else None
        self.needles = _needles([*(key for key, _ in entries), *stems])
        # single words long enough to fuzz safely: "colour"->"color", "sara"->"sarah", "harcut"
        self.fuzzy: dict[str, list[tuple[str, str]]] = {}
        for key, cid in sorted({(key.replace(" ", ""), cid) for key, cid in entries if len(key.replace(" ", "")) >= 4}):
            self.fuzzy.setdefault(key[0], []).append((key, cid))
        self._seen: dict[str, str | None] = {}  # token -> id, or None: chat repeats its words a lot

    def _closest(self, cand: str) -> str | None:
        hit = self._seen.get(cand, "")
        if hit != "":
            return hit
        from rapidfuzz.distance import OSA  # lazy: only messages with unknown words need it; a swap ("hiarcut") is one edit

        found = None
        for key, cid in self.fuzzy.get(cand[0], ()):
            if abs(len(key) - len(cand)) > 1:
                continue
            limit = 1 if len(key) < 9 else 2
            if OSA.distance(cand, key, score_cutoff=limit) <= limit:
                found = cid
                break
        if len(self._seen) > 50_000:
            self._seen.clear()
        self._seen[cand] = found
        return found

    def exact(self, original: str, low: str) -> Match | None:
        """The first name said as written (one regex search), with the user's own words."""
        if self.needles is not None and self.needles.search(low) is None:
            return None  # most messages name no service: a quick look for the pieces instead of the whole alternation
        m = self.rx.search(low) if self.rx is not None else None
        if m is None:
            return None
        return Match(self.ids[m.lastindex - 1], original[m.start():m.end()], m.start())

    def fuzz(self, tokens: list[tuple[str, int]], allow: set[int] | None = None, min_len: int = 0) -> Match | None:
        """The first token of at least `min_len` letters (and in `allow`, when given), alone or run together
        with the next one, that is a name misspelled."""
        fuzzy = self.fuzzy
        last = len(tokens) - 1
        for i, (tok, pos) in enumerate(tokens):
            if tok[0] not in fuzzy or len(tok) < min_len or allow is not None and i not in allow:
                continue  # no name starts with the token's letter (the pair of words starts with it too)
            for cand in (tok, tok + tokens[i + 1][0]) if i < last else (tok,):
                if len(cand) >= 4 and cand not in _COMMON:
                    cid = self._closest(cand)
                    if cid is not None:
                        return Match(cid, "", pos)
        return None


_UMLAUTS = re.compile("[äöüß]")


def _needles(keys: Iterable[str]) -> re.Pattern[str] | None:
    """For each name, a piece of it that every match of the name contains as written: its longest run of
    letters without an umlaut (the pattern also takes "ae", "a" for "ä"). None when a name has no such piece.
    A piece that contains another is left out: the shorter one is in the text whenever the longer one is."""
    pieces = set()
    for key in keys:
        piece = max((run for word in key.split() for run in _UMLAUTS.split(word.lower())), key=len, default="")
        if not piece:
            return None
        pieces.add(piece)
    return any_of(sorted(p for p in pieces if not any(q != p and q in p for q in pieces)))


_MATCHERS: dict[int, tuple[Vocabulary, _Matcher, _Matcher]] = {}


def _matchers(vocab: Vocabulary) -> tuple[_Matcher, _Matcher]:
    hit = _MATCHERS.get(id(vocab))
    if hit is None or hit[0] is not vocab:
        if len(_MATCHERS) > 32:
            _MATCHERS.clear()
        hit = (vocab, _Matcher(dict(vocab.services), plural=True), _Matcher(dict(vocab.staff), plural=False))
        _MATCHERS[id(vocab)] = hit
    return hit[1], hit[2]


_WORD = re.compile(r"[^\W\d_][\w'-]*")
_LAST_TOKENS: list = [None, []]  # the words of the last text: services and staff both look at them


def _tokens(low: str) -> list[tuple[str, int]]:
    if _LAST_TOKENS[0] != low:
        _LAST_TOKENS[0], _LAST_TOKENS[1] = low, [(t.group(0), t.start()) for t in _WORD.finditer(low)]
    return _LAST_TOKENS[1]


# A service named as a verb, then another as its object: "cut my beard", "trim the beard", "den Bart schneiden"
_OBJECT_AFTER = re.compile(r"\s+(?:my|the|his|her|our|their|a|meinen|meine|mein|den|die|das)\s+")


def find_service(original: str, low: str, vocab: Vocabulary, lenient: bool = False) -> Match | None:
    """The first service named in the text (canonical id and the user's words); of a verb and its object
    that name two ("cut my beard"), the object."""
    services, _ = _matchers(vocab)
    found = services.exact(original, low)
    if found:
        after = found.start + len(found.text)
        gap = _OBJECT_AFTER.match(low, after)
        if gap is not None and " " not in found.text.strip():
            obj = services.exact(original[gap.end():], low[gap.end():])
            if obj is not None and obj.start == 0 and obj.id != found.id:
                return Match(obj.id, obj.text, gap.end())
        return found
    tokens = _tokens(low)
    if not tokens or len(tokens) > 60:
        return None
    fm = services.fuzz(tokens, min_len=0 if lenient else 5)
    if fm is None:
        return None
    return Match(fm.id, _word_at(original, fm.start, 2 if " " in original[fm.start:fm.start + 40] else 1), fm.start)


_ANOTHER = re.compile(r"\b(?:and|und|plus|also|auch|sowie|then|dann|with a|mit)\b|[,&+/]")  # a second thing named


def find_services(low: str, first: Match | None, vocab: Vocabulary) -> tuple[str, ...]:
    """Every service named, in order, once each ("haircut and beard trim" -> haircut, beard); `first` is
    what `find_service` found, so only the rest of the text is searched again."""
    if first is None or first.id is None:
        return ()
    found = [first.id]
    after = first.start + max(len(first.text), 1)
    if len(vocab.services) < 2 or _ANOTHER.search(low, after) is None:
        return tuple(found)
    services, _ = _matchers(vocab)
    if services.rx is not None:
        for m in services.rx.finditer(low, after):
            cid = services.ids[m.lastindex - 1]
            if cid not in found:
                found.append(cid)
    return tuple(found)


def service_mentions(low: str, vocab: Vocabulary) -> list[tuple[int, str]]:
    """Where each service is named as written (its position, its id), in order."""
    services, _ = _matchers(vocab)
    if services.rx is None:
        return []
    return [(m.start(), services.ids[m.lastindex - 1]) for m in services.rx.finditer(low)]


_JOINERS = re.compile(r"(?:\s|,|&|\band\b|\bund\b|\bor\b|\boder\b)+")


def names_only_services(text: str, vocab: Vocabulary) -> bool:
    """Whether a capitalised run is nothing but services ("Schnitt und Färben"), so it names no person."""
    services, _ = _matchers(vocab)
    if services.rx is None:
        return False
    return not _JOINERS.sub("", services.rx.sub("", clean(text)))


def _word_at(original: str, start: int, n_words: int) -> str:
    words = _WORD.finditer(original, start)
    first = next(words, None)
    if first is None:
        return original[start:].strip()
    return first.group(0)


_STAFF_CUE = re.compile(
    r"(?:with|w/|see|visit|by|bei|mit|von|zu|zur|zum|prefer|want|like|book|try|named|called|ist|is|and|und|oder|or)\s*$")


def find_staff(original: str, low: str, vocab: Vocabulary, lenient: bool = False, cued: bool = False) -> Match | None:
    """A staff member from the vocabulary, by name or a close misspelling.

    `cued`: the bot asked about something else (a time, a yes), so a name may well be the customer's own.
    Then a misspelled staff name counts only after a cue ("with Sara"), and a staff name that starts
    somebody's full name ("Tom Becker", no cue before it) is not the staff member."""
    _, staff = _matchers(vocab)
    found = staff.exact(original, low)
    if found and cued and _starts_full_name(original, low, found):
        found = _exact_not_full_name(original, low, staff)
    if found:
        return found
    tokens = _tokens(low)
    if not tokens or len(tokens) > 60:
        return None
    # a misspelled name only counts where a name is expected: after "with", "bei"... or capitalised
    allow = set()
    for i, (tok, pos) in enumerate(tokens):
        if tok[0] not in staff.fuzzy:
            continue  # no name starts with that letter (a pair of words starts with it too)
        if lenient or (original[pos:pos + 1].isupper() and not cued) or _STAFF_CUE.search(low[max(0, pos - 12):pos]):
            allow.add(i)
    fm = staff.fuzz(tokens, allow)
    if fm is None:
        return None
    return Match(fm.id, _word_at(original, fm.start, 1), fm.start)


_SURNAME = re.compile(r"[ \t]+(?P<word>[A-ZÄÖÜ][\w'’-]+)")


def _starts_full_name(original: str, low: str, found: Match) -> bool:
    """Whether a staff name said without a cue goes on with a surname of its own: "Tom Becker" is somebody."""
    if _STAFF_CUE.search(low[max(0, found.start - 12):found.start]):
        return False
    m = _SURNAME.match(original, found.start + len(found.text))
    word = m.group("word").lower().strip("'’-") if m else ""
    return bool(word) and word not in _NOT_A_NAME and word not in _HARD_STOP


def _exact_not_full_name(original: str, low: str, staff: _Matcher) -> Match | None:
    """The first staff name in the text that does not start somebody's full name ("Tom Becker here, with Sarah")."""
    for m in staff.rx.finditer(low) if staff.rx is not None else ():
        found = Match(staff.ids[m.lastindex - 1], original[m.start():m.end()], m.start())
        if not _starts_full_name(original, low, found):
            return found
    return None


# --- providers the vocabulary does not know ----------------------------------------------------

# Words that end or never start a name run even when capitalised.
_COMMON = frozenset("""
i i'm im i'd i'll i've me my mine we us our you your yes no not ok okay sure please thanks thank hi hello hey
the a an and or but so if then that this these those it it's its is are was were be been am do does did
can could would should will shall may might must have has had get got make made let let's
what when where which who whom why how there here any some anything something nothing all also too
at on in for to from of by with about as into onto over under after before between until near
today tomorrow tonight morning afternoon evening night noon week weekend month year day time date
appointment appointments booking reservation visit slot available availability free open
book cancel reschedule move change find look search see want need like prefer try go come
great good fine perfect nice cool sounds works actually sorry well oh um also just still
salon dentist doctor therapist stylist office clinic place one someone anyone else other another
bitte danke ja nein hallo ich du sie er wir ihr mein meine meinen der die das den dem des ein eine einen
und oder aber am um im in an auf bei mit von zu zum zur für nach vor ab bis termin termine
heute morgen übermorgen uhr woche wochenende haben habe hätte möchte kann können gibt es noch
dr doctor mr mrs ms frau herr prof
nope nah yeah yep yup okay alright awesome excellent fantastic wonderful thanks thankyou cheers bye goodbye
nothing maybe perhaps later sounds seems looks proceed nevermind never mind sure correct right exactly
practitioner counselor specialist psychologist psychiatrist dermatologist gynecologist ophthalmologist ent
orthodontist pediatrician cardiologist dentists doctors therapists salons barber hairdresser family general
january february march april may june july august september october november december
januar jänner februar märz mai juni juli oktober dezember
monday tuesday wednesday thursday friday saturday sunday montag dienstag mittwoch donnerstag freitag samstag sonntag
unisex cosmetic city area downtown
guten gute tag abend nacht day hey servus tschüss vielen dank genau klar super prima perfekt gern gerne passt
stimmt richtig hilfe human agent
vormittag nachmittag mittag früh vormittags nachmittags mittags morgens abends nachts
""".split())
# Words that end a capitalised run even after a cue ("with Sarah On Monday", "at Great Clips Tomorrow").
_HARD_STOP = frozenset("""
i i'm i'd i'll is are was am on at in for to and or but please thanks thank today tomorrow tonight yes no
ok okay can could would will do does this that it my me we you bitte danke ja nein am um im heute morgen
übermorgen uhr und oder aber ist sind morning afternoon evening vormittag nachmittag mittag abend früh vormittags
nachmittags mittags morgens abends
""".split()) | frozenset(WEEKDAYS) | frozenset(EN_MONTHS) | frozenset(DE_MONTHS) | frozenset(WEEKDAYS) | frozenset(EN_MONTHS) | frozenset(DE_MONTHS) | frozenset(NUMBER_WORDS)

_NAME_TOKEN = r"(?:[A-ZÄÖÜ][\w'’-]*\.?|\d{2,5}(?:st|nd|rd|th|Th)?(?=\s+[A-Z]))"
_TITLE = r"(?:Dr\.|Dr\s|Prof\.|Mr\.?|Mrs\.?|Ms\.?|Frau|Herr)"
_JOIN = r"(?:\s+|\s*[&:]\s*|\s+-\s+|\s+(?:and|And|of|und)\s+(?=[A-Z]))"
_RUN = rf"(?:{_TITLE}\s*)?{_NAME_TOKEN}(?:{_JOIN}(?:{_TITLE}\s*)?{_NAME_TOKEN}|\s+lab\b)*"
_KIND = r"(?:salon|dentist|doctor|therapist|stylist|barber|clinic|office|place|practice|orthodontist|dermatologist)"
_PROVIDER_CUE = re.compile(
    r"(?i:\b(?:with|w/|see|seeing|visit|visiting|consult|meet|at|to|from|for|of|this|called|named|name is|name's"
    r"|is called|(?:dentist|doctor|salon|office|therapist|stylist|clinic|place)(?:'s name)? is|go with|try|prefer"
    r"|choose|book|bei|mit|zu|zur|zum|von|heißt|heisst|it's|it is|should be|would be|will be)\s+"
    r"(?:actually\s+|really\s+|just\s+)?)(?:the\s+|a\s+|an\s+)?"
    rf"(?:{_KIND}\s*,?\s+)?(?P<run>{_RUN})"
    rf"|\b(?i:{_KIND[3:-1]})\s*,?\s+(?P<run2>{_RUN})")
# A sentence that starts with a name: "Evergreen Barbershop.", "Dr. Jacob Wardwell. Change it to 5."
_LEADING_RUN = re.compile(rf"^\s*(?:(?i:yes|yeah|no|nope|ok|okay|sure|actually|maybe|hmm)[,.!]?\s+)?(?P<run>{_RUN})")
_SENTENCE = re.compile(r"(?<!\bDr)(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bSt)(?<!\b[A-Z])[.!?;]+\s*(?=[A-Z0-9])")
_DOCTOR_WORD = re.compile(r"^(?:Doctor|Dr|Dentist|Therapist|Stylist)\s+(?=[A-Z])")
# Places, not providers: "San Jose", "Los Gatos", "990 West Fremont Avenue"
_PLACE_START = frozenset("san santa los las el mount mt fort saint st palo new".split())
_STREET = frozenset("street st avenue ave road rd drive dr boulevard blvd highway hwy way lane ln court ct real parkway".split())
_CALENDAR = frozenset(_m.lower() for _m in (*WEEKDAYS, *EN_MONTHS, *DE_MONTHS))
_TITLES = ("dr", "mr", "mrs", "ms", "frau", "herr", "prof")
_INITIAL = re.compile(r"^[A-Z]\.$")


def _trim_run(run: str, strict: bool = False) -> str | None:
    """Drop cue words caught at the edges, a trailing period, and runs that are no name at all.

    After a cue ("at Great Clips") capitals mark a name even when the words are common ones; at
    the start of a sentence they do not, so there (`strict`) the first word must be unusual.
    """
    run = _DOCTOR_WORD.sub("", run.strip())
    tokens = run.split()
    keep: list[str] = []
    for i, tok in enumerate(tokens):
        bare = tok.strip(".,:;!?'’").lower()
        if _INITIAL.match(tok) and i > 0:
            keep.append(tok)
            continue
        stops = _COMMON if strict and i == 0 else _HARD_STOP
        if bare in ("and", "of", "und") and 0 < i < len(tokens) - 1:
            keep.append(tok)  # joined only before a capital: "Dukes And Dolls Salon", "EyeMD of Alameda"
            continue
        if (bare in _CALENDAR and not tok.endswith(".") and i + 1 < len(tokens) and tokens[i + 1][:1].isupper()
                and tokens[i + 1].strip(".,").lower() not in _COMMON):
            keep.append(tok)  # "August Barbershop", not "March 5th"
            continue
        if tok.endswith(".") and len(bare) > 1 and bare not in _TITLES and i > 0:
            keep.append(tok)  # a full stop ends the name: "Dr. Wendy Landreville. See if..."
            break
        if bare in stops and not (bare in _TITLES and i + 1 < len(tokens)):
            if i == 0 and bare == "the" and len(tokens) > 1:
                keep.append(tok)
                continue
            break
        keep.append(tok)
    while keep and keep[-1] in ("&", ":", "-", "The", "the", "and", "And", "of", "und"):
        keep.pop()
    if not keep:
        return None
    text = " ".join(keep).rstrip(",:;!?")
    text = text.rstrip(".")  # a sentence's full stop, also after an initial ("Bares William R.")
    if text.lower().startswith("the ") and len(keep) < 2:
        return None
    if not any(t[:1].isalpha() for t in keep) or all(t.strip(".").lower() in _COMMON for t in keep):
        return None
    if len(keep) == 1 and (len(text) < 2 or text.lower() in _COMMON):
        return None
    words = [t.strip(".,").lower() for t in keep]
    if words[0] in _PLACE_START or (words[-1] in _STREET and len(words) > 1):
        return None
    return text


def find_provider(original: str, leading: bool = True) -> str | None:
    """A provider named in capitals that the vocabulary does not know, as the user wrote it.

    Without `leading`, only a name after a cue ("with Maria", "bei Frau Müller") counts: where the bot asked
    about something else, a bare "Anna Schmidt" is more likely the customer's own name."""
    if original.islower() or original.isupper():
        return None
    cued = _CAPITAL_AFTER_WORD.search(original) is not None  # a cue is a word, so a name after one follows a space
    for m in _PROVIDER_CUE.finditer(original) if cued else ():
        if _AREA_AFTER.match(original, m.end()):
            continue
        name = _trim_run(m.group("run") or m.group("run2"))
        if name:
            return name
    if not leading or (_TWO_CAPITALS.search(original) is None and _KIND_WORD.search(original) is None):
        return None  # a name at a sentence's start counts only with two capitalised words or a kind of place
    for sentence in _SENTENCE.split(original):
        m = _LEADING_RUN.match(sentence)
        if m:
            name = _trim_run(m.group("run"), strict=True)
            if name and (" " in name or _KIND_WORD.search(name)):
                return name
    return None


_TWO_CAPITALS = re.compile(r"[A-ZÄÖÜ]\S*\s+(?:(?:&|and|of|und)\s+)?[A-ZÄÖÜ\d]")
_CAPITAL_AFTER_WORD = re.compile(r"[^.!?\s]\s+(?!I\b|I')[A-ZÄÖÜ]")
_AREA_AFTER = re.compile(r"\s+(?:area|city|region|county|downtown)\b", re.I)
_KIND_WORD = re.compile(r"(?i)salon|dental|barber|clinic|studio|cuts|hair|spa\b")


_ANY_STAFF = re.compile(
    r"\b(?:any ?one|any ?body|whoever|any (?:stylist|hairdresser|barber|staff|provider|of them|person)|no preference"
    r"|doesn'?t matter|does not matter|don'?t care|dont care|either (?:one|is fine)|egal(?: wer)?|irgendwer|irgendjemand"
    r"|irgendein(?:e|en)?|beliebig|keine präferenz|keine praeferenz|wer (?:auch immer|gerade )?(?:frei|zeit) (?:ist|hat)"
    r"|ist mir egal|mir egal|first available|whoever is (?:free|available))\b")


# Every phrase above has one of these: one quick look for them spares most messages the search.
_ANY_STAFF_PIECES = any_of(("any", "whoever", "no preference", "doesn", "does not", "don", "either ", "egal", "irgend",
                            "beliebig", "keine pr", "wer ", "first available"))


def any_staff(low: str) -> bool:
    return _ANY_STAFF_PIECES.search(low) is not None and _ANY_STAFF.search(low) is not None


# --- contact details ---------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}")
_PHONE = re.compile(r"(?<![\w.:/-])(?:\+|00|\()?\d[\d ()/.-]{5,}\d(?![\w:])")
_DIGIT = re.compile(r"\d")
_NOT_PHONE = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{2,4}$|^\d{4}-\d{1,2}-\d{1,2}$|^\d{1,2}/\d{1,2}/\d{2,4}$")


def find_email(original: str) -> str | None:
    m = _EMAIL.search(original) if "@" in original else None  # the pattern needs the "@": most messages have none
    return m.group(0).rstrip(".") if m else None


def find_phone(original: str) -> str | None:
    for m in _PHONE.finditer(original) if _DIGIT.search(original) else ():  # a quick look first: a number has digits
        raw = m.group(0).strip()
        digits = sum(c.isdigit() for c in raw)
        if digits < 7 or digits > 15 or _NOT_PHONE.match(raw):
            continue
        if "." in raw and not raw.startswith(("+", "0")):
            continue
        return raw
    return None


_NAME_AFTER = re.compile(
    r"(?i:\b(?:my name is|my name's|i am|i'm|im|this is|call me|ich heiße|ich heisse|ich heise"
    r"|mein name ist|hier ist|hier spricht|ich bin(?: der| die)?)\s+)"
    r"(?P<name>[A-ZÄÖÜ][\w'’-]+(?:\s+[A-ZÄÖÜ][\w'’-]+){0,2})")
_NAME_EXPLICIT = re.compile(  # "his name is …" for a booking made for someone else: the name it goes under
    r"(?i:\b(?:(?:my|his|her|their) name is|(?:my|his|her|their) name's|(?:mein|sein|ihr) name ist|ich heiße|ich heisse"
    r"|er heißt|sie heißt|er heisst|sie heisst|call me)\s+)"
    r"(?P<name>[^\W\d_][\w'’-]+(?:\s+[^\W\d_][\w'’-]+){0,2})")
# Every cue of the two patterns above contains one of these.
_NAME_CUES = any_of(("name", "i am", "i'm", "im ", "this is", "call me", "ich hei", "hier ", "ich bin", "er hei", "sie hei"))
_BARE_NAME = re.compile(r"^\s*(?P<name>[^\W\d_][\w'’.-]*(?:\s+[^\W\d_][\w'’.-]*){0,3})\s*[.!]?\s*$")


_THINKING = re.compile(rf"(?i)^\W*{THINKING}\W*$|\b{THINKING}\b(?=\W*$)")


def find_name(original: str, expecting_name: bool) -> str | None:
    """The customer's own name: "I'm Anna Schmidt", "ich heiße ...", or a bare answer when asked."""
    low = original.lower()
    cued = _NAME_CUES.search(low) is not None
    for rx in (_NAME_EXPLICIT, _NAME_AFTER) if cued else ():
        m = rx.search(original)
        if m:
            words = []
            for w in m.group("name").split():
                if w.lower().strip(".,") in _COMMON and rx is _NAME_AFTER:
                    break
                if w.lower().strip(".,") in ("and", "und", "from", "aus", "i", "ich", "not", "nicht"):
                    break  # ("my name is John, not Jon")
                words.append(w.strip(".,"))
            if words and (rx is _NAME_EXPLICIT or words[0].lower() not in _COMMON):
                return " ".join(words)
    if expecting_name:
        m = _BARE_NAME.match(original)
        if m and (words := _without_titles(m.group("name").split())) and not any(w.lower() in _COMMON for w in words) \
                and not _THINKING.search(m.group("name")):
            return m.group("name").strip()  # "Herr Müller", "Mrs Jones": the title stays, as the business will say it
    return None


def _without_titles(words: list[str]) -> list[str]:
    """The words of a name without the titles before it ("Herr Dr. Müller": "Müller")."""
    n = 0
    while n < len(words) - 1 and words[n].lower().strip(".") in _TITLES:
        n += 1
    return words[n:]


def bare_full_name(original: str) -> str | None:
    """A message that is nothing but a person's name in two to four capitalised words ("Anna Schmidt", "Herr Müller")."""
    m = _BARE_NAME.match(original)
    if m is None:
        return None
    words = m.group("name").split()
    if not 2 <= len(words) <= 4 or _KIND_WORD.search(original):
        return None
    for w in _without_titles(words):  # "Herr Müller", "Mrs Jones"
        bare = w.strip(".").lower()
        if not w[:1].isupper() or bare in _NOT_A_NAME or bare in _HARD_STOP or bare in FUNCTION_WORDS:
            return None
    return m.group("name").strip().rstrip(".")


# Words written in capitals at times ("Keine Ahnung", "Andere Uhrzeit", "None Of These") that name nobody.
_NOT_A_NAME = _COMMON | _PLACE_START | frozenset("""
other others another different none neither either both whatever whichever whenever everything
andere anderer anderes anderen anders nichts davon keiner keins welche welcher welches egal lieber besser
uhrzeit uhrzeiten zeiten tag tage datum
""".split())


# --- option numbers ----------------------------------------------------------------------------

_NUMBER = re.compile(
    r"^\s*(?:(?:option|number|no\.?|nr\.?|nummer|#|the|die|den|das)\s*)?(?P<n>\d{1,3})(?:\.|st|nd|rd|th)?\s*"
    r"(?:one|please|bitte|pls|plz)?\s*[.!]?\s*$")
_ORDINAL_CHOICE = re.compile(
    r"^\s*(?:the|die|den|das|option|nimm|take)?\s*(?P<w>" + "|".join(CHOICE_ORDINALS) + r")(?:\s+(?:one|option|slot|time|termin|bitte|please))*\s*[.!]?\s*$")
_WORD_NUMBER = re.compile(r"^\s*(?:option|number|nummer)?\s*(?P<w>" + "|".join(NUMBER_WORDS) + r")\s*[.!]?\s*$")


def find_number(low: str) -> int | None:
    """A bare number used to pick an option: "2", "option 3", "the second one", "die zweite"."""
    m = _NUMBER.match(low)
    if m:
        return int(m.group("n"))
    m = _ORDINAL_CHOICE.match(low)
    if m:
        return CHOICE_ORDINALS[m.group("w")]
    m = _WORD_NUMBER.match(low)
    if m:
        return NUMBER_WORDS[m.group("w")]
    return None
