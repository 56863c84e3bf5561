"""Human-readable durations and sizes for the plugin's messages and reports."""

from __future__ import annotations

__all__ = ["clip_middle", "format_bytes", "format_duration", "format_signed_bytes"]

_BYTE_UNITS = (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024))
_TIME_UNITS = (("s", 1.0), ("ms", 1e-3), ("us", 1e-6))


def format_duration(seconds: float | None) -> str:
    """``0.0021`` -> ``"2.10 ms"``; ``"-"`` for None."""
    if seconds is None:
        return "-"
    magnitude = abs(seconds)
    for unit, scale in _TIME_UNITS:
        if magnitude >= scale:
            return f"{seconds / scale:.2f} {unit}"
    return f"{seconds * 1e9:.0f} ns"


def format_bytes(size: float | None) -> str:
    """``65536`` -> ``"64.0 KiB"``; bytes below 1 KiB are shown whole; ``"-"`` for None."""
    if size is None:
        return "-"
    magnitude = abs(size)
    for unit, scale in _BYTE_UNITS:
        if magnitude >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size:.0f} B"


def format_signed_bytes(size: float | None) -> str:
    """Like `format_bytes` with an explicit sign: ``"+64.0 KiB"``, ``"-12 B"``."""
    if size is None:
        return "-"
    text = format_bytes(size)
    return text if size < 0 else f"+{text}"


def clip_middle(text: str, width: int) -> str:
    """``text`` shortened to ``width`` characters by eliding its middle with ``...``."""
    if len(text) <= width:
        return text
    if width <= 3:
        return text[:width]
    keep = width - 3
    head = keep // 3
    return text[:head] + "..." + text[len(text) - (keep - head) :]
