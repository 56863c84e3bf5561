"""Errors agno_core raises on purpose."""

from __future__ import annotations

__all__ = ["NotSupportedError"]


class NotSupportedError(TypeError):
    """An Agno parameter, method or value that agno_core does not implement.

    Raised instead of accepting the argument and ignoring it; the message names the parameter
    and says why. A `TypeError`, as an unknown keyword argument would be.
    """
