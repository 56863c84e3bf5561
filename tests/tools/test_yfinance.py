"""YFinanceTools against the real yfinance; only Yahoo's HTTP answers are canned (`YahooStub`)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
import yfinance
from curl_cffi import Curl
from curl_cffi import requests as curl_requests
from yfinance import cache, data

import agno_core.tools.yfinance as yfinance_tools
from agno_core.tools.yfinance import YFinanceTools
from pytest_agno.stubs import YFINANCE_WARNING_FILTERS, UnexpectedYahooRequest, YahooStub

pytestmark = [pytest.mark.filterwarnings(spec) for spec in YFINANCE_WARNING_FILTERS]

FLAGS = {
    "enable_stock_price": "get_current_stock_price",
    "enable_company_info": "get_company_info",
    "enable_stock_fundamentals": "get_stock_fundamentals",
    "enable_income_statements": "get_income_statements",
    "enable_key_financial_ratios": "get_key_financial_ratios",
    "enable_analyst_recommendations": "get_analyst_recommendations",
    "enable_company_news": "get_company_news",
    "enable_technical_indicators": "get_technical_indicators",
    "enable_historical_prices": "get_historical_stock_prices",
}
ALL_TOOLS = sorted(FLAGS.values())
CLOSES = [float(100 + i) for i in range(79)] + [189.84]  # rising every day: RSI 100
TREND = [
    {"period": "0m", "strongBuy": 12, "buy": 24, "hold": 7, "sell": 1, "strongSell": 0},
    {"period": "-1m", "strongBuy": 11, "buy": 23, "hold": 9, "sell": 1, "strongSell": 1},
]
STORIES = [
    {"title": f"Apple story {i}", "publisher": "Reuters", "link": f"https://news.example/{i}"}
    for i in range(5)
]


@pytest.fixture
def aapl(yahoo: YahooStub) -> YahooStub:
    yahoo.set_price("AAPL", 189.84)
    yahoo.set_info("AAPL", longName="Apple Inc.", shortName="Apple Inc.", sector="Technology")
    yahoo.set_history("AAPL", CLOSES)
    yahoo.set_recommendations("AAPL", TREND)
    yahoo.set_income_statement(
        "AAPL",
        {
            "TotalRevenue": {"2023-09-30": 383_285_000_000.0, "2024-09-28": 391_035_000_000.0},
            "NetIncome": {"2023-09-30": 96_995_000_000.0, "2024-09-28": 93_736_000_000.0},
        },
    )
    yahoo.set_news("AAPL", STORIES)
    return yahoo


def call(tool: str, **arguments: Any) -> str:
    result = YFinanceTools(all=True).functions[tool].entrypoint(**arguments)
    assert isinstance(result, str)
    return result


# -- current price ----------------------------------------------------------------------------


def test_price_is_parsed_by_yfinance_from_the_quote_endpoints(aapl: YahooStub) -> None:
    assert YFinanceTools().get_current_stock_price("AAPL") == "189.8400"

    assert aapl.requests_to("https://fc.yahoo.com")
    assert aapl.requests_to("/v1/test/getcrumb")
    (summary,) = aapl.requests_to("/v10/finance/quoteSummary/AAPL")
    assert summary.params["crumb"] == YahooStub.CRUMB
    assert "financialData" in summary.params["modules"].split(",")
    (quote,) = aapl.requests_to("/v7/finance/quote")
    assert quote.params["symbols"] == "AAPL"
    assert not aapl.requests_to("/v8/finance/chart")  # the quote had a price: no fallback


def test_price_falls_back_to_financial_data_current_price(aapl: YahooStub) -> None:
    aapl.set_info("AAPL", regularMarketPrice=None, currentPrice=187.5)

    assert YFinanceTools().get_current_stock_price("AAPL") == "187.5000"


def test_price_falls_back_to_the_last_close_of_the_chart(yahoo: YahooStub) -> None:
    yahoo.set_price("NVDA", 120.5)
    yahoo.set_info("NVDA", regularMarketPrice=None, currentPrice=None)

    assert YFinanceTools().get_current_stock_price("nvda") == "120.5000"

    ranges = [r.params.get("range") for r in yahoo.requests_to("/v8/finance/chart/NVDA")]
    assert "1y" in ranges  # fast_info's year of daily bars


def test_unknown_symbol_gives_a_readable_error(yahoo: YahooStub) -> None:
    result = YFinanceTools().get_current_stock_price("XYZ")

    assert result.startswith("Could not fetch current price for XYZ: ")
    assert "symbol" in result
    assert yahoo.requests_to("/v10/finance/quoteSummary/XYZ")
    assert yahoo.requests_to("/v8/finance/chart/XYZ")


def test_unreachable_yahoo_gives_an_error_without_the_crumb(aapl: YahooStub) -> None:
    aapl.unreachable = True

    result = YFinanceTools().get_current_stock_price("AAPL")

    assert result.startswith("Could not fetch current price for AAPL: ConnectionError: ")
    assert "crumb=<redacted>" in result
    assert YahooStub.CRUMB not in result


async def test_price_through_the_tool_call_path(aapl: YahooStub) -> None:
    function = YFinanceTools().functions["get_current_stock_price"]

    arguments = function.parse_arguments('{"symbol": "AAPL"}')

    assert await function.acall(arguments) == "189.8400"


def test_session_is_passed_to_yfinance(aapl: YahooStub) -> None:
    with curl_requests.Session() as session:
        assert YFinanceTools(session=session).get_current_stock_price("AAPL") == "189.8400"

    assert aapl.requests
    assert all(request.session is session for request in aapl.requests)


# -- the other tools --------------------------------------------------------------------------


def test_company_info(aapl: YahooStub) -> None:
    data = json.loads(call("get_company_info", symbol="AAPL"))

    assert data["name"] == "Apple Inc."
    assert data["symbol"] == "AAPL"
    assert data["current_price"] == 189.84
    assert data["sector"] == "Technology"
    assert isinstance(data["market_cap"], int)


def test_stock_fundamentals(aapl: YahooStub) -> None:
    data = json.loads(call("get_stock_fundamentals", symbol="AAPL"))

    assert data["company_name"] == "Apple Inc."
    assert data["pe_ratio"] == 30.0
    assert data["52_week_high"] == 189.84


def test_income_statements(aapl: YahooStub) -> None:
    data = json.loads(call("get_income_statements", symbol="AAPL"))

    assert data == {
        "2024-09-28": {"Net Income": 93_736_000_000, "Total Revenue": 391_035_000_000},
        "2023-09-30": {"Net Income": 96_995_000_000, "Total Revenue": 383_285_000_000},
    }


def test_key_financial_ratios(aapl: YahooStub) -> None:
    data = json.loads(call("get_key_financial_ratios", symbol="AAPL"))

    assert data["trailing_pe"] == 30.0
    assert data["peg_ratio"] == 2.05  # yfinance reads this one from the timeseries endpoint
    assert aapl.requests_to("/ws/fundamentals-timeseries/")


def test_analyst_recommendations(aapl: YahooStub) -> None:
    assert json.loads(call("get_analyst_recommendations", symbol="AAPL")) == TREND


def test_company_news(aapl: YahooStub) -> None:
    stories = json.loads(call("get_company_news", symbol="AAPL", num_stories=2))

    assert [s["title"] for s in stories] == ["Apple story 0", "Apple story 1"]
    assert stories[0]["publisher"] == "Reuters"
    assert stories[0]["link"] == "https://news.example/0"
    (request,) = aapl.requests_to("/xhr/ncp")
    assert request.json == {"serviceConfig": {"snippetCount": 2, "s": ["AAPL"]}}


def test_company_news_rejects_a_non_positive_count(aapl: YahooStub) -> None:
    assert call("get_company_news", symbol="AAPL", num_stories=0).startswith("num_stories must")


def test_technical_indicators(aapl: YahooStub) -> None:
    data = json.loads(call("get_technical_indicators", symbol="AAPL"))

    assert data["symbol"] == "AAPL"
    assert data["latest_close"] == 189.84
    assert data["sma_20"] == pytest.approx((sum(range(160, 179)) + 189.84) / 20)
    assert data["rsi_14"] == 100.0
    assert data["trend"] == "above its 50-day average"
    assert aapl.requests_to("/v8/finance/chart/AAPL")[-1].params["range"] == "3mo"


def test_historical_prices(aapl: YahooStub) -> None:
    data = json.loads(call("get_historical_stock_prices", symbol="AAPL", period="5d"))

    assert [bar["close"] for bar in data["prices"]] == [*CLOSES[-5:-1], 189.84]
    assert sorted(bar["date"] for bar in data["prices"]) == [b["date"] for b in data["prices"]]
    assert set(data["prices"][0]) == {"date", "open", "high", "low", "close", "volume"}
    (request,) = aapl.requests_to("/v8/finance/chart/AAPL")[-1:]
    assert (request.params["range"], request.params["interval"]) == ("5d", "1d")


@pytest.mark.parametrize("tool", ALL_TOOLS)
def test_every_tool_returns_json_for_a_known_symbol(aapl: YahooStub, tool: str) -> None:
    assert json.loads(call(tool, symbol="AAPL"))


@pytest.mark.parametrize("tool", ALL_TOOLS)
def test_every_tool_reports_an_unknown_symbol(yahoo: YahooStub, tool: str) -> None:
    result = call(tool, symbol="xyz")

    assert result.startswith("Could not fetch ")
    assert " for XYZ: " in result


# -- registration and schema ------------------------------------------------------------------


def test_only_the_price_tool_by_default() -> None:
    tools = YFinanceTools()

    assert list(tools.functions) == ["get_current_stock_price"]
    assert tools.name == "yfinance_tools"


@pytest.mark.parametrize(("flag", "tool"), FLAGS.items())
def test_each_flag_registers_its_tool(flag: str, tool: str) -> None:
    tools = YFinanceTools(**{"enable_stock_price": False, flag: True})

    assert list(tools.functions) == [tool]


def test_all_registers_every_tool() -> None:
    assert sorted(YFinanceTools(all=True, enable_stock_price=False).functions) == ALL_TOOLS


def test_toolkit_options_are_forwarded() -> None:
    tools = YFinanceTools(all=True, name="market", exclude_tools=["get_company_news"])

    assert tools.name == "market"
    assert sorted(tools.functions) == [t for t in ALL_TOOLS if t != "get_company_news"]


def test_price_tool_schema() -> None:
    function = YFinanceTools().functions["get_current_stock_price"]

    assert function.description == (
        "Get the current stock price for a ticker symbol.\n"
        'Returns the price with four decimals (e.g. "189.8400"), or an error message.'
    )
    assert function.parameters["required"] == ["symbol"]
    symbol = function.parameters["properties"]["symbol"]
    assert symbol["type"] == "string"
    assert "ticker symbol" in symbol["description"]


def test_history_tool_schema_has_no_defaults() -> None:
    schema = YFinanceTools(all=True).functions["get_historical_stock_prices"].parameters

    assert schema["required"] == ["symbol"]
    # Agno sends no defaults; the docstring tells the model.
    assert "default" not in schema["properties"]["period"]
    assert "default" not in schema["properties"]["interval"]
    assert "1wk" in schema["properties"]["interval"]["description"]


def test_module_exports_and_imports_yfinance_lazily() -> None:
    assert yfinance_tools.__all__ == ["YFinanceTools"]
    code = "import sys, agno_core.tools.yfinance; assert 'yfinance' not in sys.modules"

    subprocess.run([sys.executable, "-c", code], check=True)


# -- the stub itself --------------------------------------------------------------------------


def test_stub_refuses_a_url_it_was_not_taught() -> None:
    with (
        pytest.raises(
            UnexpectedYahooRequest, match=r"query2\.finance\.yahoo\.com/v1/finance/search"
        ),
        YahooStub(),
        curl_requests.Session() as session,
    ):
        session.get("https://query2.finance.yahoo.com/v1/finance/search", params={"q": "apple"})


def test_stub_fails_on_exit_when_yfinance_swallowed_the_refusal() -> None:
    stub = YahooStub()
    stub.set_price("AAPL", 189.84)
    with pytest.raises(UnexpectedYahooRequest, match="swallowed") as raised, stub:
        # Hourly bars are not taught; yfinance logs the refusal and returns an empty frame.
        assert yfinance.Ticker("AAPL").history(period="5d", interval="1h").empty

    assert "interval='1h'" in str(raised.value)


def test_stub_trips_on_any_real_curl_transfer() -> None:
    stub = YahooStub()
    with pytest.raises(UnexpectedYahooRequest, match="real network"), stub:
        Curl().perform()
    assert stub.unexpected == ["real network I/O attempted (curl_cffi Curl.perform)"]


def test_stub_isolates_and_restores_yfinance_state() -> None:
    request_method = curl_requests.Session.request
    singletons = dict(type(data.YfData)._instances)
    tz_cache = cache._TzCacheManager._tz_cache

    for _ in range(2):  # each context starts afresh: the crumb handshake happens again
        with YahooStub() as stub:
            stub.set_price("AAPL", 1.5)
            assert YFinanceTools().get_current_stock_price("AAPL") == "1.5000"
            assert curl_requests.Session.request is not request_method
            assert len(stub.requests_to("/v1/test/getcrumb")) == 1

    assert curl_requests.Session.request is request_method
    assert dict(type(data.YfData)._instances) == singletons
    assert cache._TzCacheManager._tz_cache is tz_cache


def test_stub_data_needs_a_price_first() -> None:
    with pytest.raises(KeyError, match=r"set_price\('MSFT'"):
        YahooStub().set_info("msft", longName="Microsoft")
