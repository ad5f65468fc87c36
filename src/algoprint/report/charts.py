"""Inline SVG charts drawn here (no plotting library, no script), accessible and printable.

Every chart is an ``<svg role="img">`` with ``<title>`` and ``<desc>`` (referenced by
``aria-labelledby``), and comes with the data table of what it draws (:class:`Chart`), which
the HTML shows in a ``<details>`` element and the PDF and Markdown as a table. Meaning never
rests on colour alone: bars carry their value as text, Pareto points differ by shape and are
named, intervals are drawn as whiskers and written in the table.

Colours meet WCAG AA against white: text #1a1a1a (17:1), bars #1f5f99 (6.6:1), second series
#8a4500 (7.2:1), grid lines #767676 (4.5:1, decorative).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

__all__ = [
    "Bar",
    "Chart",
    "bar_chart",
    "column_chart",
    "learning_curve_chart",
    "nice_ticks",
    "pareto_chart",
]

TEXT = "#1a1a1a"
BAR = "#1f5f99"
SECOND = "#8a4500"
GRID = "#767676"
FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
WIDTH = 640


@dataclass(frozen=True)
class Bar:
    """One bar: label, value (display unit) with optional interval, and the value as text."""

    label: str
    value: float | None
    text: str
    low: float | None = None
    high: float | None = None


@dataclass
class Chart:
    """An SVG chart and the data table behind it (cells already formatted)."""

    chart_id: str
    title: str
    desc: str
    svg: str
    head: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def _attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def _open(chart_id: str, title: str, desc: str, height: float) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" '
        f'height="{height:.0f}" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="{_attr(FONT)}" font-size="12" fill="{TEXT}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
        f'<rect width="{WIDTH}" height="{height:.0f}" fill="#ffffff"/>'
    )


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``[low, high]`` (about ``count`` of them)."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        high = low + 1.0
    raw = (high - low) / count
    step = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= step * m:
            step *= m
            break
    start = math.floor(low / step) * step
    ticks: list[float] = []
    value = start
    while value < high + step * 0.5 and len(ticks) < 50:
        ticks.append(round(value, 12))
        value += step
    return ticks


def _whisker_h(x1: float, x2: float, y: float) -> str:
    return (
        f'<line x1="{x1:.1f}" y1="{y:.1f}" x2="{x2:.1f}" y2="{y:.1f}" stroke="{TEXT}" '
        f'stroke-width="1.5"/>'
        f'<line x1="{x1:.1f}" y1="{y - 5:.1f}" x2="{x1:.1f}" y2="{y + 5:.1f}" stroke="{TEXT}" '
        f'stroke-width="1.5"/>'
        f'<line x1="{x2:.1f}" y1="{y - 5:.1f}" x2="{x2:.1f}" y2="{y + 5:.1f}" stroke="{TEXT}" '
        f'stroke-width="1.5"/>'
    )


def bar_chart(chart_id: str, title: str, desc: str, bars: Sequence[Bar], na: str) -> str:
    """Horizontal bars with the label left, the value as text right, intervals as whiskers.

    A bar without value (``None``) is drawn as the text ``na`` with no bar.
    """
    row_h, top = 28, 10
    label_w = min(300, 14 + 7 * max([len(b.label) for b in bars] or [10]))
    text_w = min(260, 16 + 7 * max([len(b.text) for b in bars] or [10]))
    plot_w = max(120, WIDTH - label_w - text_w - 20)
    height = top + row_h * max(1, len(bars)) + 10
    peak = max(
        [b.high if b.high is not None else b.value or 0.0 for b in bars if b.value is not None]
        or [1.0]
    )
    peak = peak if peak > 0 else 1.0
    parts = [_open(chart_id, title, desc, height)]
    x0 = label_w + 10
    parts.append(
        f'<line x1="{x0}" y1="{top}" x2="{x0}" y2="{height - 10}" stroke="{GRID}" '
        f'stroke-width="1"/>'
    )
    for i, b in enumerate(bars):
        y = top + i * row_h
        mid = y + row_h / 2
        parts.append(_text(label_w, mid + 4, _clip(b.label, 44), "end"))
        if b.value is None:
            parts.append(_text(x0 + 6, mid + 4, na))
            continue
        w = max(0.0, b.value / peak * plot_w)
        parts.append(
            f'<rect x="{x0}" y="{y + 5}" width="{w:.1f}" height="{row_h - 10}" fill="{BAR}"/>'
        )
        end = w
        if b.low is not None and b.high is not None:
            x1, x2 = x0 + b.low / peak * plot_w, x0 + b.high / peak * plot_w
            parts.append(_whisker_h(x1, x2, mid))
            end = max(end, x2 - x0)
        parts.append(_text(x0 + end + 8, mid + 4, b.text))
    parts.append("</svg>")
    return "".join(parts)


def column_chart(
    chart_id: str,
    title: str,
    desc: str,
    *,
    labels: Sequence[str],
    values: Sequence[float | None],
    unit: str,
    fmt: Callable[[float], str],
) -> str:
    """Vertical bars over time (one per bucket) on a value axis with ticks in ``unit``."""
    left, right, top, bottom = 70, 20, 24, 60
    height = 300
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    known = [v for v in values if v is not None]
    ticks = nice_ticks(0.0, max(known) if known and max(known) > 0 else 1.0)
    peak = ticks[-1] or 1.0
    parts = [_open(chart_id, title, desc, height)]
    parts.append(_text(8, 14, unit))
    for t in ticks:
        y = top + plot_h - t / peak * plot_h
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="0.5" stroke-dasharray="2,3"/>'
        )
        parts.append(_text(left - 6, y + 4, fmt(t), "end"))
    n = max(1, len(labels))
    slot = plot_w / n
    bar_w = max(2.0, min(40.0, slot * 0.7))
    every = max(1, math.ceil(n / 16))
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        cx = left + slot * (i + 0.5)
        if value is not None and value > 0:
            h = value / peak * plot_h
            parts.append(
                f'<rect x="{cx - bar_w / 2:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="{BAR}"/>'
            )
        if i % every == 0:
            y = top + plot_h + 14
            parts.append(_text(cx, y, label, "end", f' transform="rotate(-40 {cx:.1f} {y:.1f})"'))
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{WIDTH - right}" y2="{top + plot_h}" '
        f'stroke="{TEXT}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _axis(
    parts: list[str],
    *,
    ticks_x: list[float],
    ticks_y: list[float],
    to_x: Callable[[float], float],
    to_y: Callable[[float], float],
    fmt_x: Callable[[float], str],
    fmt_y: Callable[[float], str],
    box: tuple[float, float, float, float],
) -> None:
    left, top, right, bottom = box
    for t in ticks_y:
        y = to_y(t)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{GRID}" '
            f'stroke-width="0.5" stroke-dasharray="2,3"/>'
        )
        parts.append(_text(left - 6, y + 4, fmt_y(t), "end"))
    for t in ticks_x:
        x = to_x(t)
        parts.append(
            f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 4}" stroke="{TEXT}"/>'
        )
        parts.append(_text(x, bottom + 18, fmt_x(t), "middle"))
    parts.append(
        f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" '
        f'fill="none" stroke="{TEXT}" stroke-width="1"/>'
    )


def pareto_chart(
    chart_id: str,
    title: str,
    desc: str,
    *,
    points: Sequence[dict[str, object]],
    x_label: str,
    y_label: str,
    fmt_x: Callable[[float], str],
    fmt_y: Callable[[float], str],
) -> str:
    """Energy (x; log scale when it spans more than 20×) against quality (y).

    Points on the Pareto front are filled circles joined by a dashed line; others are hollow
    circles; the recommended model is a larger diamond. Every point is labelled by name.
    Points carry ``name``, ``x``, ``y``, ``on_front``, ``recommended``.
    """
    left, right, top, bottom = 70, WIDTH - 130, 20, 250
    height = 300
    xs = [float(p["x"]) for p in points]  # type: ignore[arg-type]
    ys = [float(p["y"]) for p in points]  # type: ignore[arg-type]
    log = min(xs) > 0 and max(xs) / min(xs) > 20
    tx: Callable[[float], float] = (math.log10) if log else (lambda v: v)
    lo_x, hi_x = tx(min(xs)), tx(max(xs))
    if hi_x - lo_x < 1e-12:
        lo_x, hi_x = lo_x - 1, hi_x + 1
    pad = (hi_x - lo_x) * 0.08
    lo_x, hi_x = lo_x - pad, hi_x + pad
    lo_y, hi_y = min(ys), max(ys)
    if hi_y - lo_y < 1e-12:
        lo_y, hi_y = lo_y - 0.05, hi_y + 0.05
    pad_y = (hi_y - lo_y) * 0.12
    lo_y, hi_y = lo_y - pad_y, hi_y + pad_y

    def to_x(v: float) -> float:
        return left + (v - lo_x) / (hi_x - lo_x) * (right - left)

    def to_y(v: float) -> float:
        return bottom - (v - lo_y) / (hi_y - lo_y) * (bottom - top)

    parts = [_open(chart_id, title, desc, height)]
    if log:
        ticks_x = [float(e) for e in range(math.ceil(lo_x), math.floor(hi_x) + 1)]
        _axis(
            parts,
            ticks_x=ticks_x,
            ticks_y=[t for t in nice_ticks(lo_y, hi_y) if lo_y <= t <= hi_y],
            to_x=to_x,
            to_y=to_y,
            fmt_x=lambda e: fmt_x(10**e),
            fmt_y=fmt_y,
            box=(left, top, right, bottom),
        )
    else:
        _axis(
            parts,
            ticks_x=[t for t in nice_ticks(lo_x, hi_x) if lo_x <= t <= hi_x],
            ticks_y=[t for t in nice_ticks(lo_y, hi_y) if lo_y <= t <= hi_y],
            to_x=to_x,
            to_y=to_y,
            fmt_x=fmt_x,
            fmt_y=fmt_y,
            box=(left, top, right, bottom),
        )
    parts.append(_text((left + right) / 2, height - 14, x_label, "middle"))
    parts.append(
        _text(
            14,
            (top + bottom) / 2,
            y_label,
            "middle",
            f' transform="rotate(-90 14 {(top + bottom) / 2:.1f})"',
        )
    )
    front = sorted(
        ((tx(float(p["x"])), float(p["y"])) for p in points if p.get("on_front")),  # type: ignore[arg-type]
    )
    if len(front) > 1:
        path = " ".join(f"{to_x(x):.1f},{to_y(y):.1f}" for x, y in front)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{BAR}" stroke-width="1.5" '
            f'stroke-dasharray="5,4"/>'
        )
    for p in points:
        x, y = to_x(tx(float(p["x"]))), to_y(float(p["y"]))  # type: ignore[arg-type]
        if p.get("recommended"):
            parts.append(
                f'<path d="M{x:.1f},{y - 8:.1f} L{x + 8:.1f},{y:.1f} L{x:.1f},{y + 8:.1f} '
                f'L{x - 8:.1f},{y:.1f} Z" fill="{SECOND}" stroke="{TEXT}" stroke-width="1"/>'
            )
        elif p.get("on_front"):
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{BAR}"/>')
        else:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#ffffff" stroke="{BAR}" '
                f'stroke-width="2"/>'
            )
        parts.append(_text(x + 10, y - 6, _clip(str(p["name"]), 22)))
    parts.append("</svg>")
    return "".join(parts)


def learning_curve_chart(
    chart_id: str,
    title: str,
    desc: str,
    *,
    points: Sequence[dict[str, float | None]],
    smallest: float | None,
    x_label: str,
    y_label: str,
    smallest_label: str,
    fmt_x: Callable[[float], str],
    fmt_y: Callable[[float], str],
) -> str:
    """Score (y, with ± one standard deviation) against the share of training data (x, 0..1).

    The smallest sufficient share is marked by a dashed vertical line with its label.
    """
    left, right, top, bottom = 70, WIDTH - 20, 20, 250
    height = 300
    ys: list[float] = []
    for p in points:
        mean = float(p["score_mean"] or 0.0)
        sd = float(p.get("score_std") or 0.0)
        ys += [mean - sd, mean + sd]
    lo_y, hi_y = min(ys), max(ys)
    if hi_y - lo_y < 1e-12:
        lo_y, hi_y = lo_y - 0.05, hi_y + 0.05
    pad = (hi_y - lo_y) * 0.1
    lo_y, hi_y = lo_y - pad, hi_y + pad

    def to_x(v: float) -> float:
        return left + v * (right - left)

    def to_y(v: float) -> float:
        return bottom - (v - lo_y) / (hi_y - lo_y) * (bottom - top)

    parts = [_open(chart_id, title, desc, height)]
    _axis(
        parts,
        ticks_x=[0.0, 0.2, 0.4, 0.6, 0.8, 1.0],
        ticks_y=[t for t in nice_ticks(lo_y, hi_y) if lo_y <= t <= hi_y],
        to_x=to_x,
        to_y=to_y,
        fmt_x=fmt_x,
        fmt_y=fmt_y,
        box=(left, top, right, bottom),
    )
    parts.append(_text((left + right) / 2, height - 14, x_label, "middle"))
    parts.append(
        _text(
            14,
            (top + bottom) / 2,
            y_label,
            "middle",
            f' transform="rotate(-90 14 {(top + bottom) / 2:.1f})"',
        )
    )
    if smallest is not None:
        x = to_x(smallest)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="{SECOND}" '
            f'stroke-width="2" stroke-dasharray="6,4"/>'
        )
        anchor = "end" if smallest > 0.7 else "start"
        parts.append(_text(x + (-6 if anchor == "end" else 6), top + 14, smallest_label, anchor))
    line = " ".join(
        f"{to_x(float(p['fraction'] or 0.0)):.1f},{to_y(float(p['score_mean'] or 0.0)):.1f}"
        for p in points
    )
    parts.append(f'<polyline points="{line}" fill="none" stroke="{BAR}" stroke-width="2"/>')
    for p in points:
        x, mean = to_x(float(p["fraction"] or 0.0)), float(p["score_mean"] or 0.0)
        sd = float(p.get("score_std") or 0.0)
        if sd:
            y1, y2 = to_y(mean - sd), to_y(mean + sd)
            parts.append(
                f'<line x1="{x:.1f}" y1="{y1:.1f}" x2="{x:.1f}" y2="{y2:.1f}" stroke="{TEXT}" '
                f'stroke-width="1.5"/>'
                f'<line x1="{x - 4:.1f}" y1="{y1:.1f}" x2="{x + 4:.1f}" y2="{y1:.1f}" '
                f'stroke="{TEXT}" stroke-width="1.5"/>'
                f'<line x1="{x - 4:.1f}" y1="{y2:.1f}" x2="{x + 4:.1f}" y2="{y2:.1f}" '
                f'stroke="{TEXT}" stroke-width="1.5"/>'
            )
        parts.append(f'<circle cx="{x:.1f}" cy="{to_y(mean):.1f}" r="4" fill="{BAR}"/>')
    parts.append("</svg>")
    return "".join(parts)
