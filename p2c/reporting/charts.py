"""Server-drawn SVG charts (no chart library, no JavaScript). Each chart has a table next to it in
the page, which is its text equivalent; the SVG itself is aria-hidden-free but titled."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

# A narrow drawing, so that on a 360 px phone the 12-unit text still comes out near 10 px.
WIDTH = 420
ROW = 24
LABEL_W = 165
VALUE_W = 56
MAX_LABEL = 26


@dataclass
class Bar:
    """One bar: label, numeric value, the value as displayed, and the link behind it."""

    label: str
    value: float
    display: str
    href: str


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def bar_chart(bars: list[Bar], title: str, rtl: bool = False) -> Markup:
    """Horizontal bars, longest = full width; mirrored for right-to-left languages."""
    height = max(1, len(bars)) * ROW + 4
    top = max((b.value for b in bars), default=0) or 1
    bar_area = WIDTH - LABEL_W - VALUE_W - 12
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
             f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>']
    for i, bar in enumerate(bars):
        y = i * ROW + 2
        w = max(1.0, bar_area * bar.value / top) if bar.value else 0.0
        if rtl:
            label_x, label_anchor = WIDTH - 4, "end"
            bar_x = WIDTH - LABEL_W - 8 - w
            value_x, value_anchor = bar_x - 6, "end"
        else:
            label_x, label_anchor = 4, "start"
            bar_x = LABEL_W + 8
            value_x, value_anchor = bar_x + w + 6, "start"
        parts.append(
            f'<a href="{escape(bar.href)}"><title>{escape(bar.label)}: {escape(bar.display)}</title>'
            f'<text x="{label_x}" y="{y + 16}" text-anchor="{label_anchor}" class="chart-label">'
            f'{escape(_short(bar.label))}</text>'
            f'<rect x="{bar_x:.1f}" y="{y + 4}" width="{w:.1f}" height="{ROW - 8}" rx="2" class="chart-bar"/>'
            f'<text x="{value_x:.1f}" y="{y + 16}" text-anchor="{value_anchor}" class="chart-value">'
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
