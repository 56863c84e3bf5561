"""The messages a run sends first: system message, history, the user's input."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from agno_core import _context_parts as parts
from agno_core._history import history
from agno_core._session_state import load_session_state, stored_form, uses_session_state
from agno_core._session_summary import summary_section, uses_summary
from agno_core.models.message import Message
from agno_core.run._context import public_context
from agno_core.tools._toolkit import Toolkit

if TYPE_CHECKING:
    from agno_core.run._context import RunContext, RunOwner

__all__ = [
    "all_instructions",
    "build_messages",
    "instructions_text",
    "static_parts",
    "system_message",
]


def _input_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    return json.dumps(value, default=str)


def instructions_text(instructions: str | list[str]) -> str:
    """The instructions as the system message shows them (several as a list)."""
    items = [instructions] if isinstance(instructions, str) else instructions
    if len(items) == 1:
        return items[0]
    return "Instructions:\n" + "\n".join(f"- {i}" for i in items)


def all_instructions(self: RunOwner) -> str | list[str] | None:
    """The runner's instructions followed by its model's (``OpenAIChat(instructions=[...])``),
    as Agno joins them."""
    extra = getattr(self.model, "instructions", None)
    if not extra:
        return self.instructions or None
    own = self.instructions or []
    return [*([own] if isinstance(own, str) else own), *extra]


def static_parts(self: RunOwner) -> list[str]:
    """The runner's own text: description, role, instructions, toolkit instructions, the
    markdown hint (``{name}`` placeholders in these are resolved; see `system_message`)."""
    parts: list[str] = []
    if self.description:
        parts.append(self.description)
    if self.role:
        parts.append(f"Your role: {self.role}")
    instructions = all_instructions(self)
    if instructions:
        parts.append(instructions_text(instructions))
    if isinstance(self.tools, list):
        for item in self.tools:
            if isinstance(item, Toolkit) and item.add_instructions and item.instructions:
                parts.append(item.instructions)
    if self.markdown:
        parts.append("Use markdown to format your answers.")
    return parts


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

    Built: description, role, instructions, the additional information (time, location, name),
    then the expected output, the additional context, the session state and the user's memories.
    ``{name}`` placeholders in the first part are resolved from the session state, dependencies,
    metadata and user id when ``resolve_in_context`` (the default), as in Agno.
    """
    if self.system_message is not None:
        return await _custom_system_message(self, ctx)
    if not self.build_context:
        return None
    sections = self._system_parts()
    extra = (
        await parts.additional_information(self, ctx)
        if self.add_datetime_to_context or self.add_location_to_context or self.add_name_to_context
        else None
    )
    if extra:
        sections.append("Additional information:\n" + "\n".join(f"- {i}" for i in extra))
    text = "\n\n".join(sections)
    if self.resolve_in_context:
        text = parts.resolve_placeholders(text, ctx)
    # As in Agno, the expected output and the additional context are added after the
    # placeholders are resolved: their text is sent as written.
    tail = []
    if self.expected_output:
        tail.append(f"Expected output: {self.expected_output}")
    if self.additional_context:
        tail.append(self.additional_context)
    if tail:
        text = "\n\n".join([text, *tail]) if text else "\n\n".join(tail)
    uses_memories = self.add_memories_to_context or (
        self.add_memories_to_context is None
        and (self.update_memory_on_run or self.enable_agentic_memory)
    )
    wants_state = ctx.options.add_session_state_to_context
    if self.add_session_state_to_context if wants_state is None else wants_state:
        state = public_context(ctx).session_state
        if state is not None:
            block = f"<session_state>\n{stored_form(state)}\n</session_state>"
            text = f"{text}\n\n{block}" if text else block
    if not ctx.options.use_user_context:
        uses_memories = False
    memories = await _memories_section(self, ctx) if uses_memories and ctx.db else None
    if memories:
        text = f"{text}\n\n{memories}" if text else memories
    summary = await summary_section(ctx) if uses_summary(self) else None
    if summary:
        text = f"{text}\n\n{summary}" if text else summary
    model_prompt = getattr(self.model, "system_prompt", None)
    if model_prompt:  # as in Agno: the model's own system prompt comes last
        text = f"{text}\n\n{model_prompt}" if text else model_prompt
    return text or None


def _adds_dependencies(self: RunOwner, ctx: RunContext) -> bool:
    wanted = ctx.options.add_dependencies_to_context
    return self.add_dependencies_to_context if wanted is None else wanted


async def _memories_section(self: RunOwner, ctx: RunContext) -> str | None:
    if ctx.db is None:
        return None
    user_id = ctx.output.user_id or "default"
    if self.enable_agentic_memory:
        # The memory tool updates memories by id, so the model sees the ids.
        stored = await ctx.db.aget_user_memories(user_id)
        lines = [f"- [{m.memory_id}] {m.memory}" for m in stored]
        note = (
            "Use the update_user_memory tool to add, update or delete memories about the user "
            "when they share or change something worth remembering, or ask you to forget it."
        )
        if not lines:
            return f"Memories about the user: none yet.\n{note}"
        return "Memories about the user:\n" + "\n".join(lines) + f"\n{note}"
    memories = await ctx.db.aget_memories(user_id)
    if not memories:
        return None
    return "Memories about the user:\n" + "\n".join(f"- {m}" for m in memories)


async def build_messages(self: RunOwner, ctx: RunContext) -> list[Message]:
    """The messages of a run's first model call: system, history, the user's input."""
    if uses_session_state(self, ctx) and not ctx.extra.get("state_loaded"):
        await load_session_state(self, ctx)
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
    messages.append(Message(role=self.user_message_role, content=_user_text(self, ctx)))
    return messages


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
