"""A customer putting the decision off: "let me think about it", "I'll let you know tomorrow", "ich sag euch morgen
Bescheid", "ich melde mich nochmal". The day in such a message is when they will say, not a day to book."""

from __future__ import annotations

import re

from .lexicon import cue

_WHEN = (r"(?:tomorrow|today|tonight|later(?: on| today)?|soon|this (?:evening|afternoon|week)|next week|asap"
         r"|in (?:a|an|a few|\w+) (?:minutes?|hours?|days?)|on \w+|by \w+|morgen|übermorgen|heute(?: abend)?"
         r"|später|nachher|bald|gleich|die tage|nächste woche|diese woche|am \w+|bis \w+)")
_PERSON_EN = r"(?:my (?:wife|husband|partner|boyfriend|girlfriend|boss|mum|mom|dad|family|friend)|(?:him|her|them))"
_EN = (
    # "let me think about it", "I'll think it over", "I need to think about it first", "I'll sleep on it"
    r"(?:let me|i'?ll|i will|i need to|i have to|i'?d like to|i want to|i must|gotta|i'?m going to|i gotta)"
    r" (?:(?:have a )?think (?:about (?:it|that|this)|it over)|sleep on it|mull it over|decide later)"
    # "I'll let you know (tomorrow)", "I'll get back to you", "I'll come back to you", "I'll text you later"
    r"|(?:i'?ll|i will|we'?ll|we will|i can|i'?m going to|i'?d|i shall) (?:\w+ ){0,2}(?:let you know|get back to you"
    r"|come back to you|get back in touch|be in touch|text you back|message you back|write (?:to )?you back|circle back)"
    r"(?!,? if\b)"  # ("I'll let you know if I'm running late": a promise for later, no decision put off)
    r"|(?:i'?ll|i will) (?:text|message|write|call|ping) (?:you )?(?:back |again )?" + _WHEN +
    r"|(?:i'?ll|i will) (?:text|message|write|call|ping|ring) (?:you )?back(?=\W*$|\W+(?:thanks|ok|okay|bye|cheers))" +
    # "I need to check my calendar (first)", "let me check with my wife", "I have to ask my boss first"
    r"|(?:let me|i'?ll|i will|i need to|i have to|i must|gotta|i should|first i need to|i'?d have to) (?:first )?"
    r"(?:check (?:my (?:calendar|diary|schedule|shifts?|rota|plans?|work schedule)|with " + _PERSON_EN + r")"
    r"|ask " + _PERSON_EN + r"|talk to " + _PERSON_EN + r"|see (?:what|how|if|when) (?:my|i|we)\b)"
    r"|(?:i'?m )?not (?:sure|decided) yet|haven'?t decided(?: yet)?|(?:i'?ll|i will) decide later"
    r"|(?:i'?ll|i will) book (?:it )?later"  # ("maybe later" declines: a no)
    # "let me check", "one sec", "hang on" said on their own: an answer is coming
    r"|^\W*(?:(?:ok|okay|hmm+|um+|sure)\W+)?(?:let me (?:just )?(?:check|see|look)(?: (?:first|quickly|real quick))?"
    r"|one (?:sec|second|moment|min|minute)|just a (?:sec|second|moment|min|minute)|hang on|hold on)(?=\W*$)"
)
_DE = (
    # "ich überlege es mir (noch)", "muss ich mir noch überlegen", "lass mich kurz überlegen"
    r"(?:ich )?überlegen?(?: (?:es|das|mir|s|noch|nochmal|noch mal|mal|erst|kurz|in ruhe|gut))*"
    r"(?=\W*$|\W+(?:und|dann|bis|bescheid|ich|melde|ob|welche\w*|wann))"
    r"|muss (?:ich |mir |es |das |mir das )*(?:noch |erst |mal |kurz |noch mal |nochmal )*(?:überlegen|nachschauen|schauen"
    r"|nachsehen|gucken|checken|klären|abklären|fragen|besprechen|abstimmen)"
    r"|lass(?:t)? mich (?:\w+ ){0,2}(?:überlegen|nachschauen|nachsehen|schauen|gucken)"
    # "ich sag euch (ab) morgen Bescheid", "ich gebe Ihnen noch Bescheid"
    r"|(?:ich )?(?:sag|sage|geb|gebe) (?!mir |uns )(?:\w+ ){0,4}bescheid(?! (?:dass|ob du|ob ihr|wegen mein))"
    # "ich melde mich nochmal", "melde mich morgen wieder" (not "melde mich für Freitag an": that books)
    r"|(?:ich )?melde mich(?: (?:dann|noch|nochmal|noch mal|wieder|später|nachher|morgen|übermorgen|bald|die tage"
    r"|nächste woche|diese woche|heute abend|bei (?:dir|euch|ihnen)|deswegen|dafür))+(?=\W*$|\W+(?:und|wenn|sobald|ok|danke))"
    r"|(?:weiß|weiss) (?:ich )?(?:noch nicht|es noch nicht)(?: genau)?(?=\W*$|\W+(?:wann|ob|welch|ich|melde|sag))"
    r"|buche? (?:dann |lieber )?später"
    r"|^\W*(?:(?:ok|okay|hm+|äh+|also)\W+)?(?:(?:ich )?(?:schau|schaue|guck|gucke)(?: mal)?(?: kurz| eben| schnell)?(?: nach)?"
    r"|(?:einen |ein )?(?:moment|augenblick|sekunde)(?: bitte| mal)?|warte(?:t)? (?:mal|kurz))(?=\W*$)"
)
_LATER = cue(_EN, _DE)  # (umlauts written out too: "ueberlege", "spaeter")
# one cheap look before the pattern: a word each of its alternatives needs
_GATE = re.compile(r"think|sleep on|mull|decide|let you know|back to you|in touch|back|check|ask|talk to|see|not sure"
                   r"|later|überleg|ueberleg|muss|lass|bescheid|melde|noch nicht|später|spaeter|sec|moment|min|hang"
                   r"|hold|schau|guck|augenblick|sekunde|warte|text|message|write|call|ping|ring")


def defers(low: str) -> bool:
    """Whether a (lower-case) message puts the decision off to later."""
    return _GATE.search(low) is not None and _LATER.search(low) is not None
