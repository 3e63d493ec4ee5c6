"""Server-rendered bar charts as inline SVG: no JavaScript, no external libraries.

The Content Security Policy forbids inline scripts and styles, so the SVG uses presentation
attributes only (``fill``, ``font-size`` …), never ``style=``. Each chart is an image to
assistive technology (``role="img"`` with ``<title>`` and ``<desc>``) and the page shows the same
figures in a table next to it, which is the text alternative.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK = "#1a1a1a"
GRID = "#c8c8c8"
# Bar colours with at least 3:1 contrast against white (WCAG 2.1 1.4.11, non-text contrast).
COLOURS = ("#003a70", "#767676", "#1d6b2f", "#a30d11")

_HEIGHT = 260
_TOP = 44  # room for the legend
_BOTTOM = 34  # room for the category labels
_LEFT = 52  # room for the value axis labels
_RIGHT = 12
_MIN_GROUP = 36
_MIN_PLOT = 600
_TICKS = 5
_VALUE_LABELS_UP_TO = 16  # bars; with more the figures are in the table only


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]
    colour: str = COLOURS[0]


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above ``value`` (an axis maximum)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power + 1e-9:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def _num(value: float) -> str:
    """A coordinate with at most one decimal."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _label(value: float, decimals: int, unit: str) -> str:
    return f"{number_format(round(value, decimals), decimals)}{unit}"


def bar_chart(*, chart_id: str, title: str, description: str, categories: Sequence[str],
              series: Sequence[Series], unit: str = "", decimals: int = 0,
              max_value: float | None = None,
              value_label: Callable[[float], str] | None = None) -> SafeString:
    """A vertical bar chart, one group of bars per category, one bar per series."""
    values = [v for s in series for v in s.values if v is not None]
    top = max_value if max_value is not None else nice_ceiling(max(values, default=0.0))
    count = max(len(categories), 1)
    group = max(_MIN_GROUP, _MIN_PLOT / count)
    plot_width = group * count
    width = _LEFT + plot_width + _RIGHT
    plot_height = _HEIGHT - _TOP - _BOTTOM
    baseline = _TOP + plot_height
    bar_width = group * 0.8 / max(len(series), 1)
    fmt = value_label or (lambda v: _label(v, decimals, unit))

    def y(value: float) -> float:
        return baseline - plot_height * min(value, top) / top

    parts = [
        f'<svg id="{escape(chart_id)}" class="chart" role="img" focusable="false" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'viewBox="0 0 {_num(width)} {_HEIGHT}" width="{_num(width)}" height="{_HEIGHT}" '
        f'preserveAspectRatio="xMinYMin meet" font-family="system-ui, sans-serif" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]
    # legend
    x = _LEFT
    for item in series:
        parts.append(f'<rect x="{_num(x)}" y="10" width="14" height="14" fill="{item.colour}"/>')
        parts.append(f'<text x="{_num(x + 20)}" y="22" font-size="13" fill="{INK}">'
                     f'{escape(item.label)}</text>')
        x += 28 + 7.5 * len(item.label)
    # value axis: five steps of a round size (10, 0.5, 4 …), labelled without false precision
    tick = top / _TICKS
    tick_decimals = 0 if abs(tick - round(tick)) < 1e-9 else 1
    for step in range(_TICKS + 1):
        value = tick * step
        gy = y(value)
        parts.append(f'<line x1="{_LEFT}" x2="{_num(_LEFT + plot_width)}" y1="{_num(gy)}" '
                     f'y2="{_num(gy)}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(f'<text x="{_LEFT - 6}" y="{_num(gy + 4)}" font-size="11" fill="{INK}" '
                     f'text-anchor="end">{escape(_label(value, tick_decimals, unit))}</text>')
    show_values = len(categories) * len(series) <= _VALUE_LABELS_UP_TO
    for index, category in enumerate(categories):
        gx = _LEFT + group * index + group * 0.1
        for position, item in enumerate(series):
            value = item.values[index] if index < len(item.values) else None
            if value is None:
                continue
            bx = gx + bar_width * position
            by = y(value)
            parts.append(f'<rect x="{_num(bx)}" y="{_num(by)}" width="{_num(bar_width - 1)}" '
                         f'height="{_num(baseline - by)}" fill="{item.colour}"/>')
            if show_values:
                parts.append(f'<text x="{_num(bx + bar_width / 2)}" y="{_num(by - 4)}" '
                             f'font-size="10" fill="{INK}" text-anchor="middle">'
                             f'{escape(fmt(value))}</text>')
        parts.append(f'<text x="{_num(_LEFT + group * index + group / 2)}" '
                     f'y="{_num(baseline + 18)}" font-size="11" fill="{INK}" '
                     f'text-anchor="middle">{escape(category)}</text>')
    parts.append(f'<line x1="{_LEFT}" x2="{_num(_LEFT + plot_width)}" y1="{_num(baseline)}" '
                 f'y2="{_num(baseline)}" stroke="{INK}" stroke-width="1"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
