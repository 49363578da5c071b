"""The reader's shortcuts read exactly as the long way does: the date and time patterns without
IGNORECASE on text with no capitals, and the quick checks that let most messages skip a pattern."""

from __future__ import annotations

import re
import sys

import pytest

from intents import normalize as norm
from intents.when import clock_patterns, date_patterns
from intents.when.vocabulary import _FOLDING, _NOT_PLAIN, Lazy, case_sensitive, plain

# What `plain` lets through: ASCII but A-Z, "äöüß" and the mask
PLAIN = [chr(i) for i in range(128) if not "A" <= chr(i) <= "Z"] + list("äöüß§")
ALL = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i < 0xE000)


def test_plain_is_what_the_note_says():
    assert all(plain(c) for c in PLAIN)
    assert not _NOT_PLAIN.search("".join(PLAIN))
    assert len(_NOT_PLAIN.sub("", ALL)) == len(PLAIN)


def test_folding_holds_every_character_ignorecase_relates_to_a_plain_one():
    related = set()
    for c in PLAIN:
        related |= set(re.compile(re.escape(c), re.IGNORECASE).findall(ALL))
        related |= set(re.compile("[" + re.escape(c) + "]", re.IGNORECASE).findall(ALL))
    assert related - set(PLAIN) == _FOLDING


@pytest.mark.parametrize("pattern, kept", [
    ("[A-Z]", True), (r"a\x41", True), (r"(a)\1", True), ("[!-~]", True), ("\u212a", True), ("ſ", True),
    (r"(?P<x>a)(?(x)b|c)", True), (r"abc[a-zäöü]+\d(?:x|y)?(?<!q)", False), ("(?i:x)", False),
])
def test_patterns_with_a_folding_character_keep_ignorecase(pattern, kept):
    rx = re.compile(pattern, re.IGNORECASE)
    twin = case_sensitive(rx)
    assert (twin is rx) == kept
    assert kept or not twin.flags & re.IGNORECASE or pattern.startswith("(?i")


def _when_patterns():
    for module in (clock_patterns, date_patterns):
        for name, value in vars(module).items():
            if isinstance(value, (re.Pattern, Lazy)):
                yield f"{module.__name__}.{name}", value


TEXTS = [norm.normalize(t)[1] for t in (
    "book a haircut tomorrow at 3pm", "between 2 and 4 on the 3rd of March", "Termin am Freitag um halb drei",
    "viertel nach 10 oder 14:30 Uhr", "next monday at 10.30am for 45 mins", "am 3.4. zwischen 9 und 11",
    "quarter to five in the afternoon", "Tuesday Jan 5th 2027 @ 9", "§§§ - 5", "um 12 mittags", "in 2 weeks",
)]


@pytest.mark.parametrize("name, pattern", list(_when_patterns()))
def test_when_patterns_read_plain_text_alike_without_ignorecase(name, pattern):
    twin = case_sensitive(pattern)
    for text in TEXTS:
        assert plain(text)
        assert [m.span() for m in twin.finditer(text)] == [m.span() for m in pattern.finditer(text)], (name, text)


def _normalize_the_long_way(text: str) -> str:
    n = norm.repair_typos(norm.clean(text))
    n = norm._DAY_PART_COMPOUND.sub(r"\1 \2", n)
    n = norm._ABBR_CUED.sub(
        lambda m: f"{m.group(1)} {norm._DAY_ABBR[m.group(2)]}" if m.group(1) else
        f"{norm._DAY_ABBR[m.group(3) or m.group(4)]} ", n)
    return norm._SPACES.sub(" ", n).strip()


@pytest.mark.parametrize("text", [
    "a \t b\u2003c  d", " mon  10 ", "mon 10", "on sat", "bis Mo. um 9", "so 3 uhr", "Freitagnachmittag  ok",
    "wanna come tmrw\n", "plain text", "x\x1fy", "do you have sun at 9", "", " ", "so um 10", "can you do 10",
])
def test_normalize_reads_as_the_long_way(text):
    assert norm.normalize(text)[1] == _normalize_the_long_way(text)

