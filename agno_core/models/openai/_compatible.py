"""Agno's models for OpenAI-compatible servers (vLLM, LM Studio, Ollama, gateways): the OpenAI
adapters with the defaults such servers want."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from agno_core.models.openai._chat import OpenAIChat
from agno_core.models.openai._responses import OpenAIResponses

__all__ = ["OpenAILike", "OpenResponses"]


@dataclass(kw_only=True)
class OpenAILike(OpenAIChat):
    """Chat Completions on any server that speaks OpenAI's API, as Agno's ``OpenAILike``.

    Give ``base_url`` (and ``api_key`` when the server wants one: the default is the
    placeholder ``"not-provided"``, so no ``OPENAI_API_KEY`` is needed). Messages keep their
    roles (``system`` stays ``system``, where `OpenAIChat` sends ``developer``), as in Agno.
    Metrics name the provider ``"OpenAI"``, as Agno does.

    Example:
        >>> model = OpenAILike(id="llama-3.1-8b", base_url="http://localhost:8000/v1")
    """

    id: str = field(default="not-provided", kw_only=False)
    name: str = "OpenAILike"
    api_key: str | None = field(default="not-provided", repr=False)
    default_role_map: ClassVar[dict[str, str]] = {}

    def get_provider(self) -> str:
        """The model's ``provider`` (``"OpenAI"``), as Agno's generic model names it."""
        return self.provider or self.name


@dataclass(kw_only=True)
class OpenResponses(OpenAIResponses):
    """The Responses API on any server that implements it (the Open Responses specification:
    Ollama, OpenRouter, ...), as Agno's ``OpenResponses``: ``base_url`` to point at it,
    ``api_key`` defaulting to the placeholder ``"not-provided"``, provider ``"OpenResponses"``
    and ``store=False`` (no server-side conversation state).

    Example:
        >>> model = OpenResponses(id="gpt-oss:20b", base_url="http://localhost:11434/v1")
    """

    id: str = field(default="not-provided", kw_only=False)
    name: str = "OpenResponses"
    provider: str = "OpenResponses"
    api_key: str | None = field(default="not-provided", repr=False)
    store: bool | None = False

    def using_reasoning_model(self) -> bool:
        """Never, as in Agno: OpenAI's reasoning models are not behind such servers."""
        return False
