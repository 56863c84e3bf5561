"""Small inline SVG plots for the HTML report: strip plot, bar chart, trend; no dependencies.

Every text that reaches the markup goes through `html.escape`; numbers are formatted here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

__all__ = ["bar_chart", "strip_plot", "trend_plot"]

WIDTH, HEIGHT = 640, 180
_LEFT, _RIGHT, _TOP, _BOTTOM = 72, 40, 40, 36
Formatter = Callable[[float], str]


def _svg(kind: str, title: str, body: list[str], height: int = HEIGHT) -> str:
    # The accessible title names the eval; the visible heading is its first part.
    heading = title.split(" of ", 1)[0]
    return (
        f'<svg class="plot {escape(kind)}" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}">'
        f"<title>{escape(title)}</title>"
        f'<text class="heading" x="8" y="16">{escape(heading)}</text>' + "".join(body) + "</svg>"
    )


def _empty(kind: str, title: str, message: str) -> str:
    return _svg(
        kind,
        title,
        [f'<text x="8" y="36" class="muted">{escape(message)}</text>'],
        height=48,
    )


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high <= low:
        return [low]
    step = (high - low) / (count - 1)
    return [low + step * index for index in range(count)]


def _axis_x(low: float, high: float, fmt: Formatter) -> list[str]:
    parts = []
    span = high - low or 1.0
    base = HEIGHT - _BOTTOM
    parts.append(f'<line class="axis" x1="{_LEFT}" y1="{base}" x2="{WIDTH - _RIGHT}" y2="{base}"/>')
    for value in _ticks(low, high):
        x = _LEFT + (value - low) / span * (WIDTH - _LEFT - _RIGHT)
        parts.append(
            f'<line class="tick" x1="{x:.1f}" y1="{base}" x2="{x:.1f}" y2="{base + 4}"/>'
            f'<text x="{x:.1f}" y="{base + 18}" text-anchor="middle">{escape(fmt(value))}</text>'
        )
    return parts


def strip_plot(
    kind: str,
    title: str,
    values: Sequence[float],
    fmt: Formatter,
    markers: Sequence[tuple[str, float]] = (),
) -> str:
    """One dot per value along a horizontal axis, with labelled vertical marker lines.

    Args:
        kind: CSS class of the plot (``"runtime"``).
        title: The plot's accessible title, ``"<heading> of <subject>"``.
        values: The samples.
        fmt: Formats an axis value.
        markers: ``(label, value)`` lines to draw, e.g. the median and the p95.
    """
    if not values:
        return _empty(kind, title, "not measured")
    low, high = 0.0, max([*values, *(value for _, value in markers)]) * 1.05 or 1.0
    span = high - low
    plot_width = WIDTH - _LEFT - _RIGHT
    middle = (_TOP + HEIGHT - _BOTTOM) / 2
    body = _axis_x(low, high, fmt)
    for index, value in enumerate(values):
        x = _LEFT + (value - low) / span * plot_width
        y = middle + ((index * 37) % 23 - 11) * 2.5  # deterministic jitter keeps dots apart
        body.append(f'<circle class="sample" cx="{x:.1f}" cy="{y:.1f}" r="3.5"/>')
    for offset, (label, value) in enumerate(markers):
        x = _LEFT + (value - low) / span * plot_width
        # Labels right of their line, or left of it near the right edge.
        anchor, dx = ("end", -4) if x > WIDTH * 0.7 else ("start", 4)
        body.append(
            f'<line class="marker m{offset}" x1="{x:.1f}" y1="{_TOP}" x2="{x:.1f}" '
            f'y2="{HEIGHT - _BOTTOM}"/><text class="marker-label" x="{x + dx:.1f}" '
            f'y="{_TOP + 10 + 12 * offset:.0f}" text-anchor="{anchor}">'
            f"{escape(f'{label} {fmt(value)}')}</text>"
        )
    body.append(
        f'<text x="8" y="{middle:.0f}" class="muted">{escape(str(len(values)))} samples</text>'
    )
    return _svg(kind, title, body)


def bar_chart(
    kind: str,
    title: str,
    values: Sequence[float],
    fmt: Formatter,
    line: Sequence[float] | None = None,
    line_label: str = "",
) -> str:
    """One bar per iteration (1, 2, ...), optionally with a polyline over the same scale.

    Args:
        kind: CSS class of the plot (``"memory"``, ``"growth"``).
        title: The plot's accessible title, ``"<heading> of <subject>"``.
        values: One value per iteration (may be negative).
        fmt: Formats an axis value.
        line: Another series per iteration drawn as a line (e.g. cumulative growth).
        line_label: Its legend.
    """
    if not values:
        return _empty(kind, title, "not measured")
    series = [*values, *(line or ())]
    low, high = min(0.0, *series), max(0.0, *series)
    if high == low:
        high = low + 1.0
    plot_height = HEIGHT - _TOP - _BOTTOM
    slot = (WIDTH - _LEFT - _RIGHT) / len(values)

    def y_of(value: float) -> float:
        return _TOP + (high - value) / (high - low) * plot_height

    body = []
    for value in _ticks(low, high, 4):
        y = y_of(value)
        body.append(
            f'<line class="grid" x1="{_LEFT}" y1="{y:.1f}" x2="{WIDTH - _RIGHT}" y2="{y:.1f}"/>'
            f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(fmt(value))}</text>'
        )
    zero = y_of(0.0)
    for index, value in enumerate(values):
        x = _LEFT + index * slot + slot * 0.15
        top, bottom = sorted((y_of(value), zero))
        body.append(
            f'<rect class="bar" x="{x:.1f}" y="{top:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{max(bottom - top, 0.5):.1f}"><title>{escape(f"{index + 1}: {fmt(value)}")}'
            "</title></rect>"
        )
        if len(values) <= 30 or index % max(len(values) // 10, 1) == 0:
            body.append(
                f'<text x="{x + slot * 0.35:.1f}" y="{HEIGHT - _BOTTOM + 16}" '
                f'text-anchor="middle">{index + 1}</text>'
            )
    if line:
        points = " ".join(
            f"{_LEFT + index * slot + slot / 2:.1f},{y_of(value):.1f}"
            for index, value in enumerate(line)
        )
        body.append(f'<polyline class="line" points="{points}"/>')
        body.append(
            f'<text class="marker-label line-label" x="{WIDTH - _RIGHT}" y="16" '
            f'text-anchor="end">{escape(line_label)}</text>'
        )
    body.append(
        f'<text x="{(WIDTH + _LEFT) / 2:.0f}" y="{HEIGHT - 4}" text-anchor="middle" '
        'class="muted">iteration</text>'
    )
    return _svg(kind, title, body)


def trend_plot(
    kind: str,
    title: str,
    values: Sequence[float | None],
    fmt: Formatter,
    *,
    band: tuple[float, float] | None = None,
    regressions: Sequence[int] = (),
    labels: Sequence[str] = (),
) -> str:
    """One point per run (oldest left), joined by a line, over the baseline's band.

    Args:
        kind: CSS class of the plot (``"trend-runtime"``).
        title: The plot's accessible title, ``"<heading> of <subject>"``.
        values: One value per run; None where the run did not measure it (a gap).
        fmt: Formats an axis value.
        band: ``(low, high)``: the baseline plus and minus its threshold, drawn as a band.
        regressions: Indices of runs whose comparison called this metric a regression (drawn
            as larger red points).
        labels: A tooltip per run (date, commit, machine).
    """
    measured = [value for value in values if value is not None]
    if not measured:
        return _empty(kind, title, "not measured in these runs")
    series: list[float] = [*measured, *(band or ())]
    low, high = min(0.0, *series), max(series) * 1.1
    if high <= low:
        high = low + 1.0
    plot_height = HEIGHT - _TOP - _BOTTOM
    step = (WIDTH - _LEFT - _RIGHT) / max(len(values) - 1, 1)

    def y_of(value: float) -> float:
        return _TOP + (high - value) / (high - low) * plot_height

    body = []
    for value in _ticks(low, high, 4):
        y = y_of(value)
        body.append(
            f'<line class="grid" x1="{_LEFT}" y1="{y:.1f}" x2="{WIDTH - _RIGHT}" y2="{y:.1f}"/>'
            f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(fmt(value))}</text>'
        )
    if band is not None:
        top, bottom = y_of(max(band)), y_of(min(band))
        body.append(
            f'<rect class="band" x="{_LEFT}" y="{top:.1f}" width="{WIDTH - _LEFT - _RIGHT}" '
            f'height="{max(bottom - top, 1.0):.1f}"><title>'
            f"{escape(f'baseline band {fmt(min(band))} to {fmt(max(band))}')}</title></rect>"
        )
    points = [
        (_LEFT + index * step, y_of(value), index, value)
        for index, value in enumerate(values)
        if value is not None
    ]
    if len(points) > 1:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
        body.append(f'<polyline class="line trend" points="{line}"/>')
    marked = set(regressions)
    for x, y, index, value in points:
        css, radius = ("regression", 5.5) if index in marked else ("sample", 3.5)
        label = labels[index] if index < len(labels) else f"run {index + 1}"
        body.append(
            f'<circle class="{css}" cx="{x:.1f}" cy="{y:.1f}" r="{radius}">'
            f"<title>{escape(f'{label}: {fmt(value)}')}</title></circle>"
        )
    body.append(
        f'<text x="{(WIDTH + _LEFT) / 2:.0f}" y="{HEIGHT - 4}" text-anchor="middle" '
        f'class="muted">last {len(values)} runs, oldest left</text>'
    )
    return _svg(kind, title, body)
