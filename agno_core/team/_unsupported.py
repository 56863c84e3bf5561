"""Agno's Team parameters and methods that agno_core does not implement, and the error they get.

Accepting a parameter and ignoring it would make a user's code run with a behaviour it did not
ask for; so each of these raises an error that names it. Anything else that is unknown is a plain
mistake and gets Python's own ``TypeError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "UNSUPPORTED_METHODS",
    "UNSUPPORTED_PARAMETERS",
    "UnsupportedMethodError",
    "UnsupportedParameterError",
    "reject_parameters",
]

# Agno's Team.__init__ parameters (agno 2.x) that agno_core's Team does not take.
UNSUPPORTED_PARAMETERS = frozenset(
    {
        "add_knowledge_to_context",
        "add_learnings_to_context",
        "add_search_knowledge_instructions",
        "additional_input",
        "callable_knowledge_cache_key",
        "checkpoint",
        "compress_tool_results",
        "compression_manager",
        "debug_level",
        "enable_agentic_knowledge_filters",
        "events_to_skip",
        "fallback_config",
        "fallback_models",
        "input_schema",
        "introduction",
        "knowledge",
        "knowledge_filters",
        "knowledge_retriever",
        "learning",
        "media_storage",
        "offload_tool_results",
        "parse_response",
        "parser_model",
        "parser_model_prompt",
        "reasoning_agent",
        "reasoning_model",
        "references_format",
        "search_knowledge",
        "send_media_to_model",
        "skills",
        "store_events",
        "store_media",
        "update_knowledge",
        "use_json_mode",
    }
)

# Agno's public Team methods that agno_core's Team does not have.
UNSUPPORTED_METHODS = frozenset(
    {
        "acli_app",
        "acontinue_run",
        "add_to_knowledge",
        "aget_relevant_docs_from_knowledge",
        "aget_system_message",
        "as_tool",
        "asave_session",
        "cli_app",
        "continue_run",
        "deep_copy",
        "delete",
        "from_dict",
        "get_relevant_docs_from_knowledge",
        "get_system_message",
        "load",
        "propagate_run_hooks_in_background",
        "save",
        "save_session",
        "scrub_run_output_for_storage",
        "to_dict",
    }
)


class UnsupportedParameterError(TypeError):
    """An Agno parameter (or parameter value) that agno_core does not implement."""


class UnsupportedMethodError(AttributeError):
    """An Agno method that agno_core does not implement."""


def reject_parameters(owner: str, given: Mapping[str, Any]) -> None:
    """Raise for keyword arguments the constructor does not take.

    Raises:
        UnsupportedParameterError: one of them is an Agno parameter agno_core does not
            implement (every such one is named).
        TypeError: one of them is not an Agno parameter at all (a typo).
    """
    unknown = sorted(name for name in given if name not in UNSUPPORTED_PARAMETERS)
    if unknown:
        names = ", ".join(unknown)
        raise TypeError(f"{owner}() got unexpected keyword arguments: {names}")
    names = ", ".join(f"{name}=" for name in sorted(given))
    raise UnsupportedParameterError(
        f"{owner}({names}) is not supported by agno_core: remove the argument (see the "
        "compatibility table in the README)"
    )
