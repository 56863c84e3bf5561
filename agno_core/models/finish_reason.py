"""Why the model stopped generating: `FinishReason`, as Agno's ``agno.models.finish_reason``.

Each provider names it its own way (Chat Completions' ``finish_reason``, the Responses API's
``status`` and ``incomplete_details.reason``); a run reports the normalised value
(``RunOutput.finish_reason``) and keeps the provider's own word in
``RunOutput.model_provider_data["native_finish_reason"]``. A value never seen before reads
``UNKNOWN``, never ``STOP``: a truncated or filtered answer must not pass for a clean one.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

__all__ = ["FinishReason", "map_openai_finish_reason", "map_openai_responses_finish_reason"]


class FinishReason(str, Enum):
    """Why a model call ended (a ``str``: ``FinishReason.LENGTH == "length"``)."""

    STOP = "stop"
    LENGTH = "length"
    TOOL_CALL = "tool_call"
    CONTENT_FILTER = "content_filter"
    PAUSE = "pause"
    REFUSAL = "refusal"
    ERROR = "error"
    UNKNOWN = "unknown"


_CHAT = {
    "stop": FinishReason.STOP,
    "length": FinishReason.LENGTH,
    "tool_calls": FinishReason.TOOL_CALL,
    "function_call": FinishReason.TOOL_CALL,
    "content_filter": FinishReason.CONTENT_FILTER,
}
_RESPONSES_INCOMPLETE = {
    "max_output_tokens": FinishReason.LENGTH,
    "content_filter": FinishReason.CONTENT_FILTER,
}


def map_openai_finish_reason(value: Any) -> tuple[FinishReason, str]:
    """A Chat Completions ``finish_reason``: the normalised reason and the raw value."""
    raw = str(value)
    return _CHAT.get(raw, FinishReason.UNKNOWN), raw


def map_openai_responses_finish_reason(
    status: Any, incomplete_reason: Any = None
) -> tuple[FinishReason, str]:
    """A Responses API ``status`` (and ``incomplete_details.reason`` when it is
    ``"incomplete"``): the normalised reason and the raw value it came from."""
    status = str(status)
    if status == "incomplete":
        raw = "incomplete" if incomplete_reason is None else str(incomplete_reason)
        return _RESPONSES_INCOMPLETE.get(raw, FinishReason.UNKNOWN), raw
    if status == "completed":
        return FinishReason.STOP, status
    return FinishReason.UNKNOWN, status
