"""Server-drawn SVG charts (no chart library, no JavaScript). Each chart has a table next to it in
the page, which is its text equivalent. The SVG is a titled group (role="group", not "img"): its bars
are links, and links inside an image are hidden from assistive technology (axe: nested-interactive)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

# A narrow drawing, each label on its own line above its bar: on a 390 px phone the drawing is about
# 1:1, so the 13-unit text (static/css: .chart) comes out near 13 px, and labels get the full width
# instead of a column beside the bars. On wide screens CSS caps the drawing at 27rem (about 15 px text).
WIDTH = 360
ROW = 38
VALUE_W = 64
# Label length in "narrow character" units; a CJK (wide) character counts two.
MAX_LABEL = 50


@dataclass
class Bar:
    """One bar: label, numeric value, the value as displayed, and the link behind it."""

    label: str
    value: float
    display: str
    href: str


def _short(label: str) -> str:
    """The label cut to MAX_LABEL units (wide characters count double) with an ellipsis."""
    used = 0
    for index, char in enumerate(label):
        used += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
        if used > MAX_LABEL - 1 and index < len(label) - 1:
            return label[:index] + "…"
    return label


def bar_chart(bars: list[Bar], title: str, rtl: bool = False) -> Markup:
    """Horizontal bars under their labels, longest = full width; mirrored for right-to-left languages."""
    height = max(1, len(bars)) * ROW + 4
    top = max((b.value for b in bars), default=0) or 1
    bar_area = WIDTH - 8 - VALUE_W
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="group" '
             f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>']
    for i, bar in enumerate(bars):
        y = i * ROW + 2
        w = max(1.0, bar_area * bar.value / top) if bar.value else 0.0
        if rtl:
            label_x, label_anchor = WIDTH - 4, "end"
            bar_x = WIDTH - 4 - w
            value_x, value_anchor = bar_x - 6, "end"
        else:
            label_x, label_anchor = 4, "start"
            bar_x = 4
            value_x, value_anchor = bar_x + w + 6, "start"
        parts.append(
            f'<a href="{escape(bar.href)}"><title>{escape(bar.label)}: {escape(bar.display)}</title>'
            f'<text x="{label_x}" y="{y + 14}" text-anchor="{label_anchor}" class="chart-label">'
            f'{escape(_short(bar.label))}</text>'
            f'<rect x="{bar_x:.1f}" y="{y + 20}" width="{w:.1f}" height="13" rx="2" class="chart-bar"/>'
            f'<text x="{value_x:.1f}" y="{y + 31}" text-anchor="{value_anchor}" class="chart-value">'
            f'{escape(bar.display)}</text></a>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated value is escaped above


def progress_bar(share: float, label: str) -> Markup:
    """A goal progress bar (0-100%, clipped), direction handled by CSS (logical)."""
    pct = max(0.0, min(1.0, share)) * 100
    return Markup(  # noqa: S704 - the label is escaped, the rest are numbers
        f'<svg class="goal-bar" viewBox="0 0 100 6" preserveAspectRatio="none" width="100%" height="14" '
        f'role="img" aria-label="{escape(label)}"><rect x="0" y="0" width="100" height="6" class="goal-track"/>'
        f'<rect x="0" y="0" width="{pct:.2f}" height="6" class="goal-fill"/></svg>'
    )


def cumulative_chart(points: list[tuple[date, float]], events: list[tuple[date, str]], title: str,
                     axis_label, event_label, date_label=None) -> Markup:
    """A step line of the cumulative value by month, with the pledging events inside its time span
    marked by numbered vertical lines (the table beside it names them). `axis_label(value)` formats the
    top of the axis; `event_label(number, name, date)` titles each marker; `date_label(date)` writes the
    first and last months under the axis. Time runs left to right."""
    width, height, pad, top_pad, bottom = 360, 216, 6, 22, 16
    first, last = points[0][0], points[-1][0]
    span = max(1, (last.year - first.year) * 12 + last.month - first.month)
    top = max(v for _, v in points) or 1.0

    def x(d: date) -> float:
        return pad + (width - 2 * pad) * ((d.year - first.year) * 12 + d.month - first.month
                                          + (d.day - 1) / 31) / span

    def y(v: float) -> float:
        return height - bottom - (height - bottom - top_pad) * v / top

    steps = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points)
    parts = [f'<svg class="timeline-chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<line x1="{pad}" y1="{height - bottom}" x2="{width - pad}" y2="{height - bottom}" class="chart-axis"/>',
             f'<text x="{pad}" y="14" class="chart-value">{escape(axis_label(top))}</text>',
             f'<polyline points="{steps}" class="chart-line" fill="none"/>']
    number = 0
    for d, name in events:
        if first <= d <= date(last.year, last.month, 28):
            number += 1
            ex = x(d)
            parts.append(f'<g class="chart-event"><title>{escape(event_label(number, name, d))}</title>'
                         f'<line x1="{ex:.1f}" y1="{top_pad}" x2="{ex:.1f}" y2="{height - bottom}"/>'
                         f'<text x="{ex + 2:.1f}" y="{top_pad + 10}">{number}</text></g>')
    if date_label is not None:
        parts.append(f'<text x="{pad}" y="{height - 3}" class="chart-value">{escape(date_label(first))}</text>'
                     f'<text x="{width - pad}" y="{height - 3}" text-anchor="end" class="chart-value">'
                     f'{escape(date_label(last))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated value is escaped above
