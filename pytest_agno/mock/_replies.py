"""What a test scripts on `MockOpenAI`: queued replies, their routing filters and options."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypedDict

from pytest_agno.mock import _wire as wire
from pytest_agno.mock._wire import RecordedRequest

__all__ = ["Reply", "ReplyOptions", "RequestPredicate", "UnusedRepliesWarning", "unused_message"]

RequestPredicate = Callable[[RecordedRequest], bool]


class UnusedRepliesWarning(UserWarning):
    """The test ended with scripted replies that no request used (the ``mock_model`` fixture).

    A reply scripted but never used usually means the test did not exercise what it meant to
    (a tool never called, a run that stopped early). Filter it like any warning, or set
    ``mock_model.warn_unused = False`` for a script shared by many tests.
    """


UnusedRepliesWarning.__module__ = "pytest_agno"  # its public home, as warnings filters name it


@dataclass(kw_only=True, eq=False)
class Reply:
    """A scripted reply in the queue, returned by the `add_*` methods.

    Attributes:
        kind: What was scripted: `"text"`, `"tool_calls"`, `"json"`, `"error"` or `"raw"`.
        content: What is sent back: a completion (rendered per endpoint) or a fixed response.
        model: Only requests whose body `model` equals this are answered (None: any).
        match: Only requests for which this predicate is true are answered (None: any).
        latency: Seconds to wait before answering.
        times: How many requests this reply answers before leaving the queue.
        answered: The requests it answered, in order (the latest ones with ``keep_requests``).
        count: How many requests it answered.
    """

    kind: str
    content: wire.Completion | wire.Fixed
    model: str | None = None
    match: RequestPredicate | None = None
    latency: float = 0.0
    times: int = 1
    answered: list[RecordedRequest] = field(default_factory=list)
    count: int = 0

    @property
    def used(self) -> bool:
        """Whether at least one request was answered by this reply."""
        return self.count > 0

    @property
    def remaining(self) -> int:
        """How many more requests this reply will answer."""
        return self.times - self.count

    @property
    def call_ids(self) -> tuple[str, ...]:
        """The tool-call ids this reply sends (empty for other kinds)."""
        if isinstance(self.content, wire.Completion):
            return tuple(call.call_id for call in self.content.tool_calls)
        return ()

    def accepts(self, request: RecordedRequest) -> bool:
        """Whether this reply may answer `request` (its `model` and `match` filters)."""
        if self.model is not None and request.model != self.model:
            return False
        return self.match is None or self.match(request)

    def describe(self) -> str:
        """A one-line summary for failure messages."""
        content = self.content
        if isinstance(content, wire.Completion):
            names = ", ".join(call.name for call in content.tool_calls)
            what = f"{self.kind} {names}" if names else f"{self.kind} {wire.clip(content.text)!r}"
        else:
            what = f"{self.kind} HTTP {content.status}"
        filters = "".join(
            [
                f" model={self.model!r}" if self.model is not None else "",
                " match=<predicate>" if self.match is not None else "",
                f" x{self.remaining}" if self.remaining > 1 else "",
            ]
        )
        return what + filters


class ReplyOptions(TypedDict, total=False):
    """Keyword options shared by the successful `add_*` methods.

    Attributes:
        input_tokens: Prompt tokens reported (default 10).
        output_tokens: Generated tokens reported (default 5).
        cached_tokens: Prompt tokens reported as cached (default 0).
        reasoning_tokens: Reasoning tokens reported (default 0).
        audio_input_tokens: Audio prompt tokens, Chat Completions only (default 0).
        audio_output_tokens: Audio generated tokens, Chat Completions only (default 0).
        latency: Seconds to wait before answering (default 0).
        chunks: Pieces a streamed text is split into (default: one per word).
        finish_reason: Why the turn ended, in Chat Completions' terms: ``"stop"``, ``"length"``
            (cut at the output token limit), ``"tool_calls"`` or ``"content_filter"``; on the
            Responses API, ``"length"`` and ``"content_filter"`` make an ``incomplete`` response
            (default: ``"tool_calls"`` with tool calls, else ``"stop"``).
        model: Answer only requests for this model.
        match: Answer only requests this predicate accepts.
        times: How many requests this reply answers before leaving the queue (default 1).
    """

    input_tokens: int
    output_tokens: int
    cached_tokens: int
    reasoning_tokens: int
    audio_input_tokens: int
    audio_output_tokens: int
    latency: float
    chunks: int | None
    finish_reason: str | None
    model: str | None
    match: RequestPredicate | None
    times: int


def unused_message(replies: list[Reply]) -> str:
    """One line naming the replies no request used."""
    count = len(replies)
    names = "; ".join(reply.describe() for reply in replies)
    return (
        f"mock_model: {count} scripted repl{'ies' if count != 1 else 'y'} never used: {names} "
        "(script only what the test uses, or set mock_model.warn_unused = False)"
    )
