"""The scripted OpenAI server: `MockOpenAI`, its replies and the requests it records.

Owns the mock at the HTTP layer (``_openai``: routes and the script, through respx), the OpenAI wire
formats it speaks (``_wire``: Chat Completions and Responses payloads, SSE streams) and the scripted
replies (``_replies``). It may import the standard library, httpx and respx only: no other part of
pytest_agno and nothing of agno_core, so it serves any code that speaks to OpenAI. Importing it
loads respx; the plugin does so only inside the ``mock_model`` fixture.
"""

from __future__ import annotations

from pytest_agno.mock._openai import (
    MockOpenAI,
    RecordedRequest,
    Reply,
    ReplyOptions,
    RequestPredicate,
)

__all__ = ["MockOpenAI", "RecordedRequest", "Reply", "ReplyOptions", "RequestPredicate"]
