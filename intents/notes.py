"""What a note asked for says, without the asking: "could you put a note that I have a sensitive scalp?" -> "I have a
sensitive scalp". The words the business reads on the booking; a message with no such opening stays as it is."""

from __future__ import annotations

import re

_OPENING = re.compile(
    r"^(?:(?:hi|hello|hey|hallo|moin|servus)\b[\s,!.]*)?(?:(?:oh|and|also|btw|ach|und|übrigens|uebrigens)\b[\s,]*)*"
    r"(?:"
    # "could you (please) put a note (on my booking) that ...", "please note that ...", "make a note:"
    r"(?:(?:can|could|would|will) (?:you|u) )?(?:please |also |just )*"
    r"(?:(?:put|add|make|leave|write|take) (?:down )?(?:a |in a |down a )?(?:little |quick |short )?note"
    r"(?: (?:on|to|with|for) (?:my|the) (?:booking|appointment))?|note down|note)(?!\w)"
    r"(?: (?:that|of)\b)?"
    r"|"
    # "bitte notieren: ...", "Notiz: ..." (a "dass" clause stays whole: its words are in a subordinate clause's order)
    r"(?:(?:kannst du|könnt ihr|koennt ihr|können sie|koennen sie|könnten sie|koennten sie) )?(?:bitte |noch |mal |auch )*"
    r"(?:notieren|vermerken|aufschreiben|notier|vermerk|notiz|anmerkung)(?: (?:bitte|noch|mal|auch))*(?=\s*:)"
    r")[\s,:]*",
    re.IGNORECASE)


def note_words(text: str) -> str:
    """The note in a message asking for one, its opening ("please note that", "bitte notieren, dass") and the
    question mark after it taken off; the message itself where it opens otherwise or nothing would be left."""
    said = text.strip()
    m = _OPENING.match(said)
    if not m or not m.end():
        return said
    rest = re.sub(r"[\s?]+$", "", said[m.end():])
    if len(rest) < 3:
        return said
    return rest[0].upper() + rest[1:]
