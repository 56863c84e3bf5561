"""`RunMessages`: the messages a run sends to its model, as model hooks get them (Agno's API)."""

from __future__ import annotations

from dataclasses import dataclass, field

from agno_core.models.message import Message

__all__ = ["RunMessages"]


@dataclass(kw_only=True)
class RunMessages:
    """The context of a run's model call, once it is built.

    Attributes:
        messages: Every message sent to the model, in order. A model hook may change them in
            place, or assign a new list: what is here after the hooks is what the model gets.
        system_message: The system message (None when the run has none).
        user_message: The user's message of this run.
        extra_messages: The ``additional_input`` messages placed after the system message.
    """

    messages: list[Message] = field(default_factory=list)
    system_message: Message | None = None
    user_message: Message | None = None
    extra_messages: list[Message] | None = None

    def get_input_messages(self) -> list[Message]:
        """The system message, the user's message and the extra messages (those present)."""
        found = [m for m in (self.system_message, self.user_message) if m is not None]
        return found + list(self.extra_messages or ())
