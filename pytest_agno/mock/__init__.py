"""The scripted OpenAI server: `MockOpenAI`, its replies and the requests it records.

Owns the mock at the HTTP layer (``_openai``: the script; ``_mock_server``: its handlers and
the check at stop), the OpenAI wire formats it speaks (``_wire``: Chat Completions and Responses
payloads, SSE streams), the scripted replies (``_replies``), how much it keeps of what it served
(``_recording``), the patch of httpx's and httpx2's default transports that serves the handlers
(``_scripted_transport``, ``_transport_patch``) and record/replay cassettes (``_cassette*``). It
may import the standard library, pytest, httpx and httpx2 only: no other part of pytest_agno and
nothing of agno_core, so it serves any code that speaks to OpenAI. Using one of its names loads
httpx; the plugin does so only inside the ``mock_model`` fixture.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_agno.mock._cassette_mock import CassetteMock
    from pytest_agno.mock._cassette_options import CassetteOptions
    from pytest_agno.mock._openai import (
        MockOpenAI,
        RecordedRequest,
        Reply,
        ReplyOptions,
        RequestPredicate,
    )
    from pytest_agno.mock._replies import UnusedRepliesWarning

__all__ = [
    "CassetteMock",
    "CassetteOptions",
    "MockOpenAI",
    "RecordedRequest",
    "Reply",
    "ReplyOptions",
    "RequestPredicate",
    "UnusedRepliesWarning",
]
_HOMES = {
    "CassetteMock": "_cassette_mock",
    "CassetteOptions": "_cassette_options",
    "UnusedRepliesWarning": "_replies",
}


def __getattr__(name: str) -> Any:
    # The plugin reads the cassette options (``_cassette_options``) on every pytest start; httpx
    # and the mock load on first use of one of these names.
    if name in __all__:
        module = importlib.import_module(f"pytest_agno.mock.{_HOMES.get(name, '_openai')}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
