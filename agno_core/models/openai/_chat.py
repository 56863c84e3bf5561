"""OpenAI Chat Completions adapter."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import openai

from agno_core.metrics import TokenCounts
from agno_core.models.base import (
    ContentDelta,
    ModelRequest,
    ModelResult,
    ModelStreamItem,
    ToolCallArgsDelta,
    strict_json_schema,
)
from agno_core.models.finish_reason import map_openai_finish_reason
from agno_core.models.message import Message, ToolCall
from agno_core.models.openai._common import OpenAIBase, provider_error, tool_schemas
from agno_core.models.openai._send import create

__all__ = ["OpenAIChat", "chat_usage"]


def chat_usage(usage: Any) -> TokenCounts:
    """Map a Chat Completions usage object onto `TokenCounts`."""
    if usage is None:
        return TokenCounts()
    prompt = getattr(usage, "prompt_tokens_details", None)
    completion = getattr(usage, "completion_tokens_details", None)
    audio_in = (getattr(prompt, "audio_tokens", None) or 0) if prompt else 0
    audio_out = (getattr(completion, "audio_tokens", None) or 0) if completion else 0
    input_tokens = usage.prompt_tokens or 0
    output_tokens = usage.completion_tokens or 0
    return TokenCounts(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        total_tokens=usage.total_tokens or input_tokens + output_tokens,
        cache_read_tokens=(getattr(prompt, "cached_tokens", None) or 0) if prompt else 0,
        reasoning_tokens=(getattr(completion, "reasoning_tokens", None) or 0) if completion else 0,
        audio_input_tokens=audio_in,
        audio_output_tokens=audio_out,
        audio_total_tokens=audio_in + audio_out,
    )


def _message_param(message: Message, role: str) -> dict[str, Any]:
    if message.role == "tool":
        return {
            "role": role,
            "tool_call_id": message.tool_call_id,
            "content": message.content or "",
        }
    # As in Agno: no content (an assistant message of tool calls only) is sent as "", not null.
    data: dict[str, Any] = {"role": role, "content": message.content or ""}
    if message.tool_calls:
        data["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments},
            }
            for call in message.tool_calls
        ]
    return data


@dataclass(kw_only=True)
class OpenAIChat(OpenAIBase):
    """A model behind OpenAI's Chat Completions API (``client.chat.completions.create``).

    Takes Agno's options of the same name (see `OpenAIBase`), and these request options, sent
    when set: ``max_tokens`` (as ``max_tokens``), ``max_completion_tokens`` (the one OpenAI's
    reasoning models take), ``frequency_penalty``, ``presence_penalty``, ``logit_bias``,
    ``logprobs``, ``top_logprobs``, ``reasoning_effort``, ``verbosity``, ``store``,
    ``metadata``, ``service_tier``. As in Agno 3.1, the system message goes out as
    ``developer`` (OpenAI's name for it; other roles keep theirs); `OpenAILike`, for other
    OpenAI-compatible servers, keeps ``system``. ``role_map`` replaces that mapping (e.g.
    ``{"system": "system"}`` for a server behind ``OpenAIChat(base_url=...)`` that knows no
    ``developer``).

    Example:
        >>> model = OpenAIChat(id="o4-mini", reasoning_effort="high", max_completion_tokens=2000)
    """

    id: str = field(default="gpt-4o", kw_only=False)  # Agno allows OpenAIChat("gpt-4o")
    name: str = "OpenAIChat"
    frequency_penalty: float | None = None
    presence_penalty: float | None = None
    logit_bias: Any = None
    logprobs: bool | None = None
    top_logprobs: int | None = None
    max_completion_tokens: int | None = None
    # Usage is read once per call from the final chunk, whatever this says (Agno's switch for
    # providers that send cumulative counts in every chunk).
    collect_metrics_on_completion: bool = False
    modalities: list[str] | None = None  # default only (agno_core._unsupported)
    audio: dict[str, Any] | None = None  # default only
    # Agno's default_role_map: the roles on the wire when no role_map is given.
    default_role_map: ClassVar[dict[str, str]] = {"system": "developer"}

    def get_provider(self) -> str:
        """``"OpenAI Chat"``, the provider in this model's metrics entries (Agno's name)."""
        return f"{self.provider} Chat"

    def _params(self, request: ModelRequest) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": self.id,
            "messages": [
                _message_param(m, self.wire_role(m.role, self.default_role_map))
                for m in request.messages
            ],
            **self.sampling_params(),
        }
        self.set_params(
            params,
            "max_tokens",
            "max_completion_tokens",
            "frequency_penalty",
            "presence_penalty",
            "logit_bias",
            "logprobs",
            "top_logprobs",
            "reasoning_effort",
            "verbosity",
            "store",
            "metadata",
            "service_tier",
        )
        if request.tools:
            params["tools"] = [
                {"type": "function", "function": schema} for schema in tool_schemas(self, request)
            ]
            if request.tool_choice is not None:
                params["tool_choice"] = request.tool_choice
        if request.output_schema is not None and request.json_mode:
            params["response_format"] = {"type": "json_object"}
        elif isinstance(request.output_schema, dict):
            params["response_format"] = request.output_schema  # the user's own, as in Agno
        elif request.output_schema is not None:
            params["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": request.output_schema.__name__,
                    "schema": strict_json_schema(request.output_schema),
                    "strict": self.strict_output,
                },
            }
        if request.stream:
            params["stream"] = True
            params["stream_options"] = {"include_usage": True}
        if self.request_params:
            params.update(self.request_params)
        return params

    async def ainvoke_once(self, request: ModelRequest) -> AsyncGenerator[ModelStreamItem, None]:
        start = time.perf_counter()
        try:
            client = self.get_client()
            params = self._params(request)
            # The user's request_params may hold anything create() accepts: it gets them.
            plain_json = not self.request_params
            options = self.sdk_options()
            if not request.stream:
                response = await create(
                    client, "chat", params, plain_json=plain_json, options=options
                )
                elapsed = time.perf_counter() - start
                if not response.choices:
                    raise ValueError("the response has no choices")
                message = response.choices[0].message
                finish = response.choices[0].finish_reason
                calls = [
                    ToolCall(id=c.id, name=c.function.name, arguments=c.function.arguments or "{}")
                    for c in message.tool_calls or ()
                    if c.type == "function"
                ]
                yield ModelResult(
                    content=message.content,
                    tool_calls=calls,
                    usage=chat_usage(response.usage),
                    time_to_first_token=elapsed,
                    duration=elapsed,
                    response_id=response.id,
                    **_finish(finish),
                )
                return
            stream = await create(client, "chat", params, plain_json=plain_json, options=options)
            parts: list[str] = []
            pending: dict[int, dict[str, str]] = {}
            usage = None
            first: float | None = None
            response_id = None
            finish = None
            async for chunk in stream:
                response_id = response_id or chunk.id
                if chunk.usage is not None:
                    usage = chunk.usage
                for choice in chunk.choices:
                    finish = choice.finish_reason or finish
                    delta = choice.delta
                    if delta.content is not None:
                        # The first, role-only chunk has "" for content: Agno streams it as an
                        # empty RunContent too, so it is passed on (it is no first token).
                        if delta.content:
                            if first is None:
                                first = time.perf_counter() - start
                            parts.append(delta.content)
                        yield ContentDelta(content=delta.content)
                    for call in delta.tool_calls or ():
                        if first is None:
                            first = time.perf_counter() - start
                        slot = pending.setdefault(call.index, {"id": "", "name": "", "args": ""})
                        if call.id:
                            slot["id"] = call.id
                        if call.function is not None:
                            slot["name"] += call.function.name or ""
                            piece = call.function.arguments or ""
                            slot["args"] += piece
                            if piece:
                                yield ToolCallArgsDelta(
                                    index=call.index,
                                    call_id=slot["id"] or None,
                                    name=slot["name"] or None,
                                    delta=piece,
                                )
        except (openai.OpenAIError, ValueError, json.JSONDecodeError) as exc:
            raise provider_error(exc, self.id) from exc
        yield ModelResult(
            content="".join(parts) if parts else None,
            tool_calls=[
                ToolCall(id=s["id"], name=s["name"], arguments=s["args"] or "{}")
                for _, s in sorted(pending.items())
            ],
            usage=chat_usage(usage),
            time_to_first_token=first,
            duration=time.perf_counter() - start,
            response_id=response_id,
            **_finish(finish),
        )


def _finish(value: str | None) -> dict[str, Any]:
    """`ModelResult`'s finish fields from a choice's ``finish_reason``."""
    if value is None:
        return {}
    reason, raw = map_openai_finish_reason(value)
    return {"finish_reason": reason, "native_finish_reason": raw}
