"""The business's services and staff as the extractor's vocabulary."""

from __future__ import annotations

from booking_client.business import Business
from intents import Vocabulary


def business_vocabulary(business: Business) -> Vocabulary:
    return Vocabulary(
        services={s.id: s.all_names() for s in business.services},
        staff={p.id: [p.name, *p.aliases] for p in business.staff},
        opening_hours=business.opening_range(),
        faq={lang: tuple(w for entry in business.faq for w in entry.keywords.get(lang)) for lang in ("en", "de")},
    )
