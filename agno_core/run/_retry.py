"""Retrying a run that failed (Agno's ``retries``, ``delay_between_retries``,
``exponential_backoff``).

A failed attempt (the model call raised, a tool loop ran away, the answer did not validate) is
started over after a pause: ``delay_between_retries`` seconds, doubled after each attempt with
``exponential_backoff``. The new attempt builds its messages afresh; the tokens the failed
attempt spent stay counted in the run's metrics (they were paid for). Cancellation is never
retried; events already streamed by a failed attempt stay delivered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agno_core.run import _events as ev
    from agno_core.run._context import RunContext

__all__ = ["retry_delay", "with_retries"]

log = logging.getLogger("agno_core")


def retry_delay(delay: float, attempt: int, exponential: bool) -> float:
    """The pause before retry number ``attempt + 1`` (``attempt`` counts from 0)."""
    return delay * (2**attempt) if exponential else delay


async def with_retries(
    ctx: RunContext, body: Callable[[RunContext], AsyncGenerator[ev.BaseRunEvent, None]]
) -> AsyncGenerator[ev.BaseRunEvent, None]:
    """Run ``body`` (the model loop), starting it over on failure up to the owner's
    ``retries`` times."""
    owner = ctx.owner
    attempts = max(0, owner.retries) + 1
    for attempt in range(attempts):
        try:
            async with contextlib.aclosing(body(ctx)) as events:
                async for event in events:
                    yield event
            return
        except Exception as exc:
            if attempt == attempts - 1 or ctx.active.cancel_requested:
                raise
            delay = retry_delay(owner.delay_between_retries, attempt, owner.exponential_backoff)
            log.warning(
                "run %s: attempt %d of %d failed (%s): retrying in %ss",
                ctx.output.run_id,
                attempt + 1,
                attempts,
                exc,
                delay,
            )
            await asyncio.sleep(delay)
            ctx.output.content = None
            ctx.output.tools = []
            ctx.extra["partial"] = None
