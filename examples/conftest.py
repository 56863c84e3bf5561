"""Shared fixtures of the example suite: the seeds' scripted replies and an offline Yahoo Finance.

The plugin (``pytest_agno``, loaded through its entry point) provides ``mock_model``, ``agent``,
``team``, their factories, ``perf_eval`` and the markers; everything here builds on them. No API
key and no network are needed: the model is the plugin's mock at the HTTP layer, and yfinance
talks to `YahooStub` at its own network boundary.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from examples.seeds._mock import script_seed_replies
from pytest_agno import MockOpenAI, YahooStub

PRICES = {"AAPL": 189.84, "NVDA": 120.5}


@pytest.fixture
def yahoo() -> Iterator[YahooStub]:
    """Yahoo Finance, offline: AAPL and NVDA quotes for `YFinanceTools`."""
    with YahooStub() as stub:
        for symbol, price in PRICES.items():
            stub.set_price(symbol, price)
        yield stub


@pytest.fixture
def seed_model(mock_model: MockOpenAI) -> MockOpenAI:
    """The mock model taught every reply the seed programs need (`examples/seeds/_mock.py`).

    Replies are matched on what a request asks (a stock symbol, a response schema, a delegation
    tool), so any number of runs, in any order, get the answer the seed expects.
    """
    script_seed_replies(mock_model)
    mock_model.warn_unused = False  # one script for every seed: each test uses part of it
    return mock_model
