"""Word lists for English and German: calendar words, numbers, and the cues of each intent.

Cue lists are regex fragments over normalised text (lower case, typos repaired); umlauts are
written once and also match their ae/oe/ue and bare-vowel spellings via `umlaut_pattern`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .normalize import umlaut_pattern

EN_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
DE_MONTHS = {
    "januar": 1, "jänner": 1, "jaenner": 1, "janner": 1, "februar": 2, "feber": 2, "märz": 3, "maerz": 3,
    "marz": 3, "mrz": 3, "mär": 3, "mai": 5, "juni": 6, "juli": 7, "oktober": 10, "okt": 10,
    "dezember": 12, "dez": 12,
}
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4, "samstag": 5, "sonnabend": 5,
    "sonntag": 6,
}
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "eins": 1, "ein": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "fuenf": 5, "funf": 5, "sechs": 6,
    "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "zwoelf": 12, "zwolf": 12,
    "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15, "sechzehn": 16, "siebzehn": 17, "achtzehn": 18,
    "neunzehn": 19, "zwanzig": 20,
}
_ORD_EN = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
           "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
           "eighteenth", "nineteenth", "twentieth"]
ORDINAL_WORDS: dict[str, int] = {w: i + 1 for i, w in enumerate(_ORD_EN)}
ORDINAL_WORDS.update({f"twenty-{w}": 20 + i + 1 for i, w in enumerate(_ORD_EN[:9])})
ORDINAL_WORDS.update({f"twenty {w}": 20 + i + 1 for i, w in enumerate(_ORD_EN[:9])})
ORDINAL_WORDS.update({"thirtieth": 30, "thirty-first": 31, "thirty first": 31})
# German: "am dritten November", "der einundzwanzigste"
_ORD_DE = ["erst", "zweit", "dritt", "viert", "fünft", "sechst", "siebt", "acht", "neunt", "zehnt", "elft", "zwölft",
           "dreizehnt", "vierzehnt", "fünfzehnt", "sechzehnt", "siebzehnt", "achtzehnt", "neunzehnt", "zwanzigst"]
_UNITS_DE = ["ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"]
DE_ORDINAL_WORDS: dict[str, int] = {}  # kept apart: the common date patterns stay small and fast
for _i, _stem in enumerate(_ORD_DE):
    for _end in ("e", "en", "er"):
        DE_ORDINAL_WORDS[_stem + _end] = _i + 1
for _i, _unit in enumerate(_UNITS_DE):
    for _end in ("e", "en", "er"):
        DE_ORDINAL_WORDS[f"{_unit}undzwanzigst{_end}"] = 21 + _i
for _end in ("e", "en", "er"):
    DE_ORDINAL_WORDS[f"dreißigst{_end}"] = 30
    DE_ORDINAL_WORDS[f"einunddreißigst{_end}"] = 31

# Ordinals for picking an option ("the second one", "die zweite").
CHOICE_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1,
    "erste": 1, "ersten": 1, "erster": 1, "erstes": 1, "zweite": 2, "zweiten": 2, "zweiter": 2, "zweites": 2,
    "dritte": 3, "dritten": 3, "dritter": 3, "drittes": 3, "vierte": 4, "vierten": 4, "fünfte": 5, "fuenfte": 5,
    "letzte": -1, "letzten": -1,
}


def alternation(words: Iterable[str]) -> str:
    """A non-capturing alternation of `words`, longest first so "march" beats "mar"."""
    return "(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) + ")"


def any_of(strings: Iterable[str]) -> re.Pattern[str]:
    """A pattern that finds any of `strings` as written, anywhere: the quick look before a costlier one. The
    regex engine scans for their first letters in C, about twice as fast as testing the strings one by one."""
    return re.compile("|".join(re.escape(s) for s in strings))


def cue(*fragments: str) -> re.Pattern[str]:
    """Compile regex fragments into one word-bounded pattern, with umlaut spellings expanded.

    Cues only ever read normalised (lower-case) text, so they skip case folding: long lists match about
    three times faster that way."""
    parts = [_expand_umlauts(f) for f in fragments]
    return re.compile(r"(?<![\w'])(?:" + "|".join(parts) + r")(?![\w'])")


_UMLAUT = re.compile("[äöüß]")


def _expand_umlauts(fragment: str) -> str:
    return _UMLAUT.sub(lambda m: umlaut_pattern(m.group(0)), fragment)


# --- intent cues -------------------------------------------------------------------------------
# Each list is a set of regex fragments; rules.py decides how they combine.

APPT = r"(?:appointments?|appt|bookings?|reservations?|visits?|sessions?|slots?|termine?n?|buchung(?:en)?|reservierung(?:en)?|sitzung)"

AFFIRM = (
    r"yes+", r"yeah?", r"yep+", r"yup+", r"ya", r"yas", r"yess+", r"ye", r"yy?(?=\s*(?:[.!,]|pls\b|please\b|thanks\b|thx\b|$))", r"yeh", r"yh", r"yea",
    r"sure(?: thing)?", r"ok(?:ay|ey|ie)?", r"k",
    r"kk", r"alright", r"all right", r"of course", r"certainly", r"absolutely", r"definitely", r"indeed",
    r"correct", r"right(?! (?:now|away|then|there|here|after|before)\b)", r"exactly", r"perfect", r"great", r"fine", r"good", r"excellent", r"fantastic",
    r"awesome", r"wonderful", r"cool", r"nice", r"lovely", r"brilliant", r"splendid", r"super", r"agreed",
    r"affirmative", r"confirm(?:ed)?", r"sounds (?:good|great|fine|perfect|nice|right|ok|okay|lovely|about right|wonderful|fantastic|excellent|awesome)",
    r"(?:that|this|it)(?:'s| is| will| would|'ll|'d)? (?:be )?(?:fine|good|great|perfect|correct|right|ok|okay|wonderful|excellent|awesome|fantastic|lovely|nice|do|work|works)",
    r"(?:that|this|it) works", r"works for me", r"go ahead", r"go for it", r"please do", r"do it", r"let'?s do (?:it|that)",
    r"let'?s go with", r"i'?ll take (?:it|that|this|the)", r"i(?: would|'d) like that", r"i(?: would|'d) like to do that",
    r"i (?:agree|accept)", r"why not", r"you bet", r"by all means", r"that'?s (?:it|the one)", r"book it", r"yes please",
    r"ja+", r"jo", r"jap", r"jup", r"jep", r"jawohl", r"genau", r"passt(?: so| gut)?", r"gerne?", r"klar", r"sicher",
    r"einverstanden", r"richtig", r"stimmt", r"prima", r"perfekt", r"bestätigt?", r"bestätigen", r"mach das",
    r"machen wir(?: so)?", r"in ordnung", r"alles klar", r"geht klar", r"das passt", r"das geht", r"gut", r"sehr gut",
    r"okidoki", r"super", r"toll", r"wunderbar", r"korrekt", r"jawoll", r"na klar", r"auf jeden fall", r"unbedingt",
    r"passt mir", r"geht", r"👍",
    r"(?:that|this|it|which|that one|this one) (?:sounds|seems|looks|fits)(?: \w+)? (?:good|great|fine|nice|right|perfect|ok|okay|correct|lovely|excellent|wonderful|awesome|fantastic|about right)",
    r"(?:sounds|seems|looks) (?:good|great|fine|nice|right|perfect|ok|okay|correct|lovely|excellent|wonderful|awesome)",
    r"sounds like a plan", r"(?:that|this) (?:should|would|will) do", r"suits me", r"(?:that|this|it) fits", r"i choose",
    r"i can live with (?:that|it)", r"i'?ll go with", r"i want (?:that|this|it)", r"proceed", r"that'?d be (?:great|good|fine|perfect)",
    r"i'?m (?:fine|ok|okay|good) with (?:that|it|this)", r"fine by me", r"good for me", r"great for me",
)
DENY = (
    r"no+", r"n(?=\s*(?:[.!,]|thanks\b|thx\b|$))", r"nope", r"nah", r"naw", r"nay", r"not really", r"negative", r"never ?mind", r"nvm", r"no way",
    r"not (?:now|yet|today|right now|at the moment|anymore|interested|necessary)", r"i don'?t think so", r"not at all",
    r"wrong", r"incorrect", r"that'?s (?:not|wrong|incorrect)", r"that is (?:not|wrong|incorrect)", r"not (?:right|correct|quite)",
    r"doesn'?t work", r"won'?t work", r"does not work", r"will not work", r"can'?t do", r"i can'?t make",
    r"none of (?:these|those|them|the (?:times|options|slots))", r"neither (?:of (?:these|those|them)|works?|one)",
    r"don'?t (?:work|suit|fit)", r"keine[rs]? (?:davon|der (?:zeiten|termine|uhrzeiten)|passt|geht)",
    r"nichts davon", r"(?:passt|passen|geht|gehen) (?:mir |leider |alle |beide )*nicht",
    r"nein", r"ne+", r"nee", r"nö", r"noe", r"nicht", r"lieber nicht", r"doch nicht", r"passt nicht", r"geht nicht",
    r"falsch", r"stimmt nicht", r"auf keinen fall", r"keinesfalls", r"eher nicht", r"nein danke", r"nicht nötig",
    r"another time", r"some other time", r"maybe later", r"vielleicht später", r"ein andermal", r"skip",
    r"don'?t (?:bother|book|want|need)", r"i do not (?:want|need)", r"no need", r"no thanks?",
    r"nothing(?: else| more| at all| for now| right now)?", r"not (?:right |just )?now", r"not at (?:this|the) (?:time|moment)",
    r"(?:perhaps|maybe|possibly|probably) (?:later|at a later \w+|another time|in a bit|some other time)", r"later",
    r"i'?ll pass", r"i cannot", r"i can'?t", r"not for now", r"not this time", r"i'?m not (?:interested|sure)",
    r"nichts(?: weiter| mehr)?", r"jetzt nicht", r"momentan nicht", r"gerade nicht", r"später vielleicht",
)
THANKS = (
    r"thanks?", r"thank(?:s| you| u|you|s a lot|s so much| you so much| you very much)?", r"thx", r"thanx", r"ty",
    r"appreciate(?:d)?(?: it)?", r"i appreciate", r"cheers", r"much obliged", r"grateful", r"many thanks",
    r"danke(?:schön| schön| sehr| dir| euch| ihnen)?", r"vielen dank", r"herzlichen dank", r"besten dank", r"merci",
    r"dankeschön", r"thank",
)
BYE = (
    r"bye+", r"good ?bye", r"bye bye", r"see (?:you|ya)(?: later| soon| then)?", r"cya", r"take care", r"gotta go", r"got to go", r"i'?ve got to go",
    r"that'?s all", r"that is all", r"that'?ll be all", r"that will be all", r"that'?s it", r"that is it",
    r"i'?m (?:all )?(?:done|finished|good|set)", r"i am (?:all )?(?:done|finished|good|set)", r"all (?:done|set|good)",
    r"nothing else", r"nothing more", r"talk (?:to you )?(?:later|soon)", r"have a (?:good|great|nice|lovely|wonderful) (?:day|one|evening|night|weekend)",
    r"good night", r"tschüss", r"tschüs", r"tschau", r"ciao", r"auf wiedersehen", r"auf wiederhören", r"bis bald",
    r"bis dann", r"bis später", r"bis morgen", r"schönen (?:tag|abend|feierabend)", r"das war'?s", r"das wars", r"das ist alles",
    r"mehr nicht", r"sonst nichts", r"nichts weiter", r"gute nacht", r"servus", r"ade", r"adieu", r"baba",
    r"that should be (?:all|it)", r"that'?s everything", r"no more", r"i'?m good",
)
GREET = (
    r"hi+", r"hello+", r"hey+", r"heya", r"hiya", r"howdy", r"yo", r"greetings", r"good (?:morning|afternoon|evening|day)",
    r"morning", r"hallo+", r"hallöchen", r"moin(?: moin)?", r"servus", r"grüß gott", r"grüezi", r"guten (?:morgen|tag|abend)",
    r"tag", r"tach", r"na", r"hey there", r"hi there", r"hello there", r"sup", r"what'?s up", r"hoi", r"salut", r"ahoi",
    r"how are you(?: doing)?(?: today)?", r"how'?s it going", r"^(?:are|r) (?:you|u) (?:doing )?(?:alright|all right|ok|okay|well|good)(?: right now| today)?(?=\W*$)", r"how are things", r"wie geht'?s(?: (?:dir|ihnen|euch))?",
    r"wie geht es (?:dir|ihnen|euch)",
)
HELP = (
    r"help", r"help me", r"what can you do", r"what do you do", r"what are you", r"who are you",
    r"how does (?:this|it) work", r"how do(?:es)? (?:i|this|you) (?:use|work)", r"how can you help", r"what can i (?:do|ask)",
    r"what are (?:my|the) options", r"menu", r"commands", r"instructions", r"hilfe", r"was kannst du", r"was kann ich",
    r"wie funktioniert (?:das|es)", r"was machst du", r"wer bist du", r"wie geht das", r"what is this", r"info",
    r"(?:kann|könnte|können|kannst|könntest|könnt) (?:mir )?(?:jemand |wer |sie |du |ihr )?(?:mir )?(?:bitte |mal )?helfen",
)
HANDOFF = (
    r"(?:talk|speak|chat|get through)(?: to| with)? (?:a |an |the |some |your )?(?:real )?(?:human|person|people|someone|somebody|agent|operator|representative|rep|manager|staff|employee|owner|boss|receptionist|support)",
    r"(?:real|actual|live) (?:human|person|agent)", r"human(?: being| please)?", r"operator", r"agent please",
    r"customer (?:service|support)", r"call me back", r"can someone call me", r"have someone call me",
    r"mit (?:einem |einer |jemandem |dem |der )?(?:mitarbeiter(?:in)?|menschen|mensch|person|chef(?:in)?|inhaber(?:in)?|berater(?:in)?)(?: sprechen| reden)?",
    r"(?:einen |eine )?(?:mitarbeiter(?:in)?|menschen|echten menschen)(?: sprechen| bitte)?",
    r"(?:jemanden?|jemandem) (?:sprechen|anrufen)", r"rückruf", r"ruft? mich (?:bitte )?(?:zurück|an)",
    r"persönlich (?:sprechen|reden)", r"kein(?:en)? (?:bot|roboter)", r"not a (?:bot|robot|machine)", r"stop (?:the )?bot",
)
# A message that is only an emoji answer is read as the words it stands for (other emoji are dropped)
# festive wishes, said back ("merry Christmas!", "frohe Feiertage!", "guten Rutsch!")
WISHES = (
    r"(?:merry|happy) (?:christmas|xmas|x-mas)", r"happy (?:new year|holidays|easter|hanukkah|chanukah|diwali|eid)",
    r"season'?s greetings", r"(?:have a |wish you a )?(?:merry|happy|lovely|great|nice|wonderful) (?:christmas|xmas|new year|holiday"
    r"(?: season)?|holidays|easter)", r"compliments of the season",
    r"fr(?:ö|oe)hliche weihnachten", r"frohe (?:weihnachten|ostern|feiertage|festtage|weihnachtstage)",
    r"sch(?:ö|oe)ne (?:weihnachten|feiertage|festtage|ostern|weihnachtstage)", r"(?:einen )?guten rutsch(?: ins neue jahr)?",
    r"frohes (?:neues(?: jahr)?|fest)", r"gesundes neues(?: jahr)?", r"ein (?:frohes|gutes|gesundes) neues(?: jahr)?",
)
EMOJI_WORDS = {"👍": "yes", "👌": "ok", "✅": "yes", "✔": "yes", "☑": "yes", "🆗": "ok", "👎": "no", "❌": "no",
               "🚫": "no", "🙏": "thanks", "👋": "bye"}
CANCEL = (
    r"cancel(?:l?ed|l?ing|s)?", r"cancell?ation", r"call (?:it )?off", r"call off", r"scrap", r"annul",
    r"(?:delete|remove|drop) (?:my|the|this|that|our|it)(?! (?:\w+ )?off\b)", r"can'?t make it", r"cannot make it", r"won'?t make it",
    r"can'?t come", r"cannot come", r"won'?t be (?:able to )?(?:come|coming|make it|there)", r"not (?:be )?coming",
    r"no longer (?:need|want|coming)", r"don'?t need (?:the|my|it|that) (?:appointment|booking)? ?any ?more",
    r"absagen", r"sage? (?:\w+ )?ab(?! (?:\w+ ){0,3}bescheid\b)", r"sag(?:e|t|st|en)? (?:\w+ ){2,5}ab(?=\s*[,.!?]|\s*$)", r"abgesagt", r"stornieren", r"storniere", r"stornierung", r"storno", r"canceln",
    r"cancelen", r"löschen", r"lösche", r"streichen", r"kann (?:\w+ ){0,3}nicht (?:kommen|da sein|erscheinen|wahrnehmen)", r"komme (?:\w+ ){0,3}nicht",
    r"schaffe? (?:es )?(?:\w+ ){0,3}nicht", r"(?:can'?t|cannot|won'?t be able to) (?:\w+ ){0,3}(?:make it|come in|come)",
    r"schaffe es nicht", r"schaff(?:e)? es nicht", r"ausfallen lassen", r"nicht wahrnehmen", r"abmelden", r"zurückziehen",
    r"termin\b[^.!?]{0,40}?\bkann (?:aber |doch |leider |da |dann |jetzt )*nicht(?=[\s.!?]*$)",  # "hab morgen nen termin, kann nicht"
)
RESCHEDULE = (
    r"re-?schedul(?:e|ed|ing)", r"re-?book", r"move", r"moving", r"postpone", r"push (?:it|this|that|my|the|both|them|all|one)(?: \w+){0,2} (?:back|forward|later|to)",
    r"push back", r"bring (?:it |my \w+ )?forward", r"shift", r"change (?:it|the (?:time|date|day|appointment|booking)|my (?:time|date|day|appointment|booking)|that)",
    r"switch (?:it|my|the)",
    r"verschieb\w*", r"verleg\w*", r"umbuch\w*", r"umleg\w*", r"anderen tag", r"andere zeit", r"ändern", r"umändern",
    r"anderen (?:termin|tag|zeitpunkt|uhrzeit)", r"andere (?:uhrzeit|zeit)", r"vorverlegen", r"später legen",
    r"(?:nach hinten|nach vorne?|weiter) (?:schieben|legen)", r"schieben",
    # "kann ich den (Termin) auf Freitag legen?": a booking of theirs put on another day
    r"(?:den|ihn|meinen|unseren|diesen) (?:termin )?(?:\w+ ){0,3}auf (?:[\w:.]+ ){0,5}legen",
    # an amount earlier or later: "eine Woche später machen", "do it an hour later" ("later today" is a time)
    r"(?:eine?[nr]?|zwei|drei|\d+|halbe) (?:\w+ )?(?:später|früher|spaeter|frueher) (?:machen|legen|kommen|haben)",
    r"(?:do|have|make) (?:it|this|mine) (?:an?|one|two|three|\d+|half an?|a few|a couple of) (?:\w+ ){0,2}(?:later|earlier|sooner)",
)
# Asking what is already booked: "booked" here does not mean booking something new.
LIST_BOOKED = (
    r"(?:do|have) i (?:have|got) (?:anything|something|any(?:thing)?) (?:booked|scheduled|coming up|reserved)",
    r"am i (?:booked|scheduled|down) (?:in|for)", r"(?:what|which(?: one)?) (?:have|did) i (?:just |actually )?book(?:ed)?",
    r"what(?:'ve| have|ve) (?:i|we) got (?:booked|scheduled|reserved|coming up|on)\b",
    r"when(?:'s| is) my next one\b",
    r"was steht (?:bei mir|bei uns|für mich|für uns) (?:\w+ )?an\b",
    r"what do i have (?:booked|reserved)", r"what(?:'s| is) booked for me", r"(?:habe|hab) ich (?:schon )?(?:etwas|was) gebucht",
    r"(?:was|welchen(?: termin)?) (?:habe|hab) ich (?:gerade |eben |da |jetzt |eigentlich )?gebucht",
    # "what's my booking number?": the bookings, each as the booking system knows it
    r"(?:my|the) (?:booking|appointment|confirmation) (?:number|reference|ref|code|id)\b",
    r"(?:meine|die) (?:buchungs|termin|bestätigungs)-?(?:nummer|referenz|code)", r"(?:buchungs|termin)nummer",
)
LIST = (
    r"(?:my|our|the|all|any|upcoming|future|next) (?:upcoming |current |existing |future |next )?" + APPT,
    r"(?:what|which) (?:appointments?|bookings?|reservations?) (?:do|have|did) i", r"do i have (?:an?y? )?(?:upcoming )?" + APPT,
    r"when(?:'s| is| was) my " + APPT,
 r"what time is my " + APPT, r"show (?:me )?my", r"list (?:my|all)",
    r"meine (?:nächsten |anstehenden |aktuellen )?(?:termine?|buchungen|reservierungen)",
    r"welche termine", r"wann (?:ist|habe ich|hab ich|war) (?:mein(?:en)?|den) (?:\w+ )?termin", r"habe ich (?:einen|noch einen|termine|schon einen)",
    r"hab ich (?:einen|noch einen|termine|schon einen)", r"meinen termin", r"mein termin", r"übersicht",
    # "when was that again?", "wann war das nochmal?": the booking just made, asked back
    r"(?:when|what time|what day|which day)(?: exactly)? (?:was|is|were|'s) (?:it|that|this|mine|my \w+)(?: \w+)? again",
    r"(?:wann|um wie ?viel uhr|an welchem tag|welche uhrzeit|welcher tag)(?: \w+){0,3}? (?:nochmal|noch mal|nochmals"
    r"|gleich nochmal|gleich wieder)",
)
AVAILABILITY = (
    r"available", r"availability", r"availabilities", r"free", r"open(?:ing|ings)?", r"slots?", r"vacanc(?:y|ies)",
    r"any ?times?", r"what times?", r"which times?", r"when (?:can|could|are|is|do|would)", r"spots?", r"space",
    r"do (?:you|they) have (?:anything|any|time|something|room)", r"is there (?:anything|any|something|a|an)",
    r"are there (?:any|other|more)", r"anything (?:at|for|on|in|available|open|free|else|earlier|later)",
    r"something (?:at|for|on|in|available|open|free|else|earlier|later)", r"have anything", r"other options?",
    r"more options", r"options", r"alternatives?", r"someone else", r"somebody else", r"anyone else", r"who else",
    r"somewhere else", r"anywhere else", r"another (?:one|\w+ist|doctor|dentist|salon|stylist|therapist|place|provider|office)",
    r"(?:a |any )?different (?:one|\w+ist|doctor|dentist|salon|stylist|therapist|place|provider|office)",
    r"other (?:\w+ists|doctors|dentists|salons|stylists|therapists|places|providers|offices|ones)", r"any others?", r"else",
    r"find(?:ing)?", r"look(?:ing)? (?:for|in|around|at)", r"keep looking", r"try looking", r"how about", r"what about", r"search(?:ing)?(?: for)?", r"locate", r"recommend", r"suggest(?:ions?)?",
    r"frei", r"freie[nr]?", r"verfügbar", r"noch (?:was|etwas|platz|ein(?:en)? termin)", r"wann (?:habt|hast|haben|ist|geht|passt|könnte|kann)",
    r"habt ihr", r"hast du", r"haben sie", r"gibt es", r"platz", r"lücke", r"zeit", r"termine frei", r"möglich(?:keiten)?",
    r"suche", r"suchen", r"finden",
)
# Explicit booking verbs: enough on their own for "book".
BOOK = (
    r"book(?:ed|ing)?", r"reserve", r"reservation", r"schedule(?: me)?", r"make (?:an?|the|my|one|another) (?:\w+ )?(?:appointment|appt|booking|reservation)",
    r"set (?:up|me up|it up|one up)", r"set (?:it|one|an appointment|the appointment)", r"get (?:me )?(?:in|an appointment|a slot|booked)",
    r"fit me in", r"squeeze me in", r"pencil me in", r"sign me up", r"put me (?:down|in)", r"come in", r"(?:an|the) appointment",
    r"appointment", r"appt", r"(?:i|we)(?:'d| would) like (?:to (?:come|get|have) )?an?", r"i (?:want|need)(?: to get)? an? (?:\w+ )?(?:appointment|appt|booking|reservation)",
    r"(?:want|like|need|wish|hoping) to (?:see|visit|go to|get|have|book)", r"i(?:'d| would) (?:like|prefer|rather) (?:to )?(?:see|visit|go)",
    r"can i (?:also |still |just )?(?:come|get|have|see|book)", r"could i (?:also |still |just )?(?:come|get|have|see|book)", r"try (?:for|to get|booking)",
    r"buchen", r"buche", r"gebucht", r"reservieren", r"reserviere", r"termin(?:e)?", r"terminvereinbarung", r"eintragen",
    r"vormerken", r"anmelden", r"hätte gerne?", r"möchte (?:gerne? )?(?:einen|ein|eine|den|zum|zur)", r"kommen",
    r"vorbeikommen", r"vorbei kommen",
    r"(?:möchte|will|würde|hätte|kann ich|könnte ich) (?:gerne? )?(?:mir |mich )?(?:\w+ ){0,3}"
    r"(?:machen|schneiden|färben|zupfen|lackieren|frisieren|rasieren|stylen) lassen", r"ich brauche (?:einen|eine|ein)", r"ich will (?:einen|eine|ein)",
    r"ich hätte", r"geht (?:das|es) (?:auch )?(?:am|um|morgen|heute)", r"kann ich (?:am|um|morgen|heute|kommen|vorbei)",
)
# The subject is something other than appointments here.
OTHER_DOMAIN_WORDS = frozenset("""
weather rain raining rainy sunny snow snowing temperature humid humidity wind windy forecast degrees taxi cab uber
lyft ride car calendar event netflix spotify amazon subscription membership order package delivery flight hotel
restaurant movie pizza train bus newsletter account wetter regnet regen schnee temperatur kalender abo abonnement
bestellung flug zug lieferung paket vertrag mitgliedschaft konto news joke witz stock bitcoin football fußball
fussball score recipe rezept music song spending reminder reminders erinnerung tisch
""".split())  # whole words, looked up in a set
OTHER_DOMAIN = (
    r"drive me", r"shared ride", r"table for",
    r"(?:have|did|i'?ve|i) (?:i )?(?:already )?spent", r"my (?:bills?|budget|income|salary|pto)",
    r"free time", r"am i (?:free|available|busy)", r"if i'?m (?:free|available)", r"i (?:am|will be) (?:free|available)",
    r"when (?:will|do|am|can) i (?:be )?(?:free|available)", r"what time am i", r"my (?:free|available|open) time",
    r"open times i have", r"do i have (?:any )?(?:free|open|time)", r"what day is (?:it|today)", r"what'?s the date",
    r"today'?s date", r"what time is it", r"wie spät", r"welcher tag ist", r"wie viel uhr",
    r"remind me", r"wake me(?: up)?", r"erinnere? mich", r"weck(?:e|t)? mich", r"(?:a|the) table",
)
# A stop near the business, or the nearest one: the way there, which its address text gives
_TRANSIT = r"(?:bus|tram|train|subway|u-?bahn|s-?bahn|metro|tube)"
STOP_NEARBY = (rf"{_TRANSIT} ?(?:stop|station)s? (?:\w+ ){{0,2}}(?:near ?by|near (?:you|the salon)|close (?:to you|by)"
               r"|around)\b")
NEAREST_STOP = rf"(?:nearest|closest) {_TRANSIT}(?: ?(?:stop|station))?\b"
# Questions about the business itself (address, phone, price): answered as info, never booked.
INFO = (
    r"address", r"phone(?: number)?", r"contact(?: number| details| info)?", r"number", r"rating", r"rated", r"reviews?",
    r"stars", r"located", r"location", r"where (?:is|are)", r"how (?:do i|can i) (?:get|contact|reach)", r"directions",
    r"how much", r"costs?", r"price", r"prices", r"pricing", r"charge", r"fees?", r"pay", r"payment", r"insurance",
    r"unisex", r"cosmetic", r"parking", r"website", r"email address", r"opening hours", r"hours of operation",
    r"adresse", r"telefon(?:nummer)?", r"nummer", r"wo (?:ist|seid|sind|finde)", r"preis(?:e)?", r"kosten", r"kostet",
    r"bewertung(?:en)?", r"parken", r"öffnungszeiten", r"wie lange", r"how long", r"bezahlen", r"karte", r"card",
)
NEGATION = r"(?:don'?t|do not|didn'?t|not|never|no need to|nicht|kein(?:en)?|nie)"

# What an info question is about: topic -> cues. Checked in this order; the first topic that matches wins.
THINKING = (r"(?:h+m+|ä+h+m*|u+h+m*|u+m+|e+r+m+|o+h+|a+h+|e+h+|m+h+m+|tja|na ?ja|well|wait|warte|moment|lol|haha\w*"
            r"|idk|dunno|keine ahnung|wei(?:ß|ss) nicht)")
"""Sounds of thinking and words of not knowing ("hmm", "ähm", "keine Ahnung"): never a name, whatever was asked."""

PAY_MEANS = (r"(?:cards?|credit ?cards?|debit ?cards?|cash|paypal|apple ?pay|google ?pay|samsung pay|visa|master ?card|amex"
             r"|american express|ec(?:-?karte)?|bitcoins?|crypto\w*|klarna|twint|venmo|revolut|contactless|karten?"
             r"|kreditkarten?|bargeld|bar)\b")
PAY_WITH = (
    rf"(?:do|can|will) (?:you|y'?all) (?:guys )?(?:also |still )?(?:take|accept) (?:\w+ )?{PAY_MEANS}",
    rf"(?:nehmt|akzeptiert|nehmen|akzeptieren) (?:ihr|sie) (?:auch |bei euch )?{PAY_MEANS}",
    rf"(?:geht|klappt) (?:auch |bei euch )?(?:zahlen (?:mit|per) )?{PAY_MEANS}(?=[\s?!.]*$)",
)
"""Asking whether a way to pay is taken: "do you take Apple Pay?", "nehmt ihr Bitcoin?", "geht auch PayPal?"."""

INFO_TOPICS: dict[str, tuple[str, ...]] = {
    "cancellation_policy": (
        r"cancell?ation (?:policy|policies|fees?|charges?|terms|rules|deadline|period)",
        r"(?:policy|fee|charge) (?:for|on) cancell?(?:ing|ations?)",
        r"(?:cancel|reschedule|move) (?:\w+ ){0,3}(?:for free|free of charge|without (?:a |any )?(?:fee|charge|paying))",
        r"how (?:late|short notice|far in advance|long before) can i (?:cancel|reschedule|move)",
        r"(?:until|till|up to) when can i (?:cancel|reschedule|move)", r"do i (?:have to|need to) pay if i cancel",
        r"(?:is it|is there an?|what'?s the|what is the) (?:free|fee|charge|cost|penalty) (?:to|for|if (?:i|you)) (?:cancel|reschedul|mov)\w*",
        r"how much (?:does it|will it|would it|is it to) (?:cost )?(?:to )?(?:cancel|reschedule)",
        r"(?:charge|fee|pay) (?:for )?(?:an? )?no-?shows?",
        r"storn(?:o|ierungs?)(?:gebühr|gebühren|bedingungen|regel\w*|frist\w*|kosten)", r"absagefrist", r"ausfallgebühr",
        r"(?:absagen|stornieren|verschieben) (?:\w+ ){0,2}(?:kostenlos|gratis|umsonst|ohne (?:gebühr|kosten))",
        r"bis wann (?:kann|darf|muss|sollte|soll) (?:ich|man) (?:\w+ ){0,3}(?:absagen|stornieren|verschieben)",
        r"wann (?:muss|sollte|soll|kann|darf) (?:ich|man) (?:\w+ ){0,2}(?:spätestens|spaetestens) (?:\w+ ){0,2}"
        r"(?:absagen|stornieren|verschieben)",
        r"(?:by|until|till) when (?:do|should|must) i (?:have to |need to )?(?:cancel|reschedule)",
        r"when (?:do (?:i|we) (?:have|need) to|must (?:i|we)|should (?:i|we)|(?:i|we) (?:have|need) to) (?:\w+ ){0,2}"
        r"(?:cancel|reschedule|let you know)",
        r"wann (?:muss|sollte|soll) (?:ich|man) (?:\w+ ){0,3}(?:absagen|stornieren|verschieben|bescheid (?:sagen|geben))",
        r"wie kurzfristig (?:kann|darf|muss|sollte|soll) (?:ich|man) (?:\w+ ){0,3}(?:absagen|stornieren|verschieben)",
        r"what(?:'s| is) the latest (?:i|we) can (?:cancel|reschedule)",
        r"kostet (?:das |es )?(?:absagen|stornieren|eine absage|eine stornierung)",
        r"wie (?:lange|früh|viele (?:stunden|tage)) (?:vorher|im voraus|davor) (?:muss|sollte|soll|kann) (?:ich|man) (?:\w+ ){0,2}(?:absagen|stornieren|verschieben|bescheid (?:sagen|geben))",
        r"how (?:far|long|much time|many hours|early) (?:in advance |ahead |before(?:hand)? )?(?:do|must|should|would) (?:i|we) (?:\w+ ){0,2}(?:cancel|reschedule|let you know|tell you)",
        r"what (?:happens|if) (?:\w+ ){0,3}(?:if |when )?(?:i|we) (?:\w+ ){0,3}(?:cancel|reschedule|can'?t make it|can'?t come)",
        r"(?:kostenlos|gratis|umsonst|kostenfrei) (?:\w+ ){0,2}(?:absagen|stornieren|verschieben|umbuchen)",
        r"was (?:passiert|ist|kostet es),? wenn ich (?:\w+ ){0,3}(?:absage|absagen|storniere|stornieren|verschiebe|nicht komme|nicht kommen kann)",
        # "can I cancel them separately if she gets sick?", "kann ich absagen, falls die Kleine krank wird?": the rule
        r"(?:can|could) (?:i|we|you) (?:\w+ ){0,4}(?:cancel|reschedule|move)\b[^.?!]{0,40}?\b(?:if|in case|should) (?:i|we|he|she"
        r"|they|it|there|my|our|the|something|anything)\b",
        r"(?:kann|könnte|darf|muss|sollte|soll) (?:ich|man) (?:\w+ ){0,5}(?:absagen|stornieren|verschieben)\b[^.?!]{0,40}?\b"
        r"(?:falls|wenn|sollte)\b",
        r"(?:do|should|must) (?:i|we) (?:have to |need to )?(?:\w+ ){0,3}(?:cancel|reschedule)\b[^.?!]{0,40}?\b(?:if|in case|when) "
        r"(?:i|we|he|she|they|my|our|the|something|anything)\b",
        # "what if I'm sick on the day?", "what happens if I miss it?": what the rule says then
        r"what (?:happens|if) (?:\w+ ){0,3}(?:if |when )?(?:i|we)(?:'m|'re| am| are| get| fall| become| feel| was| were)? "
        r"(?:\w+ ){0,2}(?:sick|ill|unwell|poorly)\b",
        r"what (?:happens|if) (?:\w+ ){0,3}(?:if |when )?(?:i|we) (?:\w+ ){0,2}(?:miss|forget) (?:it|that|(?:my|the|our) "
        r"(?:appointment|booking|slot|session|visit))\b",
        r"what (?:happens|if) (?:\w+ ){0,3}(?:if |when )?(?:i|we) (?:don'?t|do not|can'?t|cannot) (?:show|turn) up",
        r"(?:was (?:passiert|ist|mache ich|mach ich)|^(?:und|aber|ok|okay)),? (?:\w+ )?wenn ich (?:\w+ ){0,3}"
        r"(?:krank (?:bin|werde)|nicht kommen kann|nicht komme|(?:den termin|meinen termin|ihn|es) (?:verpasse|vergesse))",
    ),
    "hours": (
        r"opening (?:hours|times)", r"business hours", r"hours of operation", r"(?:your|the) hours", r"office hours",
        r"(?:are|is) (?:you|y'?all|the (?:salon|shop|store|place|studio|office|practice|clinic)|it) (?:\w+ ){0,2}open",
        r"(?:are|is) (?:you|the (?:salon|shop|store|place|studio)) closed", r"you(?:'re| are) (?:\w+ )?(?:open|closed)",
        r"(?:when|what time) do (?:you|they) (?:open|close|shut)", r"(?:when|what time) (?:are|is) (?:you|it) (?:open|closed)",
        r"(?:till|until|til) when", r"how late (?:are|is) (?:you|it|the \w+) open", r"closing time", r"opening time",
        r"do you (?:open|close)", r"(?:are|is) (?:there|it) open",
        r"^(?:still |also |even )?(?:open|closed|geöffnet|offen|geschlossen)(?=(?: (?:on|at|over|during|this|next|today|tomorrow"
        r"|tonight|now|right now|am|an|heute|morgen|übermorgen|jetzt|gerade|zwischen|über"
        r"|(?:mon|tue|wed|thu|fri|sat|sun|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)\w*)\b)|[\s?!.]*$)",
        r"^(?:so |and |but |ok )?you (?:still |also )?(?:open|closed)(?=(?: (?:on|at|over|this|next|today|tomorrow|tonight|now"
        r"|(?:mon|tue|wed|thu|fri|sat|sun)\w*)\b)|[\s?!.]*$)",
        # "what time does she finish?" said of someone on the team: until when the business is open (staff keep its hours)
        r"(?:what time|when) (?:does|do|will) (?:she|he|they|you(?: guys)?) (?:finish|start|begin|leave|stop working|close up)",
        r"(?:until|till) when (?:does|do|is|are) (?:she|he|they) (?:work(?:ing)?|there|in)",
        r"wann (?:hört|hoert|fängt|faengt|macht) (?:sie|er) (?:heute |morgen )?(?:auf|an|schluss|feierabend)",
        r"bis wann (?:arbeitet|ist) (?:sie|er)\b",
        r"öffnungszeit(?:en)?", r"geöffnet", r"bis wann (?:habt|haben|seid|sind|ist|hat)", r"bis wie viel uhr",
        r"(?:habt|haben|hab) (?:ihr|sie) (?:[\w.]+ ){0,4}(?:offen|auf|geöffnet)", r"habt'?s (?:ihr )?(?:[\w.]+ ){0,4}(?:offen|auf|geöffnet)",
        r"(?:habt|haben) (?:ihr|sie) (?:[\w.]+ ){0,3}(?:zu|geschlossen)(?=[\s?!.]*$)",
        r"(?:seid|sind) (?:ihr|sie) (?:[\w.]+ ){0,4}(?:offen|geöffnet)", r"(?:seid|sind) (?:ihr|sie) (?:[\w.]+ ){0,3}da(?=[\s?!.]*$)",
        r"(?:ist|hat) (?:der salon|der laden|das studio|die praxis) (?:\w+ ){0,3}(?:offen|auf)",
        r"wann (?:macht|machen|öffnet|öffnen|schließt|schließen) (?:ihr|sie)", r"(?:macht|machen) (?:ihr|sie) (?:\w+ ){0,2}(?:auf|zu)",
    ),
    "parking": (r"parking(?: spaces?| lots?| garage)?", r"car park", r"park (?:my|the|a) car", r"where (?:can|do|should|could) i park",
                r"(?:can|could) i park", r"park (?:nearby|near you|close by|there|outside)", r"parken", r"parkplatz",
                r"parkplätze", r"parkhaus", r"parkmöglichkeit(?:en)?"),
    "payment": (
        r"pay(?:ing)? (?:by|with|in|via|using) (?:a |my )?(?:cards?|credit|debit|cash|paypal|apple pay|google pay|visa|mastercard|amex|ec)",
        r"payment (?:methods?|options?|types?)", r"(?:card|cash|contactless) payments?", r"cash only",
        r"(?:what|which) (?:kinds? of |types? of |forms? of |methods of )?payments? (?:do|can|does) (?:you|y'?all|the salon) (?:take|accept)",
        r"(?:do|can) you (?:take|accept) (?:\w+ )?payments?", r"(?:wie|womit) (?:kann|könnte) (?:ich|man) (?:\w+ ){0,3}(?:zahlen|bezahlen)",
        r"(?:take|accept)s? (?:cards?|credit(?: cards?)?|debit(?: cards?)?|cash|paypal|apple pay|google pay|visa|mastercard|amex)",
        r"how (?:do|can) i pay", r"can i pay", r"pay (?:cash|by card|card)",
        r"(?:mit |per )?(?:karte|ec-?karte|kreditkarte|bar|paypal) (?:\w+ ){0,2}(?:zahlen|bezahlen)",
        r"zahlungs(?:arten|methoden|möglichkeiten|mittel)", r"wie (?:kann|könnte) (?:ich|man) (?:\w+ )?(?:zahlen|bezahlen)",
        r"nehmt ihr (?:\w+ )?(?:karte|kreditkarte|ec|bargeld|paypal)", r"kartenzahlung",
        *PAY_WITH, r"bargeld", r"barzahlung", r"nur bar",
        r"(?:kann|könnte) (?:ich|man) (?:\w+ ){0,5}(?:zahlen|bezahlen)",
    ),
    "prices": (
        r"how much", r"costs?", r"price(?:s| list)?", r"pricing", r"(?:do|would) you charge", r"expensive",
        r"what(?:'s| is| would be| will be| would the| will the) (?:the )?(?:total|sum)\b", r"in total",
        r"preis(?:e|liste)?", r"kosten", r"kostet", r"wie teuer", r"teuer", r"was nehmt ihr", r"was verlangt ihr",
        # "what's your cheapest service?", "which one is quickest?": the list says each one's price and length
        r"(?:the |your )?(?:cheapest|least expensive|most affordable|quickest|shortest|fastest)"
        r"(?: (?:service|treatment|option|one|thing|appointment))?(?= *(?:[?.!]|$)| (?:you (?:have|do|offer)|on the list)\b)",
        r"(?:günstigste|billigste|schnellste|kürzeste)[nrs]?(?: (?:leistung|behandlung|termin|angebot))?",
        r"(?:am )?(?:günstigsten|billigsten|schnellsten|kürzesten)(?= *(?:[?.!]|$))",
    ),
    "address": (
        r"(?:your|the|salon'?s?|what'?s the|what is the) address", r"address of (?:the|your) (?:salon|shop|place)",
        r"where (?:exactly |precisely |again )?(?:are|is) (?:you|y'?all|the (?:salon|shop|store|place|studio|office|practice))(?! (?:\w+ )?from)",
        r"where (?:\w+ )?(?:are|is) (?:you|it)(?: \w+)? located", r"(?:you|your salon|the salon)(?:'re| are| is) located", r"your location",
        r"directions to (?:you|your|the salon)", r"how (?:do|can) i (?:get|find) (?:to )?(?:you|your (?:salon|shop|place)|the salon)",
        r"where can i find you", r"where do i find you", r"how (?:do|can|would|will|should) (?:i|we) get there\b(?! from (?:here|my|work|home)\b)",
        r"how (?:do|can|would|will|should) (?:i|we) get to you\b",
        r"adresse", r"anschrift", r"wo (?:genau |eigentlich |denn |nochmal )?(?:seid|sind) (?:ihr|sie)", r"wo (?:ist|liegt|befindet sich) (?:der salon|der laden|das studio|die praxis|euer|ihr)",
        r"wo finde ich (?:euch|sie)", r"wie komme? (?:ich|wir) (?:\w+ ){0,4}?(?:zu euch|zu ihnen|dahin|hin)\b", r"anfahrt", r"wegbeschreibung",
        # "is there a bus stop nearby?", "nächste U-Bahn-Haltestelle?": how to get there, which the address text says
        STOP_NEARBY, NEAREST_STOP,
        r"(?:nächste|nächstgelegene|naechste) (?:bus|u-?bahn-?|s-?bahn-?|straßenbahn)?(?:haltestelle|station|bahnhof)",
        r"(?:haltestelle|u-?bahn|s-?bahn|bahnhof)\w* (?:\w+ ){0,3}(?:in der nähe|in der naehe|bei euch|bei ihnen)",
        r"mit (?:den )?öffentlichen(?: verkehrsmitteln)?", r"\böpnv\b",
    ),
    "phone": (
        r"phone number", r"telephone", r"contact (?:number|details|info)", r"(?:your|the salon'?s?) (?:phone )?number",
        r"how (?:can|do) i (?:call|reach|contact|phone) you", r"(?<!what )(?:can|could|may) i (?:call|phone|ring) (?:you|the salon)(?=[\s?!.]*$| (?:directly|by phone|today|tomorrow|now)\b)", r"(?:your|the salon'?s?) (?:email|e-mail)(?: address)?",
        r"(?:your|the salon'?s?) website", r"(?:eure|ihre) (?:e-?mail(?:-?adresse)?|webseite|website|homepage)",
        r"(?:do|does) (?:you|y'?all|the salon) (?:guys )?have (?:a |an )?(?:website|web ?site|homepage|web ?page)",
        r"(?:what'?s|what is) (?:your|the) (?:website|web ?site|homepage|web ?address|url)",
        r"(?:habt|haben) (?:ihr|sie) (?:eine |ne )?(?:e-?mail(?:-?adresse)?|webseite|website|homepage|telefonnummer)",
        r"telefon(?:nummer)?", r"handynummer", r"(?:euch|sie) anrufen", r"eure nummer", r"ihre nummer", r"rufnummer",
    ),
    "late": (
        r"(?:i'?m|i am|we'?re|we are|i'?ll be|i will be|we'?ll be|gonna be|going to be) (?:[\w'-]+ ){0,3}(?:late|behind)"
        r"(?! (?:with|on|for|paying|to|in)\b(?! (?:my|the|our) (?:appointment|booking|visit)| (?:mon|tue|wed|thu|fri|sat|sun)\w*day\b"
        r"| (?:today|tomorrow|tonight)\b))",
        r"running (?:[\w'-]+ ){0,4}(?:late|behind)"
        r"(?! (?:with|on|for|paying|to|in)\b(?! (?:my|the|our) (?:appointment|booking|visit)| (?:mon|tue|wed|thu|fri|sat|sun)\w*day\b"
        r"| (?:today|tomorrow|tonight)\b))",
        r"(?:won'?t|will not|can'?t|cannot|not going to|not gonna) make it (?:there )?(?:on time|in time)",
        r"(?:schaffe|schaff|schaffen) (?:es|'s|das) (?:\w+ )?nicht (?:ganz )?(?:pünktlich|rechtzeitig)",
        r"stuck in (?:traffic|a jam)", r"(?:(?:i'?ll|i will|we'?ll|will) )?be there in (?:\d+|a few|ten|five|fifteen|twenty)",
        r"(?:i'?m|i am|we'?re|we are) (?:about |around |only |just )?(?:\d+|a few|five|ten|fifteen|twenty|thirty)"
        r" ?(?:mins?|minutes) (?:away|out)",
        r"(?:bin|sind) (?:gleich |erst )?in (?:\d+|ein paar|fünf|zehn|fünfzehn|zwanzig) ?(?:min|minuten) da",
        r"(?:komme?|bin|sind|kommen) (?:\w+ ){0,3}(?:später|zu spät|spät dran|etwas später)(?! (?:kommen|machen|legen|haben))",
        r"verspät\w*", r"(?:stehe|stecke) im stau",
        # "sag Bescheid, dass ich später komme": a subordinate clause, the verb last
        r"dass (?:ich|wir) (?:\w+ ){0,3}(?:später|spaeter|zu spät|zu spaet|spät dran) (?:komme|kommen|bin|sind)\b",
    ),
    "reminders": (
        r"remind me (?:\w+ ){0,2}(?:the day before|a day before|beforehand|before (?:it|my|the|that)|of (?:my|the) (?:appointment|booking|visit))",
        r"(?:will|do|would) (?:i|we) (?:\w+ )?(?:get|receive) (?:a |any |an? \w+ )?reminders?",
        r"(?:will|do|would|can|could) (?:you|y'?all) (?:\w+ )?(?:send|text|message|give) (?:me |us )?(?:a |any )?reminders?",
        r"reminders? (?:before|for|of|about) (?:my|the|our|an?) (?:appointment|booking|visit)",
        r"(?:bekomme|kriege|erhalte|bekommt|kriegt|erhält) (?:ich|man) (?:\w+ ){0,2}erinnerung",
        r"(?:schickt|sendet|verschickt|schicken|senden) (?:ihr|sie) (?:\w+ ){0,2}erinnerung(?:en)?",
        r"erinner(?:t|n) (?:ihr|sie) (?:mich|uns)", r"(?:können|könnt|könnten) (?:sie|ihr) mich (?:\w+ ){0,3}erinnern",
        r"erinnerung (?:vor|an) (?:dem|den|meinen|meinem) termin",
        # "can I get reminded by text?", "will you remind me?", "werde ich erinnert?": said as a whole question
        r"(?:can|could|will|would|do|shall) (?:i|we) (?:\w+ )?(?:get|be) reminded(?: (?:by|via|per|on|over) (?:text|sms|e-?mail|whatsapp|telegram|mail|message|phone))?\s*[?!.]*$",
        r"(?:will|would|can|could|do) (?:you|y'?all) (?:also )?remind (?:me|us)(?: (?:by|via|per|on|over) \w+)?"
        r"(?: (?:about|of) (?:it|(?:my|the|our) (?:appointment|booking|visit)))?\s*[?!.]*$",
        r"(?:werde|wird|werden) (?:ich|man|wir) (?:\w+ ){0,3}erinnert\b",
        r"(?:kann|könnte|koennte|können) (?:ich|man|wir) (?:\w+ ){0,4}erinnert werden",
    ),
    # "I'm here", "ich bin schon da": at the door, for their appointment
    "arrived": (
        r"^(?:(?:hi|hello|hey|hallo|ok|okay|so|also)[\s,.!]+)?(?:i'?m|i am|we'?re|we are) (?:already |now |just |finally )?"
        r"(?:here|outside|at the door|at the salon|downstairs|in front|at reception)(?=[\s,.!?]*$|[\s,.!]+(?:should|can|shall"
        r"|do|where|what|is|are|come)\b|\s+for (?:my|our) [\w:'.]+(?:[\s,]+[\w:'.]+){0,4}[\s?!]*$)",
        r"^(?:(?:hi|hello|hey|ok|okay|so)[\s,.!]+)?(?:i'?ve|i have|we'?ve|we have) (?:just )?arrived",
        r"^(?:(?:hallo|hi|ok|okay|so|also)[\s,.!]+)?(?:ich bin|bin|wir sind|sind) (?:jetzt |schon |gerade |nun )*(?:da|hier"
        r"|angekommen|vor der tür|vor der tuer|unten|draußen|draussen)(?=[\s,.!?]*$|[\s,.!]+(?:soll|kann|darf|wo|was|ist)\b"
        r"|\s+(?:für|wegen|zu) (?:meine[mnrs]?|unsere[mnrs]?) [\w:.]+(?:[\s,]+[\w:.]+){0,4}[\s?!]*$)",
        r"^(?:(?:hallo|hi|ok|okay|so|also)[\s,.!]+)?(?:ich bin|bin|wir sind|sind) (?:jetzt |schon |gerade |nun )*(?:für|wegen"
        r"|zu) (?:meine[mnrs]?|unsere[mnrs]?) (?:\w+ ){0,4}(?:da|hier)(?=[\s,.!?]*$)",
    ),
    "confirmation": (
        r"(?:send|e-?mail|mail|forward|text) (?:me |us )?(?:a |the |my |an? \w+ )?confirmation",
        r"(?:will|do|would|can|could|shall) (?:i|we) (?:\w+ )?(?:get|receive|have) (?:a |an |the |any |my )?(?:\w+ )?confirmation",
        r"confirmation (?:by |via |per |through )?(?:e-?mail|mail)", r"(?:e-?mail|mail) confirmation",
        r"(?:bekomme|kriege|erhalte|bekommt|kriegt|erhält|kann ich) (?:ich|man)? ?(?:\w+ ){0,2}(?:bestätigung|buchungsbestätigung)",
        r"bestätigung (?:per|als|via|über) (?:e-?mail|mail)", r"(?:e-?mail|mail)-?bestätigung", r"bestätigungs-?(?:e-?)?mail",
        r"(?:schickt|sendet|schicken|senden|mailt|mailen) (?:ihr|sie|du) (?:mir |uns )?(?:\w+ ){0,2}(?:bestätigung|buchungsbestätigung)",
    ),
    "services": (
        r"what (?:services|treatments) (?:do|can) you", r"which services", r"(?:what|which) (?:kind of )?services",
        r"what do you offer", r"what can i book", r"(?:your|the) services",
        r"welche (?:leistungen|dienstleistungen|behandlungen)", r"was (?:bietet|bieten) (?:ihr|sie)",
        r"was kann (?:ich|man) (?:bei euch |bei ihnen )?buchen", r"(?:eure|ihre) leistungen", r"angebot",
        r"was (?:macht|machen) (?:ihr|sie) (?:so|alles|genau)(?: bei euch| bei ihnen)?(?=[\s?!.]*$)",
    ),
    # word for the team about the visit: "could you put a note that I have a sensitive scalp?", "please let Sarah
    # know I'm allergic to ammonia", "bitte notieren, dass ich empfindliche Kopfhaut habe"
    "note": (
        r"(?:can|could|would|will) (?:you|u) (?:please )?(?:also )?(?:put|add|make|leave|write) (?:a |in a |down a )?"
        r"(?:little |quick |short )?note",
        r"^(?:please |also |and )*(?:put|add|make|leave|write) (?:a |in a |down a )?(?:little |quick |short )?note",
        r"^(?:please |also |and )*(?:note|make a note|take a note) (?:that|of)\b(?! down\b|\W*$)",
        r"^(?:please |also |and )*(?:note|make a note|take a note):? (?:i'?m|i am|i have|i'?ve|i'?ll|i will|my|we|she|he)\b",
        r"(?:let|tell) (?!me\b|us\b)(?:the (?:stylist|team|hairdresser|barber|salon)|\w+) know (?:that )?(?:i'?m|i am"
        r"|i have|i'?ve|she'?s|he'?s|she has|he has|my (?:hair|scalp|skin|son|daughter|child|kid))\b"
        r"(?!.*\b(?:late|behind|here|outside)\b)",
        r"(?:notier|vermerk|schreib)\w*,? (?:\w+ ){0,3}(?:dass|:)", r"(?:eine |als )?notiz",
        r"(?:(?:sag|sagt|sagen sie|gib|gebt|geben sie) (?:\w+ ){0,2}bescheid|bescheid (?:sagen|geben)),? dass"
        r" (?:ich|mein|meine|sie|er)\b(?!.*\b(?:spät\w*|spaet\w*|verspät\w*|da bin|hier bin)\b)",
    ),
    # to be told when a time frees up: "can you let me know if an earlier slot opens up?", "put me on the waiting
    # list", "könnt ihr Bescheid sagen, wenn was frei wird?", "Warteliste"
    "waitlist": (
        r"wait(?:ing)? ?list", r"cancellation list", r"warteliste",
        r"(?:let me know|tell me|notify me|message me|text me|ping me|contact me|call me|inform me|get (?:back )?in touch)"
        r" (?:\w+ ){0,2}(?:if|when|as soon as|once|should) (?:\w+ ){0,3}(?:opens? up|frees? up|becomes? (?:free|available)"
        r"|comes? up|(?:is|gets) (?:free|available)|cancels?|drops? out)",
        r"(?:bescheid (?:sagen|geben)|benachrichtig\w*|melden|schreiben|informieren)(?: \w+){0,3},? (?:wenn|falls|sobald)"
        r" (?:\w+ ){0,4}(?:frei wird|frei werden|freiwird|absagt|absagen|ausfällt|ausfaellt)",
        r"(?:bescheid|benachrichtigung)(?: \w+){0,2},? (?:wenn|falls|sobald) (?:\w+ ){0,4}(?:frei wird|absagt)",
    ),
}
# "Do you do nails?", "macht ihr auch Nägel?": asking whether the business offers something at all.
# Enough on their own (the thing asked about need not be one of the business's services).
OFFER_ANY = (
    r"do (?:you|y'?all|u)(?: guys)?(?: also| even| still| actually)? (?:do|offer|provide|perform|take|accept|allow)",
    r"(?:does|do) (?:the|your) (?:salon|shop|studio|place)(?: also)? (?:do|offer|provide)",
    r"what (?:else )?(?:do|can) (?:you|y'?all) (?:offer|provide)", r"was (?:bietet|bieten) (?:ihr|sie)(?: an)?",
    r"(?:is|are) (?:\w+ ){1,3}(?:something|one of the (?:services|things)) (?:you|y'?all) (?:do|offer|provide)",
    r"(?:macht|machen|bietet|bieten) (?:ihr|sie)", r"gibt es bei (?:euch|ihnen)", r"kann man bei (?:euch|ihnen)",
    r"(?:habt|haben) (?:ihr|sie) (?:\w+ ){0,3}im angebot",
    # "does Tom do fades?": whether the business (or that person) offers it
    r"does (?!it\b|that\b|this\b|anyone\b|anybody\b|someone\b)\w+ (?:also |even )?(?:do|offer)",
    # "who does balayage?", "wer von euch macht Dauerwelle?": whether anyone here does it (and who)
    r"who (?:of you |here |there |at the salon )?(?:does|can do|offers|is good at)"
    r"(?! (?:the|this|that|it|my|your|his|her|their|our|me|you|us)\b)(?! an? (?:good|great|bad|better|best)\b)",
    r"wer (?:von euch |bei euch |von ihnen |bei ihnen |hier |dort )?(?:macht|bietet)"
    r"(?! (?:das|die|den|der|es|dich|euch|mir|uns|ihnen|sie|ein|eine|einen)\b)",
    r"(?:which|what) (?:stylist|hairdresser|barber|one of you|of you|person|team member)s? (?:here |there )?(?:does|do"
    r"|can do|offers|is good at)(?! (?:you|i|we|they|u)\b)",  # (not "which stylist do you recommend?")
    r"welche[rs]? (?:friseurin|friseur|von euch|von ihnen|mitarbeiterin|mitarbeiter) (?:macht|kann|bietet)",
    r"wer (?:von euch |bei euch |von ihnen |bei ihnen |hier )?(?:kann|könnte|koennte)"
    r"(?= (?:bei euch )?(?:eine?n? )?\w+ (?:machen|anbieten)[\s?!.]*$)",
)
# Asking about one of the business's own services in a question's shape: "do you colour hair?",
# "färbt ihr auch Haare?", "habt ihr auch Bartschnitt?". Only with a service named.
OFFER_SERVICE = (
    r"do (?:you|y'?all|u)(?: guys)?(?: also| even| still)? \w+", r"(?:can|could) (?:you|y'?all) (?:also )?(?:do|cut|colou?r|dye|trim|style)",
    r"does (?:the|your) (?:salon|shop|studio|place)", r"\w+(?:t|en) (?:ihr|sie)(?= )", r"könnt ihr", r"können sie",
    r"does \w+(?: also| even)? (?:do|offer|cut|colou?r|dye|trim|style)", r"(?:macht|bietet|schneidet|färbt|rasiert) \w+ (?:auch|denn|eigentlich)",
)
# Words that make an "offer" question about time or appointments, not about what is offered.
OFFER_NOT = (
    APPT, r"any(?:thing|one|body)?", r"something", r"time", r"times", r"room", r"space", r"openings?", r"availability",
    r"available", r"free", r"frei\w*", r"zeit", r"platz", r"noch was", r"was frei", r"open", r"offen", r"auf", r"zu",
    r"geöffnet", r"a minute", r"a moment", r"a second", r"a question", r"questions?",
)
# Things an "offer" question asks about that are facts about the business, not services: answered from its
# own questions and answers, or honestly not known.
OFFER_FACT = (
    r"walk[- ]?ins?", r"discounts?", r"deals?", r"specials?", r"vouchers?", r"gift ?cards?", r"gift ?certificates?",
    r"loyalty", r"\w*rabatt\w*", r"gutschein\w*", r"ermäßigung\w*", r"ohne termin", r"spontan\w*",
    r"(?:hair ?|styling |care )?products?", r"shampoos?", r"conditioners?", r"(?:haar|pflege)?produkte?n?",
    r"haarpflege\w*",
)
# "How long does coloring take?" (with a service named): answered with the services' durations and prices.
DURATION = (r"how long (?:does|do|will|would) (?:\w+ ){0,3}take", r"how long is (?:a|an|the)",
            r"wie lange (?:dauert|braucht|geht)", r"dauer")
# Words that make a message about something other than this business ("where is my package",
# "how much is my bill"): an info cue next to them is not a question for the front desk.
INFO_ELSEWHERE = (
    r"(?:send|write) (?:a |an )?(?:text|sms|message|email|e-mail) to", r"(?:a |an )?(?:text|sms|message) sent to",
    r"text (?:\w+ ){1,2}(?:and|saying|that)",
    r"(?:tell|text) (?:him|her|them|my (?:boss|wife|husband|mom|mum|dad|friend|partner))\b",
    r"(?<!park )my car", r"my (?:bill|bills|rent|loan|mortgage|credit|balance|account|bank|salary|paycheck|order|package|phone|keys?|wallet|"
    r"insurance|taxes?|electric\w*|gas|water|utilit\w*|flight|luggage|bag|current location|location)",
    r"bank", r"bills?", r"pto", r"vacation days?", r"mpg", r"gas", r"income", r"shares?", r"stocks?", r"owe", r"spen[dt]",
    r"yen", r"usd", r"credit score", r"credit limit", r"interest rate", r"exchange rate", r"currency", r"dollars?", r"euros? in",
    r"transfer", r"gas station", r"airport", r"hospital", r"pharmacy", r"(?<!take )(?<!accept )(?<!ihr )(?<!sie )bitcoin", r"stock", r"tax(?:es)?", r"mein(?:e|en)? "
    r"(?:rechnung|konto|bestellung|paket|auto|handy|schlüssel|flug)",
)
# Questions point at the business: "do you ...", "can I ..." (a question mark counts too).
QUESTION = (
    r"do (?:you|y'?all)", r"can (?:i|we|you)", r"could (?:i|we)", r"is (?:it|there)", r"are (?:you|there|dogs|kids|children)",
    r"may i", r"should i", r"what", r"how", r"where", r"when", r"which",
    r"habt ihr", r"haben sie", r"kann (?:ich|man)", r"darf (?:ich|man)", r"gibt es", r"ist (?:es|das)", r"seid ihr",
    r"wie", r"was", r"wo", r"wann", r"welche",
)
# Requests that belong to another kind of assistant, by category. Any of these, with no appointment word
# and no service of the business in the message, makes the message `other`: a date or a booking verb in
# "how much did I spend last week" or "set up direct deposit" is not a request for an appointment here.
# Single words are looked up as whole words (a set is much faster than a long alternation); phrases are cues.
FOREIGN_WORDS = frozenset("""
bank banking banks insurance deposit deposited deposits paycheck paychecks payday paid salary income earn earned earning earnings
spend spent spending transaction transactions purchase purchases checks checkbook checkbooks cheque cheques credit
visa mastercard amex bill bills rent mortgage loan loans 401k w2 w2s apr dollar dollars euro euros yen peso pesos
money transfer balance budget tax taxes overdraft fraud wage wages benefits
kontostand gehalt lohn kreditkarte miete rechnung
trip trips travel travels traveling travelling traveled travelled vacation passport vaccine vaccines vaccination
vaccinations shots luggage baggage board boarding flight flights airport airline airlines hotel hotels traffic commute
directions miles gas mileage mpg tire tires tyre tyres oil engine expressway highway urlaub flug flughafen stau verkehr
reifen tanken
eat eating dinner breakfast recipe recipes cook cooking bake baking calorie calories nutrition ingredient ingredients
groceries grocery shopping restaurant restaurants sushi pizza list lists fridge refrigerator freezer edible expire
expired leftover leftovers eggs milk cheese chicken meat tofu tomato tomatoes burrito burritos taco tacos lasagne
essen abendessen kochen rezept einkaufen einkauf einkaufsliste
volume alarm timer sync syncing synced bluetooth battery text texts dial remind reminder song songs music playlist
podcast dice coin jokes joke trivia accent language woken lautstärke wecker witz
holiday holidays pto plus minus percent convert divide divided divisible subtract subract multiply multiplied math
translate translated translation weather forecast temperature umbrella sunscreen jacket warm freeze freezing news
stock stocks share shares score game calendar calender museum museums art blackjack poker animal animals pet pets
reviews review door lights thermostat gps map whereabouts converter plug socket definition define
datum feiertag feiertage urlaubstag urlaubstage
cake garlic potato potatoes cupboard consume tortillas sandwich lunches dinnner vaccinated paperwork documents task
tasks usd cad gbp
""".split())
FOREIGN = (
    r"direct depo\w*", r"pay ?checks?", r"check ?books?", r"credit (?:cards?|scores?|limit|report|increase)", r"debit cards?",
    r"my card", r"card (?:was |got |been )?(?:declined|rejected|blocked|not accepted|stolen|lost)", r"401 ?k", r"w-?2s?",
    r"interest rates?", r"exchange rates?", r"currenc(?:y|ies)", r"pounds? sterling", r"routing number",
    r"minimum (?:payment|amount)", r"payments? due", r"due date", r"my pay", r"health ?care plan", r"überweis\w*", r"steuer\w*",
    r"car rental", r"rent(?:al)? (?:a |an )?car", r"carry[- ]?ons?", r"reise\w*",
    r"to-? ?do(?: list)?", r"gone bad", r"go bad", r"spoil\w*", r"nutrition\w*", r"refrigerat\w*",
    r"wi-?fi", r"text \w+", r"send (?:a |an )?(?:message|text|email)", r"ring my phone", r"alert me", r"heads or tails",
    r"random number", r"fun fact", r"(?:your|my) name", r"call me \w+", r"call you", r"be called", r"get you to",
    r"speak(?:ing)? (?:faster|slower)", r"talk (?:faster|slower)", r"(?:call|dial|phone|ring) (?!me\b|you\b|us\b|back\b|it\b)\w+",
    r"roll (?:a |the )?\w*", r"wake me(?: up)?", r"get up at", r"spell\w*",
    r"what(?:'s| is) (?:the |today'?s )?date", r"date (?:today|is it)", r"(?:what|which|tell me) (?:\w+ ){0,3}date",
    r"date (?:will|is|was|would) it be", r"(?:today'?s|tomorrow'?s|yesterday'?s|the full|the current|the exact) date",
    r"what day (?:is|was|will)", r"day of the (?:month|week|year)", r"what month", r"what year", r"time zone", r"when will it be",
    r"day off", r"days off", r"time off", r"sick (?:day|leave)", r"how old",
    r"take (?:the |a |next |this |my |two |three |\w+day )?(?:next |\w+day |day |days |week |morning |afternoon )?off",
    r"(?:nehme|nehmen|nimmst|nimmt|genommen) (?:\w+ ){0,3}?frei\b", r"frei ?nehmen", r"urlaub(?:stag\w*)?", r"überstunden",
    r"times \d+", r"square root", r"\d+ ?[x*/+] ?\d+", r"add up", r"to the \w+ power",
    r"how many (?:inches|feet|cups|grams|pounds|kilos|ounces|miles|kilometers|liters|litres)", r"translat\w*",
    r"how (?:do|would) (?:you|i) say", r"how to say", r"in (?:spanish|french|italian|german|english|chinese|japanese|russian)",
    r"uv index", r"how (?:hot|cold|warm)", r"high and low", r"the (?:low|high) (?:today|tonight|tomorrow)",
    r"what day (?:today|it) is", r"the date in", r"date night", r"three day weekend", r"long weekend",
    r"(?:i'?m|im|i am) going to be in \w+ (?:from|for|until|between)", r"rate for",
    r"how (?:long|much time) (?:will|does|would) it take to get to", r"how fast can i get to",
    r"how are you(?: doing)?", r"how'?s it going", r"nice to (?:meet|talk|get in touch)", r"good to talk",
    r"let me know in \d+", r"tell me to \w+", r"\w+ mode", r"speak(?:ing)? too", r"supposed to be doing",
    r"read (?:back )?my day", r"overview of", r"got set for",
    r"wie spät", r"welcher tag", r"übersetz\w*", r"geteilt durch", r"mal \d+",
)
# Things booked elsewhere: a reservation or appointment for one of these is not an appointment here.
ELSEWHERE_WORDS = frozenset("""
restaurant restaurants diner bistro cafe steakhouse grill pub dinner brunch flight flights plane airplane airline
ticket tickets hotel hotels motel hostel suite suites lodging rental suv van oil tire tires tyre tyres mechanic vet
uber ubers riders crowded meetings mettings maintenance vehicle tisch flug zimmer mietwagen abendessen mittagessen werkstatt ölwechsel
reifenwechsel ride rides transportation shuttle limo fahrdienst auto autos leihwagen zugticket bahnticket
fahrkarte flugticket konzertkarte kinokarte
""".split())
ELSEWHERE_THING = (
    r"steak house", r"bar and grill", r"lunch (?:reservation|table|with)", r"tables?(?! for (?:me|us)\b)", r"party of \w+",
    r"place to (?:stay|crash)", r"(?<!meeting )rooms?", r"rent a car", r"how busy", r"meeting schedule",
    r"on (?:my|the) schedule", r"hotel\w+", r"restaurant\w+", r"flug\w+",
    r"for (?:\d+|two|three|four|five|six|seven|eight|nine|ten) guests", r"(?:any|every) meetings?", r"scheduled to meet",
    r"have to meet", r"get a seat", r"(?:somewhere|where) to stay", r"stay in \w+ from", r"(?:car|auto|vehicle) (?:maintenance"
    r"|service|repair|inspection|appointment)", r"(?:my|the) car (?:needs|serviced|repaired|checked|fixed)",
    # "a reservation for two at Luigi's": a reservation at a named place that is no time of day
    r"reservations? (?:for (?:[^\s,.;!?]+ ){1,3})?(?:at|in) (?!\d|one\b|two\b|three\b|four\b|five\b|six\b|seven\b|eight\b"
    r"|nine\b|ten\b|eleven\b|twelve\b|noon|midday|midnight|half|quarter|around|about|the (?:salon|shop|studio|same|end|start)"
    r"|your|you\b|this|that|the morning|the afternoon|the evening|lunch|night)[a-z][\w']*",
)
