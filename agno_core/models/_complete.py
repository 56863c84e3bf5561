"""One whole model call outside a run (session names, summaries): the final `ModelResult`."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from agno_core.models.base import ModelProviderError, ModelResult

if TYPE_CHECKING:
    from agno_core.models.base import Model, ModelRequest

__all__ = ["acomplete"]


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
