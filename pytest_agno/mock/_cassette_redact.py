"""Secrets never reach a cassette: sensitive headers, key-like strings and the key in use.

Redaction runs on every string of an entry before it is written (and on a live request before it
is matched, so a redacted recording still matches the request it came from). `Redactor.check`
is the last line: it refuses to write text that still holds a known secret.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from typing import Any

__all__ = ["DEFAULT_PATTERNS", "REDACTED", "SENSITIVE_HEADERS", "Redactor"]

REDACTED = "<redacted>"

# Request and response headers whose value is a credential (lower-case names).
SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "api-key",
        "x-api-key",
        "openai-organization",
        "openai-project",
        "cookie",
        "set-cookie",
    }
)

# OpenAI-style secret keys anywhere in a body: sk-..., sk-proj-..., sk-svcacct-...
DEFAULT_PATTERNS = (r"sk-[A-Za-z0-9_\-]{8,}",)


class Redactor:
    """Replace secrets in cassette data.

    Args:
        patterns: Regular expressions whose matches are replaced (the defaults are always on).
        secrets: Literal values to remove wherever they appear; ``OPENAI_API_KEY`` is added.
    """

    def __init__(self, patterns: Iterable[str] = (), secrets: Iterable[str] = ()) -> None:
        self._patterns = [re.compile(p) for p in (*DEFAULT_PATTERNS, *patterns)]
        self._secrets: set[str] = {s for s in secrets if len(s) >= 4}
        env_key = os.environ.get("OPENAI_API_KEY", "")
        if len(env_key) >= 4:
            self._secrets.add(env_key)

    def learn(self, headers: Any) -> None:
        """Remember the credentials a live request carries (the bearer token, ``api-key``)."""
        for name in SENSITIVE_HEADERS:
            value = headers.get(name)
            if not value:
                continue
            value = str(value)
            self._secrets.add(value)
            scheme, _, token = value.partition(" ")
            if token and scheme.lower() in ("bearer", "basic"):
                self._secrets.add(token)

    def text(self, value: str) -> str:
        """``value`` with every known secret and pattern match replaced."""
        for secret in sorted(self._secrets, key=len, reverse=True):
            value = value.replace(secret, REDACTED)
        for pattern in self._patterns:
            value = pattern.sub(REDACTED, value)
        return value

    def data(self, value: Any) -> Any:
        """A JSON-like structure with every string (keys included) redacted."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(str(k)): self.data(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.data(item) for item in value]
        return value

    def headers(self, headers: dict[str, str]) -> dict[str, str]:
        """Headers with sensitive values replaced and the rest redacted as text."""
        return {
            name: REDACTED if name.lower() in SENSITIVE_HEADERS else self.text(value)
            for name, value in headers.items()
        }

    def check(self, text: str) -> None:
        """Refuse ``text`` if a known secret survived (in plain or JSON-escaped form).

        Raises:
            AssertionError: Naming where the secret was found, not the secret.
        """
        for secret in self._secrets:
            escaped = json.dumps(secret)[1:-1]
            for form in {secret, escaped}:
                at = text.find(form)
                if at >= 0:
                    raise AssertionError(
                        f"pytest_agno cassette: a secret survived redaction at offset {at}; "
                        "the cassette was not written"
                    )
