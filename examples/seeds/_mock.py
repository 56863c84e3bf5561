"""An offline stand-in for OpenAI and Yahoo Finance, so the seed programs run anywhere.

``maybe_mock()`` installs it when ``--mock`` is on the command line or no ``OPENAI_API_KEY`` is
set. The replies follow what each seed asks: a tool call for stock questions, JSON for
structured output, a slow answer for the "5000 words" run that the seed cancels.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

from pytest_agno import MockOpenAI, RecordedRequest, YahooStub

STICKY = 10_000


def _has_tools(request: RecordedRequest) -> bool:
    return bool(request.json.get("tools"))


def _tool_results_sent(request: RecordedRequest) -> bool:
    """True when tool results follow the current question (history before it does not count)."""
    messages = request.json.get("messages") or request.json.get("input") or []
    last_user = max((i for i, m in enumerate(messages) if m.get("role") == "user"), default=-1)
    return any(
        m.get("role") == "tool" or m.get("type") == "function_call_output"
        for m in messages[last_user + 1 :]
    )


def _schema_name(request: RecordedRequest) -> str | None:
    fmt = (request.json.get("response_format") or {}).get("json_schema") or (
        (request.json.get("text") or {}).get("format") or {}
    )
    return fmt.get("name")


def _asks(word: str) -> object:
    return lambda r: word.lower() in (r.last_user_message or "").lower()


def script_seed_replies(mock: MockOpenAI) -> None:
    """Teach ``mock`` the replies every seed program needs (each reusable many times)."""
    mock.add_json(
        {
            "cities": [
                {
                    "city": "Tokyo",
                    "country": "Japan",
                    "population": 37400000,
                    "fun_fact": "Tokyo has the most Michelin-starred restaurants.",
                },
                {
                    "city": "Paris",
                    "country": "France",
                    "population": 11000000,
                    "fun_fact": "Paris has only one stop sign.",
                },
                {
                    "city": "New York",
                    "country": "USA",
                    "population": 18800000,
                    "fun_fact": "New York's subway has 472 stations.",
                },
            ]
        },
        match=lambda r: _schema_name(r) == "CityFactsResponse",
        times=STICKY,
        input_tokens=120,
        output_tokens=90,
    )
    mock.add_json(
        {"memories": ["The user loves big cities."]},
        match=lambda r: _schema_name(r) == "_MemoryExtraction",
        times=STICKY,
        input_tokens=60,
        output_tokens=12,
    )
    mock.add_tool_call(
        "delegate_task_to_member",
        {"member_id": "weather_agent", "task": "What weather can the user expect?"},
        match=lambda r: "weather_agent" in str(r.json.get("tools")) and not _tool_results_sent(r),
        times=STICKY,
        input_tokens=180,
        output_tokens=25,
    )
    mock.add_tool_call(
        "get_weather",
        {"city": "Boston"},
        match=lambda r: "get_weather" in str(r.json.get("tools")) and not _tool_results_sent(r),
        times=STICKY,
        input_tokens=90,
        output_tokens=15,
    )
    mock.add_text(
        "Rome was founded... (a very long essay)",
        latency=30,
        match=_asks("5000 words"),
        times=STICKY,
    )
    mock.add_tool_call(
        "get_current_stock_price",
        {"symbol": "AAPL"},
        match=lambda r: (
            _has_tools(r) and "AAPL" in (r.last_user_message or "") and not _tool_results_sent(r)
        ),
        times=STICKY,
        input_tokens=150,
        output_tokens=20,
    )
    mock.add_tool_call(
        "get_current_stock_price",
        {"symbol": "NVDA"},
        match=lambda r: (
            _has_tools(r)
            and "NVDA" in (r.last_user_message or "")
            and "get_current_stock_price" in str(r.json.get("tools"))
            and not _tool_results_sent(r)
        ),
        times=STICKY,
        input_tokens=140,
        output_tokens=18,
    )
    mock.add_tool_call(
        "delegate_task_to_member",
        {"member_id": "stock-searcher", "task": "Find the current stock price of NVDA."},
        match=lambda r: (
            "delegate_task_to_member" in str(r.json.get("tools")) and not _tool_results_sent(r)
        ),
        times=STICKY,
        input_tokens=200,
        output_tokens=30,
    )
    mock.add_text(
        "The capital of France is Paris.",
        match=_asks("capital of France"),
        times=STICKY,
        input_tokens=25,
        output_tokens=8,
    )
    mock.add_text(
        "Here is the answer, based on the tool results.",
        times=STICKY,
        input_tokens=80,
        output_tokens=40,
    )


@contextlib.contextmanager
def seed_mock() -> Iterator[MockOpenAI]:
    """OpenAI and Yahoo Finance, offline, scripted for the seeds."""
    with MockOpenAI() as mock, YahooStub() as yahoo:
        yahoo.set_price("AAPL", 189.84)
        yahoo.set_price("NVDA", 120.5)
        script_seed_replies(mock)
        yield mock
        mock.reset()


@contextlib.contextmanager
def maybe_mock() -> Iterator[None]:
    """Mock everything when ``--mock`` is given or there is no API key; else do nothing."""
    if "--mock" in sys.argv or not os.environ.get("OPENAI_API_KEY"):
        os.environ.setdefault("OPENAI_API_KEY", "sk-offline-mock")
        with seed_mock():
            yield
    else:
        yield
