"""Offline stand-ins for third-party services: Yahoo Finance behind the real ``yfinance`` library.

Owns `YahooStub` (``_yfinance``: it answers yfinance's HTTP calls at its network boundary and fails
on a request it does not know) and the Yahoo payloads it serves (``_yahoo_payloads``: quotes,
history, news, built from one deterministic price model). It may import the standard library and,
when a stub is entered, yfinance and curl_cffi: no other part of pytest_agno and nothing of
agno_core.
"""

from __future__ import annotations

from pytest_agno.stubs._yfinance import (
    YFINANCE_WARNING_FILTERS,
    StubRequest,
    UnexpectedYahooRequest,
    YahooStub,
)

__all__ = ["YFINANCE_WARNING_FILTERS", "StubRequest", "UnexpectedYahooRequest", "YahooStub"]
