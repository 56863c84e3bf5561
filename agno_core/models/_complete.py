"""One whole model call whose deltas nobody streams (session names, summaries, follow-ups, the
agentic memory task): the final `ModelResult`; and counting such a call in a run's metrics."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from agno_core.models.base import ModelProviderError, ModelResult

if TYPE_CHECKING:
    from agno_core.metrics import RunMetrics
    from agno_core.models.base import Model, ModelRequest

__all__ = ["acomplete", "count_call"]


async def acomplete(model: Model, request: ModelRequest) -> ModelResult:
    """Call ``model`` and return its result (streamed deltas, if any, are dropped).

    Raises:
        ModelProviderError: the adapter ended without a result.
    """
    async with contextlib.aclosing(model.ainvoke(request)) as stream:
        async for item in stream:
            if isinstance(item, ModelResult):
                return item
    raise ModelProviderError(f"{model.id} returned no result", model_id=model.id)


def count_call(metrics: RunMetrics, model: Model, result: ModelResult, model_type: str) -> None:
    """Add an auxiliary model call's usage to a run's metrics, under ``details[model_type]``."""
    metrics.add_model_usage(
        result.usage,
        model_id=model.id,
        provider=model.get_provider(),
        model_type=model_type,
        duration=result.duration,
        time_to_first_token=result.time_to_first_token,
    )
