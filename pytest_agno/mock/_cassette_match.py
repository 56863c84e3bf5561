"""Which recorded entry answers a request: matching that survives harmless changes.

A request is reduced to a key: its method and endpoint plus the body fields in ``match_on`` (by
default the model, the conversation, the tools and the output format, and whether it streams),
with every key named in ``ignore`` dropped at any depth (ids the SDK or the model mint, which
change on every recording). Everything else (``stream_options`` and its order, ``user``,
``metadata``, sampling options, headers) does not take part. Two requests match when their keys
are equal. On a miss, `nearest` finds the recorded key most like the request's and `diff`
shows the difference.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from typing import Any

__all__ = ["DEFAULT_IGNORE", "DEFAULT_MATCH_ON", "Matcher"]

DEFAULT_MATCH_ON = (
    "model",
    "messages",
    "input",
    "instructions",
    "tools",
    "tool_choice",
    "response_format",
    "text",
    "stream",
)
DEFAULT_IGNORE = ("id", "call_id", "tool_call_id", "created", "created_at")

_DIFF_LINES = 24


class Matcher:
    """Builds request keys and compares them.

    Args:
        match_on: Top-level body fields that take part in matching.
        ignore: Keys dropped wherever they appear inside those fields.
    """

    def __init__(
        self,
        match_on: Sequence[str] = DEFAULT_MATCH_ON,
        ignore: Sequence[str] = DEFAULT_IGNORE,
    ) -> None:
        self.match_on = tuple(match_on)
        self.ignore = frozenset(ignore)

    def key(self, method: str, endpoint: str, body: dict[str, Any]) -> str:
        """The canonical JSON text two matching requests share."""
        fields = {
            name: self._strip(body[name])
            for name in self.match_on
            if name in body and name not in self.ignore
        }
        key = {"method": method.upper(), "endpoint": endpoint, "body": fields}
        return json.dumps(key, sort_keys=True, ensure_ascii=False)

    def nearest(self, key: str, keys: Sequence[str]) -> int | None:
        """Index of the recorded key most similar to ``key`` (None when there are none)."""
        if not keys:
            return None
        scores = [difflib.SequenceMatcher(None, key, other).ratio() for other in keys]
        return max(range(len(keys)), key=scores.__getitem__)

    @staticmethod
    def diff(recorded: str, live: str) -> str:
        """A short unified diff, recorded request -> this request, of two keys."""
        before = json.dumps(json.loads(recorded), indent=2, sort_keys=True).splitlines()
        after = json.dumps(json.loads(live), indent=2, sort_keys=True).splitlines()
        lines = list(
            difflib.unified_diff(
                before, after, "recorded request", "this request", n=2, lineterm=""
            )
        )
        if len(lines) > _DIFF_LINES:
            lines = [*lines[:_DIFF_LINES], f"... ({len(lines) - _DIFF_LINES} more diff lines)"]
        return "\n".join(lines)

    def _strip(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self._strip(v) for k, v in value.items() if k not in self.ignore}
        if isinstance(value, list):
            return [self._strip(item) for item in value]
        return value
