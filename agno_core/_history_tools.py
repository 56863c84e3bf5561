"""Agno's history-reading tools: ``read_chat_history=True`` gives the model
``get_chat_history(num_chats)`` and ``read_tool_call_history=True`` gives it
``get_tool_call_history(num_calls)``, both reading the run's session as stored before the run
(so not the run itself), as Agno's do."""

from __future__ import annotations

import functools
import json
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Optional

from agno_core._session_state import stored_session
from agno_core.run._tools import EVENT_STREAM_ATTR
from agno_core.tools import Function

if TYPE_CHECKING:
    from agno_core.run._context import RunContext
    from agno_core.run._output import ToolExecution

__all__ = ["chat_history_tool", "team_chat_history_tool", "tool_call_history_tool"]


# ``Optional[int]``: the schema Agno sends for it is ``{"type": "integer"}`` (not ``anyOf``).
def get_chat_history(num_chats: Optional[int] = None) -> str:  # noqa: UP045  # pragma: no cover
    """Use this function to get the chat history between the user and agent.

    Args:
        num_chats: The number of chats to return.
            Each chat contains 2 messages. One from the user and one from the agent.
            Default: None

    Returns:
        str: A JSON of a list of dictionaries representing the chat history.

    Example:
        - To get the last chat, use num_chats=1.
        - To get the last 5 chats, use num_chats=5.
        - To get all chats, use num_chats=None.
        - To get the first chat, use num_chats=None and pick the first message.
    """
    raise RuntimeError("get_chat_history runs through the engine")


def _team_get_chat_history(num_chats: Optional[int] = None) -> str:  # noqa: UP045  # pragma: no cover
    """Use this function to get the team chat history in reverse chronological order.
    Leave the num_chats parameter blank to get the entire chat history.
    Example:
        - To get the last chat, use num_chats=1
        - To get the last 5 chats, use num_chats=5
        - To get all chats, leave num_chats blank

    Args:
        num_chats: The number of chats to return.
            Each chat contains 2 messages. One from the team and one from the user.
            Default: None

    Returns:
        str: A JSON string containing a list of dictionaries representing the team chat history.
    """
    raise RuntimeError("get_chat_history runs through the engine")


def get_tool_call_history(num_calls: int = 3) -> str:  # pragma: no cover - engine runs it
    """Use this function to get the tools called by the agent in reverse chronological order.

    Args:
        num_calls: The number of tool calls to return.
            Default: 3

    Returns:
        str: A JSON of a list of dictionaries representing the tool call history.

    Example:
        - To get the last tool call, use num_calls=1.
        - To get all tool calls, use num_calls=None.
    """
    raise RuntimeError("get_tool_call_history runs through the engine")


@functools.cache
def chat_history_tool() -> Function:
    """The ``get_chat_history`` tool (one instance per process)."""
    setattr(get_chat_history, EVENT_STREAM_ATTR, _chat_history)
    return Function.from_callable(get_chat_history)


@functools.cache
def team_chat_history_tool() -> Function:
    """A team leader's ``get_chat_history`` tool (Agno's team wording; "" for no chat)."""
    setattr(_team_get_chat_history, EVENT_STREAM_ATTR, _team_chat_history)
    return Function.from_callable(_team_get_chat_history, name="get_chat_history")


@functools.cache
def tool_call_history_tool() -> Function:
    """The ``get_tool_call_history`` tool (one instance per process)."""
    setattr(get_tool_call_history, EVENT_STREAM_ATTR, _tool_call_history)
    return Function.from_callable(get_tool_call_history)


async def _read_chat(ctx: RunContext, num_chats: Any, *, none: str | None) -> str:
    """The session's messages as JSON, the last ``num_chats``; ``none`` when there are none
    (None: ``"[]"``, as an agent's tool; a team's says ``""``)."""
    session = await stored_session(ctx)
    messages = [] if session is None else session.get_messages()
    if not messages and none is not None:
        return none
    history = [message.to_dict() for message in messages]
    if isinstance(num_chats, int):
        history = history[-num_chats:]
    return json.dumps(history, ensure_ascii=False)


async def _chat_history(
    ctx: RunContext, execution: ToolExecution, num_chats: Any = None
) -> AsyncIterator[Any]:
    execution.result = await _read_chat(ctx, num_chats, none=None)
    return
    yield  # an async generator (the engine streams tool events from it)


async def _team_chat_history(
    ctx: RunContext, execution: ToolExecution, num_chats: Any = None
) -> AsyncIterator[Any]:
    execution.result = await _read_chat(ctx, num_chats, none="")
    return
    yield  # an async generator (the engine streams tool events from it)


async def _tool_call_history(
    ctx: RunContext, execution: ToolExecution, num_calls: Any = 3
) -> AsyncIterator[Any]:
    session = await stored_session(ctx)
    calls = [] if session is None else session.get_tool_calls(num_calls=num_calls)
    execution.result = json.dumps(calls, ensure_ascii=False)
    return
    yield  # an async generator (the engine streams tool events from it)
