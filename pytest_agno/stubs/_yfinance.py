"""`YahooStub`: a fake Yahoo Finance, so tests run the real `yfinance` offline.

The seam is curl_cffi's ``Session.request``, the call that would put a request on the wire: every
URL yfinance builds, the cookie/crumb handshake it performs, the JSON it parses and the pandas
frames it builds stay real. Only the bytes Yahoo would send back are canned. Patching the class
(rather than handing yfinance a fake session object) also covers the session yfinance creates for
itself, so code under test that builds ``YFinanceTools()`` without a session is stubbed too;
yfinance refuses session objects that are not real curl_cffi/requests sessions anyway.

yfinance swallows and logs most exceptions (``yf.config.debug.hide_exceptions`` is on by
default), so a request the stub was not taught would otherwise vanish into a log line. The stub
records every such request and raises again when its context exits.

Importing yfinance adds a warnings filter that shows its DeprecationWarnings; import it while
collecting (e.g. in a conftest) so that filter does not land inside one test's warning filters.
yfinance 1.7 also triggers pandas 3.1 deprecation warnings that no argument avoids; apply
`YFINANCE_WARNING_FILTERS` with ``pytest.mark.filterwarnings`` where ``filterwarnings = error``.

Example::

    with YahooStub() as yahoo:
        yahoo.set_price("AAPL", 189.84)
        assert YFinanceTools().get_current_stock_price("AAPL") == "189.8400"
        assert yahoo.requests_to("/v7/finance/quote")
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from http import HTTPStatus
from types import TracebackType
from typing import Any, Self
from unittest import mock
from urllib.parse import parse_qsl, unquote, urlsplit

from pytest_agno.stubs._yahoo_payloads import (
    _IN_MODULES,
    _MODULE_KEYS,
    _V7_KEYS,
    _VALID_RANGES,
    _chart_result,
    _default_closes,
    _default_income_statement,
    _default_info,
    _default_news,
    _default_trend,
    _encode,
    _epoch,
    _finance_error,
    _not_found,
    _story,
)

__all__ = ["YFINANCE_WARNING_FILTERS", "StubRequest", "UnexpectedYahooRequest", "YahooStub"]


_HOST = r"https://query[12]\.finance\.yahoo\.com"
_SYMBOL = r"(?P<symbol>[^/?]+)"
# The crumb-protected endpoints answer 401 without it, as Yahoo does.
_NEEDS_CRUMB = {"quote_summary", "quote"}

YFINANCE_WARNING_FILTERS = (
    # yfinance 1.7 still calls pandas methods with ``inplace=True``, deprecated in pandas 3.1
    # (Pandas4Warning, a DeprecationWarning). Nothing a caller passes avoids those code paths.
    "ignore:The inplace keyword in DataFrame:DeprecationWarning:yfinance",
)
"""`pytest.mark.filterwarnings` specs for the warnings yfinance itself triggers."""


class UnexpectedYahooRequest(AssertionError):
    """A request the stub was not taught (or one that tried to reach the real network)."""


@dataclass(frozen=True, kw_only=True)
class StubRequest:
    """One request the stub answered.

    Attributes:
        method: ``GET`` or ``POST``.
        url: Scheme, host and path, without the query string.
        params: The query string, from the URL and ``params=`` merged, values as strings.
        json: The JSON body of a POST, if any.
        session: The curl_cffi session the request was made with.
    """

    method: str
    url: str
    params: dict[str, str]
    json: Any = None
    session: object = field(default=None, repr=False, compare=False)


@dataclass(kw_only=True)
class _Security:
    symbol: str
    price: float
    currency: str
    info_overrides: dict[str, Any] = field(default_factory=dict)
    custom_closes: list[float] | None = None
    recommendations: list[dict[str, Any]] | None = None
    income_statement: dict[str, dict[str, float]] | None = None
    news: list[dict[str, str]] | None = None

    @property
    def closes(self) -> list[float]:
        return self.custom_closes or _default_closes(self.price)

    @property
    def info(self) -> dict[str, Any]:
        """What ``Ticker.info`` should come out as: defaults derived from the price, overridden."""
        return {
            **_default_info(self.symbol, self.price, self.currency, self.closes),
            **self.info_overrides,
        }


@dataclass(frozen=True)
class _Reply:
    status: int
    body: Any
    content_type: str = "application/json;charset=utf-8"


class YahooStub:
    """Answers the Yahoo Finance endpoints yfinance calls, from data you set per symbol.

    Use it as a context manager (or `install`/`uninstall`): while installed, every curl_cffi
    ``Session.request`` in the process is answered here, yfinance's persistent caches are
    swapped for its no-op ones and its process-wide `YfData` singleton is replaced by a fresh one,
    so each context starts like a fresh process and leaves nothing behind. A request to a URL the
    stub does not know raises `UnexpectedYahooRequest` and fails the context on exit.

    Symbols that were never set answer like Yahoo does for an unknown ticker (404 / empty). Price
    history is served as daily bars only (weekdays, ending today in the exchange's timezone);
    other intervals are refused.

    Attributes:
        requests: Every request answered since the context was entered.
        unexpected: Descriptions of the requests that were refused.
        unreachable: When true, data endpoints (not the cookie/crumb handshake) raise curl_cffi's
            ``ConnectionError``, as when Yahoo's API hosts cannot be reached.
    """

    CRUMB = "StubCrumb0xYf"

    def __init__(self) -> None:
        self.requests: list[StubRequest] = []
        self.unexpected: list[str] = []
        self.unreachable = False
        self._securities: dict[str, _Security] = {}
        self._stack: ExitStack | None = None
        handlers: list[tuple[str, str, str, Callable[[StubRequest, str], _Reply]]] = [
            ("cookie", "GET", r"https://fc\.yahoo\.com/?", self._cookie),
            ("crumb", "GET", _HOST + r"/v1/test/getcrumb", self._crumb),
            ("consent", "GET", r"https://guce\.yahoo\.com/consent", self._consent),
            (
                "quote_summary",
                "GET",
                _HOST + r"/v10/finance/quoteSummary/" + _SYMBOL,
                self._summary,
            ),
            ("quote", "GET", _HOST + r"/v7/finance/quote", self._quote),
            ("chart", "GET", _HOST + r"/v8/finance/chart/" + _SYMBOL, self._chart),
            (
                "timeseries",
                "GET",
                _HOST + r"/ws/fundamentals-timeseries/v1/finance/timeseries/" + _SYMBOL,
                self._timeseries,
            ),
            ("news", "POST", r"https://finance\.yahoo\.com/xhr/ncp", self._news),
        ]
        self._routes = [(n, m, re.compile(p), h) for n, m, p, h in handlers]

    # -- teaching ---------------------------------------------------------------------------

    def set_price(self, symbol: str, price: float, *, currency: str = "USD") -> None:
        """Serve ``symbol`` at ``price``: a quote, company info, a year of daily bars ending at
        ``price``, analyst recommendations, two years of income statements and three news stories.

        Calling it again changes the price; data set with the other ``set_*`` methods stays.
        """
        symbol = symbol.upper()
        existing = self._securities.get(symbol)
        if existing is None:
            self._securities[symbol] = _Security(symbol=symbol, price=price, currency=currency)
        else:
            existing.price, existing.currency = price, currency

    def set_info(self, symbol: str, **fields: Any) -> None:
        """Merge ``Ticker.info`` fields (e.g. ``longName="Apple Inc."``); ``None`` removes one.

        Setting ``regularMarketPrice=None, currentPrice=None`` makes the quote carry no price.
        """
        self._security(symbol).info_overrides.update(fields)

    def set_history(self, symbol: str, closes: Sequence[float]) -> None:
        """Serve these daily closes, oldest first; the last one is today's (latest) bar.

        The quote's price stays the one given to `set_price`.
        """
        if not closes:
            raise ValueError("closes must not be empty")
        self._security(symbol).custom_closes = [float(c) for c in closes]

    def set_recommendations(self, symbol: str, trend: Sequence[Mapping[str, Any]]) -> None:
        """Serve this ``recommendationTrend``: rows of period, strongBuy, buy, hold, sell and
        strongSell counts."""
        self._security(symbol).recommendations = [dict(row) for row in trend]

    def set_income_statement(
        self, symbol: str, statement: Mapping[str, Mapping[str, float]]
    ) -> None:
        """Serve annual income statements: ``{"TotalRevenue": {"2024-12-31": 3.9e11}, ...}``."""
        self._security(symbol).income_statement = {k: dict(v) for k, v in statement.items()}

    def set_news(self, symbol: str, stories: Sequence[Mapping[str, str]]) -> None:
        """Serve these stories; keys: ``title``, ``publisher``, ``link``, ``summary``,
        ``published`` (ISO 8601), each optional."""
        self._security(symbol).news = [dict(story) for story in stories]

    def requests_to(self, fragment: str) -> list[StubRequest]:
        """The answered requests whose URL contains ``fragment``."""
        return [r for r in self.requests if fragment in r.url]

    def _security(self, symbol: str) -> _Security:
        try:
            return self._securities[symbol.upper()]
        except KeyError:
            raise KeyError(
                f"call set_price({symbol.upper()!r}, ...) before setting its data"
            ) from None

    # -- installing -------------------------------------------------------------------------

    def install(self) -> None:
        """Start answering requests; see the class docstring for what is swapped."""
        if self._stack is not None:
            raise RuntimeError("this YahooStub is already installed")
        from curl_cffi import Curl
        from curl_cffi.requests import Session
        from yfinance import _http, base, cache, data

        if not _http.HAS_CURL_CFFI:
            raise RuntimeError(
                "YahooStub needs yfinance's curl_cffi backend (YF_DISABLE_CURL_CFFI?)"
            )
        self.requests, self.unexpected = [], []
        stub = self

        def request(session: Any, method: str, url: str, **kwargs: Any) -> Any:
            return stub._answer(session, method, url, kwargs.get("params"), kwargs.get("json"))

        def perform(curl: Any, *args: Any, **kwargs: Any) -> None:
            raise stub._refuse("real network I/O attempted (curl_cffi Curl.perform)")

        stack = ExitStack()
        try:
            stack.enter_context(mock.patch.object(Session, "request", request))
            # A tripwire below the seam: anything reaching libcurl some other way fails too.
            stack.enter_context(mock.patch.object(Curl, "perform", perform))
            # yfinance persists cookies, ticker timezones and ISINs in SQLite files under the
            # user's cache dir; its own no-op caches keep the stub from reading or writing them.
            for manager, attr, dummy in (
                (cache._TzCacheManager, "_tz_cache", cache._TzCacheDummy),
                (cache._CookieCacheManager, "_Cookie_cache", cache._CookieCacheDummy),
                (cache._ISINCacheManager, "_isin_cache", cache._ISINCacheDummy),
            ):
                stack.enter_context(mock.patch.object(manager, attr, dummy()))
            # Counts timezone fallbacks per process; reset so the requests made do not depend on
            # which tests ran before.
            stack.enter_context(mock.patch.object(base, "_tz_info_fetch_ctr", 0))
            stack.callback(_swap_yfdata_singleton(data.YfData))
        except BaseException:
            stack.close()
            raise
        self._stack = stack

    def uninstall(self) -> None:
        """Stop answering and restore everything `install` swapped."""
        stack, self._stack = self._stack, None
        if stack is not None:
            stack.close()

    def __enter__(self) -> Self:
        self.install()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.uninstall()
        if self.unexpected and exc_type is None:
            raise UnexpectedYahooRequest(
                "YahooStub refused requests (yfinance may have swallowed the error):\n  "
                + "\n  ".join(self.unexpected)
            )

    # -- answering --------------------------------------------------------------------------

    def _refuse(self, what: str) -> UnexpectedYahooRequest:
        self.unexpected.append(what)
        return UnexpectedYahooRequest(f"YahooStub refused {what}")

    def _answer(self, session: Any, method: str, url: str, params: Any, body: Any) -> Any:
        parts = urlsplit(url)
        base_url = f"{parts.scheme}://{parts.netloc}{parts.path}"
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        query.update({str(k): str(v) for k, v in dict(params or {}).items()})
        request = StubRequest(
            method=method.upper(), url=base_url, params=query, json=body, session=session
        )
        for name, route_method, pattern, handler in self._routes:
            match = pattern.fullmatch(base_url)
            if match is None or request.method != route_method:
                continue
            self.requests.append(request)
            if self.unreachable and name not in ("cookie", "crumb", "consent"):
                from curl_cffi.requests.exceptions import ConnectionError as CurlConnectionError

                # Worded like the requests backend's errors, which name the full URL (crumb too).
                raise CurlConnectionError(
                    f"Failed to connect to {parts.netloc} port 443: Couldn't connect to server"
                    f" for url: {base_url}?{_encode(query)}"
                )
            if name in _NEEDS_CRUMB and query.get("crumb") != self.CRUMB:
                reply = _Reply(401, _finance_error("Unauthorized", "Invalid Crumb"))
            else:
                symbol = unquote(match.groupdict().get("symbol") or "").upper()
                try:
                    reply = handler(request, symbol)
                except UnexpectedYahooRequest:
                    raise
                except Exception as exc:  # a bug in the stub: yfinance would only log it
                    raise self._refuse(
                        f"{request.method} {base_url}: stub failed: {exc!r}"
                    ) from exc
            return _response(request, reply)
        raise self._refuse(f"{request.method} {base_url} (params={query}): not taught")

    def _cookie(self, request: StubRequest, symbol: str) -> _Reply:
        # fc.yahoo.com answers 404 with the cookie attached; yfinance only wants the cookie.
        return _Reply(404, "<html><body>Not Found</body></html>", "text/html")

    def _crumb(self, request: StubRequest, symbol: str) -> _Reply:
        return _Reply(200, self.CRUMB, "text/plain;charset=utf-8")

    def _consent(self, request: StubRequest, symbol: str) -> _Reply:
        # Outside the EU there is no consent form, so yfinance falls back to the basic cookie.
        return _Reply(200, "<html><body>No consent required.</body></html>", "text/html")

    def _summary(self, request: StubRequest, symbol: str) -> _Reply:
        security = self._securities.get(symbol)
        if security is None:
            return _Reply(404, {"quoteSummary": {"result": None, "error": _not_found(symbol)}})
        modules = request.params.get("modules", "").split(",")
        info = security.info
        result = {
            module: {k: v for k, v in info.items() if k in keys and v is not None}
            for module, keys in _MODULE_KEYS.items()
            if module in modules
        }
        if "recommendationTrend" in modules:
            trend = security.recommendations
            result["recommendationTrend"] = {
                "trend": _default_trend() if trend is None else trend,
                "maxAge": 86400,
            }
        return _Reply(200, {"quoteSummary": {"result": [result], "error": None}})

    def _quote(self, request: StubRequest, symbol: str) -> _Reply:
        quotes = []
        for requested in request.params.get("symbols", "").upper().split(","):
            security = self._securities.get(requested)
            if security is None:
                continue
            quotes.append(
                {
                    k: v
                    for k, v in security.info.items()
                    if v is not None and (k in _V7_KEYS or k not in _IN_MODULES)
                }
            )
        return _Reply(200, {"quoteResponse": {"result": quotes, "error": None}})

    def _timeseries(self, request: StubRequest, symbol: str) -> _Reply:
        security = self._securities.get(symbol)
        if security is None:
            return _Reply(200, {"timeseries": {"result": [], "error": None}})
        info = security.info
        statement = security.income_statement
        if statement is None:
            statement = _default_income_statement(info)
        series = {f"annual{item}": values for item, values in statement.items()}
        peg = info.get("trailingPegRatio")
        if peg is not None:
            series["trailingPegRatio"] = {date.today().isoformat(): peg}
        result = []
        for kind in request.params.get("type", "").split(","):
            entry: dict[str, Any] = {"meta": {"symbol": [symbol], "type": [kind]}}
            points = sorted(series.get(kind, {}).items())
            if points:
                entry["timestamp"] = [_epoch(date.fromisoformat(d)) for d, _ in points]
                entry[kind] = [
                    {
                        "asOfDate": d,
                        "periodType": "TTM" if kind.startswith("trailing") else "12M",
                        "currencyCode": info.get("financialCurrency", "USD"),
                        "reportedValue": {"raw": value, "fmt": f"{value:,.2f}"},
                    }
                    for d, value in points
                ]
            result.append(entry)
        return _Reply(200, {"timeseries": {"result": result, "error": None}})

    def _chart(self, request: StubRequest, symbol: str) -> _Reply:
        security = self._securities.get(symbol)
        if security is None:
            error = {"code": "Not Found", "description": "No data found, symbol may be delisted"}
            return _Reply(404, {"chart": {"result": None, "error": error}})
        interval = request.params.get("interval", "1d")
        if interval != "1d":
            raise self._refuse(f"GET {request.url} interval={interval!r}: only daily bars taught")
        span = request.params.get("range")
        if span is not None and span not in _VALID_RANGES:
            error = {"code": "Unprocessable Entity", "description": f"Invalid range {span}"}
            return _Reply(422, {"chart": {"result": None, "error": error}})
        return _Reply(200, {"chart": {"result": [_chart_result(security, request)], "error": None}})

    def _news(self, request: StubRequest, symbol: str) -> _Reply:
        config = (request.json or {}).get("serviceConfig", {})
        count = int(config.get("snippetCount", 10))
        stream: list[dict[str, Any]] = []
        for requested in config.get("s", []):
            security = self._securities.get(str(requested).upper())
            if security is not None:
                stories = security.news
                if stories is None:
                    name = security.info.get("longName") or security.symbol
                    stories = _default_news(security.symbol, name)
                stream.extend(_story(security.symbol, i, s) for i, s in enumerate(stories))
        return _Reply(200, {"data": {"tickerStream": {"stream": stream[:count]}}})


def _swap_yfdata_singleton(yfdata: Any) -> Callable[[], None]:
    """Give the stub a fresh `YfData` (no crumb, default cookie strategy); return the undo."""
    meta = type(yfdata)
    with meta._lock:
        previous = meta._instances.pop(yfdata, None)
    yfdata.cache_get.cache_clear()

    def restore() -> None:
        with meta._lock:
            meta._instances.pop(yfdata, None)
            if previous is not None:
                meta._instances[yfdata] = previous
        yfdata.cache_get.cache_clear()

    return restore


def _response(request: StubRequest, reply: _Reply) -> Any:
    from curl_cffi.requests import Headers, Request, Response

    body = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
    query = _encode(request.params)
    response = Response(request=Request(request.url, Headers(), request.method))
    response.url = f"{request.url}?{query}" if query else request.url
    response.status_code = reply.status
    response.reason = HTTPStatus(reply.status).phrase
    response.ok = reply.status < 400
    response.headers = Headers({"Content-Type": reply.content_type})
    response.content = body.encode()
    return response
