"""Checks of the ids a caller passes (run, session, user), before any SQL sees them."""

from __future__ import annotations

__all__ = ["MAX_ID_LENGTH", "check_id"]

# The id columns hold this many characters (PostgreSQL enforces it).
MAX_ID_LENGTH = 128


def check_id(name: str, value: object, *, optional: bool = False) -> None:
    """Raise a clear error unless ``value`` can be stored as an id.

    Raises:
        TypeError: ``value`` is not a string (None included, unless ``optional``).
        ValueError: ``value`` is empty or longer than `MAX_ID_LENGTH` characters.
    """
    if value is None and optional:
        return
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__} ({value!r})")
    if not value:
        raise ValueError(f"{name} must not be empty")
    if len(value) > MAX_ID_LENGTH:
        raise ValueError(f"{name} is {len(value)} characters long; at most {MAX_ID_LENGTH} fit")
