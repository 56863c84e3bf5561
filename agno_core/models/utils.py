"""Models given as strings: ``"openai:gpt-4o"``, as Agno accepts them (``agno.models.utils``)."""

from __future__ import annotations

from agno_core.exceptions import NotSupportedError
from agno_core.models.base import Model

__all__ = ["get_model"]

# Agno's provider keys for OpenAI; its bare "openai" means the Responses API.
_OPENAI_PROVIDERS = {
    "openai": "responses",
    "openai-responses": "responses",
    "openai-chat": "chat",
}


def get_model(model: Model | str | None) -> Model | None:
    """The model itself, or one built from ``"<provider>:<model id>"``.

    ``"openai:<id>"`` and ``"openai-responses:<id>"`` give `OpenAIResponses`,
    ``"openai-chat:<id>"`` gives `OpenAIChat`.

    Raises:
        ValueError: A string that is not ``"<provider>:<model id>"``.
        NotSupportedError: Another provider (agno_core speaks to OpenAI only).
    """
    if model is None or isinstance(model, Model):
        return model
    if not isinstance(model, str):
        raise ValueError(f"a model is a Model instance, a string or None, not {model!r}")
    provider, _, model_id = model.partition(":")
    provider, model_id = provider.strip().lower(), model_id.strip()
    if not provider or not model_id:
        raise ValueError(
            f"invalid model string {model!r}: give '<provider>:<model id>', e.g. 'openai:gpt-4o'"
        )
    api = _OPENAI_PROVIDERS.get(provider)
    if api is None:
        raise NotSupportedError(
            f"model provider {provider!r} is not supported by agno_core: its models are OpenAI's "
            f"({', '.join(sorted(_OPENAI_PROVIDERS))})"
        )
    from agno_core.models.openai import OpenAIChat, OpenAIResponses

    return OpenAIChat(id=model_id) if api == "chat" else OpenAIResponses(id=model_id)
