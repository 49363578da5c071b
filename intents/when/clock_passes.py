"""Passes that find clock times ("3pm", "14:30", "viertel nach drei", "between 2 and 4") and parts
of the day ("morning", "abends"). The hour stays as written; am/pm is settled when combining.
"""

from __future__ import annotations

import re

from .clock_patterns import (
    AFTER_DATE, CLOCK, FRACTION_DE, FRACTION_EN, PART_ALONE, PART_NUMBER, RANGE_HEAD, RANGE_TAIL, TRIGGERED,
)
from .scan import Clock, Part, Scan
from .vocabulary import PART_WORDS, number


def clock_from_groups(m: re.Match[str]) -> tuple[int, int, str | None, bool] | None:
    """Hour, minute, am/pm and whether it is a 24-hour time, from a match of CLOCK."""
    g = m.groupdict()
    if g.get("noon"):
        word = g["noon"].lower()
        return (0, 0, None, True) if word in ("midnight", "mitternacht") else (12, 0, None, True)
    if g.get("hm_h") is not None:
        h_txt = g["hm_h"]
        h, mi = int(h_txt), int(g["hm_m"])
        ap = meridiem(g.get("hm_ap"))
        exact = h_txt.startswith("0") or h >= 13 or (g.get("hm_uhr") is not None and h >= 10 and ap is None)
        return h, mi, ap, exact
    if g.get("hh_h") is not None:
        return int(g["hh_h"]), int(g["hh_m"]), None, True
    if g.get("ap_h") is not None:
        h = number(g["ap_h"])
        return (h, 0, meridiem(g["ap_ap"]), False) if h is not None else None
    if g.get("uhr_h") is not None:
        h = number(g["uhr_h"])
        if h is None:
            return None
        return h, int(g["uhr_m"] or 0), None, h >= 13 or g["uhr_h"].startswith("0")
    if g.get("h_h") is not None:
        return int(g["h_h"]), 0, None, True
    if g.get("oc_h") is not None:
        h = number(g["oc_h"])
        return (h, 0, None, False) if h is not None else None
    return None


def meridiem(text: str | None) -> str | None:
    if not text:
        return None
    return "pm" if text.lower().startswith("p") else "am"


def read_clocks(s: Scan) -> None:
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
        if m.group(4):  # "half 3" (British) = 3:30
            h = number(m.group(4))
            return add(m, h, 30, None, False)
        amount, direction, hour_txt = m.group(1).lower(), m.group(2).lower(), m.group(3).lower()
        h = 12 if hour_txt in ("noon", "midday") else number(hour_txt)
        if h is None:
            return False
        mins = {"quarter": 15, "half": 30, "twenty": 20, "ten": 10, "five": 5}.get(amount.replace("-", " ").split()[0], None)
        if amount.replace("-", " ") == "twenty five":
            mins = 25
        if mins is None:
            mins = int(amount) if amount.isdigit() else None
        if mins is None or mins >= 60:
            return False
        if direction in ("past", "after"):
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
        start = m.start("h")
        s.clocks.append(Clock(start, m.end(), h % 24, 0, None, h >= 13))
        return True

    s.take(FRACTION_EN, fraction_en)
    s.take(FRACTION_DE, fraction_de)
    s.take(CLOCK, clock)
    s.take(PART_NUMBER, part_number)
    s.take(TRIGGERED, triggered)
    for rx in (RANGE_TAIL, RANGE_HEAD):
        s.take(rx, lambda m: add_bare(s, m))
    # a bare number right after a date ("tomorrow 3", "morgen 10") is a time
    s.take(AFTER_DATE, lambda m: add(m, int(m.group("h")), int(m.group("m") or 0), None,
                                     int(m.group("h")) >= 13 or m.group("h").startswith("0")))


def add_bare(s: Scan, m: re.Match[str]) -> bool:
    """A bare hour at one end of a range ("between 2 and 4", "14-16 Uhr")."""
    h = number(m.group("h"))
    if h is None or h > 24:
        return False
    s.clocks.append(Clock(m.start("h"), m.end("h") if m.group("m") is None else m.end("m"), h % 24,
                          int(m.group("m") or 0), None, h >= 13 or m.group("h").startswith("0")))
    return True


def read_parts(s: Scan) -> None:
    def part(m: re.Match[str]) -> bool:
        s.parts.append(Part(m.start(), PART_WORDS[m.group(1).lower()]))
        return True

    s.take(PART_ALONE, part)
