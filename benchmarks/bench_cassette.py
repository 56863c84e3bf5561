"""Cassette replay against the scripted mock; the httpx2 transport patch against a MockTransport.

- ``cassette_replay*``: ``await agent.arun()`` answered from a cassette (recorded from the session's
  scripted mock, so both sides get the same payloads), each round interleaved with the same runs
  answered by the scripted mock itself. Target: replay <= 1.2x the scripted run.
- ``httpx2_patch`` (openai 3.x only): a bare SDK call through the mock's patch of httpx2's default
  transport, interleaved with the same call through a client built on an injected
  ``httpx2.MockTransport`` with the same handler: what patching (which catches every client)
  costs against injecting a transport into each client.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openai
import pytest

from benchmarks._harness import FAST, Paired
from benchmarks._peers import make_agent
from pytest_agno.mock import CassetteMock, CassetteOptions
from pytest_agno.mock._openai import _ASYNC_CLIENT, MockOpenAI
from pytest_agno.mock._scripted_transport import ScriptedTransport

CALLS = 10
# More rounds than elsewhere: the figure is a ratio close to 1, read against a 1.2x target.
ROUNDS = 40
LINE = int(openai.__version__.split(".", 1)[0])


@pytest.fixture(scope="module")
def cassette_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cassettes")


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
def test_cassette_replay(paired: Paired, cassette_dir: Path, stream: bool) -> None:
    """``agent.arun()`` replayed from a cassette vs the same run on the scripted mock."""
    agent = make_agent("agno_core")

    async def one_run() -> None:
        if stream:
            async for _event in agent.arun("hi", stream=True):
                pass
        else:
            await agent.arun("hi")

    async def runs() -> None:
        for _ in range(CALLS):
            await one_run()

    path = cassette_dir / f"replay-{stream}.json"
    # Recorded through the session's scripted mock: the cassette forwards to the transport below.
    with CassetteMock(CassetteOptions(path=path, record="once")):
        paired.loop.run(one_run())
    replay = CassetteMock(CassetteOptions(path=path, record="none"))
    replay.keep_requests = 0

    async def subject() -> None:
        with replay:
            await runs()

    figure = "cassette_replay_stream" if stream else "cassette_replay"
    paired.run(
        subject,
        figure=f"{figure}_openai{LINE}",
        impl="agno_core",
        calls=CALLS,
        rounds=ROUNDS,
        reference=runs,
        reference_label="scripted mock",
        model_calls_per_run=len(replay.cassette.entries),
    )


@pytest.mark.skipif(LINE < 3, reason="httpx2 comes with openai 3.x")
def test_httpx2_patch(paired: Paired, mock: MockOpenAI, sdk: Any) -> None:
    """The floor through the httpx2 patch vs the same handler on an injected MockTransport."""
    import httpx2

    routes = {"/chat/completions": mock._on_chat, "/responses": mock._on_responses}
    bridge = ScriptedTransport(mock.base_url, routes, _ASYNC_CLIENT)

    async def handler(request: Any) -> Any:
        return await bridge.ahandle(httpx2, request, _no_forward)

    injected = openai.AsyncOpenAI(
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
    )

    async def through_patch() -> None:
        for _ in range(CALLS):
            await sdk.chat.completions.create(
                model=FAST, messages=[{"role": "user", "content": "hi"}]
            )

    async def through_injected() -> None:
        for _ in range(CALLS):
            await injected.chat.completions.create(
                model=FAST, messages=[{"role": "user", "content": "hi"}]
            )

    paired.run(
        through_patch,
        figure="httpx2_patch",
        impl="sdk",
        calls=CALLS,
        rounds=ROUNDS,
        reference=through_injected,
        reference_label="injected MockTransport",
    )
    paired.loop.run(injected.close())


async def _no_forward(request: Any) -> Any:
    raise AssertionError("the scripted mock never forwards")
