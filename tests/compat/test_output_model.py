"""``output_model`` / ``output_model_prompt``, as Agno documents them: a second model writes the
run's answer from the conversation; with ``output_schema`` it gives the structured output."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from agno_core.models.openai._common import OpenAIBase
from agno_core.run.base import RunStatus
from pytest_agno.mock import MockOpenAI, RecordedRequest
from tests.compat.conftest import AgentMaker
from tests.compat.wire import conversation, system_text


class Recipe(BaseModel):
    name: str
    time_minutes: int


def _schema_name(request: RecordedRequest) -> str | None:
    body = request.json
    if request.endpoint == "chat":
        return ((body.get("response_format") or {}).get("json_schema") or {}).get("name")
    return (((body.get("text") or {}).get("format")) or {}).get("name")


async def test_the_output_model_writes_the_structured_answer(
    mock_model: MockOpenAI, make_agent: AgentMaker, make_model: Callable[..., OpenAIBase]
) -> None:
    agent = make_agent(
        description="You are a chef.",
        output_model=make_model(id="writer"),
        output_model_prompt="Extract the recipe into the schema.",
        output_schema=Recipe,
    )
    mock_model.add_text("Pad thai: noodles, tamarind... about 30 minutes.", model="gpt-4o-mini")
    mock_model.add_json({"name": "Pad thai", "time_minutes": 30}, model="writer")

    out = await agent.arun("Give me a recipe for pad thai.")

    assert out.status is RunStatus.completed
    assert out.content == Recipe(name="Pad thai", time_minutes=30)
    main, writer = mock_model.requests
    # The main model answers in free text; the output model is asked for the schema.
    assert _schema_name(main) is None and _schema_name(writer) == "Recipe"
    assert writer.json["model"] == "writer"
    assert system_text(writer) == "Extract the recipe into the schema."
    assert "You are a chef." in system_text(main)
    # The output model sees the conversation without the main model's answer.
    assert conversation(writer)[1:] == [("user", "Give me a recipe for pad thai.")]
    assert [m.id for m in out.metrics.details["output_model"]] == ["writer"]
    assert out.messages[-1].role == "assistant"
    assert out.messages[-1].content == '{"name": "Pad thai", "time_minutes": 30}'


async def test_streamed_runs_stream_the_output_models_text(
    mock_model: MockOpenAI, make_agent: AgentMaker, make_model: Callable[..., OpenAIBase]
) -> None:
    def lookup(q: str) -> str:
        """Look it up."""
        return "RESULT"

    agent = make_agent(tools=[lookup], output_model=make_model(id="writer"))
    mock_model.add_tool_call("lookup", {"q": "x"}, model="gpt-4o-mini")
    mock_model.add_text("draft answer", model="gpt-4o-mini")
    mock_model.add_text("polished answer", model="writer", chunks=2)

    streamed = []
    async for event in agent.arun("question", stream=True, stream_events=True):
        if event.event == "RunContent":
            streamed.append(event.content)
        last = event

    # The output model's stream opens with an empty piece, as any model call's (Agno's too).
    assert streamed[0] in ("", None) and streamed[1:] == ["polishe", "d answer"]
    assert last.event == "RunCompleted" and last.content == "polished answer"
    writer = mock_model.requests[-1]
    # Without output_model_prompt the agent's system message stays; tool results are kept.
    assert conversation(writer) == [("user", "question"), ("call", "lookup"), ("tool", "RESULT")]
