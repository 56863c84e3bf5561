"""The messages a run sends first: system message, history, the user's input."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from agno_core import _context_parts as parts
from agno_core._history import history
from agno_core._session_state import load_session_state, stored_form
from agno_core._session_summary import summary_section, uses_summary
from agno_core.models.message import Message
from agno_core.run._context import public_context
from agno_core.tools._function import Function
from agno_core.tools._toolkit import Toolkit

if TYPE_CHECKING:
    from agno_core.run._context import RunContext, RunOwner

__all__ = [
    "all_instructions",
    "build_messages",
    "instructions_text",
    "json_output_prompt",
    "run_instructions",
    "static_parts",
    "system_message",
]

log = logging.getLogger("agno_core")


def _input_text(value: Any) -> str:
    """A non-message input as the user's text, as Agno writes it: a list of strings one per
    line, a pydantic model as indented JSON without its unset (None) fields, else JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, BaseModel):
        return value.model_dump_json(indent=2, exclude_none=True)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "\n".join(value)
    return json.dumps(value, default=str)


def instructions_text(instructions: str | list[str]) -> str:
    """The instructions as the system message shows them, as Agno renders them: one as it is,
    several as a bulleted list (an instruction of several lines as a block of its own)."""
    items = [instructions] if isinstance(instructions, str) else instructions
    if len(items) == 1:
        return items[0]

    def is_block(item: str) -> bool:
        return "\n" in item.strip()

    if not any(is_block(i) for i in items):
        return "\n".join(f"- {i.strip()}" for i in items)
    return "\n\n".join(i if is_block(i) else f"- {i.strip()}" for i in items)


def all_instructions(self: RunOwner, own: str | list[str] | None = None) -> str | list[str] | None:
    """The runner's instructions (``own``: what callable instructions returned for this run)
    followed by its model's (``OpenAIChat(instructions=[...])``), as Agno joins them."""
    if own is None and not callable(self.instructions):
        own = self.instructions
    extra = getattr(self.model, "instructions", None)
    if not extra:
        return own or None
    own = own or []
    return [*([own] if isinstance(own, str) else own), *extra]


async def run_instructions(self: RunOwner, ctx: RunContext) -> str | list[str] | None:
    """The instructions for this run: callable instructions are called (with the ``agent``,
    ``team``, ``run_context`` and ``session_state`` they ask for; async ones awaited), once per
    run, as Agno calls them; a value that is not a string or a list of strings is ignored."""
    given = self.instructions
    if not callable(given):
        return given
    value = await parts.acall_with_injection(given, self, ctx)
    if isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(item, str) for item in value)
    ):
        return value
    log.warning(
        "callable instructions returned %s, not a string or a list of strings: ignored",
        type(value).__name__,
    )
    return None


def static_parts(self: RunOwner, instructions: str | list[str] | None = None) -> list[str]:
    """The runner's identity, in Agno's layout: description, ``<your_role>``, instructions
    (in ``<instructions>`` tags with ``use_instruction_tags``; ``instructions``: this run's,
    when they come from a callable). Each part ends with its own separating newlines;
    ``{name}`` placeholders are resolved later (see `system_message`)."""
    parts: list[str] = []
    if self.description:
        parts.append(f"{self.description}\n")
    if self.role:
        parts.append(f"\n<your_role>\n{self.role}\n</your_role>\n\n")
    instructions = all_instructions(self, instructions)
    if instructions:
        rendered = instructions_text(instructions)
        if getattr(self, "use_instruction_tags", False):
            parts.append(f"<instructions>\n{rendered}\n</instructions>\n\n")
        else:
            parts.append(f"{rendered}\n\n")
    return parts


def _tool_instructions(self: RunOwner) -> str:
    """The instructions of the runner's toolkits and tools that ask for them
    (``add_instructions``), in the order of its tools."""
    text = ""
    if isinstance(self.tools, list):
        for item in self.tools:
            if isinstance(item, Toolkit):
                if item.add_instructions and item.instructions:
                    text += f"{item.instructions}\n"
                functions: list[Any] = list(item.functions.values())
            else:
                functions = [item]
            for function in functions:
                if isinstance(function, Function) and function.add_instructions:
                    text += f"{function.instructions}\n" if function.instructions else ""
    return text


async def _custom_system_message(self: RunOwner, ctx: RunContext) -> str:
    custom = self.system_message
    if isinstance(custom, Message):
        return custom.content or ""
    if callable(custom):
        value = await parts.acall_with_injection(custom, self, ctx)
        if not isinstance(value, str):
            raise TypeError(
                f"a callable system_message must return a string, not {type(value).__name__}"
            )
        custom = value
    assert isinstance(custom, str)
    return parts.resolve_placeholders(custom, ctx) if self.resolve_in_context else custom


async def system_message(self: RunOwner, ctx: RunContext) -> str | None:
    """The system message: the given one, or one built from the runner's settings.

    Built in Agno's layout and words: description, ``<your_role>``, instructions, (a team's
    members and rules), ``<additional_information>`` (markdown, time, location, name), the
    toolkits' instructions, then ``<expected_output>``, the additional context, the user's
    memories, the session summary, the model's ``system_prompt`` and ``<session_state>``.
    ``{name}`` placeholders in the part before the expected output are resolved from the
    session state, dependencies, metadata and user id when ``resolve_in_context`` (the
    default), as in Agno; the rest is sent as written.
    """
    if self.system_message is not None:
        return await _custom_system_message(self, ctx)
    if not self.build_context:
        return None
    if callable(self.instructions):
        text = "".join(self._system_parts(await run_instructions(self, ctx)))
    else:
        text = "".join(self._system_parts())
    info: list[str] = []
    if self.markdown and ctx.output_schema is None:
        info.append("Use markdown to format your answers.")
    if self.add_datetime_to_context or self.add_location_to_context or self.add_name_to_context:
        info.extend(await parts.additional_information(self, ctx))
    if info:
        text += "<additional_information>" + "".join(f"\n- {i}" for i in info)
        text += "\n</additional_information>\n\n"
    text += _tool_instructions(self)
    if self.resolve_in_context:
        text = parts.resolve_placeholders(text, ctx)
    if self.expected_output:
        text += f"<expected_output>\n{self.expected_output.strip()}\n</expected_output>\n\n"
    if self.additional_context:
        text += f"{self.additional_context}\n"
    uses_memories = self.add_memories_to_context or (
        self.add_memories_to_context is None
        and (self.update_memory_on_run or self.enable_agentic_memory)
    )
    if not ctx.options.use_user_context:
        uses_memories = False
    if uses_memories and ctx.db:
        text += await _memories_section(self, ctx)
    if uses_summary(self):
        text += await summary_section(ctx) or ""
    model_prompt = getattr(self.model, "system_prompt", None)
    if model_prompt:  # as in Agno: the model's own system prompt comes after the context
        text += model_prompt
    if ctx.output_schema is not None and self.use_json_mode:
        text += json_output_prompt(ctx.output_schema)
    wants_state = ctx.options.add_session_state_to_context
    if self.add_session_state_to_context if wants_state is None else wants_state:
        state = public_context(ctx).session_state
        if state is not None:
            text += f"\n<session_state>\n{stored_form(state)}\n</session_state>\n\n"
    return text.strip() or None


def json_output_prompt(schema: type[BaseModel] | dict[str, Any]) -> str:
    """What ``use_json_mode`` tells the model about the fields to answer with, in Agno's words:
    the field names, then each field's JSON schema (titles left out; enums and nested models
    from ``$defs`` summarised); a dict schema as it is."""
    if isinstance(schema, dict):
        text = "Provide your output as a JSON containing the following fields:"
        text += f"\n<json_fields>\n{json.dumps(schema, ensure_ascii=False)}\n</json_fields>"
        return _json_output_rules(text)
    full = schema.model_json_schema()
    fields: dict[str, Any] = {}
    for name, spec in (full.get("properties") or {}).items():
        entry = {k: v for k, v in spec.items() if k != "title"}
        ref = (entry.get("allOf") or [{}])[0].get("$ref", "")
        if ref.startswith("#/$defs/"):
            entry["enum_type"] = ref.rsplit("/", 1)[-1]
        fields[name] = entry
    defs = full.get("$defs")
    if defs is not None:
        described: dict[str, Any] = {}
        for name, spec in defs.items():
            if "enum" in spec:
                described[name] = {
                    "type": "string",
                    "enum": spec["enum"],
                    "description": spec.get("description", ""),
                }
                continue
            props = {
                field: {k: v for k, v in sub.items() if k != "title"}
                for field, sub in (spec.get("properties") or {}).items()
            }
            if props:
                described[name] = props
        fields["$defs"] = described
    text = "Provide your output as a JSON containing the following fields:"
    if fields:
        names = [name for name in fields if name != "$defs"]
        text += f"\n<json_fields>\n{json.dumps(names, ensure_ascii=False)}\n</json_fields>"
        text += "\n\nHere are the properties for each field:\n<json_field_properties>"
        text += f"\n{json.dumps(fields, indent=2, ensure_ascii=False)}\n</json_field_properties>"
    return _json_output_rules(text)


def _json_output_rules(text: str) -> str:
    return (
        text + "\nStart your response with `{` and end it with `}`."
        "\nYour output will be passed to json.loads() to convert it to a Python object."
        "\nMake sure it only contains valid JSON."
    )


def _adds_dependencies(self: RunOwner, ctx: RunContext) -> bool:
    wanted = ctx.options.add_dependencies_to_context
    return self.add_dependencies_to_context if wanted is None else wanted


async def _memories_section(self: RunOwner, ctx: RunContext) -> str:
    """The user's memories, in Agno's words (and how to update them, with agentic memory)."""
    assert ctx.db is not None
    memories = await ctx.db.aget_memories(ctx.output.user_id or "default")
    if memories:
        text = (
            "You have access to user info and preferences from previous interactions that you "
            "can use to personalize your response:\n\n<memories_from_previous_interactions>"
            + "".join(f"\n- {m}" for m in memories)
            + "\n</memories_from_previous_interactions>\n\nNote: this information is from "
            "previous interactions and may be updated in this conversation. You should always "
            "prefer information from this conversation over the past memories.\n"
        )
    else:
        text = (
            "You have the capability to retain memories from previous interactions with the "
            "user, but have not had any interactions with the user yet.\n"
        )
    if self.enable_agentic_memory:
        text += (
            "\n<updating_user_memories>\n"
            "- You have access to the `update_user_memory` tool that you can use to add new "
            "memories, update existing memories, delete memories, or clear all memories.\n"
            "- If the user's message includes information that should be captured as a memory, "
            "use the `update_user_memory` tool to update your memory database.\n"
            "- Memories should include details that could personalize ongoing interactions with "
            "the user.\n"
            "- Use this tool to add new memories or update existing memories that you identify "
            "in the conversation.\n"
            "- Use this tool if the user asks to update their memory, delete a memory, or clear "
            "all memories.\n"
            "- If you use the `update_user_memory` tool, remember to pass on the response to the "
            "user.\n"
            "</updating_user_memories>\n\n"
        )
    return text


async def build_messages(self: RunOwner, ctx: RunContext) -> list[Message]:
    """The messages of a run's first model call: system, history, the user's input."""
    await load_session_state(self, ctx)  # once per run (a pre-hook may have loaded it)
    if self.dependencies is not None or ctx.options.dependencies is not None:
        await parts.resolve_dependencies(self, ctx)
    if self.metadata is not None or ctx.options.metadata is not None:
        ctx.output.metadata = public_context(ctx).metadata
    messages: list[Message] = []
    system = await system_message(self, ctx)
    if ctx.options.additional_instructions:
        extra = ctx.options.additional_instructions
        system = f"{system}\n\n{extra}" if system else extra
    if system:
        messages.append(Message(role=self.system_message_role, content=system))
    for example in getattr(self, "additional_input", None) or ():
        messages.append(_as_message(example))
    if ctx.db is not None and (self.add_history_to_context or ctx.options.add_history_to_context):
        messages.extend(await history(self, ctx))
    given = input_messages(ctx.output.input_content)
    if given is not None:  # the input is messages (as Agno takes them): sent as they are
        messages.extend(given)
    else:
        messages.append(Message(role=self.user_message_role, content=_user_text(self, ctx)))
    return messages


def _is_message_dict(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("role"), str) and "content" in item


def input_messages(value: Any) -> list[Message] | None:
    """The input as messages, when it is messages: a `Message`, a ``{"role", "content"}``
    dict, or a list of them (sent in order, with their roles, as Agno sends them); else None."""
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(i, Message) or _is_message_dict(i) for i in items):
        return None
    out: list[Message] = []
    for item in items:
        if isinstance(item, Message):
            out.append(item)
        else:
            calls = [_call(c) for c in item.get("tool_calls") or () if isinstance(c, dict)]
            data = {**item, "tool_calls": calls, "content": _content(item["content"])}
            out.append(Message.from_dict(data))
    return out


def _call(call: dict[str, Any]) -> dict[str, Any]:
    """A tool call in OpenAI's shape (``{"id", "function": {"name", "arguments"}}``) or ours."""
    function = call.get("function")
    if isinstance(function, dict):
        arguments = function.get("arguments") or "{}"
        if not isinstance(arguments, str):
            arguments = json.dumps(arguments)
        return {"id": call.get("id", ""), "name": function.get("name", ""), "arguments": arguments}
    return call


def _content(value: Any) -> str | None:
    return value if value is None or isinstance(value, str) else json.dumps(value, default=str)


def _as_message(item: Message | dict[str, Any] | str) -> Message:
    """An ``additional_input`` item (a `Message`, a dict, or text from the user)."""
    if isinstance(item, Message):
        return Message(role=item.role, content=item.content)
    if isinstance(item, dict):
        return Message(role=item.get("role", "user"), content=item.get("content"))
    return Message(role="user", content=str(item))


def _user_text(self: RunOwner, ctx: RunContext) -> str:
    """The user's message: the input (``{name}`` placeholders resolved when it is text), and
    the dependencies as JSON with ``add_dependencies_to_context`` (as Agno builds it)."""
    raw = ctx.output.input_content
    text = _input_text(raw)
    if self.resolve_in_context and isinstance(raw, str):
        text = parts.resolve_placeholders(text, ctx)
    if _adds_dependencies(self, ctx):
        deps = parts.dependencies_text(ctx)
        if deps:
            text += f"\n\n<additional context>\n{deps}\n</additional context>"
    return text
