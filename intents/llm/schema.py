"""What the model is asked to return: one reading of one message, as a strict JSON schema.

Times are kept as the customer wrote them (`when_text`); the deterministic resolver turns
them into dates. There is no field for a booking id or a confirmation: the model can
only name an option the bot offered by its number, and the dialogue asks for every yes.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..types import Topic as ModelTopic

ModelIntent = Literal[
    "book", "cancel", "reschedule", "list", "availability", "affirm", "deny",
    "greet", "thanks", "bye", "help", "handoff", "info", "other",
]


class ModelReading(BaseModel):
    """One message, read."""

    model_config = ConfigDict(extra="forbid")

    intent: ModelIntent
    lang: Literal["en", "de"]
    service: str | None = Field(description="a service id from the list given, or null")
    staff: str | None = Field(description="a staff id from the list given, or null")
    staff_text: str | None = Field(description="a person's name as the customer wrote it, or null")
    any_staff: bool = Field(description="the customer does not mind who serves them")
    when_text: str | None = Field(description="the date/time words exactly as written, or null")
    date: str | None = Field(description="your reading of that date as YYYY-MM-DD, or null")
    name: str | None = Field(description="the customer's own name if they give it, or null")
    email: str | None
    phone: str | None
    option_number: int | None = Field(description="the number of an offered option the customer picks, or null")
    topic: ModelTopic | None = Field(description="for intent info: what is asked about the business, else null")
