"""How many people a booking is for: "me and my son" (2), "for three people", "für zwei Personen",
"wir sind zu dritt", "my wife and I", "mich und meine Tochter".

Only said counts: a plural service ("haircuts") or "we" alone says nothing about the number.
One cheap test first, since most messages name nobody else.
"""

from __future__ import annotations

import re

from .lexicon import NUMBER_WORDS

MAX_PARTY = 20  # a larger number said with "people" is no party booking appointments ("for 45 people")

_COUNT_WORDS = {w: n for w, n in NUMBER_WORDS.items() if 2 <= n <= MAX_PARTY}
_ORDINAL_GROUP = {"zweit": 2, "dritt": 3, "viert": 4, "fünft": 5, "sechst": 6}

# family and friends: "my son", "meine Frau", "meinen Mann", "my two kids"
_RELATIVE = (
    r"(?:son|sons|daughter|daughters|wife|husband|partner|kid|kids|child|children|boy|boys|girl|girls|mom|mum|mother"
    r"|dad|father|brother|brothers|sister|sisters|friend|friends|boyfriend|girlfriend|fiance|fiancee|fiancé|fiancée"
    r"|grandma|grandpa|grandmother|grandfather|aunt|uncle|niece|nephew|cousin|mate|colleague|flatmate|roommate"
    r"|sohn|söhne|soehne|tochter|töchter|toechter|frau|mann|ehefrau|ehemann|partnerin|kind|kinder|mutter|mama"
    r"|vater|papa|bruder|brüder|schwester|schwestern|freund|freundin|freunde|freundinnen|oma|opa|tante|onkel"
    r"|nichte|neffe|cousine|cousin|kollege|kollegin|enkel|enkelin|enkelkind|enkelkinder)"
)
_NUM = r"(?:\d{1,2}|" + "|".join(sorted((re.escape(w) for w in _COUNT_WORDS), key=len, reverse=True)) + r")"
_ONE_RELATIVE = rf"(?:my|our|mein(?:e|en|em|er)?|unser(?:e|en|em|er)?)\s+(?:(?P<n>{_NUM})\s+)?{_RELATIVE}\b"
_ANY_RELATIVE = _ONE_RELATIVE.replace("?P<n>", "?:")
_OTHERS = rf"{_ANY_RELATIVE}(?:\s*(?:,|and|&|und|\+)\s*{_ANY_RELATIVE})*"
_RELATIVE_RX = re.compile(_ONE_RELATIVE)

# words no party size is said without (plain text, no word bounds: most messages name nobody else, and this
# one quick search is all they cost)
_HINTS = ("my ", "our ", "mein", "with ", "mit ", "unser", "people", "person", "of us", "zu ", "beide", "both", "wir ", "uns ",
          "guest", "adult", "leute", "gäste", "erwachsen")
_QUICK = re.compile("|".join(re.escape(hint) for hint in _HINTS))
_SELF_AND_OTHERS = re.compile(
    rf"\b(?:me|myself|mich|mir|ich)\s*(?:,|and|&|und|\+|plus)\s*(?P<others>{_OTHERS})"
    rf"|\b(?P<others2>{_OTHERS})\s*(?:,|and|&|und|\+)\s*(?:me|myself|i|mich|mir|ich)\b")
_WORD_NUM = "|".join(sorted((re.escape(w) for w in _COUNT_WORDS), key=len, reverse=True))
_PEOPLE = re.compile(
    rf"\b(?P<n>{_NUM})\s+(?:people|persons|person|guests|adults|of us|personen|leute|erwachsene|gäste)\b"
    rf"|\b(?:wir|uns)\s+(?:alle\s+)?(?P<n2>{_WORD_NUM})\b"
    r"|\bzu\s+(?P<g>zweit|dritt|viert|fünft|sechst)\b"
    r"|\b(?:both of us|us both|us two|wir beide|uns beide)\b")
# just the customer: "just me", "only for me", "nur ich", "nur für mich", "allein" (fewer than asked before)
_ALONE = re.compile(r"^\W*(?:(?:actually|then|ok(?:ay)?|sorry|no|nein|doch|dann|eigentlich)\W+)*"
                    r"(?:(?:just|only|nur|bloß)\s+(?:(?:for|für)\s+)?(?:me|myself|mich|ich)|(?:all\s+)?alone|by myself"
                    r"|(?:ganz\s+)?allein(?:e)?|only one person|just one person|nur eine person)"
                    r"(?:\W+(?:then|please|bitte|dann|thanks|danke))*\W*$")
# "I want to come with my friend", "together with my sister", "mit meiner Tochter kommen": the customer and them
_COMING_WITH = re.compile(
    rf"\b(?:come|coming|come in|comes|be there|drop in|pop in)\s+(?:in\s+)?(?:together\s+)?(?:with|along with)\s+"
    rf"(?P<others>{_OTHERS})|\btogether with\s+(?P<others2>{_OTHERS})"
    rf"|\b(?:zusammen\s+)?mit\s+(?P<others3>{_OTHERS})\s+(?:zusammen\s+)?(?:kommen|vorbeikommen|vorbei)\b"
    rf"|\bzusammen mit\s+(?P<others4>{_OTHERS})")
_FOR_SELF_AND_FOR_OTHERS = re.compile(
    rf"\b(?:for|für) (?:me|myself|mich)\b[^.?!]{{0,40}}?\b(?:for|für) (?P<others>{_OTHERS})")


# a booking for others, without the customer: "a haircut for my husband", "für meine zwei Kinder", "my son needs a cut"
_FOR_OTHERS = re.compile(
    rf"\b(?:for|für|fuer)\s+(?P<others>{_OTHERS})(?!\s*(?:,|and|&|und|\+|plus)\s*(?:me|myself|mich|mir|ich)\b)"
    rf"|^\W*(?:(?:hi|hello|hey|hallo|so|also|ok|okay|oh|sorry|actually|no|nein|eigentlich|i meant|ich meinte|great|super"
    rf"|perfect|perfekt|prima|toll|cool|nice|thanks|danke|alright|fine|gut|and|und)\W+)*"
    rf"(?P<others2>{_OTHERS})\s+(?:needs?|wants?|would like|'d like|braucht"
    rf"|brauchen|möchte|moechte|möchten|will|soll)\b"
    rf"|\b(?:book|get|bring) (?P<others6>{_OTHERS})\s+in\s+(?:for|to)\b"  # "I need to book my son in for a haircut"
    rf"|\b(?:book|get) (?P<others7>{_OTHERS})\s+(?:an? )?(?:appointment |slot )?for\b"  # "can I book my daughter for a haircut?"
    rf"|\b(?:can|could) (?P<others3>{_OTHERS})\s+(?:also |too )?(?:get|have|book|come (?:in |along |with (?:me|us) "
    rf"|too |also )*for)\b"
    rf"|\b(?:kann|könnte|koennte) (?P<others4>{_OTHERS})\s+(?:(?:auch|gleichzeitig|zeitgleich|dann|vielleicht|mit) )*"
    rf"(?:einen|eine|noch)\b"
    # "and my son Max, the same day?", "und meine Tochter auch": the next one, for them
    rf"|^\W*(?:(?:yes|yeah|yep|ok|okay|sure|great|perfect|ja|jo|gut|super|prima|perfekt|gerne)\W+)?(?:and|und|plus|also)\s+"
    rf"(?:(?:for|für|fuer)\s+)?(?P<others5>{_OTHERS})(?!\s*(?:,|and|&|und|\+|plus)\s*"
    rf"(?:me|myself|mich|mir|ich)\b)")


# the name said with the one it is for: "for my son Leo", "für meine Tochter Mia" (capitalised, as names are written)
_NAMED_OTHER = re.compile(
    rf"(?:\b(?:for|für|fuer)|^\W*(?:and|und|plus|also))\s+{_RELATIVE_RX.pattern.replace('?P<n>', '?:')},?\s+(?P<name>[A-ZÄÖÜ][a-zäöüß'-]+"
    r"(?:\s+[A-ZÄÖÜ][a-zäöüß'-]+)?)\b", re.IGNORECASE)
_NOT_NAMES = frozenset({"please", "bitte", "tomorrow", "today", "morgen", "heute", "he", "she", "er", "sie", "who",
                        "der", "die", "das", "and", "und", "at", "on", "am", "um", "next", "this", "nächste", "diese",
                        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "montag", "dienstag",
                        "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"})


def named_other(text: str) -> str | None:
    """The name of the one a booking is for, said with them ("for my son Leo": "Leo"); None where none is."""
    m = _NAMED_OTHER.search(text)
    if m is None:
        return None
    words = m.group("name").split()
    while words and (words[-1].casefold() in _NOT_NAMES or not words[-1][0].isupper()):
        words.pop()  # "for my son Leo please", "for my son Leo tomorrow"
    if not words or words[0].casefold() in _NOT_NAMES or not words[0][0].isupper():
        return None
    return " ".join(words)


def find_party(low: str) -> int | None:
    """The number of people the booking is for, when the message says so ("just me": 1); else None."""
    if len(low) < 40 and _ALONE.match(low):
        return 1
    if _QUICK.search(low) is None:
        return None
    m = _SELF_AND_OTHERS.search(low) or _FOR_SELF_AND_FOR_OTHERS.search(low) or _COMING_WITH.search(low)
    if m:
        groups = m.groupdict()
        others = groups.get("others") or groups.get("others2") or groups.get("others3") or groups.get("others4") or ""
        return _bounded(1 + _count_others(others))
    m = _PEOPLE.search(low)
    if m is None:
        return None
    if m.group("g"):
        return _ORDINAL_GROUP[m.group("g")]
    number = m.group("n") or m.group("n2")
    return _bounded(_number(number)) if number else 2  # "both of us", "wir beide"


def _count_others(text: str) -> int:
    total = 0
    for m in _RELATIVE_RX.finditer(text):
        total += _number(m.group("n")) if m.group("n") else _plural_guess(m.group(0))
    return total


def _plural_guess(text: str) -> int:
    """ "my kids" without a number: at least two; "my son": one."""
    word = text.split()[-1]
    return 2 if word in _PLURALS else 1


_PLURALS = frozenset("""sons daughters kids children boys girls brothers sisters friends
söhne soehne töchter toechter kinder brüder schwestern freunde freundinnen enkelkinder""".split())


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _COUNT_WORDS.get(word, 0)


def _bounded(n: int) -> int | None:
    return n if 2 <= n <= MAX_PARTY else None


def for_others(low: str) -> int:
    """How many people other than the customer a booking is said to be for, without the customer ("a haircut for my
    husband": 1, "für meine zwei Kinder": 2); 0 where none is, or the customer comes too ("me and my son")."""
    if _QUICK.search(low) is None or _SELF_AND_OTHERS.search(low) or _FOR_SELF_AND_FOR_OTHERS.search(low) \
            or _COMING_WITH.search(low):
        return 0
    m = _FOR_OTHERS.search(low)
    return _count_others(next(v for v in m.groupdict().values() if v)) if m else 0


_CHILD = re.compile(
    r"(?<![\w'])(?:kids?|child(?:ren)?|children'?s|toddlers?|bab(?:y|ies)|(?:my|our|his|her|a) (?:little )?(?:son|daughter|boy|girl)"
    r"|(?:[1-9]|1[0-3])[ -]?(?:years?|yrs?)[ -]old|(?:[1-9]|1[0-3])[ -]?yo"
    r"|kind|kindes|kinder\w*|kleinkind\w*|(?:mein(?:e|en|em|er)?|unser(?:e|en|em|er)?) (?:kleine[nr]? )?(?:sohn|tochter|junge[n]?|mädchen|maedchen)"
    r"|(?:[1-9]|1[0-3])[ -]?(?:jahre alt|jährige[nrms]?|jaehrige[nrms]?))(?![\w'])", re.IGNORECASE)


def about_a_child(text: str) -> bool:
    """Whether a message speaks of a child: "kids", "for my son", "a 6 year old", "für meine Tochter", "8-jährige"."""
    return _CHILD.search(text) is not None


# "could he get a haircut at the same time?" after "can I bring my son along?": him, the one just talked about
_HE_OR_SHE = re.compile(
    r"\b(?:can|could|would|will|may) (?:he|she) (?:also |too )?(?:get|have|book|come|do)\b|\bfor (?:him|her)\b(?! own)"
    r"|\b(?:book|get|squeeze|fit) (?:him|her) (?:in|a|an|for)\b"
    r"|\b(?:kann|könnte|koennte|darf) (?:er|sie) (?:auch )?(?:einen|eine|noch|gleich|mit|kommen)\b|\bfür ihn\b"
    r"|\b(?:he|she) (?:also |too )?(?:needs|wants|would like|'?d like)\b|\b(?:der|die|er|sie) (?:braucht|möchte|will|hätte)\b")
_HERS = re.compile(r"\bhow much (?:is|will|would) (?:hers|his)\b")  # "how much will hers be?": the price for her
_HE_OR_SHE_WORDS = ("he ", "she ", "him", "her", "er ", "sie ", "ihn", "die ")


def points_back(low: str) -> bool:
    """Whether "he", "she", "for him" in a lowercased message point at someone named before."""
    return any(w in low for w in _HE_OR_SHE_WORDS) and _HE_OR_SHE.search(low) is not None or \
        ("hers" in low or "his " in low) and _HERS.search(low) is not None


def spoken_of(low: str, recent: tuple[tuple[str, str], ...]) -> tuple[int, str | None]:
    """(1, their name or None) where "he" / "she" / "for him" points at the one person the customer's last words
    named ("my son", "meine Tochter Mia"); (0, None) otherwise."""
    if not points_back(low):
        return 0, None
    said = [text for who, text in recent if who == "customer"][-2:]
    for text in reversed(said):
        if person_named(text) is not None:
            return 1, named_other(text) or _name_after(text)
    return 0, None


_RELATIVE_THEN_NAME = re.compile(_RELATIVE_RX.pattern.replace("?P<n>", "?:") + r",?\s+(?P<name>[A-ZÄÖÜ][a-zäöüß'-]+)\b",
                                 re.IGNORECASE)


def person_named(text: str) -> str | None:
    """The one person a message names besides the customer, as it names them ("my son", "meine Tochter Mia"), for
    "he" / "she" in the next message; None where it names none, or several."""
    low = text.lower()
    if _QUICK.search(low) is None or _SELF_AND_OTHERS.search(low):
        return None
    found = list(_RELATIVE_RX.finditer(low))
    if len(found) != 1 or _plural_guess(found[0].group(0)) != 1:
        return None
    m = _RELATIVE_THEN_NAME.search(text)
    return text[m.start():m.end()] if m and _name_after(text) else found[0].group(0)


def _name_after(text: str) -> str | None:
    """"meine Tochter Mia möchte auch mitkommen": the capitalised word right after the one named ("Mia")."""
    m = _RELATIVE_THEN_NAME.search(text)
    if m is None:
        return None
    name = m.group("name")
    return name if name[0].isupper() and name.casefold() not in _NOT_NAMES else None


# the name of the one other person a message speaks of, said as theirs: "her name is Emma", "he's called Leo",
# "my daughter's name is Emma", "Emma is my daughter", "meine Tochter heißt Lea", "sie heißt Lea", "sein Name ist Leo"
_NAME_WORDS = r"(?P<name>[^\W\d_][\w'-]*(?:\s+[^\W\d_][\w'-]*)?)"
_THEIR_NAME = re.compile(
    r"\b(?:(?:her|his) name(?:'s|\s+is)|(?:she|he)(?:'s|\s+is)\s+called|(?:she|he)\s+goes\s+by"
    rf"|{_ANY_RELATIVE}(?:'s\s+name(?:'s|\s+is)|(?:'s|\s+is)\s+called|\s+is\s+named)"
    rf"|(?:sie|er|{_ANY_RELATIVE})\s+hei(?:ß|ss)t|(?:ihr|sein)\s+name\s+ist"
    rf"|der\s+name\s+(?:meiner|meines|unserer|unseres)\s+{_RELATIVE})\s+{_NAME_WORDS}", re.IGNORECASE)
# the same, only with a capital ("my daughter is Emma", "she's Emma", "Emma is my daughter"): a name, not "is 6"
_THEIR_NAME_CAPITAL = re.compile(
    rf"\b(?:(?i:{_ANY_RELATIVE})|(?i:she|he))(?:'s|\s+is)\s+(?P<name>[A-ZÄÖÜ][a-zäöüß'-]+)\b"
    rf"|^\W*(?P<name2>[A-ZÄÖÜ][a-zäöüß'-]+)\s+(?i:is|ist)\s+(?i:{_ANY_RELATIVE})")
_THEIR_WORDS = ("name", " he ", " he'", " he,", "she", "heißt", "heisst", "my ", "mein", "our ", "unser")
_SAYS_A_NAME = re.compile(r"name|hei(?:ß|ss)t|called|goes by")
_IS_CAPITAL = re.compile(r"(?:'s|\bis|\bist) [A-ZÄÖÜ]|^\W*[A-ZÄÖÜ][a-zäöüß'-]+ (?:is|ist) ")  # (a name after "is", or before it)
_FIRST_PERSON = frozenset({"i", "me", "mine", "ich", "mich", "mir", "he's", "she's", "it's", "i'm", "they're", "we're",
                           "that's", "er", "sie", "es", "they", "we", "wir"})
_TITLES = frozenset({"dr", "doctor", "prof", "mr", "mrs", "ms", "miss", "herr", "frau", "doktor"})  # (a provider's)


def their_name(text: str) -> str | None:
    """The name of the one other person a message speaks of, given as theirs ("her name is Emma", "meine Tochter heißt
    Lea", "for me and my daughter Emma"), capitalised; None where no such name is said."""
    low = text.lower()
    if not any(w in low for w in _THEIR_WORDS) and not low.startswith("he"):
        return None
    m = _THEIR_NAME.search(text) if _SAYS_A_NAME.search(low) else None
    if m is not None:
        return _as_name(m.group("name"), strict=False)
    m = _THEIR_NAME_CAPITAL.search(text) if _IS_CAPITAL.search(text) else None
    if m is not None:
        return _as_name(m.group("name") or m.group("name2"), strict=True)
    if _QUICK.search(low) and _SELF_AND_OTHERS.search(low) and len(list(_RELATIVE_RX.finditer(low))) == 1:
        return _name_after(text)  # "haircuts for me and my daughter Emma"
    return None


def _as_name(words: str, *, strict: bool) -> str | None:
    """The words of a name as written ("emma" -> "Emma"), without what follows it ("Emma please", "Leo tomorrow")."""
    kept = words.split()
    while kept and (kept[-1].casefold() in _NOT_NAMES or kept[-1][0].islower() and len(kept) > 1):
        kept.pop()
    if not kept or kept[0].casefold() in _NOT_NAMES or kept[0].casefold() in _FIRST_PERSON | _TITLES \
            or strict and not kept[0][0].isupper():
        return None
    return " ".join(w[:1].upper() + w[1:] for w in kept)


# the names of several others spoken of: "their names are Max and Leo", "they're called Max and Leo", "my sons are
# Max and Leo", "sie heißen Max und Leo", "meine Kinder heißen Max und Leo", "for my two sons Max and Leo"
_NAME_LIST = r"(?P<names>[^\W\d_][\w'-]*(?:\s*(?:,|and|&|und|\+)\s*[^\W\d_][\w'-]*){1,5})"
_THEIR_NAMES = re.compile(
    rf"\b(?:their names are|they(?:'re| are) called|they(?:'re| are) named|(?:{_OTHERS})\s+are(?:\s+called|\s+named)?"
    rf"|(?:die\s+)?namen\s+sind|sie\s+hei(?:ß|ss)en|(?:{_OTHERS})\s+hei(?:ß|ss)en"
    rf"|(?:for|für)\s+(?:{_OTHERS}),?)\s+{_NAME_LIST}", re.IGNORECASE)
_AND = re.compile(r"\s*(?:,|\band\b|&|\bund\b|\+)\s*", re.IGNORECASE)
_THEIR_NAMES_WORDS = ("names", "called", "named", " are ", "heißen", "heissen", "for my", "for our", "für mein",
                      "für unser", "fuer mein")


def their_names(text: str) -> tuple[str, ...]:
    """The names of two or more others a message gives ("their names are Max and Leo", "sie heißen Max und Leo"),
    each capitalised; () where it gives fewer than two."""
    low = text.lower()
    if not any(w in low for w in _THEIR_NAMES_WORDS):
        return ()
    m = _THEIR_NAMES.search(text)
    if m is None:
        return ()
    found = [_as_name(word, strict=False) for word in _AND.split(m.group("names")) if word]
    names = tuple(n for n in found if n and " " not in n)
    return names if len(names) >= 2 and len(names) == len(found) else ()
