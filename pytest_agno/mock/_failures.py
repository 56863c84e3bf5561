"""What the mock says when a test sent requests nothing scripted answers.

Two kinds fail the test when the mock stops: requests that reached a served endpoint but matched
no scripted reply (``unanswered``), and requests to a URL the mock does not serve at all
(``unmocked``; the SDK turns the refusal into a connection error, so an agent run just ends
ERROR and the test would pass without this). Both messages say what usually causes them: SDK
retries of a scripted error, and a model built with its own ``base_url=``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pytest_agno.mock._wire import RecordedRequest

__all__ = ["RETRY_HINT", "is_retry", "unanswered_message", "unmocked_message"]

RETRY_HINT = (
    "This request was an SDK retry: the openai client retries 408/409/429/5xx answers "
    "(max_retries=2 by default) and each retry takes a scripted reply. Build the model with "
    "max_retries=0 (as the agent/team fixtures do), or script the error with times=N."
)


_AGNO_TELEMETRY = "os-api.agno.com"


def is_retry(request: RecordedRequest) -> bool:
    """Whether the SDK sent ``request`` as a retry (both SDK lines number their attempts)."""
    return request.headers.get("x-stainless-retry-count", "0") not in ("", "0")


def unanswered_message(requests: Sequence[RecordedRequest]) -> str:
    """The teardown failure for requests that no scripted reply accepted."""
    lines = "\n".join(f"  - {request.summary()}" for request in requests)
    hint = f"\n{RETRY_HINT}" if any(is_retry(request) for request in requests) else ""
    return (
        f"MockOpenAI: {len(requests)} request(s) matched no scripted reply:\n{lines}\n"
        f"Script them with add_text()/add_tool_call()/add_json()/add_error().{hint}"
    )


def unmocked_message(requests: Sequence[str], served: str, *, by_url: bool = True) -> str:
    """The teardown failure for requests to URLs the mock does not serve.

    Args:
        requests: ``"METHOD URL"`` of each such request, in order (a repeat: an SDK retry,
            or one call per run).
        served: What the mock serves, e.g. ``"POST https://api.openai.com/v1{/chat/completions,
            /responses}"``.
        by_url: Whether the mock serves by base URL (the scripted mock; a cassette replays
            model calls whatever their URL), which decides the hint.
    """
    lines = "\n".join(
        f"  - {request}" + (f" (x{count})" if count > 1 else "")
        for request, count in Counter(requests).items()
    )
    hint = (
        "; OPENAI_BASE_URL, when set, is served too. A model or client built with its own "
        "base_url= sends elsewhere: drop base_url= (or give MockOpenAI(base_url=...) that URL)"
        if by_url
        else ""
    )
    if any(_AGNO_TELEMETRY in request for request in requests):
        hint += (
            f". Requests to {_AGNO_TELEMETRY} are Agno's telemetry (the agno package, not "
            "agno_core): set AGNO_TELEMETRY=false"
        )
    return (
        f"MockOpenAI: {len(requests)} request(s) went to a URL the mock does not serve (refused, "
        f"never sent; an agent run then just ends ERROR):\n{lines}\n"
        f"The mock serves {served}{hint}. A test that sends such a request on purpose clears "
        "mock_model.unmocked."
    )
