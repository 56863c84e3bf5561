"""Human-readable durations and byte sizes for summaries and comparisons."""

from __future__ import annotations

__all__ = ["MIB", "format_bytes", "format_duration", "format_signed_bytes"]

#: Bytes per MiB, the unit of ``memory_usages`` (as in Agno).
MIB = 1024 * 1024
_BYTE_UNITS = (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024))
_TIME_UNITS = (("s", 1.0), ("ms", 1e-3), ("us", 1e-6))


def format_duration(seconds: float) -> str:
    """``0.0021`` -> ``"2.100 ms"``; three decimals in the largest unit that is at least 1."""
    magnitude = abs(seconds)
    for unit, scale in _TIME_UNITS:
        if magnitude >= scale:
            return f"{seconds / scale:.3f} {unit}"
    return f"{seconds * 1e9:.1f} ns"


def format_bytes(size: float) -> str:
    """``65536`` -> ``"64.0 KiB"``; bytes below 1 KiB are shown whole."""
    magnitude = abs(size)
    for unit, scale in _BYTE_UNITS:
        if magnitude >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size:.0f} B"


def format_signed_bytes(size: float) -> str:
    """Like :func:`format_bytes` with an explicit sign: ``"+64.0 KiB"``, ``"-12 B"``."""
    text = format_bytes(size)
    return text if text.startswith("-") else f"+{text}"
