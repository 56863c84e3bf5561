"""The output model (Agno's ``output_model`` / ``output_model_prompt``): a second model that
writes the run's final answer.

The agent's model works as usual (tool calls included) but its answer is not the run's: the
output model gets the same conversation without that last answer, its system message replaced
by ``output_model_prompt`` when one is given, and its reply becomes the content. With an
``output_schema`` the output model is the one asked for structured output (the main model
answers in free text). Streamed runs stream the output model's text, not the main model's. Its
tokens count under ``metrics.details["output_model"]``.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

from agno_core.metrics import MessageMetrics
from agno_core.models._complete import count_call
from agno_core.models.base import ContentDelta, ModelProviderError, ModelRequest, ModelResult
from agno_core.models.message import Message
from agno_core.models.utils import get_model
from agno_core.run import _events as ev
from agno_core.run._event_factory import make_event
from agno_core.run._extra_events import (
    OutputModelResponseCompletedEvent,
    OutputModelResponseStartedEvent,
)

if TYPE_CHECKING:
    from agno_core.models.base import Model
    from agno_core.run._context import RunContext

__all__ = ["output_model_answer", "output_model_of"]


def output_model_of(owner: Any) -> Model | None:
    """The owner's output model (a ``"provider:id"`` string is built once), if any."""
    model = getattr(owner, "output_model", None)
    if isinstance(model, str):
        model = get_model(model)
        owner.output_model = model
    return model


def _messages(ctx: RunContext, messages: list[Message]) -> list[Message]:
    """The conversation without the main model's answer, with the output model's prompt."""
    prompt = getattr(ctx.owner, "output_model_prompt", None)
    kept = list(messages[:-1]) if messages and messages[-1].role == "assistant" else list(messages)
    if prompt is None:
        return kept
    roles = {"system", ctx.owner.system_message_role}
    for index, message in enumerate(kept):
        if message.role in roles:
            kept[index] = Message(role=message.role, content=prompt)
            return kept
    return [Message(role="system", content=prompt), *kept]


async def output_model_answer(
    ctx: RunContext, model: Model, messages: list[Message]
) -> AsyncGenerator[ev.BaseRunEvent, None]:
    """Call the output model and put its answer in place of the main model's last message
    (streamed as ``RunContent`` events in a streamed run)."""
    request = ModelRequest(
        messages=_messages(ctx, messages), output_schema=ctx.output_schema, stream=ctx.stream
    )
    result: ModelResult | None = None
    if ctx.stream_events:
        yield make_event(ctx, OutputModelResponseStartedEvent, "output_model_response_started")
    async with contextlib.aclosing(model.ainvoke(request)) as stream:
        async for item in stream:
            if isinstance(item, ContentDelta):
                if item.content:
                    ctx.mark_first_token()
                if ctx.stream:
                    yield make_event(
                        ctx,
                        ev.RunContentEvent,
                        "run_content",
                        content=item.content,
                        model_provider_data=item.provider_data,
                    )
            elif isinstance(item, ModelResult):
                result = item
    if result is None:
        raise ModelProviderError("the output model returned no result", model_id=model.id)
    count_call(ctx.output.metrics, model, result, "output_model")
    if ctx.stream_events:
        yield make_event(ctx, OutputModelResponseCompletedEvent, "output_model_response_completed")
    messages[-1] = Message(
        role="assistant",
        content=result.content,
        metrics=MessageMetrics.from_usage(
            result.usage, result.duration, result.time_to_first_token
        ),
    )
