"""Follow-up suggestions after an answer (Agno's ``followups=True`` / `FollowupConfig`).

Once the answer is final, one more model call (the agent's model, or the follow-up model) gets
the user's message and the answer and returns ``{"suggestions": [...]}`` as structured output;
they go to ``RunOutput.followups``. Its tokens count under ``metrics.details["followup_model"]``.
A failed call leaves ``followups`` None and never changes the answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, ValidationError

from agno_core.models._complete import acomplete, count_call
from agno_core.models.base import ModelRequest
from agno_core.models.message import Message
from agno_core.run import _events as ev
from agno_core.run._context import RunContext
from agno_core.run._event_factory import make_event

if TYPE_CHECKING:
    from agno_core.models.base import Model

__all__ = ["DEFAULT_NUM_FOLLOWUPS", "FollowupConfig", "Followups", "followup_events"]

log = logging.getLogger("agno_core")

DEFAULT_NUM_FOLLOWUPS = 3

_PROMPT = (
    "You suggest follow-up prompts a user could send next, given their message and the "
    "assistant's answer. Each suggestion is one short, specific question or request, written "
    "as the user would type it, that builds on the answer. Reply with the suggestions only."
)


class Followups(BaseModel):
    """The structured reply of the follow-up call."""

    suggestions: list[str] = Field(description="The follow-up prompts, one per item")


@dataclass
class FollowupConfig:
    """Follow-up options, given as ``Agent(followups=FollowupConfig(...))``.

    Args:
        model: The model that writes the suggestions (default: the agent's).
        instructions: Added to the follow-up call's system prompt (scope, style).
        num_followups: Exactly this many (the default is 3), or give a range with
            ``min_followups`` / ``max_followups`` (extra suggestions are dropped).
    """

    model: Model | None = None
    instructions: str | None = None
    num_followups: int | None = None
    min_followups: int | None = None
    max_followups: int | None = None

    def __post_init__(self) -> None:
        self.count_range()

    def count_range(self) -> tuple[int, int]:
        """The (minimum, maximum) number of suggestions asked for."""
        if self.num_followups is not None:
            if self.min_followups is not None or self.max_followups is not None:
                raise ValueError("Use num_followups or min_followups/max_followups, not both")
            if self.num_followups < 1:
                raise ValueError("num_followups must be at least 1")
            return self.num_followups, self.num_followups
        if self.min_followups is None and self.max_followups is None:
            return DEFAULT_NUM_FOLLOWUPS, DEFAULT_NUM_FOLLOWUPS
        maximum = self.max_followups if self.max_followups is not None else DEFAULT_NUM_FOLLOWUPS
        minimum = self.min_followups if self.min_followups is not None else 0
        if maximum < 1 or not 0 <= minimum <= maximum:
            raise ValueError("need 0 <= min_followups <= max_followups and max_followups >= 1")
        return minimum, maximum


def _count_text(minimum: int, maximum: int) -> str:
    if minimum == maximum:
        return f"Generate exactly {maximum} follow-up suggestions."
    if minimum == 0:
        return f"Generate at most {maximum} follow-up suggestions."
    return f"Generate between {minimum} and {maximum} follow-up suggestions."


def _settings(ctx: RunContext) -> tuple[Model, str | None, int, int] | None:
    owner: Any = ctx.owner
    followups = getattr(owner, "followups", False)
    if not followups or ctx.output.content is None:
        return None
    if isinstance(followups, FollowupConfig):
        minimum, maximum = followups.count_range()
        return followups.model or ctx.model, followups.instructions, minimum, maximum
    count = owner.num_followups or DEFAULT_NUM_FOLLOWUPS
    return owner.followup_model or ctx.model, None, count, count


async def followup_events(ctx: RunContext) -> AsyncGenerator[ev.BaseRunEvent, None]:
    """Make the run's follow-up suggestions (events only with ``stream_events``)."""
    settings = _settings(ctx)
    o = ctx.output
    o.followups = None
    if settings is None:
        return
    model, instructions, minimum, maximum = settings
    if ctx.stream_events:
        yield make_event(ctx, ev.FollowupsStartedEvent, "followups_started")
    system = _PROMPT if not instructions else f"{_PROMPT}\n\n{instructions}"
    user = (
        f"User message:\n{_text(o.input_content)}\n\n"
        f"Assistant response:\n{o.get_content_as_string()}"
        f"\n\n{_count_text(minimum, maximum)}"
    )
    request = ModelRequest(
        messages=[Message(role="system", content=system), Message(role="user", content=user)],
        output_schema=Followups,
    )
    parsed: Followups | None = None
    try:
        result = await acomplete(model, request)
        count_call(o.metrics, model, result, "followup_model")
        parsed = Followups.model_validate_json(result.content or "")
        parsed.suggestions = parsed.suggestions[:maximum]
        o.followups = list(parsed.suggestions)
    except asyncio.CancelledError:
        raise
    except (ValidationError, ValueError) as exc:
        log.warning("run %s: the follow-up suggestions could not be read: %s", o.run_id, exc)
    except Exception as exc:  # the answer stands
        log.warning("run %s: follow-up suggestions failed: %s", o.run_id, exc)
    if ctx.stream_events:
        yield make_event(ctx, ev.FollowupsCompletedEvent, "followups_completed", followups=parsed)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    return str(value)
