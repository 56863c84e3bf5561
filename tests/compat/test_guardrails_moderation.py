"""`OpenAIModerationGuardrail`: the moderation endpoint is scripted at the HTTP layer (an
injected client on an ``httpx.MockTransport``, or respx for the Agno-style constructor), so the
real ``openai`` SDK builds the request and parses the answer."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx
from openai import AsyncOpenAI, OpenAI

from agno_core.agent import RunInput, RunStatus
from agno_core.exceptions import CheckTrigger, InputCheckError
from agno_core.guardrails.openai import MODERATION_CATEGORIES, OpenAIModerationGuardrail
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker
from tests.openai_line import OPENAI_MAJOR

URL = "https://api.openai.com/v1/moderations"


def moderation(*flagged: str) -> dict[str, Any]:
    """A moderation answer (wire format) flagging ``flagged`` categories."""
    return {
        "id": "modr-1",
        "model": "omni-moderation-latest",
        "results": [
            {
                "flagged": bool(flagged),
                "categories": {c: c in flagged for c in MODERATION_CATEGORIES},
                "category_scores": {
                    c: 0.9 if c in flagged else 0.01 for c in MODERATION_CATEGORIES
                },
                "category_applied_input_types": {c: ["text"] for c in MODERATION_CATEGORIES},
            }
        ],
    }


class Endpoint:
    """Answers every moderation request with ``answer``; records the request bodies."""

    def __init__(self, *flagged: str) -> None:
        self.answer = moderation(*flagged)
        self.bodies: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.url == URL
        self.bodies.append(json.loads(request.content))
        return httpx.Response(200, json=self.answer)

    def clients(self) -> dict[str, Any]:
        transport = httpx.MockTransport(self)
        return {
            "client": OpenAI(api_key="sk-test", http_client=httpx.Client(transport=transport)),
            "async_client": AsyncOpenAI(
                api_key="sk-test", http_client=httpx.AsyncClient(transport=transport)
            ),
        }


def test_defaults_match_agno(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    guardrail = OpenAIModerationGuardrail()
    assert guardrail.moderation_model == "omni-moderation-latest"
    assert guardrail.raise_for_categories is None
    assert guardrail.api_key == "sk-env"
    with pytest.raises(ValueError, match="selfharm"):
        OpenAIModerationGuardrail(raise_for_categories=["selfharm"])  # type: ignore[list-item]


@pytest.mark.parametrize("sync", [False, True])
async def test_flagged_input_is_refused_before_the_model(
    mock_model: MockOpenAI, make_agent: AgentMaker, sync: bool
) -> None:
    endpoint = Endpoint("violence")
    agent = make_agent(pre_hooks=[OpenAIModerationGuardrail(**endpoint.clients())])

    if sync:
        out = await asyncio.to_thread(agent.run, "something violent")
    else:
        out = await agent.arun("something violent")

    assert out.status is RunStatus.error
    assert out.content == "OpenAI moderation violation detected."
    assert endpoint.bodies == [{"model": "omni-moderation-latest", "input": "something violent"}]
    assert mock_model.request_count == 0


async def test_clean_input_reaches_the_model(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_text("hello")
    endpoint = Endpoint()
    guardrail = OpenAIModerationGuardrail(
        moderation_model="text-moderation-stable", **endpoint.clients()
    )

    out = await make_agent(pre_hooks=[guardrail]).arun("hi there")

    assert out.status is RunStatus.completed
    assert out.content == "hello"
    assert endpoint.bodies == [{"model": "text-moderation-stable", "input": "hi there"}]


@pytest.mark.parametrize(
    ("flagged", "raise_for", "refused"),
    [
        (("violence",), ["hate"], False),
        (("violence",), ["hate", "violence"], True),
        # Agno looks slash names up among the SDK's underscore field names and never finds them
        (("self-harm/intent",), ["self-harm/intent"], True),
        (("harassment",), None, True),
    ],
)
def test_raise_for_categories(
    flagged: tuple[str, ...], raise_for: list[Any] | None, refused: bool
) -> None:
    endpoint = Endpoint(*flagged)
    guardrail = OpenAIModerationGuardrail(raise_for_categories=raise_for, **endpoint.clients())
    if not refused:
        guardrail.check(RunInput(input_content="text"))
        return
    with pytest.raises(InputCheckError) as caught:
        guardrail.check(RunInput(input_content="text"))
    assert caught.value.check_trigger is CheckTrigger.INPUT_NOT_ALLOWED
    details = caught.value.additional_data or {}
    # as in Agno: the SDK's model_dump (field names such as ``self_harm_intent``), with scores
    key = flagged[0].replace("/", "_").replace("-", "_")
    assert details["categories"][key] is True
    assert details["category_scores"][key] == 0.9


@pytest.fixture
def moderation_route() -> Iterator[respx.Route]:
    with respx.mock(assert_all_called=True) as router:
        yield router.post(URL).respond(200, json=moderation("hate"))


@pytest.mark.skipif(
    OPENAI_MAJOR >= 3,
    reason="respx patches httpx, which openai 3.x does not send through (the injected-client "
    "tests above run the same guardrail code on both lines)",
)
@pytest.mark.parametrize("sync", [False, True])
async def test_agno_style_construction_uses_the_api_key(
    moderation_route: respx.Route, sync: bool
) -> None:
    guardrail = OpenAIModerationGuardrail(api_key="sk-moderation")
    run_input = RunInput(input_content="hateful words")

    with pytest.raises(InputCheckError, match=r"OpenAI moderation violation detected\."):
        if sync:
            guardrail.check(run_input)
        else:
            await guardrail.async_check(run_input)

    request = moderation_route.calls.last.request
    assert request.headers["authorization"] == "Bearer sk-moderation"
    assert json.loads(request.content)["input"] == "hateful words"
