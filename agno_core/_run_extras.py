"""The options agents and teams share for what a run does around its model loop: retries, the
output model, session summaries, follow-up suggestions and hooks.

`Agent.__init__` and `Team.__init__` both take them; this is where they are checked and set,
once for both. What each option does is in `Agent`'s docstring; the run engine reads them from
the runner (`agno_core.run._settings.RunSettings`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agno_core._runner import RunnerBase
    from agno_core.guardrails import BaseGuardrail
    from agno_core.models.base import Model
    from agno_core.run._followups import FollowupConfig
    from agno_core.session.summary import SessionSummaryManager

__all__ = ["set_run_extras"]


def set_run_extras(
    runner: RunnerBase,
    *,
    output_model: Model | str | None,
    output_model_prompt: str | None,
    enable_session_summaries: bool,
    add_session_summary_to_context: bool | None,
    session_summary_manager: SessionSummaryManager | None,
    retries: int,
    delay_between_retries: float,
    exponential_backoff: bool,
    followups: bool | FollowupConfig,
    num_followups: int | None,
    followup_model: Model | None,
    pre_hooks: Sequence[Callable[..., Any] | BaseGuardrail] | None,
    post_hooks: Sequence[Callable[..., Any] | BaseGuardrail] | None,
) -> None:
    """Check the options and set them on ``runner``.

    Raises:
        ValueError: A negative ``retries`` or ``delay_between_retries``, ``num_followups``
            below 1, or a follow-up count or model given both inside a `FollowupConfig` and
            beside it.
    """
    from agno_core.models.utils import get_model
    from agno_core.run._followups import FollowupConfig

    if retries < 0 or delay_between_retries < 0:
        raise ValueError("retries and delay_between_retries must not be negative")
    if isinstance(followups, FollowupConfig) and (
        num_followups is not None or followup_model is not None
    ):
        raise ValueError(
            "give the count and model either inside FollowupConfig or as num_followups and "
            "followup_model, not both"
        )
    if num_followups is not None and num_followups < 1:
        raise ValueError("num_followups must be at least 1")
    runner.output_model = get_model(output_model)
    runner.output_model_prompt = output_model_prompt
    runner.enable_session_summaries = enable_session_summaries
    runner.add_session_summary_to_context = add_session_summary_to_context
    runner.session_summary_manager = session_summary_manager
    runner.retries = retries
    runner.delay_between_retries = delay_between_retries
    runner.exponential_backoff = exponential_backoff
    extras: Any = runner  # slots each runner class declares (RunnerBase does not)
    extras.followups = followups
    extras.num_followups = num_followups
    extras.followup_model = followup_model
    extras.pre_hooks = list(pre_hooks) if pre_hooks else None
    extras.post_hooks = list(post_hooks) if post_hooks else None
