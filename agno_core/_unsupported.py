"""Agno parameters agno_core does not implement, checked by the constructors and ``arun``.

A parameter listed here is accepted at Agno's default value, since that is what agno_core does
anyway (``store_media=True`` with no media, ``retries=0``); any other value raises
`NotSupportedError` naming it, never an accepted-and-ignored setting. ``scripts/compat_table.py``
reads this registry to write docs/COMPATIBILITY.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agno_core.exceptions import NotSupportedError

__all__ = ["UNSUPPORTED", "Unsupported", "check_arguments", "check_model_options"]


@dataclass(frozen=True, slots=True)
class Unsupported:
    """An Agno parameter agno_core accepts only at ``default``, and why."""

    default: Any
    reason: str


_KNOWLEDGE = "knowledge bases (RAG) are not part of agno_core"
_MEDIA = "agno_core runs are text in, text or structured output out"
_REASONING = "reasoning agents and models are not part of agno_core"
_SUMMARY = "context compaction and tool result compression are not part of agno_core"
_OUTPUT = "a second parser/output model is not part of agno_core; use output_schema"
_PLATFORM = "an AgentOS / platform feature outside agno_core"
_EVENTS = "events are not stored with the run in agno_core"


def _group(reason: str, **defaults: Any) -> dict[str, Unsupported]:
    return {name: Unsupported(value, reason) for name, value in defaults.items()}


_AGENT: dict[str, Unsupported] = {
    **_group(
        "fallback models are not part of agno_core", fallback_config=None, fallback_models=None
    ),
    **_group(
        _PLATFORM,
        filesystem=None,
        checkpoint=None,
        sandbox=None,
        learning=None,
        add_learnings_to_context=True,
        skills=None,
        save_response_to_file=None,
        introduction=None,
    ),
    **_group(
        _SUMMARY,
        compaction=None,
        compress_tool_results=False,
        compression_manager=None,
        offload_tool_results=None,
    ),
    **_group(_MEDIA, store_media=True, media_storage=None, send_media_to_model=True),
    **_group(
        _KNOWLEDGE,
        knowledge=None,
        knowledge_filters=None,
        enable_agentic_knowledge_filters=None,
        add_knowledge_to_context=False,
        knowledge_retriever=None,
        references_format="json",
        search_knowledge=True,
        add_search_knowledge_instructions=True,
        update_knowledge=False,
        callable_knowledge_cache_key=None,
    ),
    **_group(_REASONING, reasoning_model=None, reasoning_agent=None),
    **_group("instructions are rendered as a list, without tags", use_instruction_tags=False),
    **_group(
        "the input is sent as given",
        build_user_context=True,
        input_schema=None,
    ),
    **_group(
        _OUTPUT,
        parser_model=None,
        parser_model_prompt=None,
        parse_response=True,
        structured_outputs=None,
    ),
    **_group(_EVENTS, store_events=False, events_to_skip=None),
    **_group("debug output is one level (debug_mode=True)", debug_level=1),
}

_RUN: dict[str, Unsupported] = {
    **_group(
        "the run builds its own context; pass dependencies= and metadata= instead", run_context=None
    ),
    **_group(_MEDIA, audio=None, images=None, videos=None, files=None),
    **_group(_KNOWLEDGE, knowledge_filters=None),
}

_TIME_TRAVEL = (
    "continue_run resumes a paused run (human in the loop); continuing from another point or "
    "with new input is not part of agno_core (agent.regenerate() answers the last run again)"
)
_CONTINUE: dict[str, Unsupported] = {
    **_group(
        _TIME_TRAVEL,
        input=None,
        continue_from="end",
        fork=False,
        regenerate=False,
        replace_original=None,
        additional_instructions=None,
    ),
    **_group(
        "the run builds its own context; pass dependencies= and metadata= instead", run_context=None
    ),
    **_group(_KNOWLEDGE, knowledge_filters=None),
    **_group("a continued run executes in the foreground in agno_core", background=False),
}

_ROLES = "OpenAI's API takes tool results and answers only in the roles 'tool' and 'assistant'"
_MODEL: dict[str, Unsupported] = {
    **_group(_ROLES, tool_message_role="tool", assistant_message_role="assistant"),
    **_group(
        "model responses are not cached on disk by agno_core (pytest_agno's cassettes record "
        "and replay them in tests)",
        cache_response=False,
        cache_ttl=None,
        cache_dir=None,
    ),
    **_group("a model's role in a run is where it is used", model_type="model"),
    **_group(
        "OpenAI models always answer structured output natively (strict json_schema)",
        supports_native_structured_outputs=True,
        supports_json_schema_outputs=False,
    ),
}
_CHAT: dict[str, Unsupported] = {
    **_MODEL,
    **_group(_MEDIA, modalities=None, audio=None),
}
_RESPONSES: dict[str, Unsupported] = {
    **_MODEL,
    **_group(
        "OpenAI's background mode (a polled response) is not part of agno_core; "
        "agno_core's own background runs are arun(background=True)",
        background=None,
    ),
    **_group(_KNOWLEDGE, vector_store_name="knowledge_base"),
}

# Registry per table row of docs/COMPATIBILITY.md.
UNSUPPORTED: dict[str, dict[str, Unsupported]] = {
    "Agent": _AGENT,
    "Agent.run / arun": _RUN,
    "Agent.continue_run / acontinue_run": _CONTINUE,
    "OpenAIChat": _CHAT,
    "OpenAIResponses": _RESPONSES,
}

_REGISTRY_FOR = {
    "Agent": _AGENT,
    "Agent.run": _RUN,
    "Team.run": _RUN,
    "Agent.continue_run": _CONTINUE,
}


def check_arguments(owner: str, given: dict[str, Any]) -> None:
    """Refuse Agno arguments agno_core does not implement (`NotSupportedError`), unless given at
    Agno's default; anything else unknown is a `TypeError`, as Python would raise."""
    registry = _REGISTRY_FOR.get(owner, {})
    for name, value in given.items():
        entry = registry.get(name)
        if entry is None:
            raise TypeError(f"{owner}() got an unexpected keyword argument {name!r}")
        if value is entry.default or (
            type(value) is type(entry.default) and value == entry.default
        ):
            continue
        raise NotSupportedError(
            f"{owner}({name}=...) is not supported by agno_core: {entry.reason}. "
            f"Leave it at Agno's default ({entry.default!r})."
        )


def check_model_options(model: Any, table: str) -> None:
    """Refuse an OpenAI model built with an Agno option agno_core does not implement set to
    anything but Agno's default (`NotSupportedError` naming it); ``table`` is the model's row
    of `UNSUPPORTED` ("OpenAIChat" or "OpenAIResponses")."""
    owner = type(model).__name__
    registry = UNSUPPORTED[table]
    for name, entry in registry.items():
        value = getattr(model, name, entry.default)
        # Agno's own enum members equal their values ("model" == ModelType.MODEL), and False
        # is as good as Agno's None for background mode.
        if value == entry.default or (value is False and entry.default is None):
            continue
        raise NotSupportedError(
            f"{owner}({name}={value!r}) is not supported by agno_core: {entry.reason}. "
            f"Leave it at Agno's default ({entry.default!r})."
        )
