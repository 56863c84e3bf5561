"""OpenAI Responses API adapter."""

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
from agno_core.models.finish_reason import map_openai_responses_finish_reason
from agno_core.models.message import Message, ToolCall
from agno_core.models.openai._common import OpenAIBase, provider_error, tool_schemas
from agno_core.models.openai._send import create

__all__ = ["OpenAIResponses", "responses_usage"]


def responses_usage(usage: Any) -> TokenCounts:
    """Map a Responses API usage object onto `TokenCounts`."""
    if usage is None:
        return TokenCounts()
    inp = getattr(usage, "input_tokens_details", None)
    out = getattr(usage, "output_tokens_details", None)
    input_tokens = usage.input_tokens or 0
    output_tokens = usage.output_tokens or 0
    return TokenCounts(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        total_tokens=usage.total_tokens or input_tokens + output_tokens,
        cache_read_tokens=(getattr(inp, "cached_tokens", None) or 0) if inp else 0,
        reasoning_tokens=(getattr(out, "reasoning_tokens", None) or 0) if out else 0,
    )


# As in Agno: the Responses API calls the system message's role "developer".
_ROLES = {"system": "developer"}


def _input_items(model: OpenAIResponses, messages: list[Message]) -> list[dict[str, Any]]:
    # As in Agno: a stored reasoning model binds a function call's item id to its reasoning
    # item, which agno_core does not send back; such a call goes without its item id.
    item_ids = not model.using_reasoning_model() or model.store is False
    items: list[dict[str, Any]] = []
    for message in messages:
        if message.role == "tool":
            items.append(
                {
                    "type": "function_call_output",
                    "call_id": message.tool_call_id,
                    "output": message.content or "",
                }
            )
            continue
        if not message.tool_calls:
            role = model.wire_role(message.role, _ROLES)
            items.append({"role": role, "content": message.content or ""})
            continue
        # As in Agno: a message of tool calls goes as its function_call items only (any text
        # of it is not sent), each with its output item's id when known and status completed.
        for call in message.tool_calls:
            item: dict[str, Any] = {
                "type": "function_call",
                "call_id": call.id,
                "name": call.name,
                "arguments": call.arguments,
                "status": "completed",
            }
            if item_ids and call.item_id is not None:
                item["id"] = call.item_id
            items.append(item)
    return items


def _result_from_response(response: Any) -> tuple[str | None, list[ToolCall]]:
    texts: list[str] = []
    calls: list[ToolCall] = []
    for item in response.output or ():
        if item.type == "message":
            for part in item.content or ():
                if getattr(part, "type", None) == "output_text":
                    texts.append(part.text)
                elif getattr(part, "type", None) == "refusal":
                    texts.append(part.refusal)
        elif item.type == "function_call":
            calls.append(
                ToolCall(
                    id=item.call_id,
                    name=item.name,
                    arguments=item.arguments or "{}",
                    item_id=getattr(item, "id", None),
                )
            )
    return ("".join(texts) if texts else None), calls


def _function_tool(schema: dict[str, Any]) -> dict[str, Any]:
    """A Responses API function tool: the Chat Completions definition, flattened, with
    ``type`` last and a property's list ``type`` narrowed to its first entry (as Agno does)."""
    tool = {**schema, "type": "function"}
    for prop in tool.get("parameters", {}).get("properties", {}).values():
        if isinstance(prop.get("type", ""), list):
            prop["type"] = prop["type"][0]
    return tool


def _format_of(schema: dict[str, Any]) -> dict[str, Any]:
    """``text.format`` for a dict ``output_schema``: Chat Completions' ``json_schema`` shape
    (name and schema nested under ``"json_schema"``) flattened as the Responses API wants it,
    strict only when the schema asks; any other dict is sent as given (as Agno does)."""
    nested = schema.get("json_schema")
    if schema.get("type") == "json_schema" and isinstance(nested, dict):
        return {
            "type": "json_schema",
            "name": nested.get("name", "output"),
            "schema": nested.get("schema", {}),
            "strict": nested.get("strict", False),
        }
    return schema


def _tool_choice(choice: str | dict[str, Any]) -> str | dict[str, Any]:
    """Chat Completions' ``{"type": "function", "function": {"name": n}}`` in the Responses
    API's flat shape ``{"type": "function", "name": n}``; strings pass through."""
    if isinstance(choice, dict) and isinstance(choice.get("function"), dict):
        return {"type": "function", "name": choice["function"]["name"]}
    return choice


@dataclass(kw_only=True)
class OpenAIResponses(OpenAIBase):
    """A model behind OpenAI's Responses API (``client.responses.create``).

    Takes Agno's options of the same name (see `OpenAIBase`), and these request options, sent
    when set: ``include``, ``max_tool_calls``, ``metadata``, ``parallel_tool_calls``,
    ``store``, ``truncation``, ``service_tier``; ``reasoning`` (a dict) with
    ``reasoning_effort`` and ``reasoning_summary`` put into it, and ``verbosity`` into
    ``text``.

    Args:
        max_output_tokens: The cap on generated tokens (``max_output_tokens`` on the wire;
            ``max_tokens`` is taken as the same when this is not given). An answer cut at
            the cap ends with ``finish_reason`` `FinishReason.LENGTH`.
        use_previous_response_id: Accepted for Agno's code. agno_core always sends the whole
            context of a run (what Agno does with ``False``), which any model and any
            ``store`` setting accept.

    Example:
        >>> model = OpenAIResponses(id="gpt-5-mini", reasoning_effort="low")
    """

    id: str = field(default="gpt-4o", kw_only=False)  # Agno allows OpenAIChat("gpt-4o")
    name: str = "OpenAIResponses"
    max_output_tokens: int | None = None
    include: list[str] | None = None
    max_tool_calls: int | None = None
    parallel_tool_calls: bool | None = None
    reasoning: dict[str, Any] | None = None
    reasoning_summary: str | None = None
    truncation: str | None = None
    use_previous_response_id: bool = True
    background: bool | None = None  # default only (agno_core._unsupported)
    background_poll_interval: float = 2.0  # used by OpenAI's background mode only
    background_max_wait: float = 600.0  # used by OpenAI's background mode only
    vector_store_name: str = "knowledge_base"  # default only
    _compat_table: ClassVar[str] = "OpenAIResponses"

    def get_provider(self) -> str:
        """``"OpenAI Responses"``, the provider in this model's metrics entries (Agno's name)."""
        return f"{self.provider} Responses"

    def using_reasoning_model(self) -> bool:
        """Whether ``id`` names one of OpenAI's reasoning models (Agno's test)."""
        return self.id.startswith(("o3", "o4-mini", "gpt-5", "gpt-6"))

    def _params(self, request: ModelRequest) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": self.id,
            "input": _input_items(self, request.messages),
            **{k: v for k, v in self.sampling_params().items() if k in ("temperature", "top_p")},
        }
        self.set_params(
            params,
            "user",
            "include",
            "max_tool_calls",
            "metadata",
            "parallel_tool_calls",
            "store",
            "truncation",
            "service_tier",
        )
        # As in Agno, always sent: {} when no reasoning option is set.
        reasoning = dict(self.reasoning or {})
        if self.reasoning_effort is not None:
            reasoning["effort"] = self.reasoning_effort
        if self.reasoning_summary is not None:
            reasoning["summary"] = self.reasoning_summary
        params["reasoning"] = reasoning
        text: dict[str, Any] = {}
        if self.verbosity is not None:
            text["verbosity"] = self.verbosity
        cap = self.max_output_tokens if self.max_output_tokens is not None else self.max_tokens
        if cap is not None:
            params["max_output_tokens"] = cap
        if request.tools:
            params["tools"] = [_function_tool(schema) for schema in tool_schemas(self, request)]
            if request.tool_choice is not None:
                params["tool_choice"] = _tool_choice(request.tool_choice)
        if request.output_schema is not None and request.json_mode:
            text["format"] = {"type": "json_object"}
        elif isinstance(request.output_schema, dict):
            text["format"] = _format_of(request.output_schema)
        elif request.output_schema is not None:
            text["format"] = {
                "type": "json_schema",
                "name": request.output_schema.__name__,
                "schema": strict_json_schema(request.output_schema),
                "strict": self.strict_output,
            }
        if text:
            params["text"] = text
        if request.stream:
            params["stream"] = True
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
                    client, "responses", params, plain_json=plain_json, options=options
                )
                elapsed = time.perf_counter() - start
                self._raise_for_failed(response)
                content, calls = _result_from_response(response)
                yield ModelResult(
                    content=content,
                    tool_calls=calls,
                    usage=responses_usage(response.usage),
                    time_to_first_token=elapsed,
                    duration=elapsed,
                    response_id=response.id,
                    **_finish(response),
                )
                return
            stream = await create(
                client, "responses", params, plain_json=plain_json, options=options
            )
            first: float | None = None
            final = None
            # output_index -> (position among the response's function calls, call_id, name)
            calls_at: dict[int, tuple[int, str | None, str | None]] = {}
            async for event in stream:
                kind = event.type
                if kind == "response.created":
                    # Agno streams the new response's id as a RunContent without content.
                    yield ContentDelta(
                        content=None, provider_data={"response_id": event.response.id}
                    )
                elif kind == "response.output_text.delta":
                    if first is None:
                        first = time.perf_counter() - start
                    yield ContentDelta(content=event.delta)
                elif kind == "response.output_item.added":
                    item = event.item
                    if getattr(item, "type", None) == "function_call":
                        calls_at[event.output_index] = (len(calls_at), item.call_id, item.name)
                elif kind == "response.function_call_arguments.delta":
                    if first is None:
                        first = time.perf_counter() - start
                    if event.delta:
                        position, call_id, name = calls_at.get(
                            event.output_index, (len(calls_at), None, None)
                        )
                        yield ToolCallArgsDelta(
                            index=position, call_id=call_id, name=name, delta=event.delta
                        )
                elif kind in ("response.completed", "response.incomplete", "response.failed"):
                    final = event.response
                elif kind == "error":
                    raise ValueError(f"stream error: {getattr(event, 'message', event)}")
            if final is None:
                raise ValueError("the stream ended without a response.completed event")
            self._raise_for_failed(final)
            content, calls = _result_from_response(final)
        except (openai.OpenAIError, ValueError, json.JSONDecodeError) as exc:
            raise provider_error(exc, self.id) from exc
        yield ModelResult(
            content=content,
            tool_calls=calls,
            usage=responses_usage(final.usage),
            time_to_first_token=first,
            duration=time.perf_counter() - start,
            response_id=final.id,
            **_finish(final),
        )

    @staticmethod
    def _raise_for_failed(response: Any) -> None:
        # The SDK builds its models without validation: a body that is JSON but not a Response
        # would otherwise read as an empty answer and end the run as a silent success.
        if getattr(response, "status", None) is None or getattr(response, "output", None) is None:
            raise ValueError("the body is not a Responses API response (no status or output)")
        if getattr(response, "status", None) == "failed":
            error = getattr(response, "error", None)
            message = getattr(error, "message", None) or "the response failed"
            raise ValueError(message)


def _finish(response: Any) -> dict[str, Any]:
    """`ModelResult`'s finish fields from a response's ``status`` and ``incomplete_details``."""
    details = getattr(response, "incomplete_details", None)
    reason, raw = map_openai_responses_finish_reason(
        response.status, getattr(details, "reason", None)
    )
    return {"finish_reason": reason, "native_finish_reason": raw}
