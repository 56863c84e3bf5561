"""`YFinanceTools`: stock prices, company data, financials and news from Yahoo Finance.

The tools call the `yfinance` library and return strings for the model: a price, a JSON document,
or a one-line ``"Could not fetch <what> for <SYMBOL>: <reason>"``. yfinance is imported when the
toolkit is built, not when `agno_core.tools` is imported (it pulls in pandas).
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from agno_core.tools._toolkit import Toolkit

__all__ = ["YFinanceTools"]

_logger = logging.getLogger(__name__)

# `Ticker.info` keys each tool reports, under the name the model sees.
_COMPANY_FIELDS = {
    "name": "longName",
    "symbol": "symbol",
    "current_price": "regularMarketPrice",
    "currency": "currency",
    "market_cap": "marketCap",
    "sector": "sector",
    "industry": "industry",
    "address": "address1",
    "city": "city",
    "state": "state",
    "zip": "zip",
    "country": "country",
    "website": "website",
    "employees": "fullTimeEmployees",
    "eps": "trailingEps",
    "pe_ratio": "trailingPE",
    "52_week_low": "fiftyTwoWeekLow",
    "52_week_high": "fiftyTwoWeekHigh",
    "50_day_average": "fiftyDayAverage",
    "200_day_average": "twoHundredDayAverage",
    "analyst_recommendation": "recommendationKey",
    "number_of_analyst_opinions": "numberOfAnalystOpinions",
    "total_cash": "totalCash",
    "free_cash_flow": "freeCashflow",
    "operating_cash_flow": "operatingCashflow",
    "ebitda": "ebitda",
    "revenue_growth": "revenueGrowth",
    "gross_margins": "grossMargins",
    "ebitda_margins": "ebitdaMargins",
    "summary": "longBusinessSummary",
}
_FUNDAMENTAL_FIELDS = {
    "symbol": "symbol",
    "company_name": "longName",
    "sector": "sector",
    "industry": "industry",
    "currency": "currency",
    "market_cap": "marketCap",
    "enterprise_value": "enterpriseValue",
    "shares_outstanding": "sharesOutstanding",
    "pe_ratio": "trailingPE",
    "forward_pe": "forwardPE",
    "pb_ratio": "priceToBook",
    "eps": "trailingEps",
    "book_value": "bookValue",
    "dividend_yield": "dividendYield",
    "beta": "beta",
    "52_week_high": "fiftyTwoWeekHigh",
    "52_week_low": "fiftyTwoWeekLow",
}
_RATIO_FIELDS = {
    "trailing_pe": "trailingPE",
    "forward_pe": "forwardPE",
    "peg_ratio": "trailingPegRatio",
    "price_to_book": "priceToBook",
    "price_to_sales": "priceToSalesTrailing12Months",
    "enterprise_to_revenue": "enterpriseToRevenue",
    "enterprise_to_ebitda": "enterpriseToEbitda",
    "gross_margins": "grossMargins",
    "operating_margins": "operatingMargins",
    "profit_margins": "profitMargins",
    "return_on_assets": "returnOnAssets",
    "return_on_equity": "returnOnEquity",
    "current_ratio": "currentRatio",
    "quick_ratio": "quickRatio",
    "debt_to_equity": "debtToEquity",
    "payout_ratio": "payoutRatio",
    "dividend_yield": "dividendYield",
    "revenue_growth": "revenueGrowth",
    "earnings_growth": "earningsGrowth",
}
# Values that must never reach the model: Yahoo's crumb token and credentials in proxy URLs
# (some HTTP backends put the full request URL into their error messages).
_SECRETS = re.compile(r"(?P<key>crumb=)[^&\s\"']+|(?P<scheme>://)[^/@\s]+@")


class _NoData(Exception):
    """yfinance answered, but without the data asked for."""


class YFinanceTools(Toolkit):
    """Tools that look up market data on Yahoo Finance with `yfinance`.

    Every tool takes a ticker ``symbol`` (e.g. ``"AAPL"``). Failures the tools can anticipate (an
    unknown or delisted symbol, Yahoo unreachable or answering without data) come back as a
    readable ``"Could not fetch <what> for <SYMBOL>: <reason>"`` string. yfinance reports
    failures with many exception types (HTTP and curl errors, its own ``YF*`` exceptions, and
    ``KeyError``/``TypeError`` from parsing partial payloads), so each tool catches ``Exception``
    around the yfinance calls only; the message names the exception type, and secrets in it (the
    crumb, proxy credentials) are redacted.

    Args:
        enable_stock_price: Register `get_current_stock_price`.
        enable_company_info: Register `get_company_info`.
        enable_stock_fundamentals: Register `get_stock_fundamentals`.
        enable_income_statements: Register `get_income_statements`.
        enable_key_financial_ratios: Register `get_key_financial_ratios`.
        enable_analyst_recommendations: Register `get_analyst_recommendations`.
        enable_company_news: Register `get_company_news`.
        enable_technical_indicators: Register `get_technical_indicators`.
        enable_historical_prices: Register `get_historical_stock_prices`.
        all: Register every tool.
        session: A curl_cffi (or requests) session passed to ``yfinance.Ticker``. yfinance keeps
            one process-wide session, so this also becomes the session of other yfinance users.
        **kwargs: Passed to `Toolkit` (``name`` defaults to ``"yfinance_tools"``).
    """

    def __init__(
        self,
        enable_stock_price: bool = True,
        enable_company_info: bool = False,
        enable_stock_fundamentals: bool = False,
        enable_income_statements: bool = False,
        enable_key_financial_ratios: bool = False,
        enable_analyst_recommendations: bool = False,
        enable_company_news: bool = False,
        enable_technical_indicators: bool = False,
        enable_historical_prices: bool = False,
        all: bool = False,
        session: Any | None = None,
        **kwargs: Any,
    ) -> None:
        import yfinance  # here, not at module level: it imports pandas

        self._yfinance = yfinance
        self.session = session
        flagged: list[tuple[bool, Callable[..., str]]] = [
            (enable_stock_price, self.get_current_stock_price),
            (enable_company_info, self.get_company_info),
            (enable_stock_fundamentals, self.get_stock_fundamentals),
            (enable_income_statements, self.get_income_statements),
            (enable_key_financial_ratios, self.get_key_financial_ratios),
            (enable_analyst_recommendations, self.get_analyst_recommendations),
            (enable_company_news, self.get_company_news),
            (enable_technical_indicators, self.get_technical_indicators),
            (enable_historical_prices, self.get_historical_stock_prices),
        ]
        kwargs.setdefault("name", "yfinance_tools")
        super().__init__(tools=[tool for enabled, tool in flagged if all or enabled], **kwargs)

    def _ticker(self, symbol: str) -> Any:
        return self._yfinance.Ticker(symbol.strip(), session=self.session)

    def get_current_stock_price(self, symbol: str) -> str:
        """Get the current stock price for a ticker symbol.

        Returns the price with four decimals (e.g. "189.8400"), or an error message.

        Args:
            symbol: The stock ticker symbol, e.g. "AAPL" or "NVDA".
        """
        try:
            ticker = self._ticker(symbol)
            price = _number(_first(ticker.info, "regularMarketPrice", "currentPrice"))
            if price is None:
                try:
                    price = _number(ticker.fast_info["last_price"])
                except Exception as exc:  # fast_info raises KeyError when the chart is empty
                    _logger.debug("fast_info fallback failed for %r", symbol, exc_info=True)
                    raise _NoData("no quote or price history found; is the symbol right?") from exc
            if price is None:
                raise _NoData("Yahoo Finance returned no price; is the symbol right?")
        except Exception as exc:
            return _failure("current price", symbol, exc)
        return f"{price:.4f}"

    def get_company_info(self, symbol: str) -> str:
        """Get a company's profile: name, sector, industry, location, size and key figures.

        Returns a JSON object of company information, or an error message.

        Args:
            symbol: The stock ticker symbol, e.g. "AAPL".
        """
        try:
            info = _quote_info(self._ticker(symbol))
        except Exception as exc:
            return _failure("company info", symbol, exc)
        data = _select(info, _COMPANY_FIELDS)
        data.setdefault("name", info.get("shortName"))
        data.setdefault("current_price", info.get("currentPrice"))
        return _dumps(data)

    def get_stock_fundamentals(self, symbol: str) -> str:
        """Get a stock's fundamentals: market cap, P/E, P/B, EPS, dividend yield, beta, 52-week
        range.

        Returns a JSON object of fundamentals, or an error message.

        Args:
            symbol: The stock ticker symbol, e.g. "MSFT".
        """
        try:
            info = _quote_info(self._ticker(symbol))
        except Exception as exc:
            return _failure("fundamentals", symbol, exc)
        return _dumps(_select(info, _FUNDAMENTAL_FIELDS))

    def get_income_statements(self, symbol: str) -> str:
        """Get a company's annual income statements (revenue, profit, EPS, ...).

        Returns a JSON object mapping each fiscal year end to its line items, or an error message.

        Args:
            symbol: The stock ticker symbol, e.g. "AAPL".
        """
        try:
            statement = self._ticker(symbol).get_income_stmt(pretty=True)
            if statement is None or statement.empty:
                raise _NoData("Yahoo Finance returned no income statement; is the symbol right?")
        except Exception as exc:
            return _failure("income statements", symbol, exc)
        return _dumps(
            {
                _day(period): {
                    item: _rounded(value)
                    for item, value in column.items()
                    if _number(value) is not None
                }
                for period, column in statement.items()
            }
        )

    def get_key_financial_ratios(self, symbol: str) -> str:
        """Get key financial ratios: valuation, margins, returns, liquidity and leverage.

        Returns a JSON object of ratios, or an error message.

        Args:
            symbol: The stock ticker symbol, e.g. "AAPL".
        """
        try:
            ratios = _select(self._ticker(symbol).info, _RATIO_FIELDS)
            if not ratios:
                raise _NoData("Yahoo Finance returned no ratios; is the symbol right?")
        except Exception as exc:
            return _failure("key financial ratios", symbol, exc)
        return _dumps(ratios)

    def get_analyst_recommendations(self, symbol: str) -> str:
        """Get analyst recommendation counts (strong buy to strong sell) for recent months.

        Returns a JSON list with one entry per month ("0m" is the current month), or an error
        message.

        Args:
            symbol: The stock ticker symbol, e.g. "AAPL".
        """
        try:
            trend = self._ticker(symbol).recommendations
            if trend is None or trend.empty:
                raise _NoData("Yahoo Finance returned no recommendations; is the symbol right?")
        except Exception as exc:
            return _failure("analyst recommendations", symbol, exc)
        return _dumps(trend.to_dict(orient="records"))

    def get_company_news(self, symbol: str, num_stories: int = 3) -> str:
        """Get the latest news stories about a company.

        Returns a JSON list of stories (title, publisher, link, published, summary), or an error
        message.

        Args:
            symbol: The stock ticker symbol, e.g. "TSLA".
            num_stories: How many stories to return.
        """
        if num_stories < 1:
            return f"num_stories must be at least 1, got {num_stories}"
        try:
            articles = self._ticker(symbol).get_news(count=num_stories)
            if not articles:
                raise _NoData("Yahoo Finance returned no news; is the symbol right?")
        except Exception as exc:
            return _failure("company news", symbol, exc)
        return _dumps([_story(article) for article in articles[:num_stories]])

    def get_technical_indicators(self, symbol: str, period: str = "3mo") -> str:
        """Get technical indicators from daily closes: moving averages, RSI, MACD, range, trend.

        Returns a JSON object of the latest indicator values, or an error message.

        Args:
            symbol: The stock ticker symbol, e.g. "AAPL".
            period: How much history to compute them from: 1mo, 3mo, 6mo, 1y, 2y, 5y, ytd or max.
        """
        try:
            history = self._ticker(symbol).history(period=period, interval="1d")
            if history.empty:
                raise _NoData(f"Yahoo Finance returned no prices for period {period!r}")
        except Exception as exc:
            return _failure("technical indicators", symbol, exc)
        return _dumps({"symbol": symbol.strip().upper(), "period": period, **_indicators(history)})

    def get_historical_stock_prices(
        self, symbol: str, period: str = "1mo", interval: str = "1d"
    ) -> str:
        """Get historical prices (open, high, low, close, volume) for a stock.

        Returns a JSON object with the bars, oldest first, or an error message.

        Args:
            symbol: The stock ticker symbol, e.g. "AAPL".
            period: How far back: 1d, 5d, 1mo, 3mo, 6mo, 1y, 2y, 5y, 10y, ytd or max.
            interval: Bar size: 1m, 2m, 5m, 15m, 30m, 60m, 90m, 1h, 1d, 5d, 1wk, 1mo or 3mo
                (minute bars only reach back 60 days).
        """
        try:
            history = self._ticker(symbol).history(period=period, interval=interval)
            if history.empty:
                raise _NoData(
                    f"Yahoo Finance returned no prices for period {period!r} and interval"
                    f" {interval!r}; check the symbol and that the pair is valid"
                )
        except Exception as exc:
            return _failure("historical prices", symbol, exc)
        bars = [
            {
                "date": when.isoformat(),
                **{
                    column.lower(): _rounded(row[column])
                    for column in ("Open", "High", "Low", "Close", "Volume")
                    if column in row
                },
            }
            for when, row in history.iterrows()
        ]
        return _dumps(
            {
                "symbol": symbol.strip().upper(),
                "period": period,
                "interval": interval,
                "prices": bars,
            }
        )


def _quote_info(ticker: Any) -> Mapping[str, Any]:
    info: Mapping[str, Any] = ticker.info
    if not any(info.get(key) is not None for key in ("quoteType", "shortName", "longName")):
        raise _NoData("Yahoo Finance returned no quote; is the symbol right?")
    return info


def _indicators(history: Any) -> dict[str, Any]:
    """Latest moving averages, RSI(14) and MACD(12, 26, 9) of the ``Close`` column."""
    close = history["Close"]
    delta = close.diff()
    # Wilder's smoothing (alpha = 1/14), the usual RSI definition.
    gain = delta.clip(lower=0).ewm(alpha=1 / 14, adjust=False, min_periods=14).mean()
    loss = (-delta.clip(upper=0)).ewm(alpha=1 / 14, adjust=False, min_periods=14).mean()
    rsi = 100 - 100 / (1 + gain / loss)
    macd = close.ewm(span=12, adjust=False).mean() - close.ewm(span=26, adjust=False).mean()
    signal = macd.ewm(span=9, adjust=False).mean()
    latest = float(close.iloc[-1])
    sma_50 = close.rolling(50).mean().iloc[-1]
    return {
        "as_of": _day(close.index[-1]),
        "latest_close": _rounded(latest),
        "period_change_percent": _rounded((latest / float(close.iloc[0]) - 1) * 100),
        "period_high": _rounded(history["High"].max()),
        "period_low": _rounded(history["Low"].min()),
        "sma_20": _rounded(close.rolling(20).mean().iloc[-1]),
        "sma_50": _rounded(sma_50),
        "ema_20": _rounded(close.ewm(span=20, adjust=False).mean().iloc[-1]),
        "rsi_14": _rounded(100.0 if loss.iloc[-1] == 0 else rsi.iloc[-1]),
        "macd": _rounded(macd.iloc[-1]),
        "macd_signal": _rounded(signal.iloc[-1]),
        "trend": _trend(latest, _number(sma_50)),
        "average_volume": _rounded(history["Volume"].mean()) if "Volume" in history else None,
    }


def _trend(latest: float, sma_50: float | None) -> str:
    if sma_50 is None:
        return "not enough data for a 50-day average"
    return "above its 50-day average" if latest > sma_50 else "below its 50-day average"


def _story(article: Mapping[str, Any]) -> dict[str, Any]:
    content = article.get("content") or article
    link = (content.get("canonicalUrl") or content.get("clickThroughUrl") or {}).get("url")
    return {
        "title": content.get("title"),
        "publisher": (content.get("provider") or {}).get("displayName") or content.get("publisher"),
        "link": link or content.get("link"),
        "published": content.get("pubDate") or content.get("displayTime"),
        "summary": content.get("summary") or None,
    }


def _select(info: Mapping[str, Any], fields: Mapping[str, str]) -> dict[str, Any]:
    """The ``fields`` (output name -> info key) that ``info`` has a value for."""
    return {name: info[key] for name, key in fields.items() if info.get(key) is not None}


def _first(info: Mapping[str, Any], *keys: str) -> Any:
    return next((info[key] for key in keys if info.get(key) is not None), None)


def _number(value: Any) -> float | None:
    """``value`` as a finite float, or ``None`` (for missing, NaN and non-numeric values)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _rounded(value: Any) -> float | int | None:
    number = _number(value)
    if number is None:
        return None
    return int(number) if number.is_integer() and abs(number) >= 1e4 else round(number, 4)


def _day(value: Any) -> str:
    return value.date().isoformat() if isinstance(value, datetime) else str(value)


def _jsonable(value: Any) -> Any:
    """Plain JSON values from what pandas/numpy hand back (NaN becomes ``null``)."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str | bool) or value is None:
        return value
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return value if isinstance(value, int) else str(value)


def _dumps(value: Any) -> str:
    return json.dumps(_jsonable(value), allow_nan=False)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, _NoData):
        return str(exc)
    message = " ".join(str(exc).split()) or "no details"
    return f"{type(exc).__name__}: {message}"


def _failure(what: str, symbol: str, exc: BaseException) -> str:
    reason = _SECRETS.sub(
        lambda m: f"{m['key']}<redacted>" if m["key"] else f"{m['scheme']}<redacted>@",
        _describe(exc),
    )
    if len(reason) > 500:
        reason = reason[:497] + "..."
    name = symbol.strip().upper() or repr(symbol)
    return f"Could not fetch {what} for {name}: {reason}"
