"""Passes that find clock times ("3pm", "14:30", "viertel nach drei", "between 2 and 4") and parts
of the day ("morning", "abends"). The hour stays as written; am/pm is settled when combining.
"""

from __future__ import annotations

import re

from .clock_patterns import (
    AFTER_DATE, CLOCK, COMPACT_CLOCK, DURATION, EDGE_PART, FRACTION_DE, FRACTION_EN, HOUR_BEFORE_DAY, MINUTE_WORDS,
    FOR_COUNT_END, MOVE_TO, PART_ALONE,
    PART_NUMBER, RANGE_HEAD, RANGE_TAIL, TRIGGERED, TRIGGERED_AT, WORD_CLOCK, WORD_CLOCK_AT,
)
from .scan import Clock, Part, Scan
from .vocabulary import MASK, PART_WORDS, number


def clock_from_groups(m: re.Match[str]) -> tuple[int, int, str | None, bool] | None:
    """Hour, minute, am/pm and whether it is a 24-hour time, from a match of CLOCK."""
    g = m.groupdict()
    if g.get("noon"):
        word = g["noon"].lower()
        return (0, 0, None, True) if word in ("midnight", "mitternacht") else (12, 0, None, True)
    if g.get("hm_h") is not None:
        h_txt = g["hm_h"]
        h, mi = int(h_txt), int(g["hm_m"])
        ap = meridiem(g.get("hm_ap") or g.get("hm_ap1"))
        exact = ap is None and (h_txt.startswith("0") or h >= 13 or (g.get("hm_uhr") is not None and h >= 10))
        return h, mi, ap, exact
    if g.get("hh_h") is not None:
        return int(g["hh_h"]), int(g["hh_m"]), None, True
    if g.get("w_h") is not None:
        h = number(g["w_h"])
        if h is None:
            return None
        if g.get("ap_ap"):
            return h, 0, meridiem(g["ap_ap"]), False
        if g.get("uhr"):
            return h, int(g["uhr_m"] or 0), None, h >= 13 or g["w_h"].startswith("0")
        return h, 0, meridiem(g.get("oc_ap")), False
    if g.get("ap1_h") is not None:
        return int(g["ap1_h"]), 0, meridiem(g["ap1_ap"]), False
    if g.get("h_h") is not None:
        return int(g["h_h"]), 0, None, True
    return None


def meridiem(text: str | None) -> str | None:
    if not text:
        return None
    return "pm" if text.lower().startswith("p") else "am"


def read_clocks(s: Scan, words: bool = True, compact: bool = True, durations: bool = True,
                words_after_at: bool = True) -> None:
    """Clock times; `words`, `compact` and `durations` say whether the rarer forms can be in the text at all."""
    def add(m: re.Match[str], h: int | None, mi: int, ap: str | None, exact: bool) -> bool:
        if h is None or not (0 <= h <= 24 and 0 <= mi <= 59):
            return False
        if h == 24:
            h, exact = 0, True
        if ap and h > 12:
            ap = None  # "14 pm": the 24-hour number wins
        s.clocks.append(Clock(m.start(), m.end(), h, mi, ap, exact))
        return True

    def fraction_en(m: re.Match[str]) -> bool:
        if m.group(5):  # "half 3" (British) = 3:30
            h = number(m.group(5))
            return add(m, h, 30, None, False)
        amount, direction, hour_txt = m.group(1).lower(), m.group(2).lower(), m.group(3).lower()
        h = 12 if hour_txt in ("noon", "midday") else 0 if hour_txt == "midnight" else number(hour_txt)
        if h is None:
            return False
        mins = {"quarter": 15, "half": 30, "twenty": 20, "ten": 10, "five": 5}.get(amount.replace("-", " ").split()[0], None)
        if amount.replace("-", " ") == "twenty five":
            mins = 25
        if mins is None:
            mins = int(amount) if amount.isdigit() else None
        if mins is None or mins >= 60:
            return False
        if amount.isdigit() and direction not in ("past", "after", "from") and not m.group(4) and h > mins \
                and s.w[:m.start()].rstrip(" ,").endswith(MASK):
            return False  # "tomorrow 10 to 12": from ten to twelve that day; "10 to 4" is 15:50
        ap = meridiem(m.group(4))
        if ap or hour_txt in ("noon", "midday", "midnight") or h >= 13:
            # "a quarter past 3pm", "15 to noon": the hour is certain, so the minutes count from it
            if ap and h <= 12:
                h = h % 12 + (12 if ap == "pm" else 0)
            total = (h * 60 + (mins if direction in ("past", "after", "from") else -mins)) % (24 * 60)
            return add(m, total // 60, total % 60, None, True)
        if direction in ("past", "after", "from"):
            return add(m, h, mins, None, h >= 13)
        h2 = (h - 1) % 24 if h != 0 else 23
        return add(m, h2 if h2 != 0 else 12, 60 - mins, None, h >= 13)

    def fraction_de(m: re.Match[str]) -> bool:
        h = number(m.group(5))
        if h is None:
            return False
        if m.group(4):
            word = m.group(4).lower()
            if word == "halb":
                return add(m, (h - 1) if h > 1 else 12, 30, None, h >= 13)
            if word == "viertel":
                return add(m, (h - 1) if h > 1 else 12, 15, None, h >= 13)
            return add(m, (h - 1) if h > 1 else 12, 45, None, h >= 13)  # dreiviertel
        amount_txt, direction, half = m.group(1).lower(), m.group(2).lower(), m.group(3)
        mins = 15 if amount_txt == "viertel" else number(amount_txt)
        if mins is None or mins >= 60:
            return False
        base_h, base_m = ((h - 1) if h > 1 else 12, 30) if half else (h, 0)
        total = base_h * 60 + base_m + (mins if direction == "nach" else -mins)
        total %= 24 * 60
        hh, mm = divmod(total, 60)
        return add(m, hh if hh else 12, mm, None, h >= 13)

    def clock(m: re.Match[str]) -> bool:
        got = clock_from_groups(m)
        if got is None:
            return False
        return add(m, *got)

    def part_number(m: re.Match[str]) -> bool:
        h_txt = m.group("h") or m.group("h2")
        mi = m.group("m") or m.group("m2")
        part = PART_WORDS[(m.group("part") or m.group("part2")).lower()]
        h = number(h_txt)
        if h is None:
            return False
        ok = add(m, h, int(mi or 0), None, h >= 13 or h_txt.startswith("0"))
        if ok:
            s.parts.append(Part(m.start(), part))
        return ok

    def triggered(m: re.Match[str]) -> bool:
        h = number(m.group("h"))
        if h is None or h > 24:
            return False
        if m.group("trig").lower() == "for" and FOR_COUNT_END.match(s.w, m.end()):
            return False  # "a cab for 4. A shared ride is fine": how many, at a sentence's end
        start = m.start("h")
        s.clocks.append(Clock(start, m.end(), h % 24, 0, None, h >= 13))
        return True

    def word_clock(m: re.Match[str]) -> bool:
        h = number(m.group(1))
        if m.group(2):
            mi = MINUTE_WORDS[m.group(2).lower()]
        elif m.group(3):
            mi = MINUTE_WORDS[m.group(3).lower()] + (MINUTE_WORDS[m.group(4).lower()] if m.group(4) else 0)
        else:
            mi = MINUTE_WORDS[m.group(5).lower()]
        ap = m.group(6)
        return add(m, h, mi, meridiem(ap.replace(" ", "")) if ap else None, False)

    def compact_clock(m: re.Match[str]) -> bool:
        if m.group(4):  # "at 1545": a 24-hour time
            return add(m, int(m.group(4)), int(m.group(5)), None, True)
        return add(m, int(m.group(1)), int(m.group(2)), meridiem(m.group(3)), False)

    def duration(m: re.Match[str]) -> bool:
        count = m.group(1).lower()
        n = 1 if count in ("a", "an", "one") else MINUTE_WORDS.get(count) or number(count)
        if not n:
            return False
        s.minutes_long = n * 60 if m.group(2).lower().startswith("h") else n
        return True

    if words:
        s.take(WORD_CLOCK, word_clock)
    if words_after_at:
        s.take(WORD_CLOCK_AT, word_clock)
    if compact:
        s.take(COMPACT_CLOCK, compact_clock)
    s.take(FRACTION_EN, fraction_en)
    s.take(FRACTION_DE, fraction_de)
    s.take(CLOCK, clock)
    s.take(PART_NUMBER, part_number)
    s.take(TRIGGERED, triggered)
    if "@" in s.w:
        s.take(TRIGGERED_AT, triggered)
    for rx in (RANGE_TAIL, RANGE_HEAD):
        s.take(rx, lambda m: add_bare(s, m))
    for day in s.days:  # "8 tonight", "9 tomorrow morning": the hour of that part of the day
        hm = HOUR_BEFORE_DAY.search(s.w, 0, day.pos) if day.part else None
        if hm and add(hm, number(hm.group("h")), int(hm.group("m") or 0), None, False):
            s.w = s.w[:hm.start()] + MASK * (hm.end() - hm.start()) + s.w[hm.end():]
    if durations and s.clocks:
        s.take(DURATION, duration)
    # a bare number right after a date ("tomorrow 3", "morgen 10") is a time, and may begin a range ("Saturday 10-12")
    found = len(s.clocks)
    s.take(AFTER_DATE, lambda m: add(m, int(m.group("h")), int(m.group("m") or 0), None,
                                     int(m.group("h")) >= 13 or m.group("h").startswith("0")))
    if len(s.clocks) > found:
        s.take(RANGE_TAIL, lambda m: add_bare(s, m))


def read_move_target(s: Scan) -> None:
    """"Move it to 10 on Friday", "verschieb ihn auf 10": with a word for moving and no clock time said, a bare hour
    after "to" / "auf" is the time it goes to."""
    def target(m: re.Match[str]) -> bool:
        h = number(m.group("h"))
        if h is None or h > 24:
            return False
        s.clocks.append(Clock(m.start("h"), m.end(), h % 24, int(m.group("m") or 0), None,
                              h >= 13 or m.group("h").startswith("0")))
        return True

    s.take(MOVE_TO, target)


def add_bare(s: Scan, m: re.Match[str]) -> bool:
    """A bare hour at one end of a range ("between 2 and 4", "14-16 Uhr")."""
    h = number(m.group("h"))
    if h is None or h > 24:
        return False
    s.clocks.append(Clock(m.start("h"), m.end("h") if m.group("m") is None else m.end("m"), h % 24,
                          int(m.group("m") or 0), None, h >= 13 or m.group("h").startswith("0")))
    return True


_LUNCH_SIDE = re.compile(r"\b(after|nach|before|vor)\s+(?:(?:the|my|dem|der|meinem|meiner)\s+)?$", re.IGNORECASE)


def read_parts(s: Scan, edges: bool = True) -> None:
    """Parts of the day ("morning", "abends"); with `edges` (a word for early or late is there) their first or
    last hours too ("late afternoon", "am frühen Abend")."""
    def edge_part(m: re.Match[str]) -> bool:
        edge = next(e for e in m.group("e", "e2", "e3", "e4") if e)
        name = PART_WORDS.get(m.group("part").lower())
        if name not in ("morning", "afternoon", "evening"):
            return False
        s.parts.append(Part(m.start(), ("early " if edge.startswith(("early", "früh")) else "late ") + name))
        return True

    def part(m: re.Match[str]) -> bool:
        name = PART_WORDS[m.group(1).lower()]
        if name == "noon" and (side := _LUNCH_SIDE.search(s.w, max(0, m.start() - 20), m.start())):
            name = "morning" if side.group(1).lower() in ("before", "vor") else "after lunch"  # "nach dem Mittagessen"
        s.parts.append(Part(m.start(), name))
        return True

    if edges:
        s.take(EDGE_PART, edge_part)
    s.take(PART_ALONE, part)
