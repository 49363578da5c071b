"""The intent decision: which of the thirteen intents a message carries, from cues and slots.

Order matters and encodes the product's caution: a request for a human or for help comes first,
talk about other things (weather, taxis, a Netflix subscription) is never an action, and
cancel/reschedule/book need their own words or a concrete time; a bare "yes"/"no" stays a
confirmation answer for the dialogue to interpret.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import time, timedelta
from functools import lru_cache

from . import entities, later, lexicon, party, swap
from .language import detect
from .lexicon import cue
from .normalize import normalize
from .in_context import late_by
from .types import Context, Intent, Reading, Vocabulary
from .when import NOTHING, When, resolve

MAX_CHARS = 1000  # longer messages are read by their start; keeps the worst case bounded

_LEAD = r"^(?:(?:hi|hello|hey|hallo|moin|servus)[\s,.!]+)?(?:oh|well|um+|uh+|ah+|hmm+|so|okay so|actually|sorry|ähm|äh|also|naja|na ja)?[\s,.!]*"
_AFFIRM_LEAD = re.compile(_LEAD + r"(?:" + "|".join(lexicon._expand_umlauts(a) for a in lexicon.AFFIRM) + r")(?![\w'])")
_DENY_LEAD = re.compile(_LEAD + r"(?:" + "|".join(lexicon._expand_umlauts(a) for a in lexicon.DENY) + r")(?![\w'])")
_ONLY_COURTESY_WORDS = re.compile(r"^[\s\W]*$")
# a yes-word as filler before a no: "ja nee", "yeah no", "ok, actually no", "ja, lieber doch nicht"
_YES_THEN_NO = re.compile(
    r"^\W*(?:ja|jo|yes|yeah|yep|ok|okay|hmm|äh|na)\W+(?:(?:well|also|actually|eigentlich|hmm)\W+)?"
    r"(?:(?:nee|nein|no|nope|nah)\b(?!\W+(?:problem|prob|worries|sorgen|stress|rush|need|question))"
    r"|(?:lieber|eher|doch)\s+(?:doch\s+)?nicht\b|rather not\b|better not\b|not (?:now|anymore|any more)\b)")

_AFFIRM = cue(*lexicon.AFFIRM)
_DENY = cue(*lexicon.DENY)
_THANKS = cue(*lexicon.THANKS)
_BYE = cue(*lexicon.BYE)
_GREET = cue(*lexicon.GREET)
_HELP = cue(*lexicon.HELP)
_HANDOFF = cue(*lexicon.HANDOFF)
_CANCEL = cue(*lexicon.CANCEL)
_RESCHEDULE = cue(*lexicon.RESCHEDULE)
_LIST_BOOKED = cue(*lexicon.LIST_BOOKED)
# Words that mean moving an appointment even with nothing else said ("I want to reschedule").
_RESCHEDULE_ALONE = cue(r"re-?schedul(?:e|ed|ing)", r"re-?book", r"postpone", r"verschieb\w*", r"verleg\w*",
                        r"umbuch\w*")
_LIST = cue(*lexicon.LIST)
# The same with a day or days, which a request to book could name too ("my appointment on Friday at 3"): only the
# plural, or a verb of showing ("my appointments next week", "show my booking for tomorrow", "welche Termine habe ich
# diese Woche?")
_LIST_WHEN = re.compile(
    r"\b(?:my|our|meine|unsere) (?:upcoming |next |nächsten |anstehenden )?(?:appointments|bookings|reservations"
    r"|termine|buchungen|reservierungen)\b"
    r"|\b(?:show|list|see|check|view|zeig\w*|liste\w*) (?:me |mir )?(?:all )?(?:my|meine|alle meine) "
    r"(?:\S+ )?(?:appointments?|bookings?|reservations?|termine?|buchung(?:en)?)\b"
    r"|\b(?:welche|was für) termine (?:habe|hab|haben) (?:ich|wir)\b|\bwhat (?:appointments|bookings) (?:do|have) (?:i|we)\b")
_AVAIL = cue(*lexicon.AVAILABILITY, r"how about", r"what about", r"wie wäre es", r"wie sieht es", r"wie schaut'?s")
_BOOK_STRONG = cue(
    r"book(?:ed|ing)?", r"reserve", r"reservation", r"schedule(?: me)?", r"make (?:[\w']+ ){0,3}(?:appointment|appt|booking|reservation|visit)",
    r"set (?:up|me up|it up|one up)(?: an?| the)?", r"set (?:it|one|an appointment|the appointment)", r"get (?:me )?(?:in|booked)",
    r"fit me in", r"squeeze me in", r"pencil me in", r"sign me up", r"put me (?:down|in)",
    r"buchen", r"buche", r"reservieren", r"reserviere", r"termin (?:machen|vereinbaren|ausmachen)", r"terminvereinbarung",
    r"eintragen", r"vormerken", r"anmelden", r"einen termin", r"termin bitte",
)
_BOOK_WEAK = cue(*lexicon.BOOK)
_OTHER_DOMAIN = cue(*lexicon.OTHER_DOMAIN, r"my availability", r"am i free", r"when i'?m free", r"my schedule",
                    r"my calendar", r"bin ich frei")
_INFO = cue(*lexicon.INFO)
_FOREIGN = cue(*lexicon.FOREIGN)
_WORD = re.compile(r"[\wäöüß']+")
_SALON_WORDS = (r"haircut", r"hair", r"salon", r"friseur", r"frisör")
_APPT_WORD = cue(lexicon.APPT, *_SALON_WORDS)
# Every negation _NEGATED_ACTION starts with has one of these (looking for them is cheaper than the search).
_NEGATION_PIECES = lexicon.any_of(("not", "don", "didn", "never", "no need", "no longer", "nicht", "kein"))
_NEGATED_ACTION = re.compile(
    r"\b(?:don'?t|do not|didn'?t|not|never|no need to|nicht|kein(?:en)? (?:termin )?)\s+(?:[\w']+\s+){0,3}?"
    r"(?:cancel|book|reschedule|move|make|schedule|set up|absagen|stornieren|buchen|verschieben|vereinbaren)\b"
    r"|\b(?:don'?t|do not|no longer|nicht mehr)\s+(?:need|want|require|brauche|will)\s+(?:an?|the|one|any|it|that|einen|den)?\s*"
    r"(?:appointment|booking|reservation|termin|one|it|that)\b")
_HELP_ONLY = re.compile(r"^[\s\W]*(?:please |bitte )?(?:" + "|".join(lexicon.HELP) + r")(?: me)?(?: please| bitte)?[\s\W]*$")
_ASKED_TOO = re.compile(r"[,;:\u2013-]\s*(?:and |und |but |aber )?(?:is|are|can|could|does|do|will|would|should|how|what|when"
                        r"|why|where|which|who|ist|sind|kann|darf|muss|soll|wie|was|wann|warum|wo|welche\w*|wer|geht"
                        r"|gibt|hilft|macht)\b")
"""The question itself after the words announcing it ("a question about colouring, is it safe when pregnant?")."""
_QUESTION_FIRST = re.compile(r"^[\s\W]*(?:(?:and|also|so|but|und|aber|hi|hello|hallo)[\s,]+)*"
                             r"(?:is|are|does|do|can|could|will|would|should|how|why|what|ist|sind|kann|darf|muss|soll"
                             r"|wie|warum|was|gibt|hilft|macht)\b")
_ASKS_ABOUT_IT = re.compile(r"\?\s*$|" + _QUESTION_FIRST.pattern)
"""A question, by its mark or its first word: about a service named in it, one for the business to answer (asked
about the service itself, `_ABOUT_THE_SERVICE`, or, read as nothing else, led by a question word)."""
# "I'm coming by car, where can I park?", "ich komme mit dem Auto, wo kann ich parken?": the car is theirs, for us
_PARK_QUESTION = re.compile(r"\b(?:where|wo) (?:can|could|should|do|kann|könnte|koennte|soll|sollte) (?:i|we|ich|wir|man)"
                            r" (?:\w+ )?park|\bis there (?:any )?parking|\bgibt es (?:\w+ )?park")
_ALONG_WORDS = ("bring", "with", "mitkomm", "dabei", "daneben", "dableib", "warten", "alone", "own", "allein")
_BRING_ALONG = re.compile(
    _LEAD + r"(?:and |und |also )?(?:(?:can|may|could) (?:i|we)|is it (?:ok|okay|alright|fine) (?:if|to) (?:i |we )?)"
    r" ?bring (?:my|our|a|an) (?:little |young |\d+ ?(?:year|yr)s? ?old )?(?:son|daughter|kids?|child|children|baby|dog|"
    r"friend|partner|husband|wife|boyfriend|girlfriend|mum|mom|mother|dad|father|sister|brother|toddler|puppy|pet)s?\b"
    r"|" + _LEAD + r"(?:und |also )?(?:darf|kann|könnte|dürfen|können) (?:ich|wir|man) (?:meinen|meine|mein|unseren|unsere"
    r"|einen|eine|ein) (?:kleinen |kleine )?(?:sohn|tochter|kind|kinder|baby|hund|freund|freundin|mann|frau|partner"
    r"|partnerin|mutter|vater|schwester|bruder) (?:\w+ )?mitbringen"
    # "can I come with him?", "can I stay with her?", "darf ich mitkommen?": the business's answer about the visit
    r"|" + _LEAD + r"(?:and |und |also )?(?:(?:can|may|could) (?:i|we)|is it (?:ok|okay|alright|fine) (?:if|to) (?:i |we )?)"
    r" ?(?:(?:come (?:in |along )?|stay |wait )(?:with|for) (?:him|her|them)|(?:stay|wait) (?:with|for) my (?:son|daughter|kids?"
    r"|child|children|little one))\b"
    r"|" + _LEAD + r"(?:und |also )?(?:darf|kann|könnte|dürfen|können) (?:ich|wir|man) (?:\w+ )?(?:mitkommen|dabei bleiben"
    r"|dabeibleiben|daneben sitzen|dableiben|warten)\b"
    # "do I need to come with her?", "can she come alone?", "muss ich mitkommen?": whether a child comes on its own
    r"|" + _LEAD + r"(?:and |und |also )?(?:do|does|will|would) (?:i|we) (?:need|have) to (?:come|be there|stay)"
    r" (?:with|for) (?:him|her|them)\b"
    r"|" + _LEAD + r"(?:and |und |also )?(?:can|may|could) (?:she|he|they|my (?:son|daughter|kids?|child)) (?:come|go|be"
    r" there|stay) (?:alone|on (?:her|his|their) own|by (?:her|him|them)sel(?:f|ves)|unaccompanied)\b"
    r"|" + _LEAD + r"(?:und |also )?(?:muss|müssen|sollte|soll) (?:ich|wir) (?:\w+ )?(?:mitkommen|dabei sein|dabeibleiben"
    r"|dabei bleiben)\b"
    r"|" + _LEAD + r"(?:und |also )?(?:kann|darf|könnte) (?:sie|er|mein sohn|meine tochter|das kind) (?:\w+ )?"
    r"(?:allein|alleine) (?:kommen|hingehen|da sein|bleiben)\b")
# "what's the earliest I can get in for a beard trim?": a time asked for, not a question about the service
_ASKS_FOR_A_TIME = re.compile(
    r"\b(?:earliest|soonest|latest|first available|next available|free|available|availability|openings?|slots?"
    r"|get (?:me )?in|fit (?:me|us|him|her) in|squeeze (?:me|us) in|appointments?|termin\w*|frei\w*|fr(?:ü|ue)hest\w*"
    r"|n(?:ä|ae)chst\w*|sp(?:ä|ae)test\w*)\b")
_WHAT_IS = re.compile(r"\bwhat(?:'s| is) (?:a|an|the)\b(?! difference)|\bwas ist (?:ein|eine|der|die|das)\b(?! unterschied)")
_ABOUT_THE_SERVICE = re.compile(
    r"\b(?:safe|unsafe|harmful|damag\w*|hurts?|painful|allerg\w*|pregnan\w*|sensitive|bad for|good for"
    r"|what(?:'s| is) the difference|how does (?:a |an |the )?[\w ]{3,30} work"
    r"|sch(?:ä|ae)dlich|gef(?:ä|ae)hrlich|schlecht f(?:ü|ue)r|gut f(?:ü|ue)r|weh|schmerzhaft|allergi\w*|schwanger\w*"
    r"|empfindlich\w*|was ist der unterschied|wie funktioniert|wie l(?:ä|ae)uft)"
    r"|" + _WHAT_IS.pattern)
"""What a question asks about a service itself (is it safe, what is it), not about booking one."""
# "I have a question", "kurze Frage:", "can I ask you something?": a question is coming; without what it is about (or
# about a service, read as a question about it) it is no request, and the answer says what can be asked
_ANNOUNCES_QUESTION = re.compile(
    r"^[\s\W]*(?:(?:hi|hello|hey|hallo|moin|sorry|entschuldigung|and|also|btw|by the way|und|dazu|noch|übrigens)\b[\s,!.]*)?"
    r"(?:(?:i have|i've got|i got|got|i had|ich habe|ich hätte|ich haette|habe ich|hätte ich|haette ich|hab ich|hab|hätte"
    r"|haette)\s+)?"
    r"(?:a|one|eine|noch eine|mal eine)?\s*(?:quick|short|small|little|kurze|kleine)?\s*(?:question|frage)"
    r"(?:\s+(?:for you|an sie|an dich|an euch))?"
    r"(?:\s+(?:about|on|regarding|concerning|re|zu[mr]?|über|ueber|wegen|bezüglich|bezueglich)\s+(?P<about>[^?]+?))?"
    r"[\s.!?:]*$"
    r"|^[\s\W]*(?:can|could|may) i ask(?: you)?(?: (?:something|a question))?[\s.!?]*$"
    r"|^[\s\W]*(?:kann|darf) ich (?:ihnen |sie |dich |dir |euch )?(?:mal )?(?:was|etwas|eine frage) fragen[\s.!?]*$"
    r"|^[\s\W]*(?:ich )?(?:hätte|haette|habe) (?:da )?(?:mal )?(?:eine frage|ne frage)[\s.!?]*$")
# a series of appointments: "every 4 weeks", "a standing appointment", "alle vier Wochen", "jeden Freitag"
_RECURRING = re.compile(
    r"\b(?:every|each) (?:(?:\d{1,2}|two|three|four|five|six|eight|other|second|third|fourth) )?(?:weeks?|months?"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\bevery (?:couple|few) (?:of )?(?:weeks|months)\b"
    r"|\b(?:weekly|fortnightly|biweekly|bi-weekly|monthly|recurring|repeating|standing) (?:appointments?|bookings?|slots?"
    r"|haircuts?|basis|visits?)\b|\b(?:on a )?(?:regular|recurring|repeating) (?:basis|appointment|booking)\b"
    r"|\b(?:a|one) series of\b"
    r"|\balle (?:\d{1,2} |zwei |drei |vier |fünf |sechs |acht )?(?:wochen|monate)\b|\b(?:jede[nrs]?|immer) (?:(?:zweite[nrs]?|"
    r"dritte[nrs]?|vierte[nrs]?) )?(?:woche|monat|montag|dienstag|mittwoch|donnerstag|freitag|samstag)\b"
    r"|\b(?:wöchentlich|woechentlich|monatlich|regelmäßig|regelmaessig|dauertermin\w*|serientermin\w*)\b")
# how often a series comes round: "every 4 weeks", "fortnightly", "alle zwei Wochen", "jeden Monat", "every Thursday"
_EVERY = re.compile(
    r"\b(?:every|each|alle|jede[nrs]?|immer)\s+(?:(?P<n>\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|twelve|other|second"
    r"|third|fourth|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|zwölf|zweite[nrs]?|dritte[nrs]?|vierte[nrs]?)\s+)?"
    r"(?P<unit>weeks?|wochen?|months?|monate?n?)\b"
    r"|\b(?:every|each|jeden|immer)\s+(?P<day>mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?|montags?"
    r"|dienstags?|mittwochs?|donnerstags?|freitags?|samstags?)\b"
    r"|\b(?P<weekly>weekly|wöchentlich|woechentlich)\b|\b(?P<fortnightly>fortnightly|biweekly|bi-weekly|14-tägig|vierzehntägig"
    r"|14-taegig|vierzehntaegig)\b|\b(?P<monthly>monthly|monatlich)\b")
_EVERY_NUMBER = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
                 "twelve": 12, "other": 2, "second": 2, "third": 3, "fourth": 4, "zwei": 2, "drei": 3, "vier": 4,
                 "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "zwölf": 12, "zweite": 2,
                 "dritte": 3, "vierte": 4}


def _every_days(norm: str) -> int | None:
    """Days between the appointments of a series said ("every 4 weeks": 28); months as whole weeks, so each
    falls on the same weekday ("monthly": 28, "every 3 months": 91). None where no interval is said."""
    m = _EVERY.search(norm)
    if m is None:
        return None
    if m.group("day") or m.group("weekly"):
        return 7
    if m.group("fortnightly"):
        return 14
    if m.group("monthly"):
        return 28
    word = m.group("n") or "1"
    n = int(word) if word.isdigit() else _EVERY_NUMBER.get(word) or _EVERY_NUMBER.get(re.sub(r"(?<=te)[nrs]$", "", word), 1)
    if not 1 <= n <= 12:
        return None
    weeks = n if m.group("unit").startswith(("week", "woche")) else round(n * 30.44 / 7)
    return weeks * 7


_STARTING_DAY = re.compile(r"\b(?:starting|beginning|from|ab)\s+(?:on\s+|am\s+|this\s+|next\s+|nächsten\s+)?(?:"
                           + "|".join(sorted(lexicon.WEEKDAYS, key=len, reverse=True)) + r"|tomorrow|morgen)\b")
_RECURRING_WORDS = ("every", "each", "weekly", "monthly", "fortnight", "biweekly", "bi-weekly", "regular", "recurring",
                    "repeating", "standing", "series", "alle ", "jede", "immer", "chentlich", "monatlich", "regelm",
                    "dauertermin", "serientermin")
# a question asked along with (or instead of) a yes: a question word at the start of the message or of a clause
_ASKS_TOO = re.compile(
    r"(?:^|[,.!;:]\s*|\b(?:but|and|aber|und)\s+)(?:is|are|can|could|do|does|will|would|should|may|might|how|what|when"
    r"|where|who|which|why|ist|sind|kann|können|koennen|darf|gibt|habt|haben|hat|wie|was|wann|wo|wer|welche\w*|geht)\b[^?]*\?")
# "is that ok?", "is this fine?", "passt das?": a yes asked back, nothing more
_IS_THAT_OK = re.compile(r"^[\s\W]*(?:\w+[\s,.!]+)?(?:is|would|will) (?:that|this|it) (?:be )?(?:ok|okay|fine|alright|all right"
                         r"|good)(?: (?:with you|for you))?[\s?!.]*$|^[\s\W]*(?:passt|geht) (?:das|es)[\s?!.]*$")
_WANT = cue(r"want", r"need", r"like", r"would like", r"i'?d like", r"please", r"bitte", r"möchte", r"hätte", r"brauche",
            r"will", r"wollte", r"gerne?", r"get", r"have", r"a", r"an", r"ein(?:en|e)?", r"for", r"für")
# What "cancel the ..." may name and still mean the customer's booking: a word for the booking itself, or a word
# that points at one of them ("the second one", "die nächste") followed by such a word or by nothing.
_BOOKING_ITSELF = frozenset(("it", "that", "this", "one", "ones", "booking", "visit", "reservation"))
_POINTING = frozenset(("next", "other", "earlier", "later", "both", "all", "nächste", "andere", "beide", "alle",
                       *lexicon.CHOICE_ORDINALS))
# The words that cancel outright; "I can't make it" on its own cancels too, unless another time is offered with it
_CANCEL_WORD = cue(r"cancel\w*", r"call (?:it )?off", r"absagen", r"sage? (?:\w+ )?ab(?! (?:\w+ ){0,3}bescheid\b)", r"storn\w*", r"canceln", r"löschen")
_ANOTHER_TIME = cue(
    r"(?:can|could) (?:we|i|you) (?:do|make it|come|have|get|switch|change)", r"how about", r"what about", r"instead",
    r"rather", r"same time", r"(?:another|other|different) (?:day|time)", r"is \w+ (?:possible|ok|okay|free)",
    r"stattdessen", r"lieber", r"dafür", r"(?:gleiche[nr]?|selbe[nr]?) (?:uhrzeit|zeit)", r"anderen tag", r"andere zeit",
    r"geht (?:es |das )?(?:auch|dann|vielleicht)", r"wie wäre es", r"ginge", r"(?:könnte|kann) ich (?:dann |stattdessen |auch )?"
    r"(?:am|um|morgen|übermorgen|nächste)", r"geht (?:am |um )?(?:morgen|übermorgen|montag|dienstag|mittwoch|donnerstag"
    r"|freitag|samstag|sonntag|nächste)")
_AFTER_CANCELLING = re.compile(
    r"\b(?:cancel\w*|absagen|stornier\w*)\b.*?(?:,|\band\b|\bund\b|\bthen\b|\bdann\b)\s*(?P<rest>.+)$")
_INSTEAD = re.compile(r"\b(?:instead|rather|stattdessen|dafür|dafuer|lieber)\b")
# A day that does not suit, said without a word that cancels: "heute kann ich nicht", "Freitag geht nicht"
_CANT_THEN = cue(r"(?:kann|könnte) (?:\w+ ){0,2}nicht", r"geht (?:\w+ ){0,2}nicht", r"passt (?:\w+ ){0,2}nicht",
                 r"(?:can'?t|cannot) do", r"(?:doesn'?t|won'?t|does not|will not) work")
_OBJECT_OTHER = re.compile(
    r"(?:cancel|absagen|stornieren|kündigen|canceln|delete|löschen)\s+(?:my|the|our|mein(?:en|e)?|das|die|den)\s+(?P<obj>[\w-]+)"
    r"(?:\s+(?P<then>[\w-]+))?")


_NOT_PUT_OFF = ("info", "help", "handoff", "list")  # a question asked along with it is answered
_NO_FIRST = re.compile(r"\W*(?:no|nope|nah|not now|nein|nee|lieber nicht)\b")  # "no, I need to check my calendar first"


def read(text: str, context: Context) -> Reading:
    """Read one message into a Reading. Never raises: unreadable input is 'other'."""
    try:
        text = text if isinstance(text, str) else str(text)
        if (hello := _GREETING_FIRST.match(text)) is not None and _WORDS_AFTER.search(text, hello.end()):
            text = text[hello.end():]  # "good morning, what time do you open tomorrow?": the question
        r = _read(text, context)
        if r.intent not in _NOT_PUT_OFF and later.defers(low := text.lower()) and not (
                r.intent == "deny" and _NO_FIRST.match(low)):
            return Reading(intent="other", lang=r.lang, later=True)  # "ok let me think about it" is no yes
        if r.intent == "book" and len(r.services) > 1 and r.has_when:
            r = _apart(text, context, r)
        return r
    except Exception:  # the dialogue must never crash on a message; the reading is just empty
        return Reading(intent="other", lang=context.lang or "en")


_GREETING_FIRST = re.compile(
    r"\W*(?:(?:good (?:morning|afternoon|evening|day)|guten (?:morgen|tag|abend)|gr(?:ü|ue)(?:ß|ss) gott|moin moin"
    r"|(?:hi|hello|hey) there)(?:\s+(?:everyone|all|zusammen|team|guys|folks))?[\s,.!]+"
    r"|(?:hi+|hello+|hey+|hallo+|moin|servus|morning|hiya|heya|tach)(?:\s+(?:there|everyone|all|zusammen|team|guys"
    r"|folks))?\s*[,.!]+\s*)", re.IGNORECASE)
_WORDS_AFTER = re.compile(r"[^\W\d_]{2,}\W+[^\W\d_]{2,}")
"""A greeting before a message of its own, taken off before it is read: "morning" or "good" in it are no time and
no yes."""


_AND_THEN = re.compile(r"\s*(?:,\s*)?\b(?:and|und|plus)\s+(?:then\s+|dann\s+|also\s+|auch\s+|noch\s+)?", re.IGNORECASE)


def _apart(text: str, context: Context, r: Reading) -> Reading:
    """"A beard trim with Tom tomorrow at 9 and a haircut with Sarah on Saturday at 11": two bookings, each with its
    own day, time and person, not two services one after the other at the first's time. The first is the reading;
    the others are `then`. Where the parts do not each name a service and a day or time, the reading as it was."""
    for m in _AND_THEN.finditer(text):
        first, second = _read(text[:m.start()], context), _read(text[m.end():], context)
        if first.service is None or second.service is None or first.service == second.service and not (
                second.staff and second.staff != first.staff):
            continue
        if not (first.has_when and (second.date is not None or second.start is not None)):
            continue  # "a haircut and a beard trim tomorrow at 9": one visit, one after the other
        if len(first.services) > 1 or len(second.services) > 1:
            continue
        return replace(first, then=((second.service, second.staff, second.date, second.time),))
    return r


_EMOJI_WORDS = lexicon.EMOJI_WORDS
_EMOJI_TRIM = re.compile("[\U0001F3FB-\U0001F3FF\uFE0F!. \t\n]+")  # skin tones, variation selector


def _read(text: str, context: Context) -> Reading:
    text = text[:MAX_CHARS]
    if len(text) <= 12 and not text.isascii():
        bare = _EMOJI_TRIM.sub("", text)
        if bare and bare[0] in _EMOJI_WORDS and bare == bare[0] * len(bare):
            text = _EMOJI_WORDS[bare[0]]  # "👍", "👍🏽👍": yes
    low, norm = normalize(text)
    email = entities.find_email(text)
    if email:  # "jana.k@gmx.de" says no "ja", "anna.1990@web.de" no year: the address is read as one, nothing else
        low, norm = low.replace(email.casefold(), " "), norm.replace(email.casefold(), " ")
    lang = context.lang if context.lang in ("en", "de") else detect(norm)
    vocab = context.vocabulary
    expecting = context.expecting

    said_when = _CLOSING_DAY.sub(" ", norm) if _CLOSING_DAY_CUES.search(norm) else norm  # "that's all for today"
    when = resolve(said_when, context.now, lang, vocab.opening_hours, bare_number_is_time=expecting == "when") \
        if said_when.strip() else NOTHING
    service = entities.find_service(text, low, vocab, lenient=expecting == "service")
    elsewhere = context.asks_another_thing  # a bare name then is more likely the customer's own
    staff = entities.find_staff(text, low, vocab, lenient=expecting == "staff", cued=elsewhere)
    if staff is not None and ("not" in low or "nicht" in low or "instead" in low or "statt" in low or "rather" in low):
        staff = _not_them(low, vocab, staff)  # "yes but not with Tom, with Sarah": Sarah
    staff_text = staff.text if staff else entities.find_provider(text, leading=not elsewhere)
    if staff is None and staff_text and service and (staff_text.casefold() in service.text.casefold()
                                                     or _service_then_a_day(service.text, staff_text)
                                                     or entities.names_only_services(staff_text, vocab)):
        staff_text = None  # "einen Termin zum Färben": the capitalised noun is the service, not a person
    any_staff = entities.any_staff(norm)
    if staff is not None and (" or " in norm or " oder " in norm) and _either_of_the_team(low, vocab, staff.id):
        staff, staff_text, any_staff = None, None, True  # "with Sarah or Tom, whoever is free first": either
    number = entities.find_number(norm)
    phone = entities.find_phone(text)
    name = entities.find_name(text, expecting_name=expecting == "name")
    if name is None and expecting == "name" and (email or phone):
        # "Jan Becker, jan@example.de": the name is what is left without the address
        rest = text.replace(email or "\0", " ").replace(phone or "\0", " ").strip(" ,;")
        name = entities.find_name(rest, expecting_name=True)
    if expecting == "staff" and staff_text is None and not any_staff and name is None:
        staff_text = entities.find_name(text, expecting_name=True)
    if staff_text and name and staff_text in name:
        if elsewhere and staff is not None:
            staff = None  # "I'm Tom" while times are offered introduces the customer
        staff_text = None if staff is None else staff_text

    has_when = when.date is not None or when.time is not None or when.start is not None
    if elsewhere and name is None and staff is None and service is None and not has_when and number is None:
        name = entities.bare_full_name(text)  # "Anna Schmidt" answering "which time?": the customer, not the team
        staff_text = None if name else staff_text  # ("Herr Müller", whom the team does not have)
    # "anyone is fine" answers a question about staff; "hello, anyone there?" asks for nobody
    anyone = any_staff and (expecting is not None or service is not None or has_when
                            or _BOOK_WEAK.search(norm) is not None or _APPT_WORD.search(norm) is not None)
    topic = _topic(text, norm, vocab.faq.get(lang, ()), has_service=service is not None, has_when=has_when)
    if topic in (None, "late") and any(w in norm for w in _LATE_WORDS) and _LATE_WORD.search(norm) \
            and _LATE_WHAT_IF.search(norm):
        topic = "late_policy"  # "what if I'm late?": what happens then, not word that they are
    if topic in (None, "late", "late_policy") and any(w in norm for w in _LATE_WORDS + _BEHIND_WORDS) \
            and _THEY_ARE_LATE.search(norm):
        topic = "faq"  # "will Sarah text me if she runs late?": the business's answer, or where to ask
    if ("why" in norm or "warum" in norm or "wieso" in norm or "weshalb" in norm) and (why := _WHY_CHANGED.match(norm)):
        # "why was my appointment cancelled?": nothing to do but answer; "why can't I cancel?": the rule
        topic = "cancellation_policy" if why.group("cannot") else "faq"
    if topic == "note" and not (_NOTE_ELSEWHERE.isdisjoint(note_words := _WORD.findall(norm))
                                and lexicon.OTHER_DOMAIN_WORDS.isdisjoint(note_words)):
        topic = None  # "make a note for my next oil change", "note that I'm travelling abroad": not for the salon
    if topic is None and _ABOUT_ASSISTANT.match(norm):
        topic, staff, staff_text = "assistant", None, None  # "are you a bot?": said plainly, every time it is asked
    exact = service is not None and _named_exactly(service.text, vocab.services.get(service.id, ()))
    near_miss = service is not None and not exact  # a service only near-missed ("Friseur" for "Frisur") names none
    if topic is None and not has_when and (service is None or near_miss) and (
            service is None and staff is not None and _ABOUT_STAFF.match(norm)
            or staff_text is None and any(w in norm for w in _TEAM_WORDS) and _ABOUT_TEAM.search(norm)):
        topic = "staff"  # "who is Tom?", "who works there?": the team, not a booking with them
        service = None if near_miss else service
    intent = _decide(norm, has_when=has_when, has_clock=when.time is not None,
                     has_staff=bool(staff_text) or anyone, known_staff=staff is not None or anyone,
                     has_service=service is not None, expecting=expecting,
                     has_contact=bool(email or phone or name), topic=topic,
                     exact_service=exact,
                     only_services=service is not None and entities.names_only_services(text.strip(" .!?"), vocab))
    if intent == "affirm" and topic is None and "?" in norm and _ASKS_TOO.search(norm) and not _IS_THAT_OK.match(norm):
        topic = "faq"  # "is that ok if I bring my son?", "fine, is Tom good with curly hair?": a question, not only a yes
    if topic is None and service is not None and not has_when and _ASKS_ABOUT_IT.search(norm) and (
            _ABOUT_THE_SERVICE.search(norm) and (intent == "other" or intent == "book" and staff_text is None
                                                 and not _BOOK_SLOT.search(norm))
            or intent == "other" and _QUESTION_FIRST.match(norm)) \
            and exact and _plain(service.text) and not _searches(norm) and not _ASKS_FOR_A_TIME.search(norm):
        # "is coloring safe during pregnancy?": the business's answer, or where to ask; "what is a Herrenschnitt?": ours
        topic, intent = "services" if _WHAT_IS.search(norm) else "faq", "info"
    if not has_when and ("question" in norm or "frage" in norm or " ask" in norm) and \
            (asked := _ANNOUNCES_QUESTION.match(norm)) is not None:
        if _ASKED_TOO.search(asked.group("about") or ""):  # "a question about colouring, is it safe when pregnant?"
            if service is not None and intent in ("book", "other") and not _BOOK_SLOT.search(norm):
                intent, topic = "info", "faq"  # the question itself: the business's answer, or where to ask
        elif service is not None and asked.group("about"):
            intent, topic = "info", "services"  # "a question about the colouring": what it is, then their question
        elif service is None and staff is None and not asked.group("about"):
            intent = "help"  # "I have a question": what can be asked here
    swap_to, swapped = None, None
    if service is not None and intent in ("book", "reschedule", "other", "info", "affirm") and \
            (swapped := swap.swap(low, vocab)) is not None:
        old, new = swapped
        if expecting is None:  # "can I change my haircut to a beard trim?": that booking of theirs, as another service
            intent, swap_to = "reschedule", new
            service = (service if service.id == old else entities.Match(old, old, 0)) if old else None
        else:  # "make it a coloring instead" while one is being booked: the service of that booking
            service = service if service.id == new else entities.Match(new, new, 0)
            if intent == "info" and topic == "faq":  # "kann ich statt Haarschnitt auch Bart machen lassen?"
                intent, topic = "book", None
    said = when
    of_day = None
    if intent == "reschedule" and when.date is not None and (named := _BOOKING_DAY.search(norm)) is not None:
        target = _TARGET_AFTER.search(norm, named.end())
        its_day = resolve(named.group(0), context.now, lang, vocab.opening_hours).date or said.date
        if target is None:
            when, of_day = NOTHING, its_day  # "can we reschedule tomorrow's appointment?": which booking, not where
        else:  # "move my Saturday appointment to 12": that booking, to 12 on its day unless another day is said
            to = resolve(norm[target.end():], context.now, lang, vocab.opening_hours, bare_number_is_time=True)
            if to.date is None and to.start is None and to.time is not None:
                when, of_day = replace(NOTHING, date=its_day, time=to.time), its_day
            elif to.date is not None or to.start is not None:
                when, of_day = to, its_day
    of_hours = None
    if intent in ("reschedule", "cancel") and of_day is None and (named := _BOOKING_HOURS.search(norm)) is not None \
            and (of_hours := _hours_of(resolve(next(g for g in named.groups() if g), context.now, lang,
                                                vocab.opening_hours, bare_number_is_time=True))) is not None:
        # "move the afternoon one to Friday", "cancel the 3pm one": which booking, by its hours
        if intent == "reschedule":  # and where it goes: what follows "to", else what follows the pointer
            target = _TARGET_AFTER.search(norm, named.end())
            rest = norm[target.end() if target is not None else named.end():]
            when = resolve(rest, context.now, lang, vocab.opening_hours, bare_number_is_time=True)
    if intent == "reschedule" and said.time is not None and _INSTEAD.search(norm) and (
            rest := _AFTER_CANCELLING.search(norm)) is not None:
        # "cancel my 10am tomorrow and book 3pm instead": the time after the cancelling is where it goes
        instead_at = resolve(rest.group("rest"), context.now, lang, vocab.opening_hours)
        if instead_at.time is not None and instead_at.time != said.time:
            when = replace(said, time=instead_at.time, date=instead_at.date or said.date, start=None, end=None, daily=None)
    undo = intent in ("cancel", "deny", "other", "book", "affirm") and any(w in norm for w in _UNDO_WORDS) \
        and _UNDO_CANCEL.search(norm) is not None
    if undo and any(w in norm for w in ("cancel", "absag", "storn", "versehen")):
        intent, topic = "book", None  # "I didn't mean to cancel that": the booking just cancelled, again (asked first)
    unlisted = _unlisted(norm, topic)
    if intent == "book" and service is None and (" done" in norm or "lassen" in norm) \
            and (done := _GET_DONE.search(norm)) is not None \
            and (thing := done.group("x") or done.group("x2")) not in _GENERIC_THINGS:
        unlisted = thing  # "can I get my eyebrows done?", "Augenbrauen zupfen lassen": something the business does not list
    if intent == "cancel" and service is None and staff is None:
        unlisted = _elsewhere_named(norm)  # "cancel my hotel reservation": the dialogue says that is not booked here
    if intent == "book" and not has_when and staff is None and not anyone and _searches(norm):
        intent = "availability"  # "find me a dentist nearby", "I'd like one in Fremont": a search, nothing to book yet
    if topic == "late" and when.time is None and (away := _MINUTES_AWAY.search(norm)):
        amount = away.group(1) or away.group(2)
        there = context.now + timedelta(minutes=_AWAY_MINUTES.get(amount) or int(amount))
        when = replace(when, date=there.date(), time=there.time().replace(second=0, microsecond=0, tzinfo=None))
    if number is not None and expecting == "when" and when.time is not None:
        number = None  # "3" when asked for a time is 15:00, not option 3
    every = _every_days(norm) if service is not None and intent in ("book", "other") else None
    if every and intent == "other":
        intent = "book"  # "haircut every other week", "alle 6 Wochen Haarschnitt": a series asked for
    recurring = intent == "book" and (bool(every) or any(w in norm for w in _RECURRING_WORDS)
                                      and _RECURRING.search(norm) is not None)
    if recurring and when.start is not None and when.date is None and _STARTING_DAY.search(norm):
        # "every 4 weeks, starting Friday at 10": the first of the series is that Friday, not a week from it
        when = replace(when, date=when.start.date(), start=None, end=None, daily=None)
    same_person = _SAME_STAFF.search(norm) if staff is None and not any_staff and any(
        w in norm for w in _SAME_STAFF_WORDS) else None
    said = norm[:same_person.start()] + " " + norm[same_person.end():] if same_person else norm  # (the person, not the service)
    usual = service is None and expecting in (None, "service") and any(w in said for w in _USUAL_WORDS) \
        and _USUAL.search(said) is not None  # (answering "when?", "the usual" is a time we do not know)
    same_again = usual or service is None and any(w in said for w in _SAME_WORDS) and _SAME_AGAIN.search(said) is not None
    if not same_again and service is None and not has_when and any(w in norm for w in _TOO_WORDS) \
            and _ONE_FOR_THEM.search(norm) and party.for_others(norm) == 1:
        same_again = True  # "can my son get one too?", "kann mein Sohn auch einen bekommen?": what is booked, for them
        if intent in ("affirm", "other"):
            intent, topic = "book", None  # ("yes, and can my son get one too?": no question for the business)
    if usual and intent in ("other", "affirm", "availability"):
        intent = "book"  # "book me in for my usual", "wie immer bitte": the service booked last time
    same_staff = same_person is not None
    if same_staff and intent in ("other", "affirm"):
        intent = "book"  # "with the same person as last time please"
    # "a haircut for my husband": read once, for a booking (or what may become one) only
    others = party.for_others(norm) if same_again or intent in ("book", "availability") or expecting in (
        "name", "when", "service", "staff") or intent == "affirm" and (service is not None and expecting is None
                                                               or expecting == "confirm") \
        else 0  # ("it's for my boyfriend" answering when: said of the booking; "yes, for my son" of the one asked)
    if others and intent == "affirm" and expecting is None:
        intent = "book"  # "great, can my mum get a haircut at the same time?": a booking for her
    if same_again and intent == "other" and (has_when or _AGAIN.search(norm) or others):
        intent = "book"  # "and the same for my husband", "dasselbe nochmal in 4 Wochen": the service just booked
    if others and intent in ("other", "affirm") and expecting in ("when", "service", "staff"):
        intent = "book"  # "it's for my boyfriend" answering when: who the booking under way is for
    others = others if intent in ("book", "availability") or expecting == "name" \
        or intent == "affirm" and expecting == "confirm" else 0
    if others == 1 and name is None:
        name = party.named_other(text)  # "a haircut for my son Leo": his name, for his booking
    if name and intent == "thanks" and _WISH.search(norm):
        name = None  # "Frohe Feiertage!" answering "what name?": a wish, not a name
    their = party.their_name(text)
    theirs = party.their_names(text)
    if theirs and name and any(n.casefold() in name.casefold() for n in theirs):
        name = None  # ("their names are Max and Leo")
    if theirs and staff is None and staff_text and any(staff_text.casefold() in n.casefold() for n in theirs):
        staff_text = None
    if their and name and others != 1 and their.casefold() in name.casefold():
        # "her name is Emma", "she's called Emma": not the customer's, who may say theirs too ("…, ich bin Sabine")
        rest = re.sub(re.escape(their), " ", text, flags=re.IGNORECASE)
        name = entities.find_name(rest, expecting_name=False) if _I_AM.search(rest) else None
        name = None if name and their.casefold() in name.casefold() else name
    if their and staff is None and staff_text and staff_text.casefold() in their.casefold():
        staff_text = None  # ("she is called Mia": no one of the team asked for)
    return Reading(
        intent=intent, lang=lang,
        service=service.id if service else None, service_text=service.text if service else unlisted,
        staff=staff.id if staff else None, staff_text=staff_text, any_staff=any_staff,
        services=() if swapped else entities.find_services(low, service, vocab),
        party=entities.find_party(norm) or (others if others > 1 else None), for_others=others,
        same_again=same_again and intent in ("book", "availability"),
        same_staff=same_staff and intent in ("book", "availability"),
        swap_to=swap_to, recurring=recurring,
        date=when.date, time=when.time, start=when.start, end=when.end, daily=when.daily, unclear=when.unclear,
        not_days=when.not_days,
        also=when.also if intent == "book" and not _FREE_WORD.search(norm) else (),  # not "are you free Mon and Wed?"
        name=name, email=email, phone=phone, number=number, of_day=of_day, of_hours=of_hours, undo=undo, their_name=their,
        their_names=theirs,
        topic=topic if intent in ("info", "affirm") else None, every_days=(every or _every_days(norm)) if recurring else None,
        late_by=late_by(low) if topic == "late" and intent == "info" else None,  # "10 minutes late"
    )


def _decide(n: str, *, has_when: bool, has_clock: bool, has_staff: bool, known_staff: bool, has_service: bool,
            expecting: str | None, has_contact: bool, topic: str | None = None, exact_service: bool = False,
            only_services: bool = False) -> Intent:
    if not n or not any(ch.isalnum() for ch in n):
        return "other"
    if "thank" in n or "danke" in n:
        n = _GRATITUDE_FOR.sub(r"\g<thanks>", n)  # "thanks for helping me book": the booking is what they thank for
    if topic == "assistant":
        return "info"  # "am I talking to a real person?" asks what this is; the answer says how to reach one
    if _HANDOFF.search(n):
        return "handoff"
    if _HELP_ONLY.match(n):
        return "help"
    if _GREET_ONLY.match(n) or _STILL_THERE.match(n):
        return "greet"
    if any(w in n for w in _WISH_WORDS) and _WISH_ONLY.match(n) and _WISH.search(n):
        return "thanks"  # "merry Christmas!": a courtesy, said back (`wishes`)
    aff_lead = _AFFIRM_LEAD.match(n) is not None
    if aff_lead and _YES_THEN_NO.match(n):
        return "deny"  # "ja nee, lieber doch nicht", "yeah no", "ok, actually no": a no, said after a filler yes
    deny_lead = _DENY_LEAD.match(n) is not None and not aff_lead
    appt_context = _APPT_WORD.search(n) is not None or has_service
    negated = _NEGATION_PIECES.search(n) is not None and _NEGATED_ACTION.search(n) is not None

    if ("confirm" in n or "bestätig" in n) and _RESEND.search(n) \
            and lexicon.OTHER_DOMAIN_WORDS.isdisjoint(_WORD.findall(n)) and not _OTHER_STRONG.search(n):
        return "list"  # "can you send me the confirmation again?": what is booked, shown again
    if topic == "parking" and (_ASKS.match(n) or _PARK_QUESTION.search(n)) \
            or topic in ("reminders", "late", "late_policy", "confirmation", "arrived", "note", "waitlist") \
            or topic == "payment" and _PAY_WITH.search(n) \
            or topic == "faq" and _advice(n, has_when, has_service) \
            or topic == "address" and _GETTING_HERE.search(n) \
            or topic == "faq" and (_FACT.search(n) or _THEY_ARE_LATE.search(n) or _WHY_CHANGED.match(n)):
        return "info"  # "is there a car park?", "will I get a reminder?", "how do I get there by train?": about this
        # business, in other assistants' words
    if expecting is None and ("nicht" in n or "n't" in n or "not" in n or "no longer" in n) and (
            _I_CANT_AFTER_ALL.match(n) or (has_when or _FOR_ME.search(n)) and _NO_LONGER_SUITS.search(n)):
        return "cancel"  # "Freitag klappt bei mir doch nicht", "friday doesn't work for me anymore": which one, asked
    if expecting is None and not has_clock and not has_service and ("when" in n or "wann" in n or "what time" in n
                                                                     or "uhr" in n) and _WHEN_TO_ARRIVE.search(n):
        return "list"  # "what time should I arrive?", "um wie viel Uhr muss ich kommen?": when their booking is
    if expecting is None and not has_clock and ("remember" in n or "recall" in n or "forgot" in n or "nicht mehr" in n
                                                or "vergessen" in n) and _FORGOT_WHEN.search(n) \
            and (has_service or any(w in n for w in ("book", "appointment", "termin", "gebucht"))):
        return "list"  # "I booked a haircut but can't remember the time", "weiß die Uhrzeit nicht mehr": their bookings
    # "don't add the event, book the appointment": the event is off the table
    rest = _DECLINED_OTHER.sub(" ", n) if _DECLINED_NOUN.search(n) else n
    if _OTHER_STRONG.search(rest):
        return "other"
    booking_noun = _BOOKING_STEM.search(n) is not None
    words = _WORD.findall(rest)
    if booking_noun and _CANCEL_RESERVATION.search(n) and not _KEEP.search(n) and not (has_when and _INSTEAD.search(n)) \
            and topic != "cancellation_policy":
        return "cancel"  # "get rid of my 2 pm reservation", "the booking is no longer needed"
    if not appt_context and not (has_when and _BOOK_SLOT.search(n)) and (
            not lexicon.OTHER_DOMAIN_WORDS.isdisjoint(words) or _OTHER_DOMAIN.search(rest)):
        return "other"
    if booking_noun and _TAKES_RESERVATIONS.search(n):
        return "other"  # "does the diner take reservations?": a question about some place, not a request
    if booking_noun and not aff_lead and (expecting != "confirm" and _CHECK_BOOKING.search(n) or _HAVE_BOOKING.search(n)):
        return "list"  # "do I have a reservation for Friday?", "make sure my booking is still on" (at the confirmation
        # "confirm my appointment" is a yes)
    if "left" in n or "übrig" in n or "uebrig" in n:
        if _WHATS_LEFT.match(n):
            return "list"  # "what's left?" after a cancel: what they still have booked
    some = not aff_lead and _ANYTHING_WORD.search(n) is not None  # "anything", "etwas": worth the searches below
    anything = _HAVE_ANYTHING.search(n) if some else None
    if anything is not None and (
            has_when or anything.group().startswith("hab") or not (after := n[anything.end():].strip(" ,?.!"))
            or _HAVE_ANYTHING_AS.match(after)):
        return "list"  # "do I have anything on Friday?": what they have booked (not what is free: that is "you")
    if some and not has_when and not has_service and _HAVE_ANYTHING_TO.search(n):
        return "other"  # "do I have anything to bring?": a question about the visit (as "do I need to bring anything?")
    if not exact_service and not known_staff and not aff_lead and _elsewhere(rest, words):
        return "other"  # "a reservation for two at the diner", "an appointment for an oil change", "book a hotel room"
    if not (_APPT_STRICT.search(n) or exact_service) and topic is None and not aff_lead and not deny_lead \
            and not _asks_for_slot(n, has_when) and _foreign(rest, words):
        return "other"  # "how much did I spend last week", "set up direct deposit": another assistant's job
    if topic == "cancellation_policy":
        return "info"  # "can I cancel for free?" asks about the rule, it cancels nothing
    if expecting is None and has_when and _CANT_THEN.search(n) and _ANOTHER_TIME.search(n) and not _CANCEL_WORD.search(n):
        return "reschedule"  # "heute kann ich nicht, geht es auch morgen?" with nothing asked: their booking moves
    if expecting is None and has_when and not negated and _CANCEL_WORD.search(n) and _INSTEAD.search(n):
        return "reschedule"  # "cancel today, can we do tomorrow instead?": a move, so they are never left with neither
    if _CANCEL.search(n) and not negated:
        if has_when and not _CANCEL_WORD.search(n) and _ANOTHER_TIME.search(n):
            return "reschedule"  # "I can't make it today, can we do tomorrow same time?": another time, not none
        obj = _OBJECT_OTHER.search(n)
        if obj and not has_service and not _own_object(obj.group("obj"), obj.group("then")):
            return "other"
        return "cancel"
    if _RESCHEDULE.search(n) and not negated and (
            has_when or appt_context or _MOVE_OBJECT.search(n) or _RESCHEDULE_ALONE.search(n)):
        return "reschedule"
    shown = _LIST_WHEN.search(n) if has_when else None  # "my bookings on Friday": "bookings" is not a request
    if _LIST_BOOKED.search(n) or _LIST.search(n) and not has_when and not _BOOK_STRONG.search(n) or \
            shown is not None and not _BOOK_STRONG.search(n[:shown.start()] + " " + n[shown.end():]):
        return "list"
    if negated:
        return "deny"
    info = _INFO.search(n) is not None
    book_strong = _BOOK_STRONG.search(n) is not None
    book_weak = book_strong or _BOOK_WEAK.search(n) is not None
    avail = _AVAIL.search(n) is not None
    if _SEE_YOU.search(n) and not book_weak and not avail and not has_service:
        if expecting == "confirm" and not _LEAVING.search(n):
            return "affirm"  # "perfect, see you Saturday!" to "shall I book ...?": looking forward to it is a yes
        return "bye"  # "see you Tuesday then!"
    if topic and not aff_lead and not deny_lead and (not book_strong or _ASKS.match(n)) and (
            topic == "hours" or not has_when or not book_weak):
        return "info"  # "how much is a haircut?", "are you open on Saturday?": a question, not a request
    if deny_lead:
        if has_when or (known_staff and not info) or book_strong or (book_weak and _APPT_NOUN.search(n)):
            return "book"
        if has_staff and not info:
            return "book"
        if avail and not info and not _NOTHING_ELSE.search(n):
            return "availability"
        return "deny"
    if aff_lead:
        if expecting == "confirm" and not (has_when or known_staff):
            if _LEAVING.search(n) and not _PLAIN_YES.match(n) and not _ACCEPT_ONLY.search(n):
                return "bye"  # "ok thanks bye" to "cancel it?": a goodbye, nobody said yes to cancelling
            return "affirm"
        if topic == "hours" and has_when and expecting != "confirm" and not book_strong and _ASKS.match(_after_yes(n)):
            return "affirm"  # "super. und habt ihr am 24. offen?": an ok, then a question of its own (not a booking)
        if not (has_when or known_staff) and (_ACCEPTED.search(n) or _chooses_offered(n)):
            return "affirm"  # "yes, confirmed", "yes, I'd like to go with this one": the answer to what is offered
        if info:
            return "affirm"  # "yes, and what's the address?": the answer counts, the question is info
        if not has_when and not book_weak and _BYE.search(n):
            return "bye"
        if has_when or (book_strong and _APPT_NOUN.search(n)):
            return "book"
        if _ACCEPT_ONLY.search(n):
            return "affirm"  # "yes, book it": the answer to a confirmation
        if book_weak:
            return "book"
        courtesy = _courtesy(n)
        if courtesy and _BARE_COURTESY.match(_strip_affirm(n)):
            return courtesy
        return "affirm"
    if expecting in ("when", "staff", "service") and (has_when or has_staff or has_service):
        return "book"
    if not (has_when or known_staff or has_service) and _chooses_offered(n) and not _NOT_THAT.search(n):
        return "affirm"  # "I want to go to this dentist", "I'd like to take that appointment": choosing what was offered
    if book_strong:
        return "book"
    if avail:
        if has_clock or (has_when and book_weak and not _FREE_WORD.search(n)):
            return "book"  # asking about one exact time is asking for that slot
        if info and not has_when:
            return "other"
        return "availability"
    if info and not has_when:
        return "other"
    if has_when:
        if not appt_context and not has_staff and not book_weak and (courtesy := _courtesy(n)):
            return courtesy  # "thanks for your help today"
        if not appt_context and not has_staff and expecting is None and _FACT_QUESTION.match(n) and not (
                book_weak and _AVAIL_SLOT.search(n)):  # "what's the latest I can come in on Friday?" asks for a visit
            return "other"  # "what will the traffic be like at 5", "how hot will it be tomorrow": a question, no request
        return "book"
    if _SELECT.search(n) and not _APPT_NOUN.search(n) and not _NOT_THAT.search(n):
        return "affirm"  # choosing one of the options offered
    if _NOT_THAT.search(n) and not has_when and not book_weak:
        return "deny"  # "not that one"
    if book_weak and not _PROVIDER_SEARCH.search(n):
        return "book"
    if book_weak:
        return "availability"
    if has_service and (_WANT.search(n) or only_services):
        return "book"  # "a haircut please"; "haircut and beard", "Färben": services named and nothing else
    if known_staff:
        return "book"
    if has_staff:
        return "availability"  # a provider named without a time: look them up, do not book yet
    courtesy = _courtesy(n)
    if courtesy:
        return courtesy
    if _GREET.search(n):
        return "greet"
    if _HELP.search(n):
        return "help"
    if _AFFIRM.search(n):
        return "affirm"
    if _DENY.search(n):
        return "deny"
    return "other"


def _own_object(word: str, then: str | None) -> bool:
    """Whether "cancel the <word> <then>" can name the customer's booking: "the appointment", "the second one", not
    "my last request" or "the car rental"."""
    if _APPT_WORD.search(word) or word in _BOOKING_ITSELF:
        return True
    return (word in _POINTING or word in _DAY_OF_IT or word[:1].isdigit()) and (
        then is None or then in _BOOKING_ITSELF or _APPT_WORD.search(then) is not None)


# "cancel the saturday one", "cancel the 4pm appointment", "cancel tomorrow's": a booking named by its day or time
_DAY_OF_IT = frozenset((*lexicon.WEEKDAYS, *(d + "'s" for d in lexicon.WEEKDAYS), "today's", "tomorrow's", "morning",
                        "afternoon", "evening"))


def _chooses_offered(n: str) -> bool:
    """Whether the message only picks what was offered ("I want to go to this dentist"), asking for nothing more."""
    m = _THIS_ONE.search(n)
    if m is None or _BOOK_STRONG.search(n):
        return False
    rest = n[:m.start()] + " " + n[m.end():]
    return _BOOK_WEAK.search(rest) is None


def _searches(n: str) -> bool:
    """Whether the message looks for a provider or a place ("a dentist in San Jose") rather than asking for a time."""
    return _SEARCH.search(n) is not None


def _elsewhere(n: str, words: Sequence[str]) -> bool:
    """Whether the text names a thing booked elsewhere (a restaurant table, a flight, a hotel room, a car)."""
    return not lexicon.ELSEWHERE_WORDS.isdisjoint(words) or _ELSEWHERE_THING.search(n) is not None


def _elsewhere_named(n: str) -> str | None:
    """The thing booked elsewhere a message names ("hotel", "table", "dinner reservation"), or None."""
    for word in _WORD.findall(n):
        if word in lexicon.ELSEWHERE_WORDS:
            return word
    m = _ELSEWHERE_THING.search(n)
    return m.group(0).strip() if m else None


def _foreign(n: str, words: Sequence[str]) -> bool:
    """Whether the text names another assistant's subject (money, travel, food, the device, facts)."""
    return not lexicon.FOREIGN_WORDS.isdisjoint(words) or _FOREIGN.search(n) is not None


def _asks_for_slot(n: str, has_when: bool) -> bool:
    """A day or time asked for in booking words: "how about 11:15? it's my day off" still wants that slot."""
    return has_when and _AVAIL_SLOT.search(n) is not None


def _named_exactly(said: str, names: Sequence[str]) -> bool:
    """Whether the service was named as the business spells it, not matched as a near-miss ("board")."""
    said = said.casefold()
    return any(said == name.casefold() or said.startswith(name.casefold() + " ") for name in names)


def _plain(said: str) -> bool:
    """Whether a service named exactly was named by words that name nothing else: several words or a long one
    ("haircut", "hair colour"), not an everyday word that is one of its synonyms ("color", "cut")."""
    return " " in said.strip() or len(said.strip()) >= 7


# a price asked on its own, of what is under way or was just booked: "how much?", "was kostet der Spaß?"
_PRICE_ALONE = re.compile(
    _LEAD + r"(?:and |und |so |also |ok |okay )?(?:how much(?: is (?:it|that|this|hers|his)| will (?:it|that|hers|his) be"
    r"| would (?:it|that|hers|his) be"
    r"| do i (?:have to )?pay| do i owe you| does (?:it|that) (?:all )?cost)?|what(?:'s| is| will be) the (?:damage|price|cost|total)"
    r"|what does (?:it|that|this) (?:all )?come to|was kostet (?:der spa(?:ß|ss)|mich das|das(?: dann)?|es|beides|alles)"
    r"|wie ?viel (?:kostet (?:es|das)(?: dann)?|muss ich (?:dann |da )?(?:zahlen|bezahlen)|macht das)"
    r"|was macht das|was (?:muss ich )?(?:zahl|bezahl)e? ich(?: dann)?)"
    # the sum of what was just booked: "how much for both?", "what does that come to together?", "zusammen?"
    r"(?:,? (?:together|in total|altogether|all together|for both|for the two|for everything|all in all|zusammen"
    r"|insgesamt|alles zusammen|für beide|fuer beide|f(?:ü|ue)r alles))?\W*$")

# how long it takes, asked on its own of what was just talked about or booked: "how long does it take?"
_DURATION_ALONE = re.compile(
    _LEAD + r"(?:and |und |so |also |ok |okay )?(?:how long (?:does|will|would) (?:it|that|this|one) (?:usually |normally )?take"
    r"(?: usually| normally| actually| roughly| about)?"
    r"|how long is (?:it|that|one)|how long will (?:i|we) be (?:there|here|in the chair|with you)|how much time (?:does|will)"
    r" (?:it|that) take|how long will (?:it|that|this|everything|it all) take"
    r"|wie lange (?:dauert|braucht|geht) (?:das|es|so was|sowas|der spa(?:ß|ss))(?: denn| ungef(?:ä|ae)hr| etwa| so| eigentlich| dann)*"
    r"|wie lange (?:bin|sind) (?:ich|wir) (?:dann |denn )?(?:insgesamt |ungef(?:ä|ae)hr |etwa )*(?:da|bei euch|dort|bei ihnen))"
    r"(?:,? (?:together|in total|altogether|all together|for both|insgesamt|zusammen))?\W*$")


_DAY_WORD = "(?:today|tomorrow|tonight|heute|morgen|" + "|".join(lexicon.WEEKDAYS) + ")"
_BOOKING_DAY = re.compile(
    rf"\b{_DAY_WORD}'s (?:\w+ )?(?:appointment|booking|appt|haircut|session|visit|one)\b"
    rf"|\bmy {_DAY_WORD} (?:\w+ )?(?:appointment|booking|appt|session|visit)\b"
    rf"|\b(?:my|the) (?:\w+ )?(?:appointment|booking|appt|session|visit) (?:on |for |at )?(?:this |next )?{_DAY_WORD}\b"
    rf"|\b(?:meinen|den|unseren) (?:\w+ )?(?:termin|haarschnitt) (?:am |von |für |fuer )?{_DAY_WORD}\b"
    r"|\b(?:morgigen|heutigen) (?:termin|haarschnitt)\b"
    rf"|\bthe {_DAY_WORD} one\b|\b(?:den|die|das) (?:vom|von) {_DAY_WORD}\b")
_BOOKING_HOURS = re.compile(
    r"\b(?:the|my) (\d{1,2}(?::\d\d)? ?(?:am|pm|o'?clock)|\d{1,2}:\d\d|morning|afternoon|evening|lunchtime)"
    r" (?:one|appointment|booking|appt|slot|session|haircut|visit)\b"
    r"|\b(?:the|my) (?:one|appointment|booking|appt|slot|session|haircut|visit) (?:at|in the) "
    r"(\d{1,2}(?::\d\d)? ?(?:am|pm|o'?clock)?|morning|afternoon|evening)\b"
    r"|\b(?:den|meinen|die|das) (?:termin |haarschnitt )?um (\d{1,2}(?::\d\d)?(?: uhr)?)(?= |$)"
    r"|\b(?:den|meinen) (vormittags|nachmittags|abend)-?termin\b"
    r"|\b(?:den|die|das|meinen) (?:termin )?(?:am|vom) (vormittag|nachmittag|abend)\b")
"""A booking of the customer's pointed at by its hours: "the afternoon one", "the 3pm appointment", "the one at 10",
"den Termin um 15 Uhr", "den Nachmittagstermin"."""


def _hours_of(when: When) -> tuple[time, time] | None:
    """The local hours a resolved phrase names: a clock time (as from and until), or a part of the day."""
    if when.time is not None:
        return when.time, when.time
    if when.daily is not None:
        return when.daily
    if when.start is not None and when.end is not None and when.end - when.start <= timedelta(hours=12):
        return when.start.time(), (when.end - timedelta(minutes=1)).time()
    return None


_TARGET_AFTER = re.compile(r"\b(?:to|into|until|till|auf|nach|zu|for)\b")



def _either_of_the_team(low: str, vocab: Vocabulary, first: str) -> bool:
    """Whether another of the team is named after "or" / "oder" as well as `first` ("Sarah or Tom")."""
    for staff_id, names in vocab.staff.items():
        if staff_id != first and any(re.search(rf"\b(?:or|oder) (?:with |bei |mit )?{re.escape(name.lower())}\b", low)
                                     or re.search(rf"\b{re.escape(name.lower())} (?:or|oder)\b", low) for name in names):
            return True
    return False


def _service_then_a_day(service: str, run: str) -> bool:
    """"Haarschnitt Sa": a capitalised service noun with a day's abbreviation after it, not a name (a salon named
    "Tommy Cuts" stays one)."""
    rest = run.casefold().removeprefix(service.casefold())
    return rest != run.casefold() and len(rest.strip(" .")) <= 2


def _not_them(low: str, vocab: Vocabulary, found: entities.Match) -> entities.Match:
    """Of two of the team named, the one not ruled out ("not with Tom, with Sarah", "nicht bei Tom, sondern bei
    Sarah", "Sarah instead of Tom"); the one found where none is ruled out."""
    named = []
    for staff_id, names in vocab.staff.items():
        for name in names:
            if (m := re.search(rf"(?<!\w){re.escape(name.casefold())}(?!\w)", low)) is not None:
                named.append((m.start(), staff_id, name))
                break
    if len(named) < 2:
        return found
    ruled_out = {staff_id for at, staff_id, _ in named if _RULED_OUT.search(low[max(0, at - 16):at])}
    left = [(at, staff_id, name) for at, staff_id, name in named if staff_id not in ruled_out]
    if not ruled_out or len(left) != 1:
        return found
    at, staff_id, name = left[0]
    return entities.Match(staff_id, name, at)


_RULED_OUT = re.compile(r"(?:\bnot|\bnicht|instead of|\bstatt|anstatt|rather than|\bno)(?: (?:with|by|bei|mit|von|zu))?\s*$")
_I_AM = re.compile(r"\b(?:i'?m|i am|my name|mine is|ich bin|ich hei(?:ß|ss)e|mein name)\b", re.IGNORECASE)
# "how much will I pay?", "was muss ich zahlen?": the price of what they book or booked, not their own money
_WHAT_I_PAY = re.compile(
    r"\b(?:how much (?:will|do|would|should|shall|must|am) (?:i|we) (?:have to |need to |be )?(?:pay|paying|owe|charged)"
    r"|what (?:will|do|would|should) (?:i|we) (?:have to |need to )?pay"
    r"|(?:was|wie ?viel) (?:muss|werde|soll|darf) ich (?:dafür |dann |da |insgesamt )?(?:zahlen|bezahlen))"
    r"(?: (?:for (?:it|that|this|them|both|the \w+|my \w+|a \w+)|there|then|in total|altogether|all in all))?\W*$")
# "which one is quickest?", "was ist am günstigsten?": the price list answers (each service's price and length)
_CHEAPEST = re.compile(
    r"^\W*(?:(?:and|so|ok|okay|und|also|hmm+)\W+)?(?:what(?:'s| is)|which(?: one| service| treatment)?(?: is)?"
    r"|welche[rs]?(?: \w+)? ist|was ist)(?: (?:the|your|die|der|das|eure|ihre))?"
    r" (?:cheapest|least expensive|most affordable|quickest|shortest|fastest|am günstigsten|am billigsten|am schnellsten"
    r"|am kürzesten|günstigste|billigste|schnellste|kürzeste)[nrs]?(?: (?:service|treatment|option|one|thing|appointment"
    r"|you (?:have|do|offer)|leistung|behandlung|termin|angebot)s?)?(?: (?:here|you have|bei euch|bei ihnen))?\W*$")


# advice on what to have done: "what do you recommend for curly hair?", "which treatment is best for thin hair?",
# "was empfehlt ihr bei lockigen Haaren?" (not "who do you recommend?": the team)
_RECOMMEND = re.compile(
    r"\b(?:what|which)(?: \w+){0,2} (?:do|would|can|could) (?:you|y'?all|u) (?:recommend|suggest|advise)\b"
    r"|\b(?:what|which) (?:service|treatment|cut|haircut|colou?r|style|product|option)s? (?:is|are|would be|works?)"
    r" (?:the )?(?:best|good|right|better|ideal)\b"
    r"|\bwas (?:empfehlt|empfehlen|empfiehlst|würdet|würden|wuerdet|wuerden) (?:ihr|sie|du)\b"
    r"|\bwelche[rs]? (?:behandlung|leistung|farbe|frisur|schnitt|produkt)\w* (?:ist|wäre|waere|passt|eignet sich)"
    r" (?:am besten|gut|richtig|besser)\b")


_FOR_ONESELF = re.compile(  # what the advice is for: the customer, their hair, an occasion ("for a wedding")
    r"\b(?:for|bei|für) (?:my|me|a|an|curly|thin|thick|long|short|fine|dry|oily|grey|gray|sensitive|damaged|mein\w*|mich"
    r"|lockig\w*|dünn\w*|dick\w*|lang\w*|kurz\w*|fein\w*|trocken\w*|grau\w*|empfindlich\w*|einen|eine|ein)\b")


def _topic(text: str, n: str, faq_words: Sequence[str], *, has_service: bool, has_when: bool) -> str | None:
    """What a question about the business asks about (prices, hours, ...), or None."""
    if not n or _INFO_ELSEWHERE.search(n):
        return None
    if _PRICE_ALONE.match(n) or _DURATION_ALONE.match(n) or _CHEAPEST.match(n) or _WHAT_I_PAY.search(n):
        return "prices"  # the answer names the service's duration with its price
    if not has_when and ("recommend" in n or "suggest" in n or "advise" in n or "best" in n or "empf" in n
                         or "am besten" in n) and _RECOMMEND.search(n) and (has_service or _FOR_ONESELF.search(n)):
        return "faq"  # "what do you recommend for curly hair?": the business's own answer, or where to ask
    for topic, pattern in _INFO_TOPICS if _ANY_TOPIC.search(n) else ():
        if topic == "prices" and not has_service and _SELF.search(n):
            continue  # "how much have I spent": the customer's own money, not the business's prices
        if pattern.search(n) and (topic in _NEEDS_NO_POINTER or has_service or _POINTER.search(n)):
            return topic
    if has_service and _DURATION.search(n):
        return "prices"  # the answer names the service's duration with its price
    if faq_words and not has_when and ("?" in text or _QUESTION.search(n)) and _faq_pattern(tuple(faq_words)).search(n):
        return "faq"
    if _advice(n, has_when, has_service):
        return "faq"
    if not has_when and (has_service or _POINTER.search(n) or _UNSATISFIED.search(n)) \
            and ("?" in text or _QUESTION.search(n)) and _FACT.search(n):
        return "faq"  # "are you wheelchair accessible?", "welche Produkte benutzt ihr?": the business's answer, or none
    if not has_when and not has_service and any(w in n for w in _ALONG_WORDS) and _BRING_ALONG.match(n):
        return "faq"  # "can I bring my son along?", "darf ich meinen Hund mitbringen?": the business's answer, or none
    if not has_when and (_offered_thing(n) is not None or has_service and _asks_offer(_OFFER_SERVICE, n) is not None):
        return "services"  # "do you do nails?", "färbt ihr auch Haare?": what the business offers
    if not has_when and (m := _OFFER_ANY.match(n) or _HAVE_ANY.match(n)) and _OFFER_FACT.search(n[m.end():]):
        return "faq"  # "do you do walk-ins?", "bietet ihr Gutscheine an?": the business's own answer, or none
    if not has_service and any(w in n for w in _POLICY_WORDS) and _ASKS_POLICY.search(n):
        return "faq"  # "can I just walk in?", "do I need to pay a deposit?": the business's own answer, or none
    return None


_POLICY_WORDS = ("walk", "drop", "pop ", "without", "ohne", "spontan", "deposit", "advance", "upfront", "up front", "pre",
                 "anzahlung", "voraus", "vorab", "vorkasse", "early", "früh", "frueh", "gift", "voucher", "gutschein", "pay ")
_ASKS_POLICY = re.compile(
    r"\b(?:can|could|may) (?:i|we|you|one) (?:just |also )?(?:walk in|drop in|pop in|drop by|come in without (?:an |a )?"
    r"(?:appointment|booking)|come without (?:an |a )?(?:appointment|booking))\b"
    r"|\b(?:kann|darf|könnte|koennte|können|koennen) (?:ich|man|wir) (?:auch )?(?:einfach )?(?:so )?(?:mal )?"
    r"(?:ohne (?:einen )?termin|spontan) (?:kommen|vorbeikommen|vorbeischauen|reinkommen|vorbei)\b"
    r"|\b(?:geht|klappt) (?:es|das) (?:auch )?ohne termin\b"
    # "can I buy a gift card?", "kann ich einen Gutschein kaufen?"
    r"|\b(?:can|could|may) (?:i|we) (?:buy|get|purchase|order) (?:a |an |some )?(?:gift ?cards?|vouchers?|gift ?vouchers?"
    r"|gift certificates?)\b"
    r"|\b(?:kann|könnte|koennte|darf) (?:ich|man|wir) (?:bei euch |hier |auch )?(?:einen |eine |ein )?(?:geschenk)?gutschein\w*"
    r" (?:kaufen|bekommen|erwerben|bestellen)\b"
    # a deposit or paying ahead: "do I need to pay a deposit?", "muss ich eine Anzahlung leisten?"
    r"|\b(?:do|will|would|does) (?:i|we|you|one) (?:need to|have to|require|ask for|take|want) (?:pay |leave |put down |make )?"
    r"(?:a |any )?(?:deposit|pre-?payment|payment (?:in advance|upfront|up front))\b|\bis (?:there|a) (?:a )?deposit\b"
    r"|\b(?:do|will|would|should|must) (?:i|we) (?:need to |have to )?pay (?:upfront|up front|in advance|ahead|beforehand"
    r"|online|now|when (?:i|we) book)\b"
    r"|\b(?:a |any )?deposit (?:required|needed|necessary)\b"
    r"|\b(?:muss|müssen|muessen) (?:ich|man|wir) (?:\w+ )?(?:eine |etwas )?(?:anzahlung|vorauszahlung|vorab|im voraus)\b"
    r"|\b(?:braucht|brauche|nehmt|nehmen) (?:ihr |sie |ich |man )?(?:eine )?anzahlung\b"
    # arriving early: "I'll be 10 minutes early, is that ok?", "ich bin 10 Minuten früher da"
    r"|\b(?:i'?ll|i will|i'?m going to|we'?ll|we will) (?:probably |likely |prob )?be (?:a (?:bit|little) |\w+ (?:mins?|minutes) )?early\b"
    r"|\b(?:ich bin|wir sind) (?:wohl |vielleicht |etwas |ein bisschen |\w+ minuten )?(?:früher|frueher|zu früh|zu frueh) da\b")


_MINUTES_AWAY = re.compile(r"\b(\d{1,2}|five|ten|fifteen|twenty|thirty) ?(?:mins?|minutes) (?:away|out)\b"
                           r"|\bthere in (\d{1,2}|five|ten|fifteen|twenty|thirty)\b(?!\s*(?:hours?|hrs?|h\b|days?|weeks?))")
_AWAY_MINUTES = {"five": 5, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30}


def _advice(n: str, has_when: bool, has_service: bool = False) -> bool:
    """A question about how to come to the visit ("do I need to wash my hair before?"), not about booking it."""
    if has_when or _ADVICE_NOT.search(n) is not None:
        return False
    return _ADVICE.match(n) is not None and (has_service or _ADVICE_ABOUT.search(n) is not None) \
        or _ADVICE_ALONE.match(n) is not None


def topics_in(text: str) -> tuple[str, ...]:
    """Every topic whose words the text has, in the order they are asked, for a question that asks two things."""
    _, n = normalize(text[:MAX_CHARS])
    if not n or _INFO_ELSEWHERE.search(n) or not (_POINTER.search(n) or _QUESTION.search(n)):
        return ()
    found = [(m.start(), topic) for topic, pattern in _INFO_TOPICS if (m := pattern.search(n))]
    return tuple(topic for _, topic in sorted(found))


_GET_DONE = re.compile(
    r"\b(?:get|have|getting|having) (?:my|our|her|his|their|a|an|some|the) (?P<x>[a-z]+(?: [a-z]+)?) done\b"
    r"|\b(?:meine|mir die|mir meine|die|ihre|seine) (?P<x2>[a-zäöüß]+) (?:machen|zupfen|lackieren|wachsen|stechen) lassen\b")
_GENERIC_THINGS = frozenset("""hair hairs haare haar it that this them something anything stuff one things everything
appointment booking termin treatment behandlung work job jobs shopping errands laundry homework taxes paperwork
repairs""".split())


def _unlisted(n: str, topic: str | None) -> str | None:
    """The thing a "do you do nails?" asks for when it is none of the business's services."""
    return (_offered_thing(n) or None) if topic == "services" else None


def _offered_thing(n: str) -> str | None:
    """What "do you do nails?" asks the business to offer ("nails"; "" for "what do you offer?"), or None."""
    return _asks_offer(_OFFER_ANY, n)


def _asks_offer(pattern: re.Pattern[str], n: str) -> str | None:
    m = pattern.match(n)
    if m is None:
        return None
    rest = _OFFER_ENDS.sub("", _OFFER_FILLER.sub("", n[m.end():]).strip(" ?!.,"))
    if _OFFER_NOT.search(rest) or _OFFER_FACT.search(rest):
        return None  # "do you have anything on Friday?", "macht ihr mir einen Termin?": time, not an offer
    return rest


@lru_cache(maxsize=16)
def _faq_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w'])" + lexicon.alternation(w.casefold() for w in words if w.strip()) + r"(?!\w)")


def _courtesy(n: str) -> Intent | None:
    if _BYE.search(n):
        return "bye"
    if _THANKS.search(n):
        return "thanks"
    return None


_AND = re.compile(r"^[\s,.!]*(?:(?:and|und|also|so|but|aber|then|dann)\b[\s,]*)?")


def _after_yes(n: str) -> str:
    """What follows a leading "ok" / "super" and an "and": "super. und habt ihr am 24. offen?" -> "habt ihr ..."."""
    return _AND.sub("", _strip_affirm(n), count=1)


def _strip_affirm(n: str) -> str:
    return _AFFIRM_LEAD.sub("", n, count=1)


# After a leading "great"/"okay", only thanks and goodbyes: the turn is a closing, not a yes.
_BARE_COURTESY = re.compile(
    r"^[\s,.!]*(?:(?:" + "|".join(lexicon._expand_umlauts(x) for x in (*lexicon.THANKS, *lexicon.BYE, *lexicon.AFFIRM))
    + r"|so much|very much|a lot|again|for (?:the|your|all|all of your|all your) (?:help|assistance|time)(?: with this| today)?"
    r"|for helping(?: me)?|i really appreciate (?:it|your help)|your help|all|for now|bye|you|i'?ve got to go now|but)[\s,.!]*)*$")
_WISH = cue(*lexicon.WISHES)
_WISH_WORDS = ("christmas", "xmas", "x-mas", "new year", "holiday", "easter", "season", "hanukkah", "chanukah", "diwali",
               "eid", "weihnacht", "feiertag", "festtag", "rutsch", "neues", "ostern", "fest")
_WISH_ONLY = re.compile(
    r"^[\s,.!]*(?:(?:" + "|".join(lexicon.WISHES) + "|" + "|".join(lexicon.THANKS) + "|" + "|".join(lexicon.GREET)
    + r"|and|und|to you|you too|dir|ihnen|euch|auch|all|everyone|zusammen|the team|dem team|from|von|us|uns|and a|und einen"
    r"|and happy new year|und einen guten rutsch|too)[\s,.!]*)+$")


def wishes(text: str) -> bool:
    """Whether a message sends festive wishes ("merry Christmas!", "frohe Feiertage!"), to be said back."""
    return _WISH.search(normalize(text[:MAX_CHARS])[1]) is not None


# "are you there?", "ist da jemand?": someone waiting for an answer, greeted back with what the bot does
_STILL_THERE = re.compile(
    r"^\W*(?:(?:hi|hello|hey|hallo|helloo+|yo)\W+)?(?:are you (?:still )?there|(?:is )?(?:any ?one|any ?body|some ?one) (?:there|here|home)"
    r"|you there|bist du (?:noch )?da|seid ihr (?:noch )?da|sind sie (?:noch )?da|ist (?:da )?(?:jemand|wer)(?: da)?"
    r"|(?:ist )?(?:da )?jemand da|jemand da|hallo+ jemand da)\W*$")
_GREET_ONLY = re.compile(
    r"^[\s,.!]*(?:(?:" + "|".join(lexicon._expand_umlauts(x) for x in lexicon.GREET) + r"|there|everyone|all|zusammen|du|ihr)[\s,.!?]*)+$")
_SELECT = cue(r"(?:go|going|stick|stay) with (?:this|that|the|them|him|her|it)(?: one| choice| option| place| \w+ist| doctor| salon)?",
              r"(?:this|that) one", r"go there", r"(?:visit|see|have|take) (?:this|that|them|him|her)(?: one| doctor| dentist| salon| place| \w+ist)?",
              r"i(?:'ll| will) take (?:this|that|it|them)", r"nehme? (?:den|die|das)", r"den nehme ich", r"die nehme ich")
_FREE_WORD = re.compile(r"\b(?:free|available|open|frei\w*|verfügbar\w*|offen)\b")
_NOT_THAT = re.compile(r"\b(?:not|nicht)\s+(?:this|that|the|den|die|das|diesen?)\b")
# "bis Mittwoch" says goodbye, "Montag bis Mittwoch" names days (a weekday ends in "tag" or "woch")
_SEE_YOU = cue(r"see (?:you|ya)",
               r"(?<!tag )(?<!woch )bis (?:dann|morgen|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)")
_ACCEPT_ONLY = cue(r"go ahead", r"book it", r"please do", r"proceed", r"confirm(?: it)?", r"do it",
                   r"mach das", r"bestätigen?")
# A yes that is a yes, at the start ("yes thanks, bye"), not an "ok" that takes note before a goodbye
_PLAIN_YES = re.compile(_LEAD + r"(?:yes+|yeah?|yep+|yup+|sure|ja+|jawohl|jo|gerne?|klar|of course|absolutely|definitely"
                        r"|please)(?![\w'])")
# a goodbye that takes leave ("ok bye"), not one that looks forward to the appointment ("great, see you then")
_LEAVING = re.compile(r"(?<![\w'])(?:bye+|good ?bye|bye bye|tsch(?:ü|ue)ss?|tschau|ciao|take care|gotta go|got to go)(?![\w'])")
# Answers that accept without asking for anything new: "confirmed", "you've booked it correctly".
_ACCEPTED = cue(r"confirmed", r"(?:you'?ve|you have) (?:booked|got|made) (?:it |that |this )?(?:right|correctly)",
                r"(?:please )?book(?: it| that| please)?(?=[\s.!]*$)", r"proceed with (?:the |my )?(?:booking|reservation)")
# Choosing what was just offered: "go with this one", "I'd like to have that one", "let's go there".
_THIS_ONE = re.compile(
    r"(?<!hate )(?<!can )(?<!could )\b(?:(?:go(?:ing)?|stick|stay)(?:\s+(?:to|for|with))*|(?:have|take|choose|pick|prefer))"
    r"\s+(?:this|that|them|there|these|those)\b(?!\s+(?:part|area|side|way|place where)\b)"
    r"(?!\s+(?:day|days|date|time|times|week|weekend|morning|afternoon|evening|month|year|mon|tue|wed|thu|fri|sat|sun)\w*)")
# A thank-you for what was done: "thank you for your help in making an appointment" requests nothing.
_GRATITUDE_FOR = re.compile(r"(?P<thanks>\b(?:thanks?|thank you|danke)(?: (?:so|very) much| a lot| schön| sehr)?) (?:for|für|fürs)\b(?:(?! and | but )[^.!?,;])*")
# A closing that names the day it closes: "that's all for today", "not today, thank you", "das war's für heute".
_CLOSING_DAY = re.compile(
    r"\b(?:not|(?:that|it|this)(?:'s| is| was)? (?:it|all|al|everything)(?: (?:i|we) need(?:ed)?)?|all (?:i|we) need(?:ed)?"
    r"|nothing (?:else|more))(?: for)? (?:today|tonight|now|this time)\b(?! (?:at|in|is|would|works?|then)\b)"
    r"|\b(?:das war'?s|das wär'?s|das ist alles|das wars|das wärs)(?: (?:dann|schon))? für heute\b")
_CLOSING_DAY_CUES = re.compile(r"today|tonight|now|this time|heute")
# Looking for someone or somewhere, not for a time: "find me a dentist nearby", "one in San Jose", "look up salons".
_SEARCH = re.compile(
    r"\b(?:look(?:ing)? (?:for|up|around)|find(?:ing)?(?: me)?|search(?:ing)?(?: for)?|recommend|suggest|locate)"
    r" (?:an?|some|any|another|other|someone|somebody|something|one|ones|a different|the best|good)\b"
    r"(?! (?:\w+ )?(?:appointment|appt|time|slot|date|day|opening|booking|visit)s?\b)"
    r"|\blook (?:up|for) \w+s\b|\b(?:search|look) (?:for|in) one\b"
    r"|\b(?:one|ones|someone|somebody|something|anyone|any|some \w+s?) (?:in|near|around|close to) (?!(?:the|an?|my|\d)\b)\w"
    r"|\b(?:in my area|nearby|near me|near here|around here|close by|in (?:the|this) area)\b")
_APPT_NOUN = cue(lexicon.APPT)
# Appointment words that never name another domain's thing ("visit Portugal" is travel, not a visit here).
_APPT_STRICT = cue(r"appointments?", r"appt", r"bookings?", r"reservations?", r"sessions?", r"termine?n?", r"buchung(?:en)?",
                   r"reservierung(?:en)?", r"sitzung", *_SALON_WORDS)
_NOTHING_ELSE = cue(r"nothing else", r"anything else", r"nichts (?:weiter|mehr|anderes)", r"sonst nichts")
_PROVIDER_SEARCH = re.compile(
    r"\b(?:an?|some|any|good|new|nearby)\s+(?:\w+\s+)?(?:doctor|dentist|therapist|salon|practitioner|counselor|specialist|psychologist"
    r"|psychiatrist|dermatologist|gynecologist|ophthalmologist|ent|barber|stylist|hairdresser|clinic|place)s?\b")
_DECLINED_NOUNS = ("event", "calendar", "taxi", "cab", "ride")
_DECLINED_NOUN = lexicon.any_of(_DECLINED_NOUNS)
_DECLINED_OTHER = re.compile(
    r"\b(?:don'?t|do not|not|skip(?:ping)?|no)\s+(?:[\w']+\s+){0,4}?(?:" + "|".join(_DECLINED_NOUNS) + r")s?\b")
_OTHER_STRONG = cue(r"weather", r"waether", r"weahter", r"wheather", r"forecast", r"taxi", r"cab", r"uber", r"lyft", r"calendar", r"netflix", r"spotify",
                    r"an? (?:new )?event", r"the event", r"this event", r"shared ride", r"kalender", r"wetter",
                    r"free time", r"am i (?:free|available|busy)", r"my (?:free|available|open) time",
                    r"alarms?", r"wecker", r"timer", r"reminders?", r"reminded", r"to-? ?do list", r"shopping list",
                    # the customer's own calendar: "check my free schedule on the 8th", "would I have some spare time?"
                    r"calend[ae]rs?", r"itinerary", r"(?:check|see|look at|tell me) my (?:free |spare |open )?(?:schedule|agenda|diary)",
                    r"(?:would|will|do|did) i have (?:some |any )?(?:free|spare|open) (?:time|hours|days|slots?)",
                    r"(?:free|spare|open) (?:time|hours|days) (?:do |would |will )?i have")


_INFO_TOPICS = tuple((topic, cue(*fragments)) for topic, fragments in lexicon.INFO_TOPICS.items())
# Matches where any of the topics' patterns does: one search instead of nine for the many messages with none.
_ANY_TOPIC = cue(*(fragment for fragments in lexicon.INFO_TOPICS.values() for fragment in fragments))
_PAY_WITH = cue(*lexicon.PAY_WITH)
_UNDO_WORDS = ("cancel", "undo", "back", "revers", "absag", "storn", "rückgängig", "rueckgaengig", "versehen")
_UNDO_CANCEL = re.compile(
    r"\b(?:didn'?t|did not|never) (?:mean|want) (?:to )?(?:cancel|do that)\b"
    r"|\bcancel(?:l?ed)? (?:it |that |this |the wrong one |my \w+ )?(?:by (?:mistake|accident)|accidentally)\b"
    r"|\b(?:undo|reverse|take back) (?:that|this|it|the cancel\w*|my cancel\w*)\b"
    r"|\b(?:can|could) (?:i|you|we) (?:get|have|put|book) it back\b"
    r"|\bwollte (?:ihn |den termin |das |es )?(?:\w+ ){0,2}nicht (?:absagen|stornieren)\b"
    r"|\b(?:aus versehen|versehentlich) (?:\w+ ){0,2}(?:abgesagt|storniert)\b"
    r"|\b(?:absage|stornierung|das) (?:bitte )?r(?:ü|ue)ckg(?:ä|ae)ngig\b|\br(?:ü|ue)ckg(?:ä|ae)ngig machen\b")
"""Taking back a cancellation just made: "oh no, I didn't mean to cancel that", "cancelled the wrong one by mistake",
"wollte ich gar nicht absagen", "bitte rückgängig machen"."""
_NOTE_ELSEWHERE = frozenset("""travel travels traveling travelling trip trips abroad internationally vacation holiday
holidays oil tire tires tyre tyres todo to-do list lists grocery groceries shopping bank card cards account reise
urlaub einkaufsliste""".split())
_I_CANT_AFTER_ALL = re.compile(
    r"\W*(?:(?:oh|hey|hi|hallo|sorry|entschuldigung|leider|hmm|ah|ach|so)\W+)*(?:ich kann|ich könnte|kann ich)"
    r" (?:am |diesen |kommenden |nächsten )?(?:\w+ )?(?:leider |doch |dann |da |jetzt |also )*nicht(?: mehr)?\W*$")
_NO_LONGER_SUITS = re.compile(
    r"\b(?:klappt|passt|geht) (?:es |das )?(?:bei mir |mir |bei uns |uns )?(?:leider |doch |jetzt |also )*nicht"
    r"(?: mehr)?\W*$|\b(?:doesn'?t|does not|won'?t|will not|no longer) work (?:for me |for us )?(?:any ?more|after all)\W*$")
_FOR_ME = re.compile(r"\b(?:for me|for us|bei mir|bei uns|mir|uns)\b")
"""(With a day said, or "for me") saying after booking that a day no longer suits ("Freitag klappt bei mir doch nicht", "ich kann am Freitag leider
doch nicht", "friday doesn't work for me anymore"): read with no question on the table, the booking is what goes."""
_RESEND = re.compile(
    r"\bconfirmation (?:\w+ )?(?:again|once more)\b|\bre-?send (?:me |us )?(?:the |my |a )?(?:booking )?confirmation"
    r"|\b(?:didn'?t|did not|haven'?t|have not|never) (?:get|got|receive|received) (?:a |the |my |any |an? \w+ )?confirmation"
    r"|\bbestätigung (?:\w+ ){0,2}(?:nochmal|noch ?einmal|erneut)\b|\b(?:nochmal|noch ?einmal|erneut) (?:\w+ ){0,3}bestätigung"
    r"|\bkeine (?:\w+ )?bestätigung (?:bekommen|erhalten|gekriegt)")
"""Asking for the confirmation once more ("send me the confirmation again", "I never got a confirmation"): what is
booked is shown again."""
_INFO_ELSEWHERE = cue(*lexicon.INFO_ELSEWHERE, r"how much (?:time|longer|later|earlier|do i owe|did i|have i|money|is left)")
_QUESTION = cue(*lexicon.QUESTION)
_DURATION = cue(*lexicon.DURATION)
_OFFER_LEAD = (r"^(?:(?:hi|hello|hey|hallo|and|und|also|so|oh|btw|by the way|quick question|sorry|excuse me"
               r"|entschuldigung|sagt mal|sag mal)[\s,.!:]*)*(?:")
_OFFER_ANY = re.compile(_OFFER_LEAD + "|".join(lexicon._expand_umlauts(f) for f in lexicon.OFFER_ANY) + r")(?![\w'])")
_OFFER_SERVICE = re.compile(_OFFER_LEAD + "|".join(lexicon._expand_umlauts(f) for f in lexicon.OFFER_SERVICE)
                            + r")(?![\w'])")
_HAVE_ANY = re.compile(_OFFER_LEAD + r"(?:do|does) (?:you|y'?all|u|the salon|your salon)(?: guys)?(?: also| even)? (?:have|sell)"
                       r"|(?:habt|haben|verkauft|verkaufen) (?:ihr|sie)|gibt (?:es|'s)(?: bei (?:euch|ihnen))?(?: auch)?"
                       r"|is there(?: also)?|are there(?: any)?)(?![\w'])")  # "do you have gift cards?": only with a fact after it
_OFFER_NOT = cue(*lexicon.OFFER_NOT)
_OFFER_FACT = cue(*lexicon.OFFER_FACT)
_OFFER_FILLER = re.compile(r"(?<![\w'])(?:also|too|as well|here|there|auch|denn|eigentlich|überhaupt|ueberhaupt|hier"
                           r"|bei (?:euch|ihnen)|an)(?![\w'])")
_OFFER_ENDS = re.compile(r"^(?:an?|eine?n?) (?=\w)|(?<=\w) (?:machen|anbieten)$")  # "wer kann eine Dauerwelle machen?"
_SAME_WORDS = ("same", "gleich", "selbe")
# "book me in for my usual", "same as last time", "wie immer", "das Übliche": what they booked last time
_SAME_STAFF_WORDS = ("same", "usual", "selb", "gleich")
_SAME_STAFF = re.compile(
    r"(?<![\w'])(?:(?:the )?(?:same|usual) (?:person|stylist|hairdresser|hair dresser|barber|guy|girl|lady|woman|man"
    r"|colou?rist)(?: as (?:last time|before|always|usual|the last time))?"
    r"|(?:bei |zu )?(?:derselben|demselben|der gleichen|dem gleichen|der selben|dem selben)(?: person| friseurin| friseur)?"
    r" wie (?:letztes mal|beim letzten mal|immer|sonst|das letzte mal))(?![\w'])")
_USUAL = re.compile(
    r"(?<![\w'])(?:(?:my|the) usual(?: (?:cut|appointment|one|thing|service|treatment))?(?=\s*(?:[,.!?;]|please\b|pls\b|"
    r"with\b|on\b|at\b|for\b|next\b|this\b|tomorrow\b|today\b|$))|(?:the )?same as (?:last time|usual|always|before|the last time)"
    r"|wie (?:immer|letztes mal|beim letzten mal|gehabt)(?=\s*(?:[,.!?;]|bitte\b|am\b|um\b|morgen\b|heute\b|$))"
    r"|(?:das|mein) (?:übliche|uebliche)s?|(?:das )?gleiche wie (?:immer|letztes mal|beim letzten mal))")
_USUAL_WORDS = ("usual", "last time", "immer", "letztes mal", "letzten mal", "übliche", "uebliche", "gehabt")
_SAME_AGAIN = re.compile(
    r"(?<!for )\b(?:the same(?: thing| again| service| treatment| appointment| one)?|same (?:thing|again)|das gleiche|das selbe"
    r"|dasselbe|(?:den|einen) gleichen termin|die gleiche behandlung)\b(?! (?:time|day|hour|place|week|as|zeit|uhrzeit|tag|wie))")
"""The service just booked, asked for again ("the same for my husband"), not the same time or day ("thanks for the
same" is thanks for that)."""
_TOO_WORDS = ("too", "as well", "also", "auch", "ebenfalls")
_ONE_FOR_THEM = re.compile(
    r"\b(?:one|it|that)\s+(?:too|as well|also)\b|\balso (?:get|have|book|want|need)s? (?:one|it)\b"
    r"|\b(?:too|as well)\s*(?:please|pls|then)?\W*$|\b(?:auch|ebenfalls)\s*(?:bitte|noch|gleich)?\W*$|\b(?:auch|ebenfalls) (?:einen|eine|eins|so einen|dran|gleich dran"
    r"|drankommen|gleich drankommen)\b|\b(?:einen|eine|eins) (?:auch|ebenfalls)\b")
_AGAIN = re.compile(r"\b(?:again|once more|as well|too|right after|straight after|nochmal|noch ?einmal|auch"
                    r"|direkt danach|gleich danach|im anschluss)\b")
_LATE_WORDS = ("late", "spät", "spaet", "verspät", "grace")
_LATE_WORD = re.compile(r"\blate\b|verspät|verspaet|zu spät|zu spaet|spät dran|grace period")
_LATE_WHAT_IF = re.compile(
    r"\b(?:what if|what happens if|what (?:do|should|shall) (?:i|we) do if"
    r"|how late can (?:i|we) (?:be|arrive|come|show up|turn up)|grace period|late (?:policy|arrivals?|fee)"
    r"|do you (?:still )?(?:wait|take (?:me|us|people|customers)) if)\b"
    r"|\bwas (?:passiert|ist|mache ich|mach ich|tue ich|soll ich (?:tun|machen))\W+(?:wenn|falls)\b"
    r"|^\W*(?:und|aber|ok|okay|gut)?\W*(?:wenn|falls) (?:ich|wir) (?:\w+ ){0,3}(?:zu spät|zu spaet|verspätet|verspaetet)"
    r" (?:komme|kommen|bin|sind|ankomme|ankommen)\b"
    r"|^\W*(?:and|but|ok|okay)?\W*(?:if|when) (?:i'?m|i am|we'?re|we are) (?:\w+ ){0,3}late\W*$"
    r"|\bwie (?:lange|viel) (?:wartet ihr|warten sie)\b|\b(?:wartet ihr|warten sie)\W+(?:wenn|falls)\b"
    # "if I'm 10 minutes late, is that ok?", "is it ok if I'm late?", "ist es schlimm, wenn ich zu spät komme?"
    r"|\b(?:if|when) (?:i'?m|i am|we'?re|we are|i arrive|i come|i show up|i get there) (?:[\w']+ ){0,5}late\b.*"
    r"\b(?:is (?:that|it|this)|would (?:that|it) be|will (?:that|it) be|that'?s) (?:still )?(?:ok|okay|alright|fine"
    r"|a problem|an issue)\b"
    r"|\b(?:is (?:it|that)|would it be|will it be) (?:still )?(?:ok|okay|alright|fine|a problem|an issue) if"
    r" (?:i'?m|i am|we'?re|we are|i arrive|i come|i show up) (?:[\w']+ ){0,4}late\b"
    r"|\b(?:ist es|wäre es|waere es|ist das) (?:schlimm|ok|okay|in ordnung|ein problem)\W+(?:wenn|falls) (?:ich|wir)"
    r" (?:\w+ ){0,4}(?:zu spät|zu spaet|später|spaeter|verspätet)")
"""A question of what happens when one is late, with one of `_LATE_WORDS` in it: "what if I'm running late?", "is there
a grace period?", "was passiert, wenn ich mich verspäte?"."""
_WHY_CHANGED = re.compile(
    r"\W*(?:(?:but|and|so|hey|hi|hello|sorry|um+|ok|okay|aber|und|hallo|hm+)\W+)*"
    r"(?:(?:why|how come) (?:did|have|has|was|were|is|are|would) (?:you|they|it|my|the|our|this|that|\w+) "
    r"(?:[\w']+ ){0,4}(?:cancel+(?:ed|led)?|moved?|rescheduled?|chang(?:e|ed)|deleted?|removed?)\b"
    r"|(?:warum|wieso|weshalb) (?:wurde|ist|sind|wurden|habt ihr|haben sie|hast du|hat (?:sie|er|\w+)) "
    r"(?:\w+ ){0,4}(?:abgesagt|storniert|verschoben|geändert|geaendert|gecancelt|gelöscht)\b"
    r"|(?P<cannot>(?:why|how come) (?:can'?t|cannot|can not|couldn'?t|won'?t you let) (?:i|we|me|us) (?:\w+ )?"
    r"(?:cancel|move|reschedule|change)\b"
    r"|(?:warum|wieso|weshalb) (?:kann|darf|konnte) ich (?:\w+ ){0,3}nicht (?:mehr )?"
    r"(?:absagen|stornieren|verschieben|ändern|aendern)\b))")
"""Why a booking was changed (the business's answer, or where to ask), or why the customer can't change it (the
rule): a question, nothing to cancel or move."""
_BEHIND_WORDS = ("behind", "delayed", "verzug")
_THEY_ARE_LATE = re.compile(
    r"\b(?:if|when|in case) (?!(?:i|i'?m|i'?ll|we|we'?re|we'?ll|my|our|the (?:train|bus|tram|traffic|flight)"
    r"|is|are|was|were|do|does|did|will|can|could|should|would|too|it|it'?s|that|this|there)\b)"
    r"[\w']+(?: [\w']+){0,3} (?:late|behind|delayed)\b"
    r"|\b(?:wenn|falls) (?!(?:ich|wir|mein\w*|unser\w*|der zug|die bahn|der bus)\b)\w+ (?:\w+ ){0,3}"
    r"(?:verspät\w*|verspaet\w*|in verzug|(?:zu )?spät dran)")
"""Lateness on the business's side ("will Sarah text me if she runs late?", "sagt ihr Bescheid, wenn ihr in Verzug
seid?"), not the customer's own (with one of `_LATE_WORDS` or `_BEHIND_WORDS` in it)."""

# "… if I'm unhappy?", "wenn es mir nicht gefällt": a question about the visit, whoever it is asked of
_DISLIKED = (r"unhappy", r"not happy", r"(?:don'?t|do not) like (?:it|my|the)", r"nicht zufrieden",
             r"gef(?:ä|ae)llt (?:mir |es |ihr |ihm )?nicht")
_UNSATISFIED = cue(*_DISLIKED, r"not satisfied", r"unsatisfied", r"unzufrieden")
# What a front desk is asked about the place and its work, beyond the business file's own topics
_FACT = cue(r"wheel ?chairs?", r"accessib\w*", r"barrierefrei\w*", r"rollstuhl\w*", r"stairs", r"lift",
            r"elevator", r"aufzug", r"fahrstuhl", r"treppen?", r"stufen", r"products?", r"produkte?n?", r"brands?",
            r"marken?", r"organic", r"naturkosmetik", r"vegan\w*", r"allerg\w*", r"sensitive (?:skin|scalp)",
            r"empfindliche (?:haut|kopfhaut)", r"refunds?", r"money back", r"geld zur(?:ü|ue)ck\w*", r"erstatt\w*",
            *_DISLIKED, r"guarantee", r"garantie", r"toilets?(?! paper)", r"restrooms?", r"toilette\w*", r"air ?con\w*",
            r"klimaanlage")
# "how do I get there by train?", "is there a bus stop near by?": the way to the business, whatever other
# assistant's word comes with it
_GETTING_HERE = re.compile(
    r"\bhow (?:do|can|would|will|should) (?:i|we) get (?:there|to you)\b|\bwie komme? (?:ich|wir) \b"
    rf"|\b{lexicon.STOP_NEARBY}|\b{lexicon.NEAREST_STOP} (?:to|near) (?:you|your|the salon)\b")
# Topics whose words are about a front desk on their own; the others need the business or a service in view.
_NEEDS_NO_POINTER = frozenset({"hours", "cancellation_policy", "parking", "payment", "services", "reminders", "late",
                               "confirmation", "arrived", "note", "waitlist"})
_POINTER = cue(r"you", r"your", r"y'?all", r"yours", r"ihr", r"euch", r"eure[nr]?", r"sie", r"ihnen", r"salon", r"shop",
               r"studio", r"here", r"hier", r"it", r"that", r"this", r"das", r"es", r"man", r"address", r"adresse",
               r"price list", r"preisliste", r"preise", r"get there", r"near ?by", r"close by", r"in der n(?:ä|ae)he")
_SELF = cue(r"i", r"i'?ve", r"i'?m", r"my", r"mine")
_ASKS = re.compile(_LEAD + r"(?:how|what(?:'s)?|where|when|which|do|does|can|could|is|are|wie|was|wo|wann|welche\w*|habt"
                   r"|haben|kann|darf|gibt|ist|seid|sind)\b")
# "who is Tom?", "tell me about Sarah", "wer ist Tom?": a question about one of the team (named: the reading has them)
_ABOUT_STAFF = re.compile(
    _LEAD + r"(?:and |und |so )?(?:who(?:'s| is) |tell me (?:a bit |a little |more )?about |what (?:does|can) [\w'-]+ do\b"
    r"|what (?:services|treatments) does |is [\w'-]+ (?:good|any good|experienced|new|nice)\b|wer ist |was macht [\w'-]+\W*$"
    r"|was kann [\w'-]+\W*$|erz(?:ä|ae)hl(?:en sie)? (?:mir )?(?:etwas |was |mehr )?(?:über|von) )")
_ABOUT_ASSISTANT = re.compile(
    _LEAD + r"(?:hi |hello |hey |hallo |and |und |so |wait |moment )?,?\s*(?:are you|r u|am i (?:talking|chatting|speaking|writing)"
    r" (?:to|with)|is this|bist du|sind sie|seid ihr|ist das hier|ist das|rede ich (?:hier )?mit|schreibe? ich (?:hier )?mit"
    r"|spreche ich (?:hier )?mit) (?:just |only |really |actually |wirklich |nur |eigentlich |hier )?(?:a |an |the |ein |eine"
    r" |einem |einer )?(?:real |actual |echte[rnm]? )?(?:bot|robot|chat ?bot|machine|computer|program|ai|a\.i\.|human"
    r"|person|real person|roboter|mensch(?:en)?|ki|maschine|programm|echt)\b")
_TEAM_WORDS = ("who", "wer ", "wen ", "recommend", "suggest", "empfehl", "stylist", "hairdresser", "barber", "friseur")
_ABOUT_TEAM = re.compile(
    r"\bwho (?:works|is working|cuts hair) (?:there|here|at (?:the|your) (?:salon|shop|place))\b"
    # who is good for what: the team and what each does ("who is best for curly hair?")
    r"|\bwho(?:'s| is| would be)? (?:the )?(?:best|good|great|better|right one|most experienced) (?:for|at|with)\b"
    r"|\bwho (?:do|would|should|can) (?:you|i|we) (?:recommend|suggest)\b"
    r"|\b(?:can|could|would) you (?:recommend|suggest) (?:someone|somebody|anyone|anybody|a (?:stylist|hairdresser|barber))"
    r"\b(?! else)"
    r"|\bwer (?:ist|wäre|waere) (?:bei euch |bei ihnen )?(?:am besten|gut|geeignet|der richtige|die richtige) (?:für|fuer|bei)\b"
    r"|\b(?:können|könnt|koennen|koennt|könnten|koennten) (?:sie|ihr) (?:mir )?(?:jemanden|wen)(?: [\w'-]+){0,4} empfehlen\b"
    r"|\bwen (?:können|könnt|koennen|koennt|würden|würdet|wuerden|wuerdet) (?:sie|ihr) (?:mir )?empfehlen\b"
    r"|\bwho are (?:your|the) (?:stylists|hairdressers|barbers|staff|team)\b|\bwho(?:'s| is) on (?:your|the) team\b"
    r"|\bwer arbeitet (?:bei euch|bei ihnen|dort|da|hier)\b|\bwer (?:ist|sind) (?:euer|ihr|eure|ihre|die) (?:team|friseur\w*"
    r"|mitarbeiter\w*|stylist\w*)\b"
    # the best of the team, or the one to take: "who is your best stylist?", "which barber do you recommend?"
    r"|\bwho(?:'s| is) (?:the|your) (?:best|most experienced|top) (?:stylist|hairdresser|barber|one)\b(?! (?:in|near|around))"
    r"|\bwhich (?:stylist|hairdresser|barber|one of you)(?: (?:do|would) you (?:recommend|suggest)| is (?:the )?(?:best|good))"
    r"|\bwer ist (?:euer|eure|ihr|ihre|dein|deine|der|die) (?:beste|erfahrenste)[rn]? (?:friseur\w*|stylist\w*)?"
    r"|\bwelche[rn]? (?:friseur\w*|stylist\w*|mitarbeiter\w*) (?:empfiehlst du|empfehlt ihr|empfehlen sie|ist (?:am besten|gut))")
# "do I need to wash my hair before?", "what should I bring to my appointment?", "muss ich vorher die Haare waschen?":
# how to come to a visit, which the business's own Q&A answers (or the bot says it does not know, and who does)
_ADVICE = re.compile(_LEAD + r"(?:do (?:i|we) (?:need|have) to|should (?:i|we)|must (?:i|we)|what (?:should|do) (?:i|we)"
                     r" (?:bring|wear|do|know)"
                     # about the one it is for: "does he need to come with an adult?", "muss mein Sohn …?"
                     r"|(?:does|should|must) (?:he|she|my (?:son|daughter|child|kid|husband|wife|partner)|the (?:child|kid))"
                     r" (?:need to|have to|come|bring|be)|(?:do|should|must) (?:kids|children) (?:need to|have to|come|be)"
                     r"|(?:muss|soll|sollte|darf) (?:er|sie|mein(?:e)? (?:sohn|tochter|kind|mann|frau)|das kind|kinder)\b"
                     r"|how (?:early|soon|long before) should (?:i|we)|is it (?:ok|okay|alright|fine)"
                     r" (?:if|to)|muss ich|müssen wir|soll ich|sollte ich|sollen wir|was (?:soll|muss|sollte) ich"
                     r" (?:\w+ ){0,3}?(?:mitbringen|beachten|anziehen)|wie früh (?:soll|sollte) ich|ist es (?:ok|okay|in ordnung),? wenn"
                     r"|brauche ich|which (?:stylist|hairdresser|barber|one of you|of you) (?:is|would be|do you recommend)"
                     r"|welche[rn]? (?:friseur\w*|stylist\w*|mitarbeiter\w*) (?:ist|w(?:ä|ae)re|empfehl\w*))\b")
_ADVICE_ALONE = re.compile(  # nothing but the question, asked of the business: "what should I bring?"
    _LEAD + r"(?:(?:thanks|thank you|thx|danke|dankeschön|danke schön|super|great|perfect|perfekt|prima|toll)[\s,.!]+)?"
    r"(?:and |und |so |also |ok |okay )?(?:what (?:should|do|must) (?:i|we) (?:need to |have to )?(?:bring|wear)"
    r"(?: with me| along)?|(?:do|should|must) (?:i|we) (?:need to |have to )?bring anything|do (?:i|we) have (?:anything|something)"
    r" to bring|is there anything (?:i|we)"
    r" (?:should|need to|have to) (?:bring|know)|was (?:soll|muss|sollte) ich (?:denn )?(?:zum termin |dazu |da )?"
    r"(?:mitbringen|beachten|anziehen)"
    r"|(?:muss|soll|sollte) ich (?:etwas|was|irgendwas) mitbringen"
    # "muss ich vorher irgendwas beachten?", "is there anything I should know beforehand?"
    r"|(?:muss|soll|sollte) ich (?:vorher |dabei |da |noch |denn )*(?:etwas|was|irgendwas) (?:beachten|vorbereiten)"
    r"|gibt es (?:vorher |noch )?(?:etwas|was|irgendwas),? (?:zu beachten|das ich beachten (?:muss|sollte)|was ich beachten"
    r" (?:muss|sollte))|(?:is there )?anything (?:else )?(?:i|we) (?:should|need to|have to|must) (?:know|prepare|do|keep in mind)"
    r"(?: beforehand| before(?: the appointment| my appointment| i come| we come)?| in advance)?"
    r"|do (?:i|we) (?:need|have) to (?:prepare|do) anything(?: beforehand| before| in advance)?)\W*$")
_ADVICE_ABOUT = cue(r"appointments?", r"appt", r"bookings?", r"termine?n?", r"buchung", r"sessions?", r"sitzung",
                    r"(?:an |a )?adults?", r"accompan\w*", r"erwachsen\w*", r"begleit\w*", r"bring anything",
                    r"(?:etwas|was|irgendwas) mitbringen",
                    *_SALON_WORDS, r"haare?n?", r"arriv\w*", r"come in", r"get there", r"be there", r"ankommen", r"da sein")
_ADVICE_NOT = cue(r"book\w*", r"cancel\w*", r"re-?schedul\w*", r"move", r"postpone", r"buchen", r"absagen",
                  r"stornieren", r"verschieben", r"verlegen", r"park\w*")
_KEEP = re.compile(r"\b(?:don'?t|do not|not|never|nicht|kein\w*)\s+(?:\w+\s+){0,2}?(?:cancel|absagen|stornieren|löschen)")
_FACT_QUESTION = re.compile(
    _LEAD + r"(?:can you tell me |tell me |do you know )?(?:what(?:'s| is| are| was| were| will| did| does| do i| should)"
    r"|how (?:is|are|was|hot|cold|warm|old|many|much|far|fast|long|often|safe)|did|has|have i|will it|is it going|why|where|which)\b")
_BOOK_SLOT_CUES = (r"book(?: it| me| that| this)?", r"schedule (?:it|me|that)", r"(?:fit|squeeze|get) me in", r"buchen?")
_BOOK_SLOT = cue(*_BOOK_SLOT_CUES)
_AVAIL_SLOT = cue(*_BOOK_SLOT_CUES,
                  r"how about", r"what about", r"is there (?:an?|any) (?:open|free)",
                  r"(?:would|will|should) (?:work|be (?:good|fine|great|best|perfect))", r"works? (?:best|for me)", r"suits? me",
                  r"i'?m (?:free|available)", r"i can (?:do|come|make)", r"passt mir", r"geht bei mir", r"hätten? (?:ich|wir) zeit",
                  r"kann ich (?:da|dann)")
_TAKES_RESERVATIONS = re.compile(
    r"\b(?:take|takes|taking|accept|accepts|allow|allows|do|does|handle|handles) (?:\S+ ){0,2}reservations?\b"
    r"|\b(?:able to|can (?:i|we)|could (?:i|we)|possible to|let (?:you|me|us)) make reservations?\b"
    r"|\breservations? (?:are |is )?(?:taken|accepted|allowed|possible)\b|\binformation (?:on|about) (?:\S+ ){0,3}reservations?\b")
_CHECK_BOOKING = re.compile(
    r"\b(?:confirm|make sure|verify)\b (?:that )?(?:i have |we have |there is )?(?:\S+ ){0,3}?(?:" + lexicon.APPT + r")\b"
    r"(?! for (?:me|us)\b)"
    r"|\b(?:show|shows) (?:me|us) as having\b|\bcheck (?:that |if |whether )?there(?: is|'s) an? (?:" + lexicon.APPT + r")\b"
    r"|\bread (?:me )?my (?:" + lexicon.APPT + r")\b|\bwhat (?:" + lexicon.APPT + r") do i have\b"
    r"|\b(?:has|have) (?:a|my) (?:" + lexicon.APPT + r") for\b|\bis (?:it )?still (?:set|on|booked|confirmed)\b")
# Asking whether one has a booking, which is no answer to "Shall I book …?" either: "do I have an appointment on
# Friday?", "habe ich morgen einen Termin?", "wann hab ich einen Termin?", "haben wir am Freitag noch den Termin?"
_WHEN_TO_ARRIVE = re.compile(
    r"\b(?:what time|when|at what time) (?:should|do|must|shall|have|need) (?:i|we) (?:to |need to |have to |got to )?"
    r"(?:arrive|be there|get there|come in"
    r"|turn up|show up|be at the salon)\b"
    r"|\b(?:wann|um wie viel uhr|um welche uhrzeit) (?:soll|muss|sollte|sollen|müssen) (?:ich|wir) (?:\w+ )?(?:da sein|dort sein"
    r"|kommen|erscheinen|ankommen|vorbeikommen)\b")
_FORGOT_WHEN = re.compile(
    r"\b(?:can'?t|cannot|don'?t|do not|couldn'?t) (?:remember|recall) (?:the time|what time|which day|the day"
    r"|the date|(?:the |my )?(?:appointment|booking) time|when my (?:appointment|booking) is)\b"
    r"|\bforgot (?:the time|what time|when|which day|the day|the date|when my (?:appointment|booking) is)\b"
    r"|\b(?:weiß|weiss) (?:\w+ ){0,3}(?:die uhrzeit|die zeit|wann|den tag|das datum|welcher tag|um wie viel uhr)"
    r" (?:\w+ ){0,3}nicht mehr\b"
    r"|\bvergessen,? (?:wann|um wie viel uhr|welcher tag|an welchem tag)\b"
    r"|\b(?:die uhrzeit|den tag|das datum) (?:\w+ ){0,2}vergessen\b")
_HAVE_BOOKING = re.compile(
    r"\b(?:do|did) (?:i|we) (?:still )?(?:have|got) (?:a|an|any|my) (?:\S+ )?(?:" + lexicon.APPT + r")\b"
    r"|\b(?:wann )?(?:habe|hab|haben) (?:ich|wir) (?:\S+ ){0,3}?(?:noch |schon )?(?:einen|nen|den|meinen|unseren) "
    r"(?:\S+ )?termin\b(?! (?:zu|frei|bekomm|buchen|machen|vereinbar|kriegen|haben|möglich|moeglich))"
    # "I have an appointment tomorrow at 11, right?", "ich hab doch morgen nen Termin, oder?": checking it is there
    r"|^\W*(?:(?:hi|hello|hey|hallo|moin|so|ok)\W+)?(?:i have|i'?ve got|i got|we have|we'?ve got|ich hab|ich habe|wir haben)"
    r"\b[^?.!]{0,60}?\b(?:" + lexicon.APPT + r"|termin|booked|gebucht)\b[^?.!]{0,50}?,?\s*(?:right|correct|don'?t i|haven'?t i"
    r"|isn'?t it|yes|yeah|oder|ne|nicht wahr|stimmt'?s|richtig|gell|gelle|oder nicht)\s*\?+\s*$")
# Every one of the three below has one of these words: one quick look spares most messages the searches.
_ANYTHING_WORD = lexicon.any_of(("anything", "something", "etwas", "was"))
# What one has to do or bring asks about the visit, never for a time: "do I have anything to bring?"
_WHATS_LEFT = re.compile(
    _LEAD + r"(?:and |und |so |ok |okay )?(?:what(?:'s| is| do i have| have i got)(?: still)? left(?: (?:then|now|booked|for me))?"
    r"|(?:do i have|have i got) anything (?:still )?left(?: (?:then|now|booked))?|which (?:ones?|appointments?) (?:are|is)"
    r" left|was (?:ist|hab ich|habe ich) (?:denn |jetzt |noch )*(?:übrig|uebrig)|welche termine sind (?:noch )?(?:übrig|uebrig))"
    r"\W*$")
_HAVE_ANYTHING_TO = re.compile(r"\b(?:do|did) (?:i|we) (?:still )?(?:have|got) (?:anything|something) to\b")
# What may follow "do I have anything" when it asks what is booked ("… booked?", "… coming up?")
_HAVE_ANYTHING_AS = re.compile(r"(?:booked|scheduled|planned|coming up|lined up|with you|at your|on the books)\b")
# The same about no booking in particular, which at a salon's chat can only mean what is booked: "do I have
# anything on Friday?", "have I got something next week?", "hab ich nächste Woche was?", "habe ich etwas gebucht?";
# never "do I have anything to bring?" or "hab ich was vergessen?" (the German must end there)
_HAVE_ANYTHING = re.compile(
    r"\b(?:(?:do|did) (?:i|we) (?:still |already )?(?:have|got)|have (?:i|we) (?:still |already )?got) "
    r"(?:anything|something)(?: else)?\b(?! to\b| for (?:my|your|the|a|an|dry|oily|curly)\b)"
    r"|\b(?:habe|hab|haben) (?:ich|wir) (?:\S+ ){0,3}?(?:noch |schon )?(?:etwas|was|irgendwas|irgendetwas)"
    r"(?: (?:gebucht|eingetragen|reserviert|ausgemacht|vereinbart|bei (?:euch|ihnen|dir)))?\s*[?.!]*$")
_ELSEWHERE_THING = cue(*lexicon.ELSEWHERE_THING)
# Cheap first look for the reservation rules below: all of them need one of these word stems.
_BOOKING_STEMS = ("appoint", "appt", "book", "reserv", "visit", "session", "slot", "table", "termin", "buchung",
                  "sitzung")
_BOOKING_STEM = lexicon.any_of(_BOOKING_STEMS)
_RESERVED = r"(?:" + lexicon.APPT + r"|table(?: reservation)?|reserved)"
_CANCEL_RESERVATION = re.compile(
    r"\b(?:cancel\w*|get rid of|trash|undo|nix|forget(?: about)?|abandon|repeal|scrap|void|revoke|release|unreserve"
    r"|call off|stornier\w*|absag\w*|lösch\w*|streich\w*)\b\s*(?:[^\s,;.!?]+\s+){0,5}?" + _RESERVED + r"\b"
    r"|\b(?:drop|close|end|delete|remove|erase|withdraw) (?:my|the|our|that|this|his|her|their) (?:[^\s,;.!?]+ ){0,2}?"
    + _RESERVED + r"\b"
    r"|\b" + _RESERVED + r"\b[^.?!]{0,60}?(?:(?:is|are|'s) no longer|not (?:needed|required|necessary)|(?:is|are)n'?t "
    r"(?:needed|required|necessary)|any ?more)\b"
    r"|\b(?:no longer|won'?t|will not|not gonna|not going to) (?:need|want|require)\s+(?:[\w'-]+\s+){0,4}?" + _RESERVED + r"\b"
    r"|\b" + _RESERVED + r"\b[^.?!]{0,80}?\b(?:(?:be|get|is|been) )?(?:cancel\w*|called off|released?|dropped)\b"
    r"|\b(?:" + lexicon.APPT + r")\b[^.?!]{0,40}?\b(?:absagen|stornieren|löschen|streichen|canceln)\b")
_MOVE_OBJECT = re.compile(r"\b(?:it|that|this|mine|one|ones|them|both|these|those|ihn|es|den|das|beide)\b")
