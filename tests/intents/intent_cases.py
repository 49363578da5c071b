"""Fixed clocks and the demo salon's words for the extractor tests."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from intents import Context, Vocabulary

BERLIN = ZoneInfo("Europe/Berlin")

# The demo salon's vocabulary, written out so these tests do not depend on bot/ or the TOML file.
DEMO = Vocabulary(
    services={
        "haircut": ["Haircut", "Haarschnitt", "hair cut", "cut", "men's cut", "hair trim", "Haare schneiden",
                    "schneiden", "Herrenschnitt", "Damenschnitt", "Frisur"],
        "coloring": ["Coloring", "Färben", "colouring", "colour", "color", "dye", "highlights", "hair colour",
                     "Haare färben", "färbt", "Farbe", "Haarfarbe", "Strähnchen", "Coloration", "Tönung"],
        "beard": ["Beard trim", "Bartschnitt", "beard", "beard cut", "shave", "beard shave", "Bart",
                  "Bärte", "Bart schneiden", "Bart stutzen", "Rasur", "Bartpflege"],
    },
    staff={"sarah": ["Sarah"], "tom": ["Tom"]},
    opening_hours=(9, 18),
)


def at(stamp: str, zone: str = "Europe/Berlin") -> datetime:
    """An aware local time from 'YYYY-MM-DDTHH:MM'."""
    return datetime.fromisoformat(stamp).replace(tzinfo=ZoneInfo(zone))


def ctx(stamp: str = "2026-03-27T10:00", lang: str | None = None, expecting: str | None = None,
        zone: str = "Europe/Berlin") -> Context:
    return Context(now=at(stamp, zone), lang=lang, vocabulary=DEMO, expecting=expecting)
