"""Yahoo Finance payloads for `YahooStub`: charts, quote data (and which endpoint carries each
key), news, income statements.

The JSON bodies the stub answers with, shaped like Yahoo's so that yfinance's real parsing runs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any, Protocol
from urllib.parse import urlencode
from zoneinfo import ZoneInfo


class ChartedSecurity(Protocol):
    """What a chart needs of the stub's security (the stub's `_Security` is one)."""

    symbol: str

    @property
    def info(self) -> Mapping[str, Any]: ...
    @property
    def closes(self) -> list[float]: ...


class ChartRequest(Protocol):
    """What a chart needs of the request it answers (the stub's `StubRequest` is one)."""

    @property
    def params(self) -> Mapping[str, str]: ...


def _keys(names: str) -> frozenset[str]:
    return frozenset(names.split())


# Which quoteSummary module carries which `Ticker.info` key (yfinance flattens them back into one
# dict). Keys in no module, and the v7 set below, are served by /v7/finance/quote.
_MODULE_KEYS: dict[str, frozenset[str]] = {
    "financialData": _keys(
        "currentPrice targetHighPrice targetLowPrice targetMeanPrice targetMedianPrice"
        " recommendationMean recommendationKey numberOfAnalystOpinions totalCash ebitda totalDebt"
        " quickRatio currentRatio totalRevenue debtToEquity returnOnAssets returnOnEquity"
        " freeCashflow operatingCashflow earningsGrowth revenueGrowth grossMargins ebitdaMargins"
        " operatingMargins profitMargins financialCurrency"
    ),
    "quoteType": _keys("exchange quoteType symbol shortName longName timeZoneFullName"),
    "defaultKeyStatistics": _keys(
        "enterpriseValue sharesOutstanding bookValue priceToBook trailingEps forwardEps pegRatio"
        " enterpriseToRevenue enterpriseToEbitda"
    ),
    "assetProfile": _keys(
        "address1 city state zip country phone website industry sector longBusinessSummary"
        " fullTimeEmployees"
    ),
    "summaryDetail": _keys(
        "previousClose open dayLow dayHigh dividendRate dividendYield payoutRatio beta trailingPE"
        " forwardPE volume averageVolume marketCap fiftyTwoWeekLow fiftyTwoWeekHigh"
        " priceToSalesTrailing12Months fiftyDayAverage twoHundredDayAverage currency"
    ),
}
_V7_KEYS = _keys(
    "symbol shortName longName quoteType exchange fullExchangeName currency marketCap"
    " regularMarketPrice exchangeTimezoneName trailingPE fiftyTwoWeekLow fiftyTwoWeekHigh"
)
_TIMESERIES_ONLY = frozenset({"trailingPegRatio"})
_IN_MODULES = frozenset().union(*_MODULE_KEYS.values()) | _TIMESERIES_ONLY

_VALID_RANGES = ["1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max"]


def _encode(params: Mapping[str, str]) -> str:
    return urlencode(params)


def _epoch(day: date, at: clock = clock(0, 0), tz: str = "UTC") -> int:
    return int(datetime.combine(day, at, tzinfo=ZoneInfo(tz)).timestamp())


def _not_found(symbol: str) -> dict[str, str]:
    return {"code": "Not Found", "description": f"Quote not found for symbol: {symbol}"}


def _finance_error(code: str, description: str) -> dict[str, Any]:
    return {"finance": {"result": None, "error": {"code": code, "description": description}}}


def _trading_days(last: date, count: int) -> list[date]:
    """``count`` weekdays ending at the last weekday on or before ``last``, oldest first."""
    days: list[date] = []
    day = last
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return days[::-1]


def _range_start(today: date, span: str) -> date | None:
    if span == "max":
        return None
    if span == "ytd":
        return date(today.year, 1, 1)
    months = int(span[:-2]) if span.endswith("mo") else int(span[:-1]) * 12
    year, month = divmod(today.month - 1 - months, 12)
    return date(today.year + year, month + 1, min(today.day, 28))


def _chart_result(security: ChartedSecurity, request: ChartRequest) -> dict[str, Any]:
    info = security.info
    tz_name = str(info.get("exchangeTimezoneName", "America/New_York"))
    tz = ZoneInfo(tz_name)
    now = datetime.now(tz)
    all_closes = security.closes
    days = _trading_days(now.date(), len(all_closes))
    bars = list(zip(days, all_closes, strict=True))
    span = request.params.get("range")
    if span is not None and span.endswith("d"):  # 1d, 5d: that many trading days
        bars = bars[-int(span[:-1]) :]
    elif span is not None:
        start = _range_start(now.date(), span)
        bars = [(d, c) for d, c in bars if start is None or d > start]
    else:
        first = int(request.params.get("period1", "0"))
        last = int(request.params.get("period2", str(2**40)))
        bars = [(d, c) for d, c in bars if first <= _epoch(d, clock(9, 30), tz_name) < last]
    closes = [c for _, c in bars]
    opens = [closes[i - 1] if i else c for i, c in enumerate(closes)]
    offset = int((now.utcoffset() or timedelta()).total_seconds())

    def period(start: clock, end: clock) -> dict[str, Any]:
        return {
            "timezone": now.tzname(),
            "start": _epoch(now.date(), start, tz_name),
            "end": _epoch(now.date(), end, tz_name),
            "gmtoffset": offset,
        }

    price = closes[-1] if closes else info.get("regularMarketPrice")
    meta = {
        "currency": info.get("currency", "USD"),
        "symbol": security.symbol,
        "exchangeName": info.get("exchange", "NMS"),
        "fullExchangeName": info.get("fullExchangeName", "NasdaqGS"),
        "instrumentType": info.get("quoteType", "EQUITY"),
        "firstTradeDate": _epoch(days[0], clock(9, 30), tz_name),
        "regularMarketTime": _epoch(days[-1], clock(16, 0), tz_name),
        "hasPrePostMarketData": True,
        "gmtoffset": offset,
        "timezone": now.tzname(),
        "exchangeTimezoneName": tz_name,
        "regularMarketPrice": price,
        "fiftyTwoWeekHigh": max(all_closes[-260:]),
        "fiftyTwoWeekLow": min(all_closes[-260:]),
        "longName": info.get("longName"),
        "shortName": info.get("shortName"),
        "chartPreviousClose": opens[0] if opens else price,
        "priceHint": 2,
        "currentTradingPeriod": {
            "pre": period(clock(4, 0), clock(9, 30)),
            "regular": period(clock(9, 30), clock(16, 0)),
            "post": period(clock(16, 0), clock(20, 0)),
        },
        "dataGranularity": "1d",
        "range": span or "",
        "validRanges": _VALID_RANGES,
    }
    return {
        "meta": meta,
        "timestamp": [_epoch(d, clock(9, 30), tz_name) for d, _ in bars],
        "indicators": {
            "quote": [
                {
                    "open": [round(o, 4) for o in opens],
                    "high": [
                        round(max(o, c) * 1.006, 4) for o, c in zip(opens, closes, strict=True)
                    ],
                    "low": [
                        round(min(o, c) * 0.994, 4) for o, c in zip(opens, closes, strict=True)
                    ],
                    "close": closes,
                    "volume": [40_000_000 + (i * 7_919_333) % 20_000_000 for i in range(len(bars))],
                }
            ],
            "adjclose": [{"adjclose": closes}],
        },
    }


def _story(symbol: str, index: int, story: Mapping[str, str]) -> dict[str, Any]:
    link = story.get("link", f"https://finance.yahoo.com/news/{symbol.lower()}-story-{index}.html")
    return {
        "id": f"{symbol.lower()}-{index}",
        "content": {
            "id": f"{symbol.lower()}-{index}",
            "contentType": "STORY",
            "title": story.get("title", f"{symbol} story {index}"),
            "summary": story.get("summary", ""),
            "pubDate": story.get("published", "2025-01-02T14:30:00Z"),
            "provider": {"displayName": story.get("publisher", "Stub Newswire")},
            "canonicalUrl": {"url": link},
            "clickThroughUrl": {"url": link},
        },
    }


def _default_closes(price: float, count: int = 260) -> list[float]:
    """A year of daily closes drifting up ~15% to ``price``, with a deterministic wiggle."""
    closes = [
        round(price * (0.85 + 0.15 * i / (count - 1)) * (1 + 0.01 * math.sin(i)), 2)
        for i in range(count)
    ]
    closes[-1] = price
    return closes


def _default_info(symbol: str, price: float, currency: str, closes: list[float]) -> dict[str, Any]:
    name = f"{symbol} Holdings Inc."
    shares = 1_000_000_000
    revenue = price * shares / 6
    return {
        "symbol": symbol,
        "shortName": name,
        "longName": name,
        "quoteType": "EQUITY",
        "exchange": "NMS",
        "fullExchangeName": "NasdaqGS",
        "exchangeTimezoneName": "America/New_York",
        "timeZoneFullName": "America/New_York",
        "currency": currency,
        "financialCurrency": currency,
        "regularMarketPrice": price,
        "currentPrice": price,
        "previousClose": closes[-2],
        "open": closes[-2],
        "dayLow": round(min(closes[-2:]) * 0.994, 2),
        "dayHigh": round(max(closes[-2:]) * 1.006, 2),
        "volume": 52_000_000,
        "averageVolume": 55_000_000,
        "marketCap": int(price * shares),
        "sharesOutstanding": shares,
        "enterpriseValue": int(price * shares * 1.02),
        "fiftyTwoWeekLow": min(closes),
        "fiftyTwoWeekHigh": max(closes),
        "fiftyDayAverage": round(sum(closes[-50:]) / 50, 4),
        "twoHundredDayAverage": round(sum(closes[-200:]) / 200, 4),
        "trailingPE": 30.0,
        "forwardPE": 26.5,
        "trailingEps": round(price / 30, 2),
        "forwardEps": round(price / 26.5, 2),
        "pegRatio": 2.1,
        "trailingPegRatio": 2.05,
        "priceToBook": 9.5,
        "bookValue": round(price / 9.5, 2),
        "priceToSalesTrailing12Months": 6.0,
        "enterpriseToRevenue": 6.1,
        "enterpriseToEbitda": 19.8,
        "beta": 1.12,
        "dividendRate": round(price * 0.005, 2),
        "dividendYield": 0.5,
        "payoutRatio": 0.15,
        "totalCash": int(revenue * 0.2),
        "totalDebt": int(revenue * 0.25),
        "totalRevenue": int(revenue),
        "ebitda": int(revenue * 0.31),
        "freeCashflow": int(revenue * 0.24),
        "operatingCashflow": int(revenue * 0.29),
        "revenueGrowth": 0.061,
        "earningsGrowth": 0.083,
        "grossMargins": 0.46,
        "ebitdaMargins": 0.31,
        "operatingMargins": 0.3,
        "profitMargins": 0.25,
        "returnOnAssets": 0.21,
        "returnOnEquity": 1.45,
        "currentRatio": 0.95,
        "quickRatio": 0.81,
        "debtToEquity": 150.2,
        "recommendationKey": "buy",
        "recommendationMean": 2.0,
        "numberOfAnalystOpinions": 38,
        "targetMeanPrice": round(price * 1.1, 2),
        "targetHighPrice": round(price * 1.3, 2),
        "targetLowPrice": round(price * 0.8, 2),
        "sector": "Technology",
        "industry": "Consumer Electronics",
        "longBusinessSummary": f"{name} designs, makes and sells things (stub data).",
        "fullTimeEmployees": 150_000,
        "address1": "1 Stub Way",
        "city": "Cupertino",
        "state": "CA",
        "zip": "95014",
        "country": "United States",
        "website": f"https://www.{symbol.lower()}.example",
    }


def _default_trend() -> list[dict[str, Any]]:
    return [
        {
            "period": f"{-m}m" if m else "0m",
            "strongBuy": 11 - m,
            "buy": 21,
            "hold": 9 + m,
            "sell": 1,
            "strongSell": 0,
        }
        for m in range(4)
    ]


def _default_income_statement(info: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    year = date.today().year
    revenue = float(info["totalRevenue"])
    years = {f"{year - 1}-12-31": 1.0, f"{year - 2}-12-31": 0.94}
    return {
        "TotalRevenue": {d: round(revenue * f) for d, f in years.items()},
        "GrossProfit": {d: round(revenue * f * 0.46) for d, f in years.items()},
        "OperatingIncome": {d: round(revenue * f * 0.3) for d, f in years.items()},
        "NetIncome": {d: round(revenue * f * 0.25) for d, f in years.items()},
        "DilutedEPS": {d: round(float(info["trailingEps"]) * f, 2) for d, f in years.items()},
    }


def _default_news(symbol: str, name: str) -> list[dict[str, str]]:
    return [
        {
            "title": f"{name} {headline}",
            "publisher": publisher,
            "link": f"https://finance.yahoo.com/news/{symbol.lower()}-{i}.html",
            "summary": f"Stub story {i} about {symbol}.",
            "published": f"2025-01-0{i + 1}T14:30:00Z",
        }
        for i, (headline, publisher) in enumerate(
            [
                ("beats quarterly estimates", "Reuters"),
                ("unveils new products", "Bloomberg"),
                ("shares edge higher", "MarketWatch"),
            ]
        )
    ]
