"""English or German? A vote of frequent function words, umlauts and booking words."""

from __future__ import annotations

import re

_DE = frozenset("""
ich du sie wir ihr und oder der die das den dem des ein eine einen einem ist bin bist sind habe hast hat haben
hätte haette möchte moechte mochte würde wuerde bitte danke nicht kein keine keinen mit bei für fuer um uhr am im
morgen heute übermorgen uebermorgen termin termine terminen ja nein nee hallo tschüss tschuess wann was wie wo gibt
es noch auch mir mich mein meine meinen meinem kann können koennen geht passt gerne gern zum zur vom nächste
nächsten naechste naechsten woche wochenende nachmittag nachmittags vormittag vormittags abends abend haare
schneiden färben verschieben absagen stornieren buchen frei zeit genau klar guten tag moin servus schon doch mal
aber dann jetzt sehr gut morgens montag dienstag mittwoch donnerstag freitag samstag sonntag januar februar märz
maerz mai juni juli oktober dezember halb viertel vielen dank gibt's geht's hab wäre waere vielleicht lieber
diese diesen dieser nach vor ab bis gegen etwa ungefähr zwischen über ueber leider sonst alles mitarbeiter sprechen heiße heisse
bietet bieten macht machen habt seid kostet kosten euch eure euren euer ihnen offen geöffnet geoeffnet auf parken
parkplatz parkplätze bezahlen zahlen adresse preis preise teuer färbt faerbt schneidet wieviel nur barzahlung
kartenzahlung webseite
eins zwei drei vier fünf fuenf sechs sieben acht neun zehn elf zwölf zwoelf stunde stunden minuten tage tagen
wochen monat monaten später spaeter früher frueher
haarschnitt schnitt herrenschnitt damenschnitt bart bartschnitt friseur frisör uhrzeit mittags weihnachten
weihnachtstag weihnachtsfeiertag heiligabend feiertag silvester neujahr ostern pfingsten
""".split())
_EN = frozenset("""
i you the a an is are to for my me at on and or please thanks thank yes no tomorrow today appointment book
cancel can could would what when do have with this next that it of any free available morning afternoon evening
hi hello hey bye okay sure want like need time day week monday tuesday wednesday thursday friday saturday sunday
january february march april june july october december there their they how where i'm i'd it's that's don't
be will just get see help let's sounds good great works after before between from some anything something
your you're who which was were been has had am pm o'clock noon tonight weekend month about instead
""".split())
FUNCTION_WORDS = _DE | _EN  # everyday words of either language: no part of a person's name
_TOKEN = re.compile(r"[a-zäöüß']+")
_UMLAUT_WORD = re.compile(r"[a-z']*[äöüß][a-zäöüß']*")


def detect(norm: str, default: str = "en") -> str:
    """'de' when German words (or umlauts) outnumber English ones, else 'en'."""
    return leaning(norm) or default


def leaning(norm: str) -> str | None:
    """'de' or 'en' where the words of one outnumber the other's; None where nothing tells ("Balayage Highlights",
    an address)."""
    tokens = _TOKEN.findall(norm)
    de = len(_UMLAUT_WORD.findall(norm))  # a word with an umlaut counts for German on its own
    en = 0
    for tok in tokens:
        if tok in _DE:
            de += 1
        if tok in _EN:
            en += 1
    if de > en:
        return "de"
    if en > de:
        return "en"
    return None
