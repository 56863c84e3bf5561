"""`OpenAIModerationGuardrail`: refuse input that OpenAI's moderation endpoint flags."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import Any, Literal, get_args

from openai import AsyncOpenAI, OpenAI
from openai.types import ModerationCreateResponse

from agno_core.exceptions import CheckTrigger, InputCheckError
from agno_core.guardrails._base import BaseGuardrail
from agno_core.run._input import RunInput

__all__ = ["MODERATION_CATEGORIES", "ModerationCategory", "OpenAIModerationGuardrail"]

log = logging.getLogger("agno_core")

ModerationCategory = Literal[
    "sexual",
    "sexual/minors",
    "harassment",
    "harassment/threatening",
    "hate",
    "hate/threatening",
    "illicit",
    "illicit/violent",
    "self-harm",
    "self-harm/intent",
    "self-harm/instructions",
    "violence",
    "violence/graphic",
]
#: The categories OpenAI's moderation models report, by their names on the wire.
MODERATION_CATEGORIES: tuple[str, ...] = get_args(ModerationCategory)


class OpenAIModerationGuardrail(BaseGuardrail):
    """Sends the run's input to OpenAI's moderation endpoint and refuses flagged input.

    `check` uses the SDK's ``OpenAI`` client and `async_check` its ``AsyncOpenAI`` client (a new
    one per check, closed after it, unless one is given). A failure to reach the endpoint is not
    a refusal: like any hook error it is logged and the run goes on, as in Agno.

    Args:
        moderation_model: The moderation model.
        raise_for_categories: Refuse only when one of these categories is flagged (names as
            OpenAI writes them, e.g. ``"violence"``, ``"self-harm/intent"``); None refuses
            whenever the input is flagged at all.
        api_key: The OpenAI API key; by default the ``OPENAI_API_KEY`` environment variable.
        client: An ``openai.OpenAI`` client for `check` (agno_core only: e.g. a proxy, or a
            mocked transport in tests); ``api_key`` is then unused.
        async_client: An ``openai.AsyncOpenAI`` client for `async_check` (agno_core only).

    Raises:
        ValueError: ``raise_for_categories`` names an unknown category.
        InputCheckError: From `check`/`async_check`, with ``check_trigger``
            ``CheckTrigger.INPUT_NOT_ALLOWED`` and ``additional_data`` holding the
            ``"categories"`` and ``"category_scores"`` of the moderation result.
    """

    def __init__(
        self,
        moderation_model: str = "omni-moderation-latest",
        raise_for_categories: Sequence[ModerationCategory] | None = None,
        api_key: str | None = None,
        *,
        client: OpenAI | None = None,
        async_client: AsyncOpenAI | None = None,
    ) -> None:
        unknown = [c for c in raise_for_categories or () if c not in MODERATION_CATEGORIES]
        if unknown:
            raise ValueError(
                f"unknown moderation categories {unknown}; known: {list(MODERATION_CATEGORIES)}"
            )
        self.moderation_model = moderation_model
        self.raise_for_categories: list[str] | None = (
            None if raise_for_categories is None else list(raise_for_categories)
        )
        self.api_key = api_key or os.getenv("OPENAI_API_KEY")
        self.client = client
        self.async_client = async_client

    def check(self, run_input: RunInput) -> None:
        """Moderate the input with the synchronous client; refuse it when flagged."""
        text = run_input.input_content_string()
        log.debug("moderating the input with %s", self.moderation_model)
        if self.client is not None:
            response = self.client.moderations.create(model=self.moderation_model, input=text)
        else:
            with OpenAI(api_key=self.api_key) as client:
                response = client.moderations.create(model=self.moderation_model, input=text)
        self._judge(response)

    async def async_check(self, run_input: RunInput) -> None:
        """Moderate the input with the asynchronous client; refuse it when flagged."""
        text = run_input.input_content_string()
        log.debug("moderating the input with %s", self.moderation_model)
        if self.async_client is not None:
            response = await self.async_client.moderations.create(
                model=self.moderation_model, input=text
            )
        else:
            async with AsyncOpenAI(api_key=self.api_key) as client:
                response = await client.moderations.create(model=self.moderation_model, input=text)
        self._judge(response)

    def _judge(self, response: ModerationCreateResponse) -> None:
        result = response.results[0]
        if not result.flagged:
            return
        # The SDK's field names differ from the wire names ("self_harm" vs "self-harm"):
        # categories are matched by their wire names, the ones users pass.
        flagged = {name for name, on in result.categories.model_dump(by_alias=True).items() if on}
        wanted = self.raise_for_categories
        if wanted is not None and flagged.isdisjoint(wanted):
            return
        details: dict[str, Any] = {
            "categories": result.categories.model_dump(),
            "category_scores": result.category_scores.model_dump(),
        }
        raise InputCheckError(
            "OpenAI moderation violation detected.",
            check_trigger=CheckTrigger.INPUT_NOT_ALLOWED,
            additional_data=details,
        )
