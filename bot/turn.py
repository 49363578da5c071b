"""What every step of a turn needs: the state, the texts, the clock, and saying things."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from booking_client import Contact

from . import replies
from .messages import Inbound, Option, Reply
from .state import OfferedOption, State

if TYPE_CHECKING:
    from .dialogue import Dialogue


class TurnBase:
    """One message's worth of dialogue; holds the state while deciding."""

    def __init__(self, dialogue: Dialogue, msg: Inbound, state: State) -> None:
        self.d = dialogue
        self.biz = dialogue.business
        self.msg = msg
        self.state = state
        if state.lang is None:
            state.lang = msg.lang or dialogue.default_lang
        self.out: list[Reply] = []
        self.lines: list[str] = []

    # --- helpers ---------------------------------------------------------------------

    @property
    def lang(self) -> str:
        return self.state.lang or "en"

    def t(self, key: str, **values: object) -> str:
        return self.d.texts(self.lang, key, business=self.biz.name, **values)

    def say(self, *parts: str, options: Sequence[Option] = ()) -> list[Reply]:
        """Queue one reply (parts joined by newlines); options start a new offer."""
        text = "\n".join(p for p in (*self.lines, *parts) if p)
        self.lines = []
        offer = None
        if options:
            offer = uuid.uuid4().hex[:10]
            self.state.offer_id = offer
            self.state.options = [OfferedOption(label=o.label, value=o.value) for o in options]
        else:
            self.state.offer_id = None
            self.state.options = []
        self.out.append(Reply(text=text, options=tuple(options), offer=offer))
        return self.out

    def note(self, text: str) -> None:
        """Text that goes in front of the next reply."""
        self.lines.append(text)

    def now(self) -> datetime:
        return self.d.clock.now()

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.biz.tz)

    def when(self, moment: datetime) -> str:
        return replies.when(self.local(moment), self.lang)

    def service_name(self, service_id: str | None) -> str:
        if not service_id:
            return ""
        try:
            return self.biz.service(service_id).display(self.lang)
        except KeyError:
            return service_id

    def staff_name(self, staff_id: str | None) -> str:
        if not staff_id:
            return ""
        try:
            return self.biz.person(staff_id).name
        except KeyError:
            return staff_id

    def contact(self) -> Contact:
        return Contact(ref=self.msg.key, name=self.state.name, email=self.state.email)


    def yes_no(self) -> list[Option]:
        return [Option(self.t("yes"), "yes"), Option(self.t("no"), "no")]
