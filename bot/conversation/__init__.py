"""The dialogue as a state machine: one event per message, one (step, event) -> handler table, small flow modules.

`Dialogue` is the entry point; `state.State` is what is kept per customer between messages.
"""

from .dialogue import Conversations, Dialogue

__all__ = ["Conversations", "Dialogue"]
