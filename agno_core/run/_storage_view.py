"""What of a run is stored: Agno's ``store_tool_messages`` and ``store_history_messages``.

The returned output keeps every message; the stored copy leaves out tool calls and results
(``store_tool_messages=False``) and the replayed history (``store_history_messages=False``,
Agno's default).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from agno_core.run.base import RunStatus

if TYPE_CHECKING:
    from agno_core.run._output import RunOutput
    from agno_core.run._settings import RunSettings

__all__ = ["storage_view"]


def storage_view(owner: RunSettings, output: RunOutput) -> RunOutput:
    """``output`` itself, or a copy without the messages the owner does not store.

    A paused run is stored whole: continuing it (perhaps in another process) sends the model
    the very conversation it paused in; the run's final write applies the settings.
    """
    if output.status is RunStatus.paused:
        return output
    drop_tools = not owner.store_tool_messages
    drop_history = not owner.store_history_messages
    messages = output.messages
    for m in messages:
        if (drop_history and m.from_history) or (drop_tools and m.role == "tool"):
            break
    else:
        return output
    if drop_history:
        messages = [m for m in messages if not m.from_history]
    if drop_tools:
        called = {m.tool_call_id for m in messages if m.role == "tool"}
        messages = [
            m
            for m in messages
            if m.role != "tool"
            and not (m.role == "assistant" and any(c.id in called for c in m.tool_calls))
        ]
    return dataclasses.replace(output, messages=messages)
