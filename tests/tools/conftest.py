"""Fixtures for the tool tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

# Imported while collecting, not inside a test: on import yfinance adds a warnings filter that
# shows its DeprecationWarnings, which would override `filterwarnings` for whichever test imported
# it first. pytest discards filters added during collection.
import yfinance  # noqa: F401

from pytest_agno.stubs import YahooStub


@pytest.fixture
def yahoo() -> Iterator[YahooStub]:
    """A fake Yahoo Finance for the test; teach it symbols with ``yahoo.set_price(...)``.

    The test fails on teardown if anything asked the stub for a URL it does not know, even when
    yfinance swallowed the error.
    """
    with YahooStub() as stub:
        yield stub
