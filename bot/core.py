"""What a channel needs of the conversation core, handed over by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from booking_client import Business

from .clock import Clock
from .conversation import Dialogue
from .replies import Texts
from .store import ConversationStore


@dataclass(frozen=True)
class Core:
    """The dialogue that answers messages, the customers' conversations, the business and the clock."""

    business: Business
    dialogue: Dialogue
    conversations: ConversationStore
    clock: Clock
    default_language: str

    @property
    def texts(self) -> Texts:
        """Every text in the business's languages, with its overrides (what a channel itself says too)."""
        return self.dialogue.texts

    async def language(self, key: str, hint: str | None = None) -> str:
        """The language the conversation is in, else the channel's hint, else the business default
        (always one the business speaks)."""
        state = await self.conversations.load(key)
        return self.texts.language(state.lang, hint, self.default_language)
